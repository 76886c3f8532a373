"""Recurring invoices (``invoices recur``, SPEC §8): the periods of a series and the invoice files
written for those that have come.

A series bills every month, quarter (calendar quarters: January, April, July, October) or year
(from January). A period's issue date is the series' ``day`` of the period's first month; a
period is billed once its issue date has come, if that date is on or after ``start`` and not
after ``end``. Each invoice written carries ``recurring: <name>`` and ``period: YYYY-MM``, by
which the series finds it again: renaming or moving the file never bills a period twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from babel.dates import format_skeleton

from .i18n import formatter
from .load import INVOICES_DIR
from .model import Ledger, RecurringSeries
from .new_invoice import NewInvoice
from .numbering import file_name  # the same file names as `invoices new`
from .numbering import next_number
from .source import yaml_scalar

MONTHS = {"month": 1, "quarter": 3, "year": 12}
# How a period reads in the client's language: "November 2026" / "noviembre de 2026",
# "4th quarter 2026" / "4.º trimestre de 2026", "2026".
SKELETONS = {"month": "yMMMM", "quarter": "yQQQQ", "year": "y"}
PERIOD_FIELD = "{period}"


@dataclass(frozen=True)
class Period:
    """One period of a series, named by its first month."""

    first_month: datetime.date  # the 1st of the period's first month
    every: str

    @property
    def key(self) -> str:
        """What the invoice's ``period:`` holds: ``YYYY-MM``."""
        return self.first_month.strftime("%Y-%m")

    def issue_date(self, day: int) -> datetime.date:
        return self.first_month.replace(day=day)

    def label(self, language: str) -> str:
        """The period in words, in ``language``."""
        return format_skeleton(SKELETONS[self.every], self.first_month, locale=formatter(language).locale)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def periods(series: RecurringSeries, until: datetime.date) -> Iterator[Period]:
    """Every period of ``series`` whose issue date has come by ``until``, oldest first."""
    step = MONTHS[series.every]
    # Periods are calendar months, quarters or years: the first is the one holding `start`.
    first_month = (series.start.month - 1) // step * step + 1
    month = datetime.date(series.start.year, first_month, 1)
    last = min(until, series.end) if series.end else until
    while month.replace(day=series.day) <= last:
        if month.replace(day=series.day) >= series.start:
            yield Period(month, series.every)
        month = _add_months(month, step)


def plan_recurring(root: Path, ledger: Ledger, until: datetime.date) -> list[NewInvoice]:
    """The invoice files ``invoices recur`` writes: one per period that has come and has none yet,
    oldest first, numbered after the numbers already written. ValueError when a file is in the way."""
    billed = {(invoice.recurring, invoice.period) for invoice in ledger.invoices if invoice.recurring}
    numbers = [(invoice.number, invoice.issued) for invoice in ledger.invoices]
    due = [
        (period.issue_date(series.day), series.name, period, series)
        for series in ledger.series
        for period in periods(series, until)
        if (series.name, period.key) not in billed
    ]
    planned = []
    for issued, _, period, series in sorted(due, key=lambda row: row[:2]):
        number = next_number(numbers, issued)
        numbers.append((number, issued))
        path = Path(root) / INVOICES_DIR / str(issued.year) / f"{file_name(number)}.yml"
        if path.exists() or any(other.path == path for other in planned):
            raise ValueError(f"{path.relative_to(root).as_posix()} already exists: cannot write invoice {number} of series {series.name!r}")
        planned.append(NewInvoice(number=number, path=path, text=invoice_text(series, period, number, issued, ledger.clients[series.client_id].language)))
    return planned


def invoice_text(series: RecurringSeries, period: Period, number: str, issued: datetime.date, language: str) -> str:
    """The YAML of the invoice of ``series`` for ``period``: the series' fields, ``{period}`` in words
    in the client's ``language``."""
    label = period.label(language)
    due = issued + datetime.timedelta(days=series.payment_terms_days)
    lines = [
        f"# Written by `invoices recur` from {series.source.path} ({label}).",
        f"number: {yaml_scalar(number, always_quote=True)}",
        f"client: {yaml_scalar(series.client_id)}",
        f"issued: {issued.isoformat()}",
        f"due: {due.isoformat()}",
        f"recurring: {yaml_scalar(series.name)}",
        f"period: {yaml_scalar(period.key, always_quote=True)}",
        "items:",
    ]
    for item in series.items:
        for index, (key, value) in enumerate((key, value) for key, value in item if value is not None):
            if key in ("description", "details") and isinstance(value, str):
                value = value.replace(PERIOD_FIELD, label)
            lines.append(("  - " if index == 0 else "    ") + f"{key}: {_yaml_value(value)}")
    if series.discount:
        lines.append(f"discount: {yaml_scalar(series.discount)}")
    if series.withholding:
        lines.append(f"withholding: {yaml_scalar(series.withholding)}")
    if series.notes:
        lines.append(f"notes: {yaml_scalar(series.notes)}")
    return "\n".join(lines) + "\n"


def _yaml_value(value: Any) -> str:
    """A value as YAML read it, written back so that it reads the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, datetime.date)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return yaml_scalar(str(value))
