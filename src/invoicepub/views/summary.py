"""The headline of a document's page: what is due and by when, or that nothing is; what an
estimate totals and whether it can still be accepted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..figures import ACCEPTED, DECLINED, EXPIRED, OPEN, OVERDUE, PAID, VOID, InvoiceFigures
from ..i18n import Formatter
from ..model import CREDIT_NOTE, ESTIMATE
from ..site import InvoiceEntry


@dataclass(frozen=True)
class Summary:
    """The headline: what is due and by when, or that nothing is."""

    label: str
    amount: str
    detail: str
    can_pay: bool
    note: str = ""  # with a payment plan: the whole balance beside what is to pay now


def paid_in_full(figures: InvoiceFigures) -> bool:
    """Whether the payments alone settle the invoice: a credit note on it is then to be refunded."""
    return figures.amount_due > 0 and figures.paid >= figures.amount_due


def balance_label(fmt: Formatter, figures: InvoiceFigures) -> str:
    """A balance below zero is "to be refunded" when credit notes took it there, else a credit."""
    if figures.balance >= 0:
        return fmt.gettext("Balance due")
    return fmt.gettext("To be refunded") if figures.credited > 0 else fmt.gettext("Credit in your favour")


def summary(fmt: Formatter, entry: InvoiceEntry, today: datetime.date, corrected: InvoiceEntry | None = None) -> Summary:
    figures = entry.figures
    currency = entry.invoice.currency
    if entry.invoice.kind == ESTIMATE:
        return _estimate_summary(fmt, entry)
    if entry.invoice.kind == CREDIT_NOTE:
        detail = fmt.label("credited_against", number=entry.invoice.corrects)
        if corrected is not None and paid_in_full(corrected.figures):
            detail = fmt.gettext("Invoice {number} was already paid in full: this amount is to be refunded to you.", number=entry.invoice.corrects)
        if figures.status == VOID:
            detail = fmt.gettext("This credit note has been voided: it credits nothing.")
        return Summary(fmt.gettext("Amount credited"), fmt.money(-figures.credited, currency), detail, False)
    if figures.status == VOID:
        void_notice = fmt.gettext("This invoice has been voided. Nothing is due and it cannot be paid.")
        return Summary(fmt.gettext("Nothing to pay"), fmt.money(figures.payable, currency), void_notice, False)
    if figures.status == PAID:
        label = balance_label(fmt, figures) if figures.balance < 0 else fmt.gettext("Nothing to pay")
        if figures.balance < 0:
            detail = fmt.gettext("Payments and credit notes exceed the amount due: the difference is yours.")
        elif figures.credited:
            detail = fmt.gettext("Settled with payments and credit notes.")
        else:
            detail = fmt.gettext("Paid in full. Thank you!")
        return Summary(label, fmt.money(abs(figures.balance), currency), detail, False)
    # With a payment plan, the date is the earliest unpaid instalment's (figures.next_due).
    due = figures.next_due or entry.invoice.due
    if figures.status == OVERDUE:
        # Never "18 days overdue": printed or saved, the page must still be true on a later day.
        detail = fmt.gettext("overdue as of {date} (due {due})", date=fmt.date(today), due=fmt.date(due))
    else:
        detail = fmt.gettext("due {date}", date=fmt.date(due))
    if figures.instalments:
        note = fmt.gettext("Balance {balance} in instalments: see the payment plan below.", balance=fmt.money(figures.balance, currency))
        return Summary(fmt.gettext("To pay now"), fmt.money(figures.to_pay_now, currency), detail, entry.ways is not None, note)
    return Summary(fmt.gettext("Balance due"), fmt.money(figures.balance, currency), detail, entry.ways is not None)


def _estimate_summary(fmt: Formatter, entry: InvoiceEntry) -> Summary:
    """An estimate's headline: its total and whether it can still be accepted."""
    estimate, figures = entry.invoice, entry.figures
    valid_until = fmt.date(estimate.valid_until)
    detail = {
        OPEN: fmt.gettext("Valid until {date}.", date=valid_until),
        EXPIRED: fmt.gettext("This estimate expired on {date}.", date=valid_until),
        ACCEPTED: fmt.gettext("Accepted. Thank you!"),
        DECLINED: fmt.gettext("This estimate was declined."),
    }[figures.status]
    return Summary(fmt.gettext("Estimate total"), fmt.money(figures.amount_due, estimate.currency), detail, False)

