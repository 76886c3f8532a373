"""The statement of account (SPEC §8, §14): one client's invoices, credit notes and payments in
one currency, in date order, with a running balance; and the same account cut into calendar years.

Every amount is one the figures already hold: an invoice charges its amount due, a credit
note credits its credited amount, a payment pays its amount. The closing balance is
therefore Σ (amount due − paid − credited) over the client's invoices: the balance of each,
which is what the client page adds up as outstanding. Void invoices charge nothing and are
left out; estimates are not part of an account.

A year's statement holds the movements dated in that year. It opens on the balance the years
before it closed on (zero for the first), so the years chain exactly: each year's closing
balance is the next one's opening balance, and the last year's is the account's closing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from typing import TYPE_CHECKING, Sequence

from .figures import VOID

if TYPE_CHECKING:  # site.py reads the years with activity from here
    from .site import ClientEntry, InvoiceEntry

CHARGE = "invoice"
CREDIT = "credit_note"
PAYMENT = "payment"
# On one day, charges come before what settles them.
_ORDER = {CHARGE: 0, CREDIT: 1, PAYMENT: 2}


@dataclass(frozen=True)
class StatementLine:
    """One movement on the account and the balance after it."""

    date: datetime.date
    kind: str  # CHARGE, CREDIT or PAYMENT
    entry: InvoiceEntry  # the invoice or credit note; for a payment, the invoice it paid
    amount: Decimal  # always positive: charged, credited or paid according to ``kind``
    balance: Decimal  # running: charged − credited − paid so far; negative is a credit
    method: str | None = None  # a payment's


@dataclass(frozen=True)
class Statement:
    """The account in one currency: all of it, or one calendar year of it."""

    currency: str
    lines: tuple[StatementLine, ...]
    closing: Decimal  # all of it: equals Σ balances of the client's invoices in this currency
    opening: Decimal = Decimal(0)  # a year's: the closing balance of the years before it
    year: int | None = None  # None: the whole account


def statements(entry: ClientEntry) -> tuple[Statement, ...]:
    """The client's statement in each currency it was invoiced in, by currency code
    (``account``, worked out once when the site is laid out)."""
    return entry.account


def years_with_activity(account: Sequence[Statement]) -> tuple[int, ...]:
    """The calendar years in which the account moved (an invoice, a credit note or a payment), oldest first."""
    return tuple(sorted({line.date.year for statement in account for line in statement.lines}))


def year_statements(entry: ClientEntry, year: int) -> tuple[Statement, ...]:
    """The statement of ``year`` in each currency that moved in it or carried a balance through it,
    by currency code."""
    result = []
    for statement in statements(entry):
        before = [line for line in statement.lines if line.date.year < year]
        lines = tuple(line for line in statement.lines if line.date.year == year)
        opening = before[-1].balance if before else Decimal(0)
        if not lines:
            if opening:  # still owed (or owed back) all year: the year opens and closes on it
                result.append(Statement(currency=statement.currency, lines=(), closing=opening, opening=opening, year=year))
            continue
        result.append(Statement(currency=statement.currency, lines=lines, closing=lines[-1].balance, opening=opening, year=year))
    return tuple(result)


def account(invoices: Sequence[InvoiceEntry], credit_notes: Sequence[InvoiceEntry]) -> tuple[Statement, ...]:
    """The whole account of these documents (one client's), per currency, by currency code."""
    movements: dict[str, list[tuple[datetime.date, str, str, InvoiceEntry, Decimal, str | None]]] = {}
    for invoice_entry in invoices:
        invoice, figures = invoice_entry.invoice, invoice_entry.figures
        if figures.status == VOID:
            continue
        found = movements.setdefault(invoice.currency, [])
        found.append((invoice.issued, CHARGE, invoice.number, invoice_entry, figures.amount_due, None))
        for payment in invoice.payments:
            found.append((payment.date, PAYMENT, invoice.number, invoice_entry, payment.amount, payment.method))
    for note_entry in credit_notes:
        note = note_entry.invoice
        if note_entry.figures.status == VOID:
            continue
        movements.setdefault(note.currency, []).append(
            (note.issued, CREDIT, note.number, note_entry, note_entry.figures.credited, None)
        )
    result = []
    for currency in sorted(movements):
        balance = Decimal(0)
        lines = []
        for day, kind, _, document, amount, method in sorted(movements[currency], key=lambda m: (m[0], _ORDER[m[1]], m[2])):
            balance += amount if kind == CHARGE else -amount
            lines.append(StatementLine(date=day, kind=kind, entry=document, amount=amount, balance=balance, method=method))
        result.append(Statement(currency=currency, lines=tuple(lines), closing=balance))
    return tuple(result)
