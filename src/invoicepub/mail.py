"""Reminder e-mails: written from a template in the client's language, sent through SMTP.

SMTP settings come from the environment: ``INVOICES_SMTP_HOST``, ``INVOICES_SMTP_PORT``,
``INVOICES_SMTP_USER`` and ``INVOICES_SMTP_PASSWORD`` (both optional),
``INVOICES_SMTP_FROM``, and ``INVOICES_SMTP_TLS`` = ``starttls`` (default), ``ssl`` or ``none``.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Mapping

from jinja2 import select_autoescape

from .fields import is_mail_address
from .i18n import Formatter, formatter, package_templates, template_gettext
from .reminders import Reminder
from .site import Site
from .views import bank_and_buttons

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}

# Reminders are text/plain, written as they are (HTML-escaping would show "&amp;" to the
# client); a template ending in .html or .xml is escaped, should one be added.
_templates = package_templates(select_autoescape(["html", "xml"], default_for_string=True, default=False))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> "SmtpSettings":
        """The settings, or ValueError naming what is missing or wrong."""
        host = environ.get("INVOICES_SMTP_HOST", "").strip()
        sender = environ.get("INVOICES_SMTP_FROM", "").strip()
        tls = (environ.get("INVOICES_SMTP_TLS") or "starttls").strip().lower()
        missing = [name for name, value in (("INVOICES_SMTP_HOST", host), ("INVOICES_SMTP_FROM", sender)) if not value]
        if missing:
            raise ValueError(f"set {' and '.join(missing)} to send reminders")
        if not is_mail_address(sender):
            raise ValueError(f"INVOICES_SMTP_FROM must be a bare address such as billing@example.com, got {sender!r}")
        if tls not in TLS_MODES:
            raise ValueError(f"INVOICES_SMTP_TLS must be one of {', '.join(TLS_MODES)}, got {tls!r}")
        port_text = environ.get("INVOICES_SMTP_PORT", "").strip()
        try:
            port = int(port_text) if port_text else DEFAULT_PORTS[tls]
        except ValueError:
            raise ValueError(f"INVOICES_SMTP_PORT must be a number, got {port_text!r}") from None
        return cls(
            host=host,
            port=port,
            sender=sender,
            tls=tls,
            user=environ.get("INVOICES_SMTP_USER") or None,
            password=environ.get("INVOICES_SMTP_PASSWORD") or None,
        )


def compose(reminder: Reminder, site: Site, *, site_url: str | None, sender: str) -> EmailMessage:
    """The reminder as an e-mail to the client's address (which the caller has checked exists)."""
    entry = reminder.entry
    invoice, client = entry.invoice, entry.client
    business = site.ledger.business
    fmt = formatter(client.language)
    amount = fmt.money(reminder.amount, invoice.currency)
    due = fmt.date(reminder.due)
    bank, buttons = bank_and_buttons(entry.ways, fmt)
    body = _templates.get_template("reminder.txt").render(
        **template_gettext(client.language),
        kind=reminder.kind,
        greeting=client.contact or client.name,
        number=invoice.number,
        business=business.name,
        due=due,
        days_overdue=max((site.today - reminder.due).days, 0),
        amount=amount,
        instalment=reminder.instalment,
        unpaid=fmt.money(reminder.unpaid, invoice.currency) if reminder.unpaid is not None else "",
        link=site.link(site_url, entry.path),
        bank=bank,
        buttons=buttons,
        qr_shown=bool(entry.ways and entry.ways.qr_codes),  # never mention a code the page lacks
        support_phone=business.support.phone or business.phone,
    )
    message = EmailMessage()
    # Address objects, not formataddr(): a name with "<", "," or ";" and a character outside
    # ASCII would otherwise be written unquoted, and read as other addresses.
    message["From"] = Address(display_name=business.name, addr_spec=sender)
    message["To"] = Address(display_name=client.contact or client.name, addr_spec=client.email)
    reply_to = business.support.email or business.email
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = _subject(fmt, reminder.kind, number=invoice.number, due=due, amount=amount)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Content-Language"] = client.language
    message.set_content(body)
    return message


def _subject(fmt: Formatter, kind: str, *, number: str, due: str, amount: str) -> str:
    if kind == "upcoming":
        return fmt.gettext("Reminder: invoice {number} is due on {date}", number=number, date=due)
    if kind == "due":
        return fmt.gettext("Invoice {number} is due today", number=number)
    return fmt.gettext("Invoice {number} is overdue: {amount} to pay", number=number, amount=amount)


class Mailer:
    """One SMTP connection for a run; each message is sent on its own and may fail on its own."""

    def __init__(self, settings: SmtpSettings, timeout: float = 30) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(self, *exc) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except smtplib.SMTPException:
                pass
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            settings = self.settings
            context = ssl.create_default_context()
            if settings.tls == "ssl":
                smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
                if settings.tls == "starttls":
                    smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            self._smtp = smtp
        return self._smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; raises on failure (and the next send opens a fresh connection)."""
        try:
            self._connect().send_message(message)
        except OSError:  # every smtplib error is one; start afresh for the next message
            self.__exit__()
            raise
