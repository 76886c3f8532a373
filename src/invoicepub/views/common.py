"""What every page shows the same way: the parties, a payment's row, a link to another document, the
support block, the documents' names and states, formatted in the page's language."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..figures import ACCEPTED, DECLINED, DRAFT, DUE, EXPIRED, ISSUED, OPEN, OVERDUE, PAID, PARTIALLY_PAID, VOID
from ..i18n import Formatter, formatter
from ..model import CREDIT_NOTE, ESTIMATE, Business, Client
from ..site import ClientEntry, InvoiceEntry, StatementEntry


@dataclass(frozen=True)
class Party:
    """A seller or client block."""

    name: str
    legal_name: str | None = None
    contact: str | None = None
    tax_id: str | None = None
    address_lines: tuple[str, ...] = ()
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None

    @property
    def mailto(self) -> str | None:
        return mailto(self.email) if self.email else None


@dataclass(frozen=True)
class DocumentLink:
    """Another document of the client, linked from this one: a credit note, its invoice, an estimate."""

    number: str
    path: str
    date: str = ""
    date_iso: str = ""
    amount: str = ""


@dataclass(frozen=True)
class PaymentRow:
    date: str
    date_iso: str
    amount: str
    method: str
    reference: str
    invoice_number: str = ""
    invoice_path: str = ""


@dataclass(frozen=True)
class SupportView:
    heading: str
    email: str | None
    mailto: str | None
    phone: str | None
    hours: str | None


def invoice_title(entry: InvoiceEntry) -> str:
    """"Invoice 2026-014", "Estimate Q-2026-002" or "Credit note R-2026-001" in the document's language."""
    return _document_name(formatter(entry.invoice.language), entry.invoice.kind, entry.invoice.number)


def _document_name(fmt: Formatter, kind: str, number: str) -> str:
    if kind == ESTIMATE:
        return fmt.gettext("Estimate {number}", number=number)
    if kind == CREDIT_NOTE:
        return fmt.gettext("Credit note {number}", number=number)
    return fmt.gettext("Invoice {number}", number=number)


def client_title(entry: ClientEntry) -> str:
    """"Invoices for Acme" in the client's language."""
    return formatter(entry.client.language).gettext("Invoices for {name}", name=entry.client.name)


def statement_title(entry: StatementEntry) -> str:
    """"Statement of account 2025" in the client's language."""
    return formatter(entry.client.language).gettext("Statement of account {year}", year=str(entry.year))


def status_label(fmt: Formatter, status: str) -> str:
    """"Paid" as an invoice's state: a language may word it apart from the "Paid" column."""
    return {
        DRAFT: fmt.pgettext("invoice status", "Draft"),
        DUE: fmt.pgettext("invoice status", "Due"),
        PARTIALLY_PAID: fmt.pgettext("invoice status", "Partially paid"),
        OVERDUE: fmt.pgettext("invoice status", "Overdue"),
        PAID: fmt.pgettext("invoice status", "Paid"),
        VOID: fmt.pgettext("invoice status", "Void"),
        ISSUED: fmt.pgettext("credit note status", "Issued"),
        OPEN: fmt.pgettext("estimate status", "Open"),
        EXPIRED: fmt.pgettext("estimate status", "Expired"),
        ACCEPTED: fmt.pgettext("estimate status", "Accepted"),
        DECLINED: fmt.pgettext("estimate status", "Declined"),
    }[status]


def seller_party(business: Business, fmt: Formatter) -> Party:
    return Party(
        name=business.name,
        legal_name=business.legal_name if business.legal_name != business.name else None,
        tax_id=business.tax_id,
        address_lines=_lines(business.address),
        country=fmt.country(business.country) if business.country else None,
        email=business.email,
        phone=business.phone,
        website=business.website,
    )


def client_party(client: Client, fmt: Formatter) -> Party:
    return Party(
        name=client.name,
        contact=client.contact,
        tax_id=client.tax_id,
        address_lines=_lines(client.address),
        country=fmt.country(client.country) if client.country else None,
        email=client.email,
    )


def support_view(business: Business, fmt: Formatter, heading: str, subject: str) -> SupportView | None:
    support = business.support
    email = support.email or business.email
    if not (email or support.phone or support.hours):
        return None
    link = mailto(email, subject) if email else None
    return SupportView(heading=heading, email=email, mailto=link, phone=support.phone, hours=support.hours)


def mailto(address: str, subject: str | None = None) -> str:
    """A ``mailto:`` link (RFC 6068): "?", "&" and "%", which an address may hold, are percent-encoded."""
    link = "mailto:" + quote(address, safe="@!$'*+=^_`{|}~-.")
    return f"{link}?subject={quote(subject)}" if subject else link


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip()) if text else ()


def group_by_four(iban: str) -> str:
    """An IBAN as people write it: ``ES67 2085 9252 …``."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))

