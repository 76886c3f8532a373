"""``invoices new``: write the next invoice file of a client, as a draft."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..fields import identifier
from ..load import load_ledger
from ..new_invoice import plan_new_invoice

from . import common


HELP = "start the next invoice for a client"
DESCRIPTION = "Write the next invoice file for CLIENT (as a draft) and print its path."


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("client", metavar="CLIENT", help="the client's id: its file name in invoices/clients/ without .yml")
    parser.add_argument("--number", help="use this invoice number instead of the next one in sequence")


def run(root: Path, args: argparse.Namespace) -> int:
    today = common.today()
    ledger = load_ledger(root, today)
    number = _number(args.number)
    with common.refusing():
        planned = plan_new_invoice(root, ledger, args.client, today, number)
    common.write_new(planned.path, planned.text)
    print(planned.path.relative_to(root).as_posix())
    return 0


def _number(text: str | None) -> str | None:
    """``--number``, held to the rule of a number written in a file: one line, compared in NFC."""
    if text is None:
        return None
    with common.refusing("--number: "):
        return identifier(text, None)
