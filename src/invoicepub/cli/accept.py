"""``invoices accept``: mark an estimate accepted and write the invoice that follows from it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..load import load_ledger
from ..accept_estimate import plan_acceptance
from ..problems import InvoiceError

from . import common
from .common import CommandError


HELP = "accept an estimate and write its invoice"
DESCRIPTION = "Mark an estimate accepted in its file (keeping its comments) and write the invoice that follows from it."


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="the estimate's number")
    parser.add_argument("--date", help="the day it was accepted and the invoice is issued, YYYY-MM-DD (default: today)")


def run(root: Path, args: argparse.Namespace) -> int:
    today = common.today()
    ledger = load_ledger(root, today)
    day = common.day_option(args.date, "--date", today)
    if day > today:
        raise CommandError(f"--date {day.isoformat()} is after today ({today.isoformat()})")
    with common.refusing():
        planned = plan_acceptance(root, ledger, args.number, day, today)
    original = planned.estimate_path.read_text(encoding="utf-8")
    common.write_new(planned.invoice_path, planned.invoice_text)
    common.write_atomically(planned.estimate_path, planned.estimate_text)
    try:
        common.load(root)  # both files must still make a valid site, or neither is kept
    except (InvoiceError, CommandError):
        common.write_atomically(planned.estimate_path, original)
        planned.invoice_path.unlink()
        raise
    print(f"accepted estimate {args.number}; wrote invoice {planned.invoice_number}: {planned.invoice_path.relative_to(root).as_posix()}")
    return 0

