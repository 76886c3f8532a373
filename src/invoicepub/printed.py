"""The printed document as data: what the paper template (``pdf/document.typ``) reads.

The page's own view (``views.InvoicePage``, as of the document's date: ``paper``) as plain
JSON values, with the labels in the page's language and the few lines the web templates
put together in markup (a party's address block, the dates, the bank details) put together
here. Nothing is computed again: every amount, date and status is the view's string.
Markdown already made safe (notes, an item's details) travels as blocks of text runs.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import i18n
from .model import CREDIT_NOTE, ESTIMATE
from .rich_text import blocks

if TYPE_CHECKING:  # views names the PDF's file, so it imports pdf, which imports this module
    from .views import InvoicePage, Party, StatementPage

# Which paper template draws which page: a document (invoice, estimate, credit note) or a
# year's statement of account.
DOCUMENT_TEMPLATE = "document.typ"
STATEMENT_TEMPLATE = "statement.typ"

SWISS_RAIL = "swiss_qr"

# The labels the paper template shows, by the names it reads them under: the page's own messages.
LABELS = {
    "issue-date": "Issue date",
    "due-date": "Due date",
    "valid-until": "Valid until",
    "corrects": "Corrects",
    "status": "Status",
    "follows-estimate": "This invoice follows from the estimate you accepted:",
    "credit-notes": "Credit notes",
    "number": "Number",
    "amount": "Amount",
    "reason": "Reason",
    "from": "From",
    "bill-to": "Bill to",
    "items": "Items",
    "description": "Description",
    "qty": "Qty",
    "unit": "Unit",
    "unit-price": "Unit price",
    "discount": "Discount",
    "payment-plan": "Payment plan",
    "paid": "Paid",
    "payment-history": "Payment history",
    "date": "Date",
    "method": "Method",
    "reference": "Reference",
    "notes": "Notes",
    "how-to-pay": "How to pay",
    "scan": "Scan with your banking app",
    "bank-transfer": "Bank transfer",
}


@lru_cache(maxsize=None)
def _labels(language: str) -> dict[str, str]:
    catalog = i18n.translations(language)
    return {key: catalog.gettext(message) for key, message in LABELS.items()}


def document(view: InvoicePage) -> dict[str, Any]:
    """The JSON values of ``view`` for the paper template (see the module's docstring)."""
    gettext = i18n.translations(view.language).gettext
    labels = dict(_labels(view.language))
    if view.estimate is not None:
        labels["estimate-number"] = gettext("Estimate %(number)s") % {"number": view.estimate.number}
    swiss = next((qr for qr in view.qr_codes if qr.rail == SWISS_RAIL), None)
    data = dataclasses.asdict(view)
    data.pop("jsonld")  # the page's, not the paper's
    if swiss is not None:
        data["qr_codes"] = [qr for qr in data["qr_codes"] if qr["rail"] != SWISS_RAIL]
    return {
        "view": data,
        "labels": labels,
        "dates": _dates(view, labels, gettext),
        "seller": _party(view.seller, gettext),
        "client": _party(view.client, gettext),
        "credit-note-rows": [
            {"title": gettext("Credit note %(number)s") % {"number": note.number}, "date": note.date, "amount": note.amount}
            for note in view.credit_notes
        ],
        "item-details": [blocks(item.details_html) for item in view.items],
        "notes": blocks(view.notes_html),
        "support-lines": _support_lines(view, gettext),
        "bank": _bank(view, labels, gettext),
        "swiss": {"svg": str(swiss.svg), "alt": swiss.alt} if swiss is not None else None,
    }


REPLACEMENT = "\ufffd"


def displayable(value: Any, glyphs: frozenset[int]) -> Any:
    """``value`` (a ``document``) with every character outside ``glyphs`` shown as U+FFFD;
    spaces and line breaks kept, drawings (``svg``) as they are."""
    if isinstance(value, str):
        return "".join(c if ord(c) in glyphs or c.isspace() else REPLACEMENT for c in value)
    if isinstance(value, dict):
        return {key: item if key == "svg" else displayable(item, glyphs) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(displayable(item, glyphs) for item in value)
    return value


def _dates(view: InvoicePage, labels: dict[str, str], gettext) -> list[tuple[str, str]]:
    if view.kind == ESTIMATE:
        second = (labels["valid-until"], view.valid_until)
    elif view.kind == CREDIT_NOTE and view.corrects is not None:
        invoice = gettext("Invoice %(number)s") % {"number": view.corrects.number}
        second = (labels["corrects"], f"{invoice} ({view.corrects.date})")
    else:
        second = (labels["due-date"], view.due)
    return [(labels["issue-date"], view.issued), second, (labels["status"], view.status_as_of)]


def _party(party: Party, gettext) -> dict[str, Any]:
    lines: list[str] = []
    if party.legal_name:
        lines.append(party.legal_name)
    if party.contact:
        lines.append(gettext("Contact: %(contact)s") % {"contact": party.contact})
    lines += party.address_lines
    if party.country:
        lines.append(party.country)
    if party.tax_id:
        lines.append(gettext("Tax ID: %(tax_id)s") % {"tax_id": party.tax_id})
    lines += [value for value in (party.email, party.phone, party.website) if value]
    return {"name": party.name, "lines": lines}


def payload(page_template: str, view: Any) -> tuple[str, dict[str, Any]]:
    """The paper template that draws a page of ``page_template``, and the data it reads."""
    if page_template == "statement.html":
        return STATEMENT_TEMPLATE, statement_document(view)
    return DOCUMENT_TEMPLATE, document(view)


def statement_document(view: StatementPage) -> dict[str, Any]:
    """The JSON values of a year's statement (``views.StatementPage``) for ``pdf/statement.typ``."""
    gettext = i18n.translations(view.language).gettext
    return {
        "view": dataclasses.asdict(view),
        "columns": [gettext(name) for name in ("Date", "Document", "Charged", "Credited", "Paid", "Balance")],
        "support-lines": _support_lines(view, gettext),
    }


def _support_lines(view: InvoicePage | StatementPage, gettext) -> list[str]:
    support = view.support
    if support is None:
        return []
    lines = []
    if support.email:
        lines.append(f"{gettext('Email:')} {support.email}")
    if support.phone:
        lines.append(f"{gettext('Phone:')} {support.phone}")
    if support.hours:
        lines.append(gettext("Hours: %(hours)s") % {"hours": support.hours})
    return lines


def _bank(view: InvoicePage, labels: dict[str, str], gettext) -> list[tuple[str, str, bool]]:
    """The bank details as (term, value, set in the monospaced face) rows."""
    bank = view.bank
    if bank is None:
        return []
    rows = [(gettext("Account holder"), bank.account_holder, False), (gettext("IBAN"), bank.iban, True)]
    if bank.bic:
        rows.append((gettext("BIC"), bank.bic, False))
    rows.append((labels["amount"], view.summary.amount, False))
    rows.append((gettext("Reference to quote"), bank.reference, True))
    return rows
