"""The PDF of each published document (SPEC §9): its page as of the document's own date.

A PDF states no day-dependent fact and keeps its bytes from one daily rebuild to the next,
so it is drawn from the page's view as of the document's date (the latest of its issue
date and the dates of the payments and credit notes it records) rather than the build's
day: "Due (as of 3 March 2026)", never "overdue" because the build ran later. The figures
are those of §2, computed by the same ``figures.compute`` for that date; the embedded
Factur-X XML is read from them too.
"""

from __future__ import annotations

import datetime
from dataclasses import replace

from . import einvoice
from .einvoice.cii import cii_invoice
from .figures import compute
from .payments.ways import ways_to_pay
from .pdf import DOCUMENT_FILE, PdfRequest, Theme
from .qr import QrCache
from .site import InvoiceEntry, Site
from .views import DOCUMENT_TEMPLATES, InvoicePage, invoice_page


def document_date(entry: InvoiceEntry) -> datetime.date:
    """The date a document's PDF speaks as of: the latest fact it records."""
    dates = [entry.invoice.issued]
    dates += [payment.date for payment in entry.invoice.payments]
    dates += [credit.issued for credit in entry.figures.credits]
    return max(dates)


def as_printed(site: Site, entry: InvoiceEntry) -> tuple[Site, InvoiceEntry]:
    """The site and the entry as of the document's date: the same arithmetic, that day."""
    as_of = document_date(entry)
    figures = compute(entry.invoice, as_of, entry.figures.credits)
    try:
        ways = ways_to_pay(site.ledger.business, entry.client, entry.invoice, figures)
    except ValueError:  # already reported by load_site for the page
        ways = None
    return replace(site, today=as_of), replace(entry, figures=figures, ways=ways)


def paper_view(site: Site, entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    """The page's view as printed: as of the document's date, without links to the files beside the page."""
    return _printed_view(*as_printed(site, entry), qr_cache)


def pdf_request(site: Site, entry: InvoiceEntry, qr_cache: QrCache, theme: Theme) -> PdfRequest:
    """What the PDF of ``entry`` is drawn from, its Factur-X XML included when it has an e-invoice."""
    printed_site, printed_entry = as_printed(site, entry)
    content = einvoice.content_of(printed_site, printed_entry)
    return PdfRequest(
        theme=theme,
        template=DOCUMENT_TEMPLATES[entry.invoice.kind],
        view=_printed_view(printed_site, printed_entry, qr_cache),
        issued=entry.invoice.issued,
        factur_x=cii_invoice(content) if content is not None else None,
    )


def pdf_requests(site: Site, qr_cache: QrCache, theme: Theme) -> list[tuple[str, PdfRequest]]:
    """The PDF of every published document, as (path from the site root, request)."""
    return [(f"{entry.folder}/{DOCUMENT_FILE}", pdf_request(site, entry, qr_cache, theme)) for entry in site.published]


def _printed_view(printed_site: Site, printed_entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    view = invoice_page(printed_site, printed_entry, qr_cache)
    return replace(view, calendar_path="", einvoice_path="", pdf_path="")
