"""The view of a document's page (invoice, estimate, credit note): the itemized breakdown, the
totals, the payment history and plan, the files beside it and the documents it is linked to."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from .. import calendar, einvoice, links, tax
from ..einvoice import eligibility
from ..figures import OPEN, VOID, InvoiceFigures
from ..i18n import Formatter, formatter
from ..jsonld import invoice_jsonld
from ..model import CREDIT_NOTE, ESTIMATE, INVOICE, Invoice
from ..qr import QrCache
from ..rich_text import markdown_to_html
from ..site import InvoiceEntry, Site
from .common import DocumentLink, Party, PaymentRow, SupportView, client_party, invoice_title, mailto, seller_party, status_label, support_view
from .summary import Summary, balance_label, paid_in_full, summary
from .ways_to_pay import BankView, ButtonView, QrView, TaxQrView, ways_to_pay


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
class TotalRow:
    label: str
    amount: str
    kind: str  # "subtotal", "discount", "tax", "withholding", "total", "amount_due", "paid", "balance"
    detail: str = ""
    strong: bool = False  # the amount due: what the client pays (not "Total" when tax is withheld)
    mention: str = ""  # under a tax line of a 0 % category: "Reverse charge…", or the exemption's ground


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


# The template (overrides/) of each kind's page; estimate and credit note pages extend the invoice's.
DOCUMENT_TEMPLATES = {INVOICE: "invoice.html", ESTIMATE: "estimate.html", CREDIT_NOTE: "credit_note.html"}


def invoice_page(site: Site, entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    """The view of one invoice page; QR drawings come from ``qr_cache``."""
    business = site.ledger.business
    invoice, figures, client = entry.invoice, entry.figures, entry.client
    fmt = formatter(invoice.language)
    items = _item_rows(fmt, invoice, figures)
    totals = _total_rows(fmt, invoice, figures)


    return InvoicePage(
        language=invoice.language,
        title=invoice_title(entry),
        number=invoice.number,
        status=figures.status,
        status_label=status_label(fmt, figures.status),
        status_as_of=fmt.gettext("{status} (as of {date})", status=status_label(fmt, figures.status), date=fmt.date(site.today)),
        preview=site.preview,
        business_name=business.name,
        logo=business.logo,
        seller=seller_party(business, fmt),
        client=client_party(client, fmt),
        issued=fmt.date(invoice.issued),
        issued_iso=invoice.issued.isoformat(),
        due=fmt.date(invoice.due),
        due_iso=invoice.due.isoformat(),
        summary=summary(fmt, entry, site.today, site.entry(entry.invoice.corrects) if entry.invoice.corrects else None),
        items=items,
        show_unit=any(line.item.unit for line in figures.lines),
        show_discount=any(line.discount for line in figures.lines),
        totals=totals,
        payments=_payment_rows(fmt, entry),
        no_payments=fmt.gettext("No payments received as of {date}.", date=fmt.date(site.today)),
        notes_html=markdown_to_html(invoice.notes) if invoice.notes else Markup(""),
        support=support_view(business, fmt, _support_heading(fmt, invoice.kind), invoice_title(entry)),
        jsonld=invoice_jsonld(invoice, figures, business, client) if invoice.kind == INVOICE else {},
        **_files_beside(site, entry, fmt),
        schedule=_schedule(fmt, entry),
        **ways_to_pay(site, entry, fmt, qr_cache),
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
        label = fmt.gettext("Credited (to be refunded)") if paid_in_full(figures) else fmt.gettext("Credit notes")
        totals.append(TotalRow(label, money(-figures.credited), "credited"))
    if figures.status != VOID and invoice.kind == INVOICE:
        totals.append(TotalRow(balance_label(fmt, figures), money(abs(figures.balance)), "balance"))
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
                status_label=status_label(fmt, instalment.status),
            )
        )
    return tuple(rows)


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


def _line_discount(fmt: Formatter, rate: Decimal | None, amount: Decimal | None, currency: str) -> str:
    if rate is not None:
        return fmt.rate(rate)
    if amount is not None:
        return fmt.money(-amount, currency)
    return ""


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

