"""The view of one calendar year's statement of account of a client (SPEC §14)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .. import links
from ..i18n import Formatter, formatter
from ..site import Site, StatementEntry
from ..statement import CHARGE, CREDIT, Statement, year_statements
from .common import SupportView, client_title, statement_title, support_view


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
        support=support_view(business, fmt, fmt.gettext("Questions about your invoices?"), statement_title(entry)),
        pdf_path=f"{entry.folder}/{links.STATEMENT_FILE}",
        pdf_filename=f"{statement_title(entry)}.pdf",
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

