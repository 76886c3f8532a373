"""Payment reminders through a real SMTP server on loopback (aiosmtpd), and the calendar files."""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import hmac
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from icalendar import Calendar

from conftest import SECRET, mkdocs_build, run_invoices
from invoicepub.reminders import current_stage


def token(*parts: str) -> str:
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


class Inbox:
    """An SMTP handler that keeps every message, and refuses the addresses it is told to."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


@pytest.fixture
def inbox():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def smtp_env(inbox: Inbox) -> dict[str, str]:
    return {
        "INVOICES_SMTP_HOST": "127.0.0.1",
        "INVOICES_SMTP_PORT": str(inbox.port),
        "INVOICES_SMTP_FROM": "billing@estudiolumen.example",
        "INVOICES_SMTP_TLS": "none",
    }


@pytest.mark.parametrize(
    "today, stage",
    [
        ("2026-11-28", None),  # 4 days before the due date
        ("2026-11-29", "upcoming"),  # 3 days before
        ("2026-12-01", "upcoming"),
        ("2026-12-02", "due"),
        ("2026-12-03", "overdue-1"),
        ("2026-12-09", "overdue-1"),
        ("2026-12-10", "overdue-2"),  # a week after the first overdue reminder
        ("2026-12-17", "overdue-3"),
    ],
)
def test_stages_fall_on_their_days(today, stage):
    due = datetime.date(2026, 12, 2)
    assert current_stage(due, datetime.date.fromisoformat(today), days_before=3, every=7) == stage


def test_reminders_are_sent_in_the_clients_language_and_not_twice(site_copy, inbox):
    # On 2 Dec: 2026-004 (Spanish client) is due today; 2026-002 has been overdue since 1 Oct.
    result = run_invoices(site_copy, "remind", "--send", today="2026-12-02", **smtp_env(inbox))
    assert result.returncode == 0, result.stderr
    by_number = {}
    for message in inbox.messages:
        number = "2026-004" if "2026-004" in message["Subject"] else "2026-002"
        by_number[number] = message
    assert sorted(by_number) == ["2026-002", "2026-004"]
    assert {tuple(e.rcpt_tos) for e in inbox.envelopes} == {("administracion@cafeolivar.example",)}

    due_today = by_number["2026-004"]
    assert due_today["Subject"] == "La factura 2026-004 vence hoy"
    assert due_today["From"] == "Estudio Lumen <billing@estudiolumen.example>"
    body = due_today.get_content()
    assert body.startswith("Estimado/a Marta Soler:")
    assert "1.045,75\xa0€" in body  # the balance worked out in test_build
    assert "2 de diciembre de 2026" in body
    assert f"https://example.github.io/invoices/i/{token('invoice', 'cafe-olivar', '1', '2026-004')}/" in body
    assert "ES67 2085 9252 0903 3006 3402" in body and "Concepto: 2026-004" in body

    overdue = by_number["2026-002"]
    assert overdue["Subject"] == "Factura 2026-002 vencida: 975,20\xa0€ pendiente"
    assert "62 días de retraso" in overdue.get_content()  # 1 Oct → 2 Dec

    record = (site_copy / "reminders-sent.yml").read_text(encoding="utf-8")
    assert "2026-004" in record and "due: '2026-12-02'" in record

    again = run_invoices(site_copy, "remind", "--send", today="2026-12-02", **smtp_env(inbox))
    assert again.returncode == 0
    assert "no reminders due today" in again.stdout
    assert len(inbox.messages) == 2


def test_english_reminder_before_the_due_date(site_copy, inbox):
    # 2026-003 (English client, partially paid) is due on 20 Dec: reminded 3 days before.
    result = run_invoices(site_copy, "remind", "--send", today="2026-12-17", **smtp_env(inbox))
    assert result.returncode == 0, result.stderr
    message = next(m for m in inbox.messages if "2026-003" in m["Subject"])
    assert message["To"] == "Aoife Byrne <accounts@harbourfinch.example>"
    assert message["Subject"] == "Reminder: invoice 2026-003 is due on December 20, 2026"
    body = message.get_content()
    assert body.startswith("Dear Aoife Byrne,")
    assert "Amount due: €1,796.80" in body  # 2916.50 − 1000.00 paid − 119.70 credited (R-2026-001)
    assert f"/i/{token('invoice', 'harbour-finch', '1', '2026-003')}/" in body
    # never for paid, void or draft invoices
    subjects = " ".join(m["Subject"] for m in inbox.messages)
    for number in ("2026-001", "2026-005", "2026-006"):
        assert number not in subjects


def test_a_failed_message_does_not_stop_the_others(site_copy, inbox):
    inbox.refuse.add("administracion@cafeolivar.example")
    result = run_invoices(site_copy, "remind", "--send", today="2026-12-10", **smtp_env(inbox))
    assert result.returncode == 1
    assert "reminder for invoice 2026-002" in result.stderr and "failed" in result.stderr
    # the other clients' reminders still go out: 2026-007 is due today, 2026-008 in two days
    assert sorted(m["Subject"] for m in inbox.messages) == [
        "Rechnung 2026-007 ist heute fällig",  # alpenblick reads German
        "Reminder: invoice 2026-008 is due on December 12, 2026",
    ]
    record = (site_copy / "reminders-sent.yml").read_text(encoding="utf-8")
    assert "2026-007" in record and "2026-002" not in record  # a failure is tried again next run


def test_a_client_without_email_is_reported(site_copy, inbox):
    path = site_copy / "invoices/clients/alpenblick.yml"
    path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("email:")) + "\n", encoding="utf-8")
    result = run_invoices(site_copy, "remind", "--send", today="2026-12-10", **smtp_env(inbox))
    assert result.returncode == 1
    assert "client 'alpenblick' has no email: reminder for invoice 2026-007 (due) not sent" in result.stderr


def test_dry_run_prints_and_sends_nothing(site_copy, inbox):
    result = run_invoices(site_copy, "remind", today="2026-12-02", **smtp_env(inbox))
    assert result.returncode == 0
    assert "Subject: La factura 2026-004 vence hoy" in result.stdout
    assert "would send 2 reminder(s)" in result.stdout
    assert inbox.messages == []
    assert not (site_copy / "reminders-sent.yml").exists()


def test_send_needs_the_secret_and_smtp_settings(site_copy):
    no_secret = run_invoices(site_copy, "remind", "--send", secret=None, today="2026-12-02", INVOICES_SMTP_HOST="127.0.0.1", INVOICES_SMTP_FROM="a@b.example")
    assert no_secret.returncode == 1 and "INVOICES_SECRET is required" in no_secret.stderr
    no_host = run_invoices(site_copy, "remind", "--send", today="2026-12-02")
    assert no_host.returncode == 1 and "set INVOICES_SMTP_HOST and INVOICES_SMTP_FROM" in no_host.stderr


def test_calendar_files_parse_and_carry_the_due_date(built_sample):
    site = built_sample / "site"
    folder = site / "i" / token("invoice", "cafe-olivar", "1", "2026-004")
    calendar = Calendar.from_ical((folder / "due-date.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert event.decoded("dtstart") == datetime.date(2026, 12, 2)
    assert "1.045,75" in str(event["summary"]) and "2026-004" in str(event["summary"])
    assert f"https://example.github.io/invoices/i/{folder.name}/" in str(event["description"])
    assert event.walk("VALARM")[0].decoded("trigger") == -datetime.timedelta(days=3)
    assert "cafe" not in str(event["uid"]).lower() and "2026" not in str(event["uid"])
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="due-date.ics"' in page

    client_calendar = Calendar.from_ical((site / "c" / token("client", "cafe-olivar", "1") / "due-dates.ics").read_bytes())
    # 2026-002 (1 Oct), 2026-004 (2 Dec) and the recurring series' 2026-013 (10 Dec)
    assert sorted(e.decoded("dtstart") for e in client_calendar.walk("VEVENT")) == [
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 2),
        datetime.date(2026, 12, 10),
    ]
    # paid and void invoices have no calendar file
    assert not (site / "i" / token("invoice", "harbour-finch", "1", "2026-001") / "due-date.ics").exists()


def test_calendar_uids_are_stable_across_builds(built_sample, site_copy):
    assert mkdocs_build(site_copy).returncode == 0
    path = Path("i") / token("invoice", "cafe-olivar", "1", "2026-004") / "due-date.ics"
    first = Calendar.from_ical((built_sample / "site" / path).read_bytes()).walk("VEVENT")[0]["uid"]
    second = Calendar.from_ical((site_copy / "site" / path).read_bytes()).walk("VEVENT")[0]["uid"]
    assert first == second


def test_calendar_events_are_kept_between_builds_and_made_again_when_they_change(site_copy, tmp_path, monkeypatch):
    from invoicepub import calendar as calendars
    from invoicepub.site import load_site

    made = []
    original = calendars._events
    monkeypatch.setattr(calendars, "_events", lambda entry, **options: made.append(entry.invoice.number) or original(entry, **options))
    store = tmp_path / "calendar.json"
    site = load_site(site_copy, secret=SECRET, today=datetime.date(2026, 11, 23), with_history=False)
    first = dict(calendars.calendar_files(site, site_url="https://example.github.io/invoices/", cache=calendars.EventCache(store)))
    assert "2026-004" in made and store.is_file()
    # The next build (a new process: the cache read from its file) makes none again, same bytes.
    made.clear()
    again = dict(calendars.calendar_files(site, site_url="https://example.github.io/invoices/", cache=calendars.EventCache(store)))
    assert made == [] and again == first
    # A payment on 2026-004 changes its balance: its events alone are made again.
    invoice = site_copy / "invoices" / "2026" / "2026-004.yml"
    invoice.write_text(invoice.read_text(encoding="utf-8") + "payments:\n  - date: 2026-11-20\n    amount: 45.75\n", encoding="utf-8")
    changed = load_site(site_copy, secret=SECRET, today=datetime.date(2026, 11, 23), with_history=False)
    after = dict(calendars.calendar_files(changed, site_url="https://example.github.io/invoices/", cache=calendars.EventCache(store)))
    assert made == ["2026-004"]
    path = f"i/{token('invoice', 'cafe-olivar', '1', '2026-004')}/due-date.ics"
    assert "1.000,00" in Calendar.from_ical(after[path]).walk("VEVENT")[0]["summary"]
    # A cache file that is not one (cut short, edited) is no cache: the events are made again.
    store.write_text("{not json", encoding="utf-8")
    made.clear()
    assert dict(calendars.calendar_files(changed, site_url="https://example.github.io/invoices/", cache=calendars.EventCache(store))) == after
    assert "2026-004" in made
