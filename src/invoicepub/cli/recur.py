"""``invoices recur``: write the recurring invoices whose period has come."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..problems import InvoiceError
from ..recurring import plan_recurring

from . import common


HELP = "write the recurring invoices whose period has come"
DESCRIPTION = (
    "Write one invoice file for every period of every series in invoices/recurring/ whose issue date "
    "has come and that has no invoice yet, and print the new paths. Run twice, it writes nothing new."
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--until", help="write the periods issued up to this date, YYYY-MM-DD (default: today)")


def run(root: Path, args: argparse.Namespace) -> int:
    today = common.today()
    until = common.day_option(args.until, "--until", today)
    site = common.load(root)  # every file checked first: nothing is written beside an invalid invoice
    with common.refusing():
        planned = plan_recurring(root, site.ledger, until)
    if not planned:
        print(f"no recurring invoices to write up to {until.isoformat()}")
        return 0
    written: list[Path] = []
    try:
        for new in planned:
            common.write_new(new.path, new.text)
            written.append(new.path)
        common.load(root)  # what was written must read back as valid invoices
    except (InvoiceError, OSError):
        for path in written:
            path.unlink()
        raise
    for new in planned:
        print(new.path.relative_to(root).as_posix())
    return 0

