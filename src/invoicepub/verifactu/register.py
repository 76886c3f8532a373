"""``invoices verifactu register`` and ``cancel`` (SPEC §12): the records they add to the chain.

Both plan first and write afterwards: every new record is built and validated against the
AEAT's schema before one line is appended, so a refusal leaves records.jsonl as it was.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..model import CREDIT_NOTE
from ..site import Site
from ..source import with_status
from .records import alta, anulacion
from .registry import due
from .schemas import validate
from .store import REFUSED, Record

RECORD_SCHEMA = "SuministroInformacion.xsd"  # where RegistroAlta and RegistroAnulacion are declared


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """The record, once its XML is valid against the AEAT's schema (SchemaError otherwise)."""
    validate(etree.fromstring(data["xml"]), RECORD_SCHEMA)
    return data


def plan_register(site: Site, generated: datetime.datetime) -> list[dict[str, Any]]:
    """The registros de alta of every document not registered yet, chained in the order they were issued;
    a document whose record the AEAT refused, once corrected, gets a new one marked as such."""
    registry = site.registry
    if registry is None:
        return []
    previous = registry.last
    new = []
    for entry in due(registry, site.entries, site.today):
        corrected = site.entry(entry.invoice.corrects) if entry.invoice.corrects else None
        refused = registry.alta_of(entry.invoice.number) is not None  # due again: its last record was refused
        data = _checked(
            alta(
                entry.invoice,
                entry.client,
                entry.figures,
                registry.settings,
                previous,
                generated,
                corrected.invoice if corrected is not None else None,
                after_refusal=refused,
            )
        )
        new.append(data)
        previous = Record(0, data)
    return new


@dataclass(frozen=True)
class Cancellation:
    """What ``invoices verifactu cancel`` writes: the anulación, and the document's file with ``status: void``."""

    record: dict[str, Any]
    path: Path  # absolute
    text: str


def plan_cancel(root: Path, site: Site, number: str, generated: datetime.datetime) -> Cancellation:
    """The anulación of document ``number``; ValueError with one sentence where the rules do not allow it.

    An anulación withdraws a record of an invoice that should never have been issued. An invoice
    that was paid, or that a credit note corrects, was issued: it is corrected, not cancelled.
    """
    registry = site.registry
    if registry is None:
        raise ValueError("business.yml has no verifactu: nothing is registered")
    entry = site.entry(number)
    registered = registry.alta_of(number)
    if registered is None:
        raise ValueError(f"{number} is not registered with the AEAT: there is no record to cancel")
    if registry.cancellation_of(number) is not None:
        raise ValueError(f"{number} is already cancelled ({registry.cancellation_of(number).source})")
    if registered.state == REFUSED:
        raise ValueError(f"the AEAT refused the record of {number}: it holds nothing to cancel")
    if entry is None:
        raise ValueError(f"no file has the number {number!r}")
    notes = [n.invoice.number for n in site.credit_notes_of(number)]
    if notes:
        raise ValueError(f"{number} is corrected by credit note {', '.join(notes)}: an invoice that was corrected is not cancelled")
    if entry.invoice.payments:
        raise ValueError(f"{number} has payments recorded: it was issued, so correct it with a credit note instead of cancelling it")
    if entry.invoice.kind == CREDIT_NOTE and registry.cancellation_of(entry.invoice.corrects or "") is not None:
        raise ValueError(f"the invoice {entry.invoice.corrects} this credit note corrects is cancelled already")
    path = root / entry.invoice.source.path
    text = with_status(path.read_text(encoding="utf-8"), "void")
    return Cancellation(record=_checked(anulacion(registered, registry.settings, registry.last, generated)), path=path, text=text)
