"""Which payment reminders are due today, and the record of those already sent.

An open invoice passes through stages, each starting on a day derived from its due date:

    upcoming    due date − days_before     (when days_before > 0)
    due         the due date
    overdue-1   the day after the due date
    overdue-k   every `every` days after that, while the invoice stays unpaid

On a given day an invoice is owed the reminder of its latest stage that has started,
unless that stage is already in the record. A day the job did not run is caught up the
next day with the latest stage only, and a second run on the same day finds the stage in
the record and sends nothing. The record is ``reminders-sent.yml`` at the site root,
which the reminder workflow commits back to the repository.

An invoice with a payment plan goes through these stages once per unpaid instalment, each
from that instalment's date, and records them as ``"<instalment date> <stage>"`` so that one
instalment's reminders never stand for another's. It is sent at most one reminder a day: the
earliest instalment's; a later instalment's is caught up on a following day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from .figures import OVERDUE
from .site import InvoiceEntry, Site

RECORD_FILE = "reminders-sent.yml"
RECORD_HEADER = (
    "# Payment reminders already sent, by invoice number and stage, with the day sent.\n"
    "# Written by `invoices remind --send`; keep it in the repository so no reminder goes out twice.\n"
)


@dataclass(frozen=True)
class Reminder:
    """One reminder owed today."""

    entry: InvoiceEntry
    stage: str  # "upcoming", "due" or "overdue-<k>"
    due: datetime.date  # the date it reminds of: the invoice's, or its instalment's
    amount: Decimal  # what it asks for: the instalment's unpaid part ahead of its date, else what is to pay now
    key: str  # how the record holds it: the stage, or "<instalment date> <stage>"
    # With a payment plan: which instalment (1-based) of how many, and its unpaid part (SPEC §14).
    instalment: tuple[int, int] | None = None
    unpaid: Decimal | None = None

    @property
    def kind(self) -> str:
        """The stage without its count: "upcoming", "due" or "overdue"."""
        return self.stage.split("-")[0]


def current_stage(due: datetime.date, today: datetime.date, days_before: int, every: int) -> str | None:
    """The latest stage that has started on ``today``, or None before the first one."""
    if today > due:
        overdue_days = (today - due).days  # 1 on the day after the due date
        return f"overdue-{(overdue_days - 1) // every + 1}"
    if today == due:
        return "due"
    if days_before > 0 and today >= due - datetime.timedelta(days=days_before):
        return "upcoming"
    return None


def reminders_due(site: Site, record: dict[str, dict[str, str]], *, days_before: int, every: int) -> list[Reminder]:
    """Reminders owed today for open invoices (never paid, void or draft ones), most overdue first."""
    owed = []
    for entry in site.published:
        figures = entry.figures
        if not figures.is_open:
            continue
        sent = record.get(entry.invoice.number, {})
        if not figures.instalments:
            stage = current_stage(entry.invoice.due, site.today, days_before, every)
            if stage is not None and stage not in sent:
                owed.append(Reminder(entry, stage, entry.invoice.due, figures.to_pay_now, stage))
            continue
        for index, instalment in enumerate(figures.instalments, start=1):
            stage = current_stage(instalment.due, site.today, days_before, every)
            key = f"{instalment.due.isoformat()} {stage}"
            if instalment.unpaid <= 0 or stage is None or key in sent:
                continue
            amount = instalment.unpaid if stage == "upcoming" else figures.to_pay_now
            place = (index, len(figures.instalments))
            owed.append(Reminder(entry, stage, instalment.due, amount, key, instalment=place, unpaid=instalment.unpaid))
            break  # one reminder a day per invoice: the earliest instalment's
    owed.sort(key=lambda r: (r.entry.figures.status != OVERDUE, r.due, r.entry.invoice.number))
    return owed


def read_record(root: Path) -> dict[str, dict[str, str]]:
    """{invoice number: {stage: day sent}} from ``reminders-sent.yml``; empty when there is none."""
    path = Path(root) / RECORD_FILE
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{RECORD_FILE}: expected a mapping of invoice numbers")
    return {str(number): {str(stage): str(day) for stage, day in (stages or {}).items()} for number, stages in data.items()}


def write_record(root: Path, record: dict[str, dict[str, str]]) -> None:
    text = RECORD_HEADER + yaml.safe_dump(record, sort_keys=True, allow_unicode=True, default_flow_style=False)
    path = Path(root) / RECORD_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
