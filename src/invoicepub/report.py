"""The owner's view of open invoices (``invoices status``): most urgent first, totals per currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import OVERDUE
from .site import InvoiceEntry, Site


@dataclass(frozen=True)
class StatusReport:
    open_invoices: tuple[InvoiceEntry, ...]
    outstanding: dict[str, Decimal]  # per currency
    overdue: dict[str, Decimal]  # per currency


def status_report(site: Site) -> StatusReport:
    """Open invoices (due, partially paid, overdue): the most days overdue first, then the nearest due
    date (with a payment plan, the earliest unpaid instalment's)."""
    open_entries = [entry for entry in site.published if entry.figures.is_open]
    open_entries.sort(key=lambda e: (-e.figures.days_overdue, e.figures.next_due or e.invoice.due, e.invoice.number))
    outstanding: dict[str, Decimal] = {}
    overdue: dict[str, Decimal] = {}
    for entry in open_entries:
        currency = entry.invoice.currency
        outstanding[currency] = outstanding.get(currency, Decimal(0)) + entry.figures.balance
        if entry.figures.status == OVERDUE:
            overdue[currency] = overdue.get(currency, Decimal(0)) + entry.figures.balance
    return StatusReport(tuple(open_entries), outstanding, overdue)
