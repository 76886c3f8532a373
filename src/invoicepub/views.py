"""Page views: what the invoice and client templates show, formatted in the page's language.

A view holds only strings, lists and flags; the templates in ``overrides/`` place them.
Every amount comes from the ``InvoiceFigures`` computed once in ``site.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from . import calendar, einvoice, pdf, tax
from .einvoice import eligibility
from .figures import DRAFT, DUE, OVERDUE, PAID, PARTIALLY_PAID, VOID
from .i18n import N_, Formatter, formatter
from .jsonld import invoice_jsonld
from .model import Business, Client
from .payments.ways import IBAN_RAILS, PaymentQr, WaysToPay
from .qr import QrCache
from .rich_text import markdown_to_html
from .site import ClientEntry, InvoiceEntry, Site


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
class ItemRow:
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    net: str


@dataclass(frozen=True)
class TotalRow:
    label: str
    amount: str
    kind: str  # "subtotal", "discount", "tax", "withholding", "total", "amount_due", "paid", "balance"
    detail: str = ""
    strong: bool = False  # the amount due: what the client pays (not "Total" when tax is withheld)
    mention: str = ""  # under a tax line of a 0 % category: "Reverse charge…", or the exemption's ground


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
class QrView:
    rail: str
    svg: Markup  # our own drawing of the payload: shown as is
    alt: str


@dataclass(frozen=True)
class BankView:
    account_holder: str
    iban: str  # grouped by four
    bic: str | None
    reference: str


@dataclass(frozen=True)
class ButtonView:
    label: str
    url: str
    kind: str


@dataclass(frozen=True)
class SupportView:
    heading: str
    email: str | None
    mailto: str | None
    phone: str | None
    hours: str | None


@dataclass(frozen=True)
class Summary:
    """The headline: what is due and by when, or that nothing is."""

    label: str
    amount: str
    detail: str
    can_pay: bool
    note: str = ""  # with a payment plan: the whole balance beside what is to pay now


@dataclass(frozen=True)
class InstalmentRow:
    """One row of an invoice's payment plan (SPEC §8)."""

    label: str  # "Deposit" or "Instalment 2"
    due: str
    due_iso: str
    amount: str
    paid: str
    status: str  # "paid", "partially paid", "overdue" or "due": the row's style
    status_label: str


@dataclass(frozen=True)
class InvoicePage:
    language: str
    title: str
    number: str
    status: str
    status_label: str
    status_as_of: str  # "Overdue (as of 23 November 2026)": printed, a status needs its date
    preview: bool
    business_name: str
    logo: str | None  # the business's logo, a path inside docs/
    seller: Party
    client: Party
    issued: str
    issued_iso: str
    due: str
    due_iso: str
    summary: Summary
    items: tuple[ItemRow, ...]
    show_unit: bool  # columns empty on every row are left out
    show_discount: bool
    totals: tuple[TotalRow, ...]
    payments: tuple[PaymentRow, ...]
    no_payments: str  # "No payments received as of <date>."
    qr_codes: tuple[QrView, ...]
    bank: BankView | None
    buttons: tuple[ButtonView, ...]
    notes_html: Markup  # user Markdown made safe by rich_text
    support: SupportView | None
    jsonld: dict[str, Any]
    calendar_path: str  # the due date as .ics, or "" when nothing is due
    einvoice_path: str  # the UBL e-invoice beside the page, or "" when there is none
    einvoice_filename: str  # the name it is saved under: "Invoice 2026-014.xml"
    no_einvoice_reason: str  # why there is no e-invoice, in one line ("" when there is one, or the invoice is void)
    pdf_path: str  # the PDF beside the page (SPEC §9), or "" on the PDF itself
    pdf_filename: str  # the name it is saved under: "Invoice 2026-014.pdf"
    schedule: tuple[InstalmentRow, ...] = ()  # an invoice with a payment plan: its instalments


@dataclass(frozen=True)
class ClientInvoiceRow:
    number: str
    path: str
    pay_path: str  # the invoice's "how to pay" block, or "" when nothing is due
    issued: str
    issued_iso: str
    due: str
    due_iso: str
    amount_due: str
    paid: str
    balance: str
    status: str
    status_label: str


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    outstanding: str
    overdue: str
    has_overdue: bool


@dataclass(frozen=True)
class ClientPage:
    language: str
    title: str
    name: str
    preview: bool
    business_name: str
    logo: str | None
    as_of: str  # "as of 23 November 2026": what the outstanding totals depend on
    totals: tuple[CurrencyTotal, ...]
    invoices: tuple[ClientInvoiceRow, ...]
    payments: tuple[PaymentRow, ...]
    no_payments: str
    support: SupportView | None
    calendar_path: str  # every open due date as .ics, or "" when nothing is due


def invoice_title(entry: InvoiceEntry) -> str:
    """"Invoice 2026-014" in the invoice's language."""
    return formatter(entry.invoice.language).gettext("Invoice {number}", number=entry.invoice.number)


def client_title(entry: ClientEntry) -> str:
    """"Invoices for Acme" in the client's language."""
    return formatter(entry.client.language).gettext("Invoices for {name}", name=entry.client.name)


def invoice_page(site: Site, entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    """The view of one invoice page; QR drawings come from ``qr_cache``."""
    business = site.ledger.business
    invoice, figures, client = entry.invoice, entry.figures, entry.client
    fmt = formatter(invoice.language)
    currency = invoice.currency
    money = lambda amount: fmt.money(amount, currency)  # noqa: E731

    items = tuple(
        ItemRow(
            description=line.item.description,
            quantity=fmt.number(line.item.quantity),
            unit=line.item.unit or "",
            unit_price=fmt.unit_price(line.item.unit_price, currency),
            discount=_line_discount(fmt, line.item.discount_rate, line.item.discount_amount, currency),
            net=money(line.net),
        )
        for line in figures.lines
    )
    totals = [TotalRow(fmt.gettext("Subtotal"), money(figures.subtotal), "subtotal")]
    if invoice.discount_rate:
        totals.append(TotalRow(fmt.gettext("Discount {rate}", rate=fmt.rate(invoice.discount_rate)), money(-figures.discount), "discount"))
    for group in figures.tax_groups:
        totals.append(
            TotalRow(
                fmt.gettext("Tax {rate}", rate=fmt.rate(group.rate)),
                money(group.tax),
                "tax",
                detail=fmt.gettext("on {base}", base=money(group.base)),
                mention=_tax_mention(fmt, group.category, invoice.tax_reason),
            )
        )
    withheld = bool(invoice.withholding_rate)
    totals.append(TotalRow(fmt.gettext("Total"), money(figures.total), "total", strong=not withheld))
    if invoice.withholding_rate:
        totals.append(
            TotalRow(fmt.gettext("Income tax withheld {rate}", rate=fmt.rate(invoice.withholding_rate)), money(-figures.withholding), "withholding")
        )
        totals.append(TotalRow(fmt.gettext("Amount due"), money(figures.amount_due), "amount_due", strong=True))
    if figures.paid:
        totals.append(TotalRow(fmt.gettext("Paid"), money(-figures.paid), "paid"))
    if figures.status != VOID:
        label = fmt.gettext("Credit in your favour") if figures.balance < 0 else fmt.gettext("Balance due")
        totals.append(TotalRow(label, money(abs(figures.balance)), "balance"))

    payments = tuple(
        PaymentRow(
            date=fmt.short_date(payment.date),
            date_iso=payment.date.isoformat(),
            amount=money(payment.amount),
            method=payment.method or "",
            reference=payment.reference or "",
        )
        for payment in sorted(invoice.payments, key=lambda p: p.date)
    )

    no_einvoice = eligibility.missing(business, client, invoice)
    qr_codes = tuple(_qr_view(fmt, qr, qr_cache) for qr in entry.ways.qr_codes) if entry.ways else ()
    bank, buttons = bank_and_buttons(entry.ways, fmt)

    return InvoicePage(
        language=invoice.language,
        title=invoice_title(entry),
        number=invoice.number,
        status=figures.status,
        status_label=_status_label(fmt, figures.status),
        status_as_of=fmt.gettext("{status} (as of {date})", status=_status_label(fmt, figures.status), date=fmt.date(site.today)),
        preview=site.preview,
        business_name=business.name,
        logo=business.logo,
        seller=_seller(business, fmt),
        client=_client_party(client, fmt),
        issued=fmt.date(invoice.issued),
        issued_iso=invoice.issued.isoformat(),
        due=fmt.date(invoice.due),
        due_iso=invoice.due.isoformat(),
        summary=_summary(fmt, entry, site.today),
        items=items,
        show_unit=any(line.item.unit for line in figures.lines),
        show_discount=any(line.discount for line in figures.lines),
        totals=tuple(totals),
        payments=payments,
        no_payments=fmt.gettext("No payments received as of {date}.", date=fmt.date(site.today)),
        qr_codes=qr_codes,
        bank=bank,
        buttons=buttons,
        notes_html=markdown_to_html(invoice.notes) if invoice.notes else Markup(""),
        support=_support(business, fmt, fmt.gettext("Questions about this invoice?"), fmt.gettext("Invoice {number}", number=invoice.number)),
        jsonld=invoice_jsonld(invoice, figures, business, client),
        calendar_path=f"{entry.folder}/{calendar.INVOICE_FILE}" if figures.is_open else "",
        einvoice_path="" if no_einvoice else f"{entry.folder}/{einvoice.UBL_FILE}",
        einvoice_filename=f"{invoice_title(entry)}.xml",
        no_einvoice_reason=_no_einvoice_reason(fmt, no_einvoice),
        pdf_path=f"{entry.folder}/{pdf.DOCUMENT_FILE}",
        schedule=_schedule(fmt, entry),
        pdf_filename=f"{invoice_title(entry)}.pdf",
    )


def _schedule(fmt: Formatter, entry: InvoiceEntry) -> tuple[InstalmentRow, ...]:
    """The payment plan's rows, as the figures allocated the payments: a deposit is due on the issue date."""
    currency = entry.invoice.currency
    rows = []
    for index, instalment in enumerate(entry.figures.instalments, start=1):
        deposit = index == 1 and instalment.due == entry.invoice.issued
        rows.append(
            InstalmentRow(
                label=fmt.gettext("Deposit") if deposit else fmt.gettext("Instalment {number}", number=index),
                due=fmt.short_date(instalment.due),
                due_iso=instalment.due.isoformat(),
                amount=fmt.money(instalment.amount, currency),
                paid=fmt.money(instalment.paid, currency),
                status=instalment.status,
                status_label=_status_label(fmt, instalment.status),
            )
        )
    return tuple(rows)


def client_page(site: Site, entry: ClientEntry) -> ClientPage:
    """The view of one client page: every published invoice and every payment, newest first."""
    business = site.ledger.business
    client = entry.client
    fmt = formatter(client.language)
    rows = []
    outstanding: dict[str, Decimal] = {}
    overdue: dict[str, Decimal] = {}
    payments = []
    for invoice_entry in entry.invoices:
        invoice, figures = invoice_entry.invoice, invoice_entry.figures
        currency = invoice.currency
        outstanding.setdefault(currency, Decimal(0))
        overdue.setdefault(currency, Decimal(0))
        if figures.is_open:
            outstanding[currency] += figures.balance
            if figures.status == OVERDUE:
                overdue[currency] += figures.balance
        rows.append(
            ClientInvoiceRow(
                number=invoice.number,
                path=invoice_entry.path,
                pay_path=invoice_entry.path + "#pay" if invoice_entry.ways is not None else "",
                issued=fmt.short_date(invoice.issued),
                issued_iso=invoice.issued.isoformat(),
                due=fmt.short_date(invoice.due),
                due_iso=invoice.due.isoformat(),
                amount_due=fmt.money(figures.amount_due, currency),
                paid=fmt.money(figures.paid, currency),
                balance=fmt.money(figures.payable, currency),
                status=figures.status,
                status_label=_status_label(fmt, figures.status),
            )
        )
        for payment in invoice.payments:
            payments.append(
                PaymentRow(
                    date=fmt.short_date(payment.date),
                    date_iso=payment.date.isoformat(),
                    amount=fmt.money(payment.amount, currency),
                    method=payment.method or "",
                    reference=payment.reference or "",
                    invoice_number=invoice.number,
                    invoice_path=invoice_entry.path,
                )
            )
    payments.sort(key=lambda row: (row.date_iso, row.invoice_number), reverse=True)
    totals = tuple(
        CurrencyTotal(
            currency=currency,
            outstanding=fmt.money(outstanding[currency], currency),
            overdue=fmt.money(overdue[currency], currency),
            has_overdue=overdue[currency] > 0,
        )
        for currency in sorted(outstanding)
    )
    return ClientPage(
        language=client.language,
        title=client_title(entry),
        name=client.name,
        preview=site.preview,
        business_name=business.name,
        logo=business.logo,
        as_of=fmt.gettext("as of {date}", date=fmt.date(site.today)),
        totals=totals,
        invoices=tuple(rows),
        payments=tuple(payments),
        no_payments=fmt.gettext("No payments received as of {date}.", date=fmt.date(site.today)),
        support=_support(business, fmt, fmt.gettext("Questions about your invoices?"), fmt.gettext("Invoices for {name}", name=client.name)),
        calendar_path=f"{entry.folder}/{calendar.CLIENT_FILE}" if any(e.figures.is_open for e in entry.invoices) else "",
    )


def bank_and_buttons(ways: WaysToPay | None, fmt: Formatter) -> tuple[BankView | None, tuple[ButtonView, ...]]:
    """The bank details to quote and the hosted payment buttons, when something is to pay."""
    if ways is None:
        return None, ()
    account = ways.account
    bank = None
    if account is not None:
        bank = BankView(
            account_holder=account.holder,
            iban=group_by_four(account.iban),
            bic=account.bic,
            reference=account.reference,
        )
    buttons = tuple(
        ButtonView(fmt.gettext("Pay by card") if link.kind == "card" else fmt.gettext("Pay with PayPal"), link.url, link.kind)
        for link in ways.links
    )
    return bank, buttons


def _no_einvoice_reason(fmt: Formatter, reasons: tuple[str, ...]) -> str:
    """The first reason there is no e-invoice, in one line; nothing for a void invoice (its notice says enough)."""
    if not reasons or eligibility.VOID in reasons:
        return ""
    return fmt.label(f"no_einvoice.{reasons[0]}")


def _tax_mention(fmt: Formatter, category: str, tax_reason: str | None) -> str:
    """What the law asks printed under a 0 % category's tax line; an exemption states its own ground."""
    if category == tax.EXEMPT and tax_reason:
        return tax_reason
    return fmt.label(f"mention.{category}") if category in tax.MENTIONED else ""


# Each payment rail's name and what its account is called, for a code's text alternative.
_RAILS = {
    "epc": (N_("SEPA transfer"), N_("IBAN")),
    "swiss_qr": (N_("Swiss QR-bill"), N_("IBAN")),
    "spayd": (N_("QR Platba"), N_("IBAN")),
    "upi": (N_("UPI"), N_("UPI ID")),
    "pix": (N_("Pix"), N_("Pix key")),
}


def _status_label(fmt: Formatter, status: str) -> str:
    """"Paid" as an invoice's state: a language may word it apart from the "Paid" column."""
    return {
        DRAFT: fmt.pgettext("invoice status", "Draft"),
        DUE: fmt.pgettext("invoice status", "Due"),
        PARTIALLY_PAID: fmt.pgettext("invoice status", "Partially paid"),
        OVERDUE: fmt.pgettext("invoice status", "Overdue"),
        PAID: fmt.pgettext("invoice status", "Paid"),
        VOID: fmt.pgettext("invoice status", "Void"),
    }[status]


def _line_discount(fmt: Formatter, rate: Decimal | None, amount: Decimal | None, currency: str) -> str:
    if rate is not None:
        return fmt.rate(rate)
    if amount is not None:
        return fmt.money(-amount, currency)
    return ""


def _qr_view(fmt: Formatter, qr: PaymentQr, qr_cache: QrCache) -> QrView:
    is_iban = qr.rail in IBAN_RAILS
    rail_name, account_label = _RAILS[qr.rail]
    alt = fmt.gettext(
        "{rail} QR code: pay {amount} to {name}, {account_label} {account}{bic}, reference {reference}.",
        rail=fmt.gettext(rail_name),
        amount=fmt.money(qr.amount, qr.currency),
        name=qr.payee,
        account_label=fmt.gettext(account_label),
        account=group_by_four(qr.account) if is_iban else qr.account,
        bic=fmt.gettext(", BIC {bic}", bic=qr.bic) if qr.bic else "",
        reference=qr.reference,
    )
    svg = qr_cache.svg(qr.request)
    return QrView(rail=qr.rail, svg=Markup(svg), alt=alt)


def _summary(fmt: Formatter, entry: InvoiceEntry, today: datetime.date) -> Summary:
    figures = entry.figures
    currency = entry.invoice.currency
    if figures.status == VOID:
        void_notice = fmt.gettext("This invoice has been voided. Nothing is due and it cannot be paid.")
        return Summary(fmt.gettext("Nothing to pay"), fmt.money(figures.payable, currency), void_notice, False)
    if figures.status == PAID:
        label = fmt.gettext("Credit in your favour") if figures.balance < 0 else fmt.gettext("Nothing to pay")
        return Summary(label, fmt.money(abs(figures.balance), currency), fmt.gettext("Paid in full. Thank you!"), False)
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


def _seller(business: Business, fmt: Formatter) -> Party:
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


def _client_party(client: Client, fmt: Formatter) -> Party:
    return Party(
        name=client.name,
        contact=client.contact,
        tax_id=client.tax_id,
        address_lines=_lines(client.address),
        country=fmt.country(client.country) if client.country else None,
        email=client.email,
    )


def _support(business: Business, fmt: Formatter, heading: str, subject: str) -> SupportView | None:
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
