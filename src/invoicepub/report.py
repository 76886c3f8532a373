"""The owner's view of open invoices (``invoices status``): most urgent first, totals per currency."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .figures import totals
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
    # With a payment plan, only the unpaid part of the overdue instalments is overdue (SPEC §14).
    sums = totals(entry.figures for entry in open_entries)
    outstanding = {currency: total.outstanding for currency, total in sums.items()}
    overdue = {currency: total.overdue for currency, total in sums.items() if total.overdue > 0}
    return StatusReport(tuple(open_entries), outstanding, overdue)
