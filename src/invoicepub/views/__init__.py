"""Page views: what the templates in ``overrides/`` show, formatted in the page's language, one
module per kind of page.

A view holds only strings, lists and flags; the templates place them. Every amount comes from
the ``InvoiceFigures`` computed once in ``site.py``.

- ``invoice``: a document's page (invoice, estimate, credit note), with ``summary`` (its
  headline) and ``ways_to_pay`` (its payment codes, bank details and buttons, its tax QR code);
- ``client``: a client's page;
- ``statement``: a year's statement of account;
- ``common``: what they all show the same way (parties, payments, support, names and states).
"""

from .client import ClientPage, client_page
from .common import Party, client_title, group_by_four, invoice_title, mailto, statement_title
from .invoice import DOCUMENT_TEMPLATES, InvoicePage, invoice_page
from .statement import StatementPage, statement_page
from .ways_to_pay import bank_and_buttons, bank_notice_day, tax_qr_request


__all__ = [
    "DOCUMENT_TEMPLATES",
    "ClientPage",
    "InvoicePage",
    "Party",
    "StatementPage",
    "bank_and_buttons",
    "bank_notice_day",
    "client_page",
    "client_title",
    "group_by_four",
    "invoice_page",
    "invoice_title",
    "mailto",
    "statement_page",
    "statement_title",
    "tax_qr_request",
]
