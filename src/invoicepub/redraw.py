"""Which private pages a rebuild of the site must draw again, and which read exactly what they read before.

``mkdocs serve`` rebuilds the whole site on every saved file. A page of one client reads that
client's documents, drafts included, the documents linked to them (``Site.linked``: an
invoice's estimate and credit notes, a credit note's invoice) and what every page reads (the
business, today's date, the bank history, the VERI*FACTU records). When none of that changed
between two loads, its pages, its statements and the files beside them are the same as the
last build's, and the hook places those instead of drawing them (an edit to one invoice
redraws one client's pages, not a thousand). Everything else a page reads, the theme, the
configuration and the public pages, is the hook's to compare.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

from .site import InvoiceEntry, Site


def unchanged_folders(before: Site | None, after: Site) -> frozenset[str]:
    """The private folders (``PrivatePage.folder``) of ``after`` whose pages and files read the same
    inputs as in ``before``: every published document, client page and statement of a client none
    of whose inputs changed. Empty when there is no earlier site or something every page reads changed."""
    if before is None or _every_page_reads(before) != _every_page_reads(after):
        return frozenset()
    earlier = _inputs_by_client(before)
    folders: set[str] = set()
    for client, inputs in _inputs_by_client(after).items():
        if earlier.get(client) == inputs:
            folders.update(page.folder for page in inputs[0].pages)
    return frozenset(folders)


def _every_page_reads(site: Site) -> tuple:
    return (site.ledger.business, site.today, site.preview, site.bank_history, site.registry)


def _inputs_by_client(site: Site) -> dict[str, tuple]:
    """Per client with a page: its page's entry (published documents, account, years), every
    document of its own in file order, drafts included, the documents linked to them, and its pages' keys."""
    documents: dict[str, list[InvoiceEntry]] = {}
    linked: dict[str, list[InvoiceEntry]] = {}
    for entry in site.entries:
        documents.setdefault(entry.client.id, []).append(entry)
        for other in site.linked(entry):  # both ways: each page shows the other's number and amounts
            linked.setdefault(entry.client.id, []).append(other)
            linked.setdefault(other.client.id, []).append(entry)
    inputs = {}
    for client in site.clients:
        own = tuple(documents.get(client.client.id, ()))
        keys = tuple(site.page_keys.get(page.folder) for page in client.pages)
        inputs[client.client.id] = (client, own, tuple(linked.get(client.client.id, ())), keys)
    return inputs


class HeldFolders:
    """The private folders the last build wrote, moved aside before the next one empties the site's
    folder (``mkdocs serve`` does on every save) and moved back, each in one rename, where that
    build does not draw them again. Nothing is copied or linked; what is not moved back is deleted."""

    def __init__(self, store: Path) -> None:
        self.store = store

    def hold(self, site_dir: Path, roots: Iterable[str]) -> None:
        """Move each of ``roots`` (a top folder of private pages: "i", "c") out of ``site_dir``."""
        self.discard()
        self.store.mkdir(parents=True)
        for root in roots:
            try:
                os.rename(site_dir / root, self.store / root)
            except FileNotFoundError:
                pass

    def restore(self, site_dir: Path, folders: Iterable[str]) -> None:
        """Move each of ``folders`` back into ``site_dir`` (a folder within one moved back goes with it), then delete the rest."""
        for folder in sorted(folders):  # a client's folder before the statements in it
            held, target = self.store / folder, site_dir / folder
            if not held.is_dir():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(target, ignore_errors=True)  # a dirty build keeps the site's folder: never mix two builds' files
            os.rename(held, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.store, ignore_errors=True)
