"""Calendar files (RFC 5545) for due dates: one per open invoice, one per client with all of them.

Each event lasts the due date, carries the amount and the private link, and rings a few
days before. An invoice with a payment plan has one event per unpaid instalment, on its date
and for its unpaid part (SPEC §8). Its UID is derived from the invoice's private token, so it stays the same
from build to build (a calendar updates the event instead of adding another) and names
no client and no number.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable

from icalendar import Alarm, Calendar, Event

from .cache import code_fingerprint
from .i18n import formatter
from .site import InvoiceEntry, Site

PRODID = "-//invoicepub//Invoice due dates//EN"
ALARM_DAYS_BEFORE = 3
INVOICE_FILE = "due-date.ics"
CLIENT_FILE = "due-dates.ics"
UID_DOMAIN = "invoicepub"


def _due_dates(entry: InvoiceEntry) -> list[tuple[datetime.date, Decimal, str]]:
    """(date, amount, UID suffix) of each event: the due date and balance, or each unpaid instalment."""
    figures = entry.figures
    if not figures.instalments:
        return [(entry.invoice.due, figures.balance, "")]
    return [(i.due, i.unpaid, f"-{i.due.isoformat()}") for i in figures.instalments if i.unpaid > 0]


def _event(
    entry: InvoiceEntry, due: datetime.date, balance: Decimal, uid_suffix: str, *, link: str, business_name: str, stamp: datetime.datetime
) -> Event:
    invoice = entry.invoice
    fmt = formatter(invoice.language)
    amount = fmt.money(balance, invoice.currency)
    summary = fmt.gettext("Invoice {number} due: {amount} ({business})", number=invoice.number, amount=amount, business=business_name)
    event = Event()
    event.add("uid", f"{entry.path.strip('/').replace('/', '-')}{uid_suffix}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + datetime.timedelta(days=1))
    event.add("summary", summary)
    # Never mention a QR code the page does not show (a USD invoice, a business without an IBAN).
    if entry.ways is not None and entry.ways.qr_codes:
        description = fmt.gettext("Invoice {number}: {amount} to pay.\nInvoice, payment details and QR code: {link}", number=invoice.number, amount=amount, link=link)
    else:
        description = fmt.gettext("Invoice {number}: {amount} to pay.\nInvoice and payment details: {link}", number=invoice.number, amount=amount, link=link)
    event.add("description", description)
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", datetime.timedelta(days=-ALARM_DAYS_BEFORE))
    event.add_component(alarm)
    return event


def _stamp(today: datetime.date) -> datetime.datetime:
    # Stamped at midnight UTC of the build's day: the file changes only when a day passes.
    return datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.timezone.utc)


def _events(entry: InvoiceEntry, *, link: str, business_name: str, today: datetime.date) -> bytes:
    """The ``VEVENT`` lines of one invoice's due dates, as they stand in any calendar that holds them."""
    return b"".join(
        _event(entry, due, amount, uid_suffix, link=link, business_name=business_name, stamp=_stamp(today)).to_ical()
        for due, amount, uid_suffix in _due_dates(entry)
    )


_END = b"END:VCALENDAR\r\n"


def _calendar(events: Iterable[bytes]) -> bytes:
    """A ``VCALENDAR`` holding ``events``: icalendar's calendar lines, the events before its end.

    The events are serialized once each and put together here, so that an invoice's events
    are not drawn again for its client's calendar; the bytes are those icalendar gives for
    the calendar with those events as its components.
    """
    head = _calendar_head()
    return head[: -len(_END)] + b"".join(events) + _END


@lru_cache(maxsize=None)
def _calendar_head() -> bytes:
    """The lines of an empty calendar of this site's: the same for every file, drawn once."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar.to_ical()


class EventCache:
    """The ``VEVENT`` lines of each open invoice by what they are made of, kept in one file
    (``.cache/invoices/calendar.json``) between builds: icalendar takes about a millisecond an
    event, a second for a thousand invoices on every build. Only the events of the last build
    are kept."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._known: dict[str, str] = {}
        self._used: dict[str, str] = {}
        try:
            known = json.loads(path.read_text(encoding="utf-8")) if path else {}
            self._known = {k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(known, dict) else {}
        except (OSError, ValueError):
            pass

    def events(self, key: str, make: Callable[[], bytes]) -> bytes:
        text = self._known.get(key)
        if text is None:
            text = make().decode("utf-8")
        self._used[key] = text
        return text.encode("utf-8")

    def save(self) -> None:
        """Keep this build's events for the next one (the file rewritten only when they changed)."""
        used, self._used = self._used, {}
        if used == self._known:
            return
        self._known = used
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(used, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:  # a read-only checkout builds without it
            pass


@lru_cache(maxsize=None)
def _icalendar_version() -> str:
    return version("icalendar")  # looked up once: each lookup reads the installed packages' metadata


def _events_key(entry: InvoiceEntry, *, link: str, business_name: str, today: datetime.date) -> str:
    """Everything an invoice's events are made of: its figures' due dates, its words, the code and icalendar."""
    invoice = entry.invoice
    inputs = (
        entry.path, link, business_name, today, invoice.number, invoice.currency, invoice.language,
        tuple(_due_dates(entry)), bool(entry.ways is not None and entry.ways.qr_codes),
    )  # fmt: skip
    parts = ("calendar-events-1", code_fingerprint(), _icalendar_version(), repr(inputs))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def calendar_files(site: Site, *, site_url: str | None, cache: EventCache | None = None) -> list[tuple[str, bytes]]:
    """Every calendar file of the site as (path relative to the site root, content).

    Each invoice's events are made once, for its own file and its client's (and, with a
    ``cache``, once for as long as they stay the same). Their links are the full ones
    (``Site.link``): on a sealed site they carry the page's key (SPEC §11).
    """
    cache = cache or EventCache()
    options = dict(business_name=site.ledger.business.name, today=site.today)
    events = {}
    for entry in site.published:
        if entry.figures.is_open:
            link = site.link(site_url, entry.path)
            key = _events_key(entry, link=link, **options)
            events[entry.path] = cache.events(key, lambda: _events(entry, link=link, **options))  # noqa: B023 (called at once)
    cache.save()
    files = [(f"{entry.folder}/{INVOICE_FILE}", _calendar([events[entry.path]])) for entry in site.published if entry.path in events]
    files += [
        (f"{entry.folder}/{CLIENT_FILE}", _calendar(events[e.path] for e in entry.invoices if e.path in events))
        for entry in site.clients
        if any(invoice.figures.is_open for invoice in entry.invoices)
    ]
    return files
