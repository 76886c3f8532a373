"""The view of a client's page: what is outstanding, the documents and payments of the last 24
months (SPEC §14) and the statements by year."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .. import calendar
from ..figures import OPEN
from ..figures import totals as figures_totals
from ..i18n import Formatter, formatter
from ..site import ClientEntry, InvoiceEntry, Site
from ..statement import year_statements
from .common import DocumentLink, PaymentRow, SupportView, client_title, statement_title, status_label, support_view


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
class StatementYearRow:
    """On the client page: one year's statement in one currency, with the balances it opens and closes on."""

    year: int
    title: str  # "Statement of account 2025": the link's text
    path: str
    currency: str
    opening: str  # negative (a credit in the client's favour) shown with its minus sign
    closing: str


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
        support=support_view(business, fmt, fmt.gettext("Questions about your invoices?"), fmt.gettext("Invoices for {name}", name=client.name)),
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
        status_label=status_label(fmt, figures.status),
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
        status_label=status_label(fmt, entry.figures.status),
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

