"""``invoices pay``: append a payment to an invoice's file, keeping its comments and layout."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..model import ESTIMATE, INVOICE
from ..money import fits_minor_units, minor_units, plain
from ..record_payment import NewPayment, append_payment

from . import common
from .common import CommandError


HELP = "record a payment on an invoice"
DESCRIPTION = "Append a payment to an invoice's file, keeping its comments and layout."


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="the invoice number")
    parser.add_argument("amount", metavar="AMOUNT", help="the amount received, e.g. 200.00")
    parser.add_argument("--date", help="the date received, YYYY-MM-DD (default: today)")
    parser.add_argument("--method", help="how it was paid, e.g. 'bank transfer'")
    parser.add_argument("--reference", help="the payment's reference, e.g. the bank's transaction id")


def run(root: Path, args: argparse.Namespace) -> int:
    site = common.load(root)
    entry = site.entry(args.number)
    if entry is None:
        raise CommandError(f"unknown invoice number {args.number!r}")
    invoice = entry.invoice
    if invoice.kind != INVOICE:
        what = "an estimate" if invoice.kind == ESTIMATE else "a credit note"
        raise CommandError(f"{invoice.number} is {what}: payments are recorded on invoices")
    if invoice.state in ("void", "draft"):
        raise CommandError(f"invoice {invoice.number} is {invoice.state}: it cannot take a payment")
    amount = _amount(args.amount, invoice.currency)
    today = common.today()
    day = common.day_option(args.date, "--date", today)
    if day > today:
        raise CommandError(f"--date {day.isoformat()} is after today ({today.isoformat()}): record a payment once it is received")
    path = root / invoice.source.path
    original = path.read_text(encoding="utf-8")
    with common.refusing(f"{invoice.source.path}: "):
        updated = append_payment(original, NewPayment(day, args.amount.strip(), args.method, args.reference))
    common.write_atomically(path, updated)
    try:
        after = common.load(root)
        new_entry = after.entry(invoice.number)
        if new_entry is None or len(new_entry.invoice.payments) != len(invoice.payments) + 1:
            raise CommandError(f"{invoice.source.path}: the payment could not be appended; the file is unchanged")
    except BaseException:  # whatever went wrong, the file is as it was
        common.write_atomically(path, original)
        raise
    currency = invoice.currency
    before, figures = entry.figures, new_entry.figures
    if figures.balance < 0 and amount > max(before.balance, Decimal(0)):
        print(
            f"invoices: warning: this payment is {plain(amount - max(before.balance, Decimal(0)), currency)} {currency} more "
            f"than was still to pay ({plain(max(before.balance, Decimal(0)), currency)} {currency}); the invoice now shows a credit",
            file=sys.stderr,
        )
    if figures.balance > 0:
        outcome = f"{plain(figures.balance, currency)} {currency} still to pay ({figures.status})"
    elif figures.balance == 0:
        outcome = "paid in full"
    else:
        outcome = f"paid in full, with a credit of {plain(-figures.balance, currency)} {currency} in the client's favour"
    print(f"recorded {plain(amount, currency)} {currency} on invoice {invoice.number} ({invoice.source.path}): {outcome}")
    return 0


def _amount(text: str, currency: str) -> Decimal:
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        raise CommandError(f"amount {text!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise CommandError(f"amount must be greater than zero, got {text!r}")
    if not fits_minor_units(amount, currency):
        raise CommandError(f"amount {text!r} has more decimals than {currency} allows ({minor_units(currency)})")
    return amount

