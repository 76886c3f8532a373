"""``invoices remind``: the payment reminders due today, printed or sent through SMTP."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
from email.message import EmailMessage
from pathlib import Path

import yaml

from .. import links
from ..mail import Mailer, SmtpSettings, compose
from ..reminders import RECORD_FILE, Reminder, read_record, reminders_due, write_record
from ..site import Site

from . import common
from .common import CommandError


HELP = "send (or show) today's payment reminders"
DESCRIPTION = (
    "Work out which open invoices are owed a reminder today and print them (a dry run), "
    "or send them through SMTP with --send. Sent reminders are recorded in reminders-sent.yml."
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--send", action="store_true", help="send through SMTP (settings from INVOICES_SMTP_* variables)")
    parser.add_argument("--days-before", type=_non_negative, default=3, metavar="N", help="remind N days before the due date (default 3; 0 for none)")
    parser.add_argument("--every", type=_positive, default=7, metavar="N", help="remind again every N days while overdue (default 7)")


def run(root: Path, args: argparse.Namespace) -> int:
    site = common.load(root)
    site_url = common.link_base(root)
    try:
        record = read_record(root)
    except (ValueError, yaml.YAMLError) as error:
        raise CommandError(f"{RECORD_FILE}: {error}") from None
    owed = reminders_due(site, record, days_before=args.days_before, every=args.every)
    settings = _smtp_settings(site, args.send)
    if not owed:
        print("no reminders due today")
        return 0
    sender = settings.sender if settings else (site.ledger.business.email or "invoices@localhost")
    sent = failed = 0
    with contextlib.ExitStack() as stack:
        mailer = stack.enter_context(Mailer(settings)) if settings else None
        for reminder in owed:
            try:
                message = _reminder_message(reminder, site, site_url, sender)
            except CommandError as error:
                print(f"invoices: error: {error}", file=sys.stderr)
                failed += 1
                continue
            if _deliver(reminder, message, mailer, root, record, site.today):
                sent += 1
            else:
                failed += 1
    verb = "sent" if args.send else "would send"
    print(f"{verb} {sent} reminder(s)" + (f", {failed} failed" if failed else ""))
    return 1 if failed else 0


def _smtp_settings(site: Site, send: bool) -> SmtpSettings | None:
    """The SMTP settings to send with (``--send``), or None for a dry run; refused without the secret."""
    if not send:
        if site.preview:
            print(f"invoices: warning: {links.SECRET_VARIABLE} is not set; the links below are preview links", file=sys.stderr)
        return None
    if site.preview:
        raise CommandError(f"{links.SECRET_VARIABLE} is required to send reminders: without it the links are preview links")
    with common.refusing():
        return SmtpSettings.from_environment(os.environ)


def _what(reminder: Reminder) -> str:
    return f"reminder for invoice {reminder.entry.invoice.number} ({reminder.stage})"


def _reminder_message(reminder: Reminder, site: Site, site_url: str, sender: str) -> EmailMessage:
    """The e-mail of one reminder; CommandError when it cannot be written."""
    entry = reminder.entry
    if not entry.client.email:
        raise CommandError(f"client {entry.client.id!r} has no email: {_what(reminder)} not sent")
    with common.refusing(f"{_what(reminder)} not written: "):  # an address a mail header cannot carry
        return compose(reminder, site, site_url=site_url, sender=sender)


def _deliver(reminder: Reminder, message: EmailMessage, mailer: Mailer | None, root: Path, record: dict, today: datetime.date) -> bool:
    """Send one reminder (or, without a mailer, print it) and record it as sent; False when it failed."""
    what, email = _what(reminder), reminder.entry.client.email
    if mailer is None:
        print(f"--- {what}")
        for header in ("To", "Subject"):
            print(f"{header}: {message[header]}")
        print()
        print(message.get_content().rstrip())
        print()
        return True
    try:
        mailer.send(message)
    except OSError as error:
        print(f"invoices: error: {what} to {email} failed: {error}", file=sys.stderr)
        return False
    record.setdefault(reminder.entry.invoice.number, {})[reminder.key] = today.isoformat()
    write_record(root, record)  # after each message: a crash never resends what went out
    print(f"sent {what} to {email}")
    return True


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value

