"""The PDF of each published document (SPEC §9): its page as of the document's own date.

A PDF states no day-dependent fact and keeps its bytes from one daily rebuild to the next,
so it is drawn from the page's view as of the document's date (the latest of its issue
date and the dates of the payments and credit notes it records) rather than the build's
day: "Due (as of 3 March 2026)", never "overdue" because the build ran later. The figures
are those of §2, computed by the same ``figures.compute`` for that date; the embedded
Factur-X XML is read from them too.

A build names each PDF by its inputs (``PdfJob``): the documents it shows, this package's code
and catalogs, the libraries that do its work (``PDF_LIBRARIES``), Typst's fonts and the theme's
paper template. Only a PDF whose name is not
in the cache has its view and XML built and is drawn, so a daily rebuild with nothing changed
builds no view for its PDFs at all. The drawn bytes are still those of the ``PdfRequest``: a
job's name changes whenever anything its request is built from changes.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace
from functools import lru_cache
from importlib.metadata import version
from typing import Container

from . import einvoice
from .cache import code_fingerprint
from .einvoice.cii import cii_invoice
from .figures import compute
from .payments.ways import ways_to_pay
from .pdf import DOCUMENT_FILE, STATEMENT_FILE, PdfRequest, Theme, drawing_fingerprint
from .qr import QrCache
from .site import InvoiceEntry, Site, StatementEntry
from .views import DOCUMENT_TEMPLATES, InvoicePage, bank_notice_day, invoice_page, statement_page, tax_qr_request


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


class PdfJob:
    """One document's PDF named by its inputs; its ``PdfRequest`` is built only when asked for."""

    def __init__(self, site: Site, entry: InvoiceEntry, linked: tuple[InvoiceEntry, ...], qr_cache: QrCache, theme: Theme) -> None:
        self.site, self.entry, self.qr_cache, self.theme = site, entry, qr_cache, theme
        self.key = _inputs_key(site, entry, linked, theme)

    def request(self) -> PdfRequest:
        return pdf_request(self.site, self.entry, self.qr_cache, self.theme)


def pdf_jobs(site: Site, qr_cache: QrCache, theme: Theme, skip: Container[str] = frozenset()) -> list[tuple[str, PdfJob | PdfRequest]]:
    """The PDF of every published document and of every year's statement, as (path from the site root, job),
    but for those in the private folders ``skip`` (a rebuild that keeps them, ``redraw``)."""
    jobs: list[tuple[str, PdfJob | PdfRequest]] = [
        (f"{entry.folder}/{DOCUMENT_FILE}", PdfJob(site, entry, site.linked(entry), qr_cache, theme))
        for entry in site.published
        if entry.folder not in skip
    ]
    jobs += [
        (f"{page.folder}/{STATEMENT_FILE}", statement_request(site, page, theme))
        for client in site.clients
        for page in client.statements
        if page.folder not in skip
    ]
    return jobs


def statement_request(site: Site, page: StatementEntry, theme: Theme) -> PdfRequest:
    """A year's statement on paper: its page's view, dated the day it runs to, named by that view
    like any request (a daily rebuild draws none again: the view holds no fact of the build's day)
    and, as a document's job is, by this package's code and catalogs and the libraries that draw it."""
    view = statement_page(site, page)
    return PdfRequest(
        theme=theme,
        template="statement.html",
        view=replace(view, client_path="", pdf_path=""),
        issued=datetime.date.fromisoformat(view.runs_to_iso),
        context=(("code", _code_fingerprint()), ("libraries", _libraries())),
    )


def _inputs_key(site: Site, entry: InvoiceEntry, linked: tuple[InvoiceEntry, ...], theme: Theme) -> str:
    """A hash of everything the PDF of ``entry`` is built from (see the module's docstring)."""
    inputs = (
        document_date(entry),
        site.preview,
        site.ledger.business,
        entry.client,
        entry.invoice,
        entry.path,
        entry.uri,
        entry.figures.credits,
        tuple((other.invoice, other.client, other.path, other.uri) for other in linked),
        bank_notice_day(replace(site, today=document_date(entry)), entry),  # SPEC §13, as printed
        tax_qr_request(site, entry),  # SPEC §12: the tax QR code, once the document is registered
    )
    digest = hashlib.sha256()
    for part in ("pdf-job-1", _code_fingerprint(), _libraries(), drawing_fingerprint(), theme.fingerprint, repr(inputs)):
        digest.update(part.encode("utf-8") + b"\x1f")
    return digest.hexdigest()


_code_fingerprint = code_fingerprint  # by this name, so that a test can stand in another release


# The libraries whose work a PDF shows: the YAML read, the locale data, the QR codes, the
# Markdown made safe, the account checks, the XML inside, the drawing. Not MkDocs, Material or
# the test tools: a new release of those draws no PDF again (tests/test_pdf.py keeps this list
# to what a PDF's process imports).
PDF_LIBRARIES = (
    "babel", "iso4217", "lxml", "markdown-it-py", "markupsafe", "mdurl", "nh3", "numpy", "pikepdf",
    "python-stdnum", "pyyaml", "segno", "typst",
    "qrbill", "pillow", "qrcode", "svgwrite",  # the Swiss QR-bill's payment part, and what qrbill draws it with
    "schwifty", "iso3166", "pycountry", "rstr",  # IBAN and BIC checks, and the registries schwifty reads
)


@lru_cache(maxsize=None)
def _libraries() -> str:
    """The versions of ``PDF_LIBRARIES`` installed here."""
    return "\n".join(f"{name}=={version(name)}" for name in PDF_LIBRARIES)


def _printed_view(printed_site: Site, printed_entry: InvoiceEntry, qr_cache: QrCache) -> InvoicePage:
    view = invoice_page(printed_site, printed_entry, qr_cache)
    return replace(view, calendar_path="", einvoice_path="", pdf_path="")
