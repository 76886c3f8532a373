"""Page views: what the invoice and client templates show, formatted in the page's language.

A view holds only strings, lists and flags; the templates in ``overrides/`` place them.
Every amount comes from the ``InvoiceFigures`` computed once in ``site.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from . import calendar, einvoice, links, tax
from .einvoice import eligibility
from .figures import ACCEPTED, DECLINED, DRAFT, DUE, EXPIRED, ISSUED, OPEN, OVERDUE, PAID, PARTIALLY_PAID, VOID, InvoiceFigures
from .figures import totals as figures_totals
from .bank_history import account_key, current_accounts, notice_day
from .i18n import N_, Formatter, formatter
from .jsonld import invoice_jsonld
from .model import CREDIT_NOTE, ESTIMATE, INVOICE, Business, Client, Invoice
from .payments.ways import IBAN_RAILS, PaymentQr, WaysToPay
from .qr import QrCache, QrRequest
from .rich_text import markdown_to_html
from .site import ClientEntry, InvoiceEntry, Site, StatementEntry
from .statement import CHARGE, CREDIT, Statement, year_statements
from .verifactu import tax_qr


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
    details_html: Markup = Markup("")  # the line's step-by-step explanation, Markdown made safe


@dataclass(frozen=True)
class DocumentLink:
    """Another document of the client, linked from this one: a credit note, its invoice, an estimate."""

    number: str
    path: str
    date: str = ""
    date_iso: str = ""
    amount: str = ""


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
class TaxQrView:
    """The tax QR code of a registered document (SPEC §12), its legends in Spanish as the rules give them."""

    svg: Markup  # our own drawing of the AEAT's address: shown as is
    url: str  # what it holds
    alt: str
    heading: str = tax_qr.HEADING
    legend: str = tax_qr.LEGEND


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
    # Kinds of document (SPEC §8).
    kind: str = INVOICE
    estimate: DocumentLink | None = None  # an invoice: the estimate it follows from
    credit_notes: tuple[DocumentLink, ...] = ()  # an invoice: the credit notes that correct it
    corrects: DocumentLink | None = None  # a credit note: the invoice it corrects
    reason: str = ""  # a credit note: why
    valid_until: str = ""  # an estimate
    valid_until_iso: str = ""
    accept_mailto: str = ""  # an open estimate: the e-mail that accepts it, or ""
    schedule: tuple[InstalmentRow, ...] = ()  # an invoice with a payment plan: its instalments
    bank_notice: str = ""  # "Our bank details changed on …" above the ways to pay (SPEC §13), or ""
    tax_qr: TaxQrView | None = None  # a registered document's VERI*FACTU code (SPEC §12), before every payment code


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
class ClientCreditNoteRow:
    number: str
    path: str
    issued: str
    issued_iso: str
    corrects: DocumentLink
    amount: str  # the credited amount, shown negative
    reason: str


@dataclass(frozen=True)
class StatementRow:
    date: str
    date_iso: str
    document: str  # "Invoice 2026-003", "Credit note R-2026-001", "Payment on 2026-003"
    path: str
    charged: str
    credited: str
    paid: str
    balance: str


@dataclass(frozen=True)
class StatementView:
    """A year's statement of account in one currency (SPEC §8, §14)."""

    currency: str
    rows: tuple[StatementRow, ...]
    closing_label: str  # "Closing balance", or "Credit in your favour" when it is negative
    closing: str
    opening_label: str  # "Opening balance", or "Opening credit in your favour" when it is negative
    opening: str


@dataclass(frozen=True)
class StatementYearRow:
    """On the client page: one year's statement in one currency, with the balances it opens and closes on."""

    year: int
    title: str  # "Statement of account 2025": the link's text
    path: str
    currency: str
    opening: str  # negative (a credit in the client's favour) shown with its minus sign
    closing: str


@dataclass(frozen=True)
class StatementPage:
    """One calendar year of a client's account, on its own printable page (SPEC §14)."""

    language: str
    title: str  # "Statement of account 2025"
    name: str
    preview: bool
    business_name: str
    logo: str | None
    period: str  # "1 January 2025 to 31 December 2025"; the year still running, to its last movement
    runs_to_iso: str  # the period's last day: the date of its PDF
    client_title: str  # "Invoices for Acme": the link back to the client page
    client_path: str
    statements: tuple[StatementView, ...]
    support: SupportView | None
    pdf_path: str  # the PDF beside the page, or "" on the PDF itself and in a build without PDFs
    pdf_filename: str  # "Statement of account 2025.pdf"


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    outstanding: str
    overdue: str
    has_overdue: bool
    in_credit: bool = False  # the outstanding amount is a credit in the client's favour


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
    estimates: tuple[ClientInvoiceRow, ...] = ()  # "due" holds the last day to accept
    credit_notes: tuple[ClientCreditNoteRow, ...] = ()
    statement_years: tuple[StatementYearRow, ...] = ()  # newest year first
    older_note: str = ""  # said when documents or payments older than 24 months are left off the page


# The template (overrides/) of each kind's page; estimate and credit note pages extend the invoice's.
DOCUMENT_TEMPLATES = {INVOICE: "invoice.html", ESTIMATE: "estimate.html", CREDIT_NOTE: "credit_note.html"}


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


def invoice_page(site: Site, entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    """The view of one invoice page; QR drawings come from ``qr_cache``."""
    business = site.ledger.business
    invoice, figures, client = entry.invoice, entry.figures, entry.client
    fmt = formatter(invoice.language)
    items = _item_rows(fmt, invoice, figures)
    totals = _total_rows(fmt, invoice, figures)

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
        summary=_summary(fmt, entry, site.today, site.entry(entry.invoice.corrects) if entry.invoice.corrects else None),
        items=items,
        show_unit=any(line.item.unit for line in figures.lines),
        show_discount=any(line.discount for line in figures.lines),
        totals=totals,
        payments=_payment_rows(fmt, entry),
        no_payments=fmt.gettext("No payments received as of {date}.", date=fmt.date(site.today)),
        qr_codes=qr_codes,
        bank=bank,
        buttons=buttons,
        notes_html=markdown_to_html(invoice.notes) if invoice.notes else Markup(""),
        support=_support(business, fmt, _support_heading(fmt, invoice.kind), invoice_title(entry)),
        jsonld=invoice_jsonld(invoice, figures, business, client) if invoice.kind == INVOICE else {},
        **_files_beside(site, entry, fmt),
        schedule=_schedule(fmt, entry),
        bank_notice=_bank_notice(fmt, site, entry),
        tax_qr=_tax_qr(fmt, tax_qr_request(site, entry), qr_cache),
        **_kind_fields(site, entry, fmt),
    )


def _files_beside(site: Site, entry: InvoiceEntry, fmt: Formatter) -> dict[str, str]:
    """The files beside the page (SPEC §9): the calendar, the PDF, and the e-invoice or in one line
    why there is none (an estimate has none, and says nothing)."""
    invoice = entry.invoice
    has_einvoice = einvoice.content_of(site, entry) is not None
    no_einvoice = eligibility.missing(site.ledger.business, entry.client, invoice) if invoice.kind != ESTIMATE else ()
    return {
        "calendar_path": f"{entry.folder}/{calendar.INVOICE_FILE}" if entry.figures.is_open else "",
        "einvoice_path": f"{entry.folder}/{einvoice.UBL_FILE}" if has_einvoice else "",
        "einvoice_filename": f"{invoice_title(entry)}.xml",
        "no_einvoice_reason": _no_einvoice_reason(fmt, no_einvoice),
        "pdf_path": f"{entry.folder}/{links.DOCUMENT_FILE}",
        "pdf_filename": f"{invoice_title(entry)}.pdf",
    }


def _item_rows(fmt: Formatter, invoice: Invoice, figures: InvoiceFigures) -> tuple[ItemRow, ...]:
    """The itemized breakdown; a credit note shows what it takes off, its prices and amounts negative."""
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
            details_html=markdown_to_html(line.item.details) if line.item.details else Markup(""),
        )
        for line in figures.lines
    )
    if invoice.kind == CREDIT_NOTE:
        items = tuple(replace(row, unit_price=fmt.unit_price(-line.item.unit_price, currency), net=fmt.money(-line.net, currency)) for row, line in zip(items, figures.lines))
    return items


def _total_rows(fmt: Formatter, invoice: Invoice, figures: InvoiceFigures) -> tuple[TotalRow, ...]:
    """Subtotal, discount, each tax, total, withholding and what is due, paid, credited and left;
    a credit note's as negative amounts."""
    currency = invoice.currency
    sign = -1 if invoice.kind == CREDIT_NOTE else 1
    money = lambda amount: fmt.money(sign * amount, currency)  # noqa: E731
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
        amount_label = fmt.gettext("Amount credited") if invoice.kind == CREDIT_NOTE else fmt.gettext("Amount due")
        totals.append(TotalRow(amount_label, money(figures.amount_due), "amount_due", strong=True))
    if figures.paid:
        totals.append(TotalRow(fmt.gettext("Paid"), money(-figures.paid), "paid"))
    if figures.credited and invoice.kind == INVOICE:
        # Credited after the invoice was paid in full, a credit note is money to give back (SPEC §14).
        label = fmt.gettext("Credited (to be refunded)") if _paid_in_full(figures) else fmt.gettext("Credit notes")
        totals.append(TotalRow(label, money(-figures.credited), "credited"))
    if figures.status != VOID and invoice.kind == INVOICE:
        totals.append(TotalRow(_balance_label(fmt, figures), money(abs(figures.balance)), "balance"))
    return tuple(totals)


def _payment_rows(fmt: Formatter, entry: InvoiceEntry) -> tuple[PaymentRow, ...]:
    """The payment history, oldest first."""
    return tuple(
        PaymentRow(
            date=fmt.short_date(payment.date),
            date_iso=payment.date.isoformat(),
            amount=fmt.money(payment.amount, entry.invoice.currency),
            method=payment.method or "",
            reference=payment.reference or "",
        )
        for payment in sorted(entry.invoice.payments, key=lambda p: p.date)
    )


def tax_qr_request(site: Site, entry: InvoiceEntry) -> QrRequest | None:
    """What the document's tax QR code holds (SPEC §12), or None: not registered, cancelled or refused."""
    registry = site.registry
    record = registry.shown(entry.invoice.number) if registry is not None else None
    return tax_qr.request(record, registry.settings.environment) if record is not None else None


def _tax_qr(fmt: Formatter, request: QrRequest | None, qr_cache: QrCache) -> TaxQrView | None:
    if request is None:
        return None
    alt = fmt.gettext("Tax QR code (VERI*FACTU): check this document with the Spanish tax agency at {url}", url=request.payload)
    return TaxQrView(svg=Markup(qr_cache.svg(request)), url=request.payload, alt=alt)


def bank_notice_day(site: Site, entry: InvoiceEntry) -> datetime.date | None:
    """The day the accounts this page asks the client to pay into changed, when it must say so (SPEC §13)."""
    ways = entry.ways
    if ways is None or site.bank_history is None:
        return None
    asked = {account_key(qr.account) for qr in ways.qr_codes}
    if ways.account is not None:
        asked.add(account_key(ways.account.iban))
    previous = site.previous_invoice(entry)
    business = site.ledger.business
    return notice_day(
        site.bank_history,
        current_accounts(business),
        asked,
        previous.invoice.issued if previous is not None else None,
        site.today,
        business.bank_change_notice_days,
    )


def _bank_notice(fmt: Formatter, site: Site, entry: InvoiceEntry) -> str:
    """Above the ways to pay: the account changed on that day; confirm it by phone (or e-mail) first."""
    day = bank_notice_day(site, entry)
    if day is None:
        return ""
    business = site.ledger.business
    phone = business.support.phone or business.phone
    email = business.support.email or business.email
    date = fmt.date(day)
    if phone:
        return fmt.gettext("Our bank details changed on {date}. Please confirm them with us by phone on {phone} before you pay.", date=date, phone=phone)
    if email:
        return fmt.gettext("Our bank details changed on {date}. Please confirm them with us by e-mail at {email} before you pay.", date=date, email=email)
    return fmt.gettext("Our bank details changed on {date}. Please confirm them with us before you pay.", date=date)


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


def recent_since(today: datetime.date) -> datetime.date:
    """The first day of the last 24 months: what the client page lists besides open documents (SPEC §14)."""
    try:
        return today.replace(year=today.year - 2)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 2, day=28)


def client_page(site: Site, entry: ClientEntry) -> ClientPage:
    """The view of one client page: the open documents and those of the last 24 months, and every
    payment of those months, newest first; the years before are in the statements by year."""
    business = site.ledger.business
    client = entry.client
    fmt = formatter(client.language)
    since = recent_since(site.today)
    # An older invoice stays while anything is owed on it either way (a credit to be refunded),
    # and so do the credit notes of the invoices listed.
    invoices = tuple(e for e in entry.invoices if e.figures.is_open or e.figures.balance != 0 or e.invoice.issued >= since)
    estimates = tuple(e for e in entry.estimates if e.figures.status == OPEN or e.invoice.issued >= since)
    listed = {e.invoice.number for e in invoices}
    credit_notes = tuple(e for e in entry.credit_notes if e.invoice.issued >= since or e.invoice.corrects in listed)
    payments, older_payments = _recent_payments(fmt, entry, since)
    return ClientPage(
        language=client.language,
        title=client_title(entry),
        name=client.name,
        preview=site.preview,
        business_name=business.name,
        logo=business.logo,
        as_of=fmt.gettext("as of {date}", date=fmt.date(site.today)),
        totals=_currency_totals(fmt, entry),
        invoices=tuple(_client_invoice_row(fmt, e) for e in invoices),
        payments=payments,
        no_payments=fmt.gettext("No payments received as of {date}.", date=fmt.date(site.today)),
        support=_support(business, fmt, fmt.gettext("Questions about your invoices?"), fmt.gettext("Invoices for {name}", name=client.name)),
        calendar_path=f"{entry.folder}/{calendar.CLIENT_FILE}" if any(e.figures.is_open for e in entry.invoices) else "",
        estimates=tuple(_client_estimate_row(fmt, e) for e in estimates),
        credit_notes=tuple(_client_credit_note(fmt, site, note) for note in credit_notes),
        statement_years=_statement_years(fmt, entry),
        older_note=(
            fmt.gettext("Documents and payments older than 24 months are in the statements by year.")
            if older_payments or (invoices, estimates, credit_notes) != (entry.invoices, entry.estimates, entry.credit_notes)
            else ""
        ),
    )


def _recent_payments(fmt: Formatter, entry: ClientEntry, since: datetime.date) -> tuple[tuple[PaymentRow, ...], bool]:
    """The client's payments since ``since``, newest first, and whether any older one was left out."""
    payments = []
    older_payments = False
    for invoice_entry in entry.invoices:
        invoice = invoice_entry.invoice
        for payment in invoice.payments:
            if payment.date < since:
                older_payments = True
                continue
            payments.append(
                PaymentRow(
                    date=fmt.short_date(payment.date),
                    date_iso=payment.date.isoformat(),
                    amount=fmt.money(payment.amount, invoice.currency),
                    method=payment.method or "",
                    reference=payment.reference or "",
                    invoice_number=invoice.number,
                    invoice_path=invoice_entry.path,
                )
            )
    payments.sort(key=lambda row: (row.date_iso, row.invoice_number), reverse=True)
    return tuple(payments), older_payments


def _client_invoice_row(fmt: Formatter, entry: InvoiceEntry) -> ClientInvoiceRow:
    invoice, figures = entry.invoice, entry.figures
    currency = invoice.currency
    return ClientInvoiceRow(
        number=invoice.number,
        path=entry.path,
        pay_path=entry.path + "#pay" if entry.ways is not None else "",
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


def _client_estimate_row(fmt: Formatter, entry: InvoiceEntry) -> ClientInvoiceRow:
    """An estimate in the client page's own table: its validity where an invoice has its due date, no payment."""
    return ClientInvoiceRow(
        number=entry.invoice.number,
        path=entry.path,
        pay_path="",
        issued=fmt.short_date(entry.invoice.issued),
        issued_iso=entry.invoice.issued.isoformat(),
        due=fmt.short_date(entry.invoice.valid_until),
        due_iso=entry.invoice.valid_until.isoformat(),
        amount_due=fmt.money(entry.figures.amount_due, entry.invoice.currency),
        paid="",
        balance="",
        status=entry.figures.status,
        status_label=_status_label(fmt, entry.figures.status),
    )


def _currency_totals(fmt: Formatter, entry: ClientEntry) -> tuple[CurrencyTotal, ...]:
    """Outstanding nets every invoice's balance (credit notes taken off, a credit counted against
    what is due), so it equals the statement's closing balance."""
    return tuple(
        CurrencyTotal(
            currency=currency,
            outstanding=fmt.money(abs(total.outstanding), currency),
            overdue=fmt.money(total.overdue, currency),
            has_overdue=total.overdue > 0,
            in_credit=total.outstanding < 0,
        )
        for currency, total in figures_totals(e.figures for e in entry.invoices).items()
    )


def _statement_years(fmt: Formatter, entry: ClientEntry) -> tuple[StatementYearRow, ...]:
    """Each year's statement in each currency, newest first, for the client page's list."""
    rows = []
    for page in reversed(entry.statements):
        for statement in year_statements(entry, page.year):
            money = lambda amount: fmt.money(amount, statement.currency)  # noqa: E731
            rows.append(StatementYearRow(page.year, statement_title(page), page.path, statement.currency, money(statement.opening), money(statement.closing)))
    return tuple(rows)


def _statement_day(year: int, today: datetime.date, statements: tuple[Statement, ...]) -> datetime.date:
    """The day a year's statement runs to: 31 December, or for the year still running the day of
    its last movement, so that page and PDF state no fact of the build's day and keep their
    bytes from one daily rebuild to the next."""
    if year < today.year:
        return datetime.date(year, 12, 31)
    return max(line.date for statement in statements for line in statement.lines)


def statement_page(site: Site, entry: StatementEntry) -> StatementPage:
    """The view of one year's statement of account (SPEC §14)."""
    business = site.ledger.business
    client_entry = site.client_entry(entry.client.id)
    fmt = formatter(entry.client.language)
    statements = year_statements(client_entry, entry.year)
    last = _statement_day(entry.year, site.today, statements)
    return StatementPage(
        language=entry.client.language,
        title=statement_title(entry),
        name=entry.client.name,
        preview=site.preview,
        business_name=business.name,
        logo=business.logo,
        period=fmt.gettext("{start} to {end}", start=fmt.date(datetime.date(entry.year, 1, 1)), end=fmt.date(last)),
        runs_to_iso=last.isoformat(),
        client_title=client_title(client_entry),
        client_path=client_entry.path,
        statements=tuple(_statement_view(fmt, statement) for statement in statements),
        support=_support(business, fmt, fmt.gettext("Questions about your invoices?"), statement_title(entry)),
        pdf_path=f"{entry.folder}/{links.STATEMENT_FILE}",
        pdf_filename=f"{statement_title(entry)}.pdf",
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
        ISSUED: fmt.pgettext("credit note status", "Issued"),
        OPEN: fmt.pgettext("estimate status", "Open"),
        EXPIRED: fmt.pgettext("estimate status", "Expired"),
        ACCEPTED: fmt.pgettext("estimate status", "Accepted"),
        DECLINED: fmt.pgettext("estimate status", "Declined"),
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


def _paid_in_full(figures: InvoiceFigures) -> bool:
    """Whether the payments alone settle the invoice: a credit note on it is then to be refunded."""
    return figures.amount_due > 0 and figures.paid >= figures.amount_due


def _balance_label(fmt: Formatter, figures: InvoiceFigures) -> str:
    """A balance below zero is "to be refunded" when credit notes took it there, else a credit."""
    if figures.balance >= 0:
        return fmt.gettext("Balance due")
    return fmt.gettext("To be refunded") if figures.credited > 0 else fmt.gettext("Credit in your favour")


def _summary(fmt: Formatter, entry: InvoiceEntry, today: datetime.date, corrected: InvoiceEntry | None = None) -> Summary:
    figures = entry.figures
    currency = entry.invoice.currency
    if entry.invoice.kind == ESTIMATE:
        return _estimate_summary(fmt, entry)
    if entry.invoice.kind == CREDIT_NOTE:
        detail = fmt.label("credited_against", number=entry.invoice.corrects)
        if corrected is not None and _paid_in_full(corrected.figures):
            detail = fmt.gettext("Invoice {number} was already paid in full: this amount is to be refunded to you.", number=entry.invoice.corrects)
        if figures.status == VOID:
            detail = fmt.gettext("This credit note has been voided: it credits nothing.")
        return Summary(fmt.gettext("Amount credited"), fmt.money(-figures.credited, currency), detail, False)
    if figures.status == VOID:
        void_notice = fmt.gettext("This invoice has been voided. Nothing is due and it cannot be paid.")
        return Summary(fmt.gettext("Nothing to pay"), fmt.money(figures.payable, currency), void_notice, False)
    if figures.status == PAID:
        label = _balance_label(fmt, figures) if figures.balance < 0 else fmt.gettext("Nothing to pay")
        if figures.balance < 0:
            detail = fmt.gettext("Payments and credit notes exceed the amount due: the difference is yours.")
        elif figures.credited:
            detail = fmt.gettext("Settled with payments and credit notes.")
        else:
            detail = fmt.gettext("Paid in full. Thank you!")
        return Summary(label, fmt.money(abs(figures.balance), currency), detail, False)
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


def _estimate_summary(fmt: Formatter, entry: InvoiceEntry) -> Summary:
    """An estimate's headline: its total and whether it can still be accepted."""
    estimate, figures = entry.invoice, entry.figures
    valid_until = fmt.date(estimate.valid_until)
    detail = {
        OPEN: fmt.gettext("Valid until {date}.", date=valid_until),
        EXPIRED: fmt.gettext("This estimate expired on {date}.", date=valid_until),
        ACCEPTED: fmt.gettext("Accepted. Thank you!"),
        DECLINED: fmt.gettext("This estimate was declined."),
    }[figures.status]
    return Summary(fmt.gettext("Estimate total"), fmt.money(figures.amount_due, estimate.currency), detail, False)


def _support_heading(fmt: Formatter, kind: str) -> str:
    if kind == ESTIMATE:
        return fmt.gettext("Questions about this estimate?")
    if kind == CREDIT_NOTE:
        return fmt.gettext("Questions about this credit note?")
    return fmt.gettext("Questions about this invoice?")


def _kind_fields(site: Site, entry: InvoiceEntry, fmt: Formatter) -> dict[str, Any]:
    """What an invoice page shows of the other documents it is linked to, and an estimate's or credit note's own fields."""
    document, figures = entry.invoice, entry.figures
    money = lambda amount: fmt.money(amount, document.currency)  # noqa: E731
    fields: dict[str, Any] = {"kind": document.kind}
    if document.kind == INVOICE:
        estimate = site.entry(document.estimate) if document.estimate else None
        if estimate is not None and estimate.invoice.published:
            fields["estimate"] = DocumentLink(estimate.invoice.number, estimate.path)
        fields["credit_notes"] = tuple(
            DocumentLink(
                note.invoice.number, note.path, fmt.date(note.invoice.issued), note.invoice.issued.isoformat(), money(-note.figures.credited)
            )
            for note in site.credit_notes_of(document.number)
        )
    elif document.kind == CREDIT_NOTE:
        corrected = site.entry(document.corrects)
        fields["corrects"] = DocumentLink(corrected.invoice.number, corrected.path, fmt.date(corrected.invoice.issued), corrected.invoice.issued.isoformat())
        fields["reason"] = document.reason or ""
    elif document.kind == ESTIMATE:
        fields["valid_until"] = fmt.date(document.valid_until)
        fields["valid_until_iso"] = document.valid_until.isoformat()
        email = site.ledger.business.email or site.ledger.business.support.email
        if figures.status == OPEN and email:
            subject = fmt.gettext("Acceptance of estimate {number}", number=document.number)
            body = fmt.gettext(
                "Hello,\n\nWe accept estimate {number} of {date} for a total of {total}.\n\n{client}",
                number=document.number,
                date=fmt.date(document.issued),
                total=money(figures.amount_due),
                client=entry.client.name,
            )
            fields["accept_mailto"] = f"{mailto(email, subject)}&body={quote(body)}"
    return fields


def _client_credit_note(fmt: Formatter, site: Site, note: InvoiceEntry) -> ClientCreditNoteRow:
    corrected = site.entry(note.invoice.corrects)
    return ClientCreditNoteRow(
        number=note.invoice.number,
        path=note.path,
        issued=fmt.short_date(note.invoice.issued),
        issued_iso=note.invoice.issued.isoformat(),
        corrects=DocumentLink(corrected.invoice.number, corrected.path),
        amount=fmt.money(-note.figures.credited, note.invoice.currency),
        reason=note.invoice.reason or "",
    )


def _statement_view(fmt: Formatter, statement: Statement) -> StatementView:
    """One year's statement in one currency, each movement in its own column."""
    money = lambda amount: fmt.money(amount, statement.currency)  # noqa: E731
    rows = []
    for line in statement.lines:
        document = line.entry.invoice
        if line.kind == CHARGE:
            name = fmt.gettext("Invoice {number}", number=document.number)
        elif line.kind == CREDIT:
            name = fmt.gettext("Credit note {number}", number=document.number)
        else:
            name = fmt.gettext("Payment on invoice {number}", number=document.number)
        rows.append(
            StatementRow(
                date=fmt.short_date(line.date),
                date_iso=line.date.isoformat(),
                document=name,
                path=line.entry.path,
                charged=money(line.amount) if line.kind == CHARGE else "",
                credited=money(line.amount) if line.kind == CREDIT else "",
                paid=money(line.amount) if line.kind not in (CHARGE, CREDIT) else "",
                balance=money(line.balance),
            )
        )
    return StatementView(
        currency=statement.currency,
        rows=tuple(rows),
        closing_label=fmt.gettext("Credit in your favour") if statement.closing < 0 else fmt.gettext("Closing balance"),
        closing=money(abs(statement.closing)),
        opening_label=fmt.gettext("Opening credit in your favour") if statement.opening < 0 else fmt.gettext("Opening balance"),
        opening=money(abs(statement.opening)),
    )


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
