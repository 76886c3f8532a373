"""E-invoices (SPEC §9): the EN 16931 XML of each published invoice that can have one.

``eligibility`` says which invoices can, ``content`` reads what the XML says from the model
and the figures of §2, and ``ubl`` / ``cii`` write it. No MkDocs here: the hook only adds
the files this package lists.
"""

from __future__ import annotations

from ..model import CREDIT_NOTE, ESTIMATE
from ..site import InvoiceEntry, Site
from .content import EInvoice, einvoice
from .eligibility import missing
from .ubl import ubl_invoice

UBL_FILE = "invoice.xml"


def content_of(site: Site, entry: InvoiceEntry) -> EInvoice | None:
    """What the e-invoice of ``entry`` says, or None when it has none (see ``eligibility.missing``)."""
    business = site.ledger.business
    if entry.invoice.kind == ESTIMATE:  # an estimate is not a tax document: it has no e-invoice
        return None
    if not entry.invoice.published or missing(business, entry.client, entry.invoice):
        return None
    account = entry.ways.account if entry.ways is not None else None
    corrected = site.entry(entry.invoice.corrects).invoice if entry.invoice.kind == CREDIT_NOTE else None
    return einvoice(business, entry.client, entry.invoice, entry.figures, account, corrected)


def einvoice_files(site: Site) -> list[tuple[str, bytes]]:
    """The UBL file of every published invoice and credit note that has an e-invoice, as (path from the site root, content)."""
    files = []
    for entry in site.published:
        content = content_of(site, entry)
        if content is not None:
            files.append((f"{entry.folder}/{UBL_FILE}", ubl_invoice(content)))
    return files
