"""What the chain of records says of the documents (SPEC §12): which are registered, which are
cancelled, which are still to register, and whether a registered one was changed since.

A registered document's number, issue date, type, client tax id and totals can no longer
change, and its file can no longer go: ``check`` reports such an edit at the document's line (a
deleted or renamed file at its record's line) and says to issue a credit note instead. It also
recomputes every huella, so a record edited by hand breaks the chain loudly, at its line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Iterable, Protocol

from lxml import etree

from ..figures import InvoiceFigures
from ..model import CREDIT_NOTE, INVOICE, Client, Invoice, Verifactu
from ..problems import Problems
from .huella import ALTA_FIELDS, ANULACION_FIELDS, huella
from .records import SF, Document, alta, content, document, problems_of
from .store import REFUSED, Record


class Entry(Protocol):
    """A document with its client and figures (``site.InvoiceEntry``)."""

    invoice: Invoice
    client: Client
    figures: InvoiceFigures


@dataclass(frozen=True)
class Registry:
    """The records of records.jsonl, by the number of the document each one names."""

    settings: Verifactu
    records: tuple[Record, ...]
    _altas: dict[str, Record] = field(default_factory=dict, repr=False)
    _cancelled: dict[str, Record] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for record in self.records:
            (self._altas if record.is_alta else self._cancelled)[record.number] = record

    @property
    def last(self) -> Record | None:
        return self.records[-1] if self.records else None

    def alta_of(self, number: str) -> Record | None:
        """The registro de alta of document ``number``, or None when it has none."""
        return self._altas.get(number)

    def cancellation_of(self, number: str) -> Record | None:
        return self._cancelled.get(number)

    def shown(self, number: str) -> Record | None:
        """The record whose tax QR code the document's page shows: its alta, unless cancelled or refused."""
        record = self._altas.get(number)
        if record is None or number in self._cancelled or record.state == REFUSED:
            return None
        return record


def registrable(entry: Entry, settings: Verifactu, today: datetime.date) -> bool:
    """A published invoice or credit note of the business's registering days, issued by today."""
    invoice = entry.invoice
    return (
        invoice.kind in (INVOICE, CREDIT_NOTE)
        and invoice.state == "issued"
        and (settings.since is None or invoice.issued >= settings.since)
        and invoice.issued <= today
    )


def due(registry: Registry, entries: Iterable[Entry], today: datetime.date) -> list[Entry]:
    """The documents still to register, in the order they are issued: those without a record, and
    those whose record the AEAT refused and whose file has been corrected since."""
    entries = list(entries)
    waiting = [
        e for e in entries
        if registrable(e, registry.settings, today)
        and ((record := registry.alta_of(e.invoice.number)) is None or (record.state == REFUSED and corrected_since(record, e, registry.settings, entries)))
    ]  # fmt: skip
    return sorted(waiting, key=lambda e: (e.invoice.issued, e.invoice.number))


def corrected_invoice(entry: Entry, entries: Iterable[Entry]) -> Invoice | None:
    """The invoice a credit note corrects (None for an invoice)."""
    if not entry.invoice.corrects:
        return None
    return next((e.invoice for e in entries if e.invoice.number == entry.invoice.corrects), None)


def corrected_since(record: Record, entry: Entry, settings: Verifactu, entries: Iterable[Entry]) -> bool:
    """Whether the record the document would get now says something else than ``record``."""
    moment = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)  # the time is not compared
    now = alta(entry.invoice, entry.client, entry.figures, settings, None, moment, corrected_invoice(entry, entries))
    return content(now["xml"]) != content(record.data["xml"])


def unresolved(registry: Registry, entries: Iterable[Entry]) -> list[Record]:
    """The records the AEAT refused whose document has not been corrected since: it holds nothing of them."""
    entries = list(entries)
    by_number = {e.invoice.number: e for e in entries}
    found = []
    for number, record in registry._altas.items():
        entry = by_number.get(number)
        if record.state == REFUSED and number not in registry._cancelled:
            if entry is None or not corrected_since(record, entry, registry.settings, entries):
                found.append(record)
    return found


def recorded(record: Record) -> Document:
    """What a registro de alta says of its document, read back from its fields and its XML."""
    element = etree.fromstring(record.data["xml"])
    found = element.xpath("sf:Destinatarios/sf:IDDestinatario/sf:NIF | sf:Destinatarios/sf:IDDestinatario/sf:IDOtro/sf:ID", namespaces={"sf": SF})
    return Document(
        number=record.number,
        issue_date=record.data["FechaExpedicionFactura"],
        kind=record.data["TipoFactura"],
        tax_total=record.data["CuotaTotal"],
        total=record.data["ImporteTotal"],
        recipient=found[0].text if found else "",
    )


_WHAT_CHANGED = {
    "issue_date": "issue date",
    "kind": "type (TipoFactura)",
    "tax_total": "total tax",
    "total": "total",
    "recipient": "client's tax id",
}


def check(registry: Registry, entries: Iterable[Entry], by_number: dict[str, Invoice], problems: Problems) -> None:
    """Add a problem for every break of the chain and every change to a registered document."""
    _check_chain(registry.records, problems)
    _check_environment(registry, problems)
    entries = {entry.invoice.number: entry for entry in entries}
    for number, record in registry._altas.items():
        entry = entries.get(number)
        cancelled = registry.cancellation_of(number) is not None
        if record.state == REFUSED:
            continue  # the AEAT holds nothing of it: the document may be corrected and registered again
        if entry is None:
            problems.add(
                record.source,
                f"{_kind(record)} {number} is registered with the AEAT ({record.data['FechaHoraHusoGenRegistro']}), "
                "but no file has this number now: restore its file and number from git; to correct it, issue a credit note",
            )
            continue
        if cancelled:
            if entry.invoice.state != "void":
                problems.add(entry.invoice.source, f"number: {number} was cancelled with the AEAT (an anulación): set status: void")
            continue
        if entry.invoice.state != "issued":
            problems.add(
                entry.invoice.source,
                f"status: {number} is registered with the AEAT and can no longer be {entry.invoice.state}: restore status: issued, "
                f"and correct it with a credit note (or, where the rules allow, `invoices verifactu cancel {number}`)",
            )
            continue
        then, now = recorded(record), document(entry.invoice, entry.client, entry.figures)
        changed = [label for key, label in _WHAT_CHANGED.items() if getattr(then, key) != getattr(now, key)]
        if changed:
            problems.add(
                entry.invoice.source,
                f"number: {number} is registered with the AEAT: its {', '.join(changed)} can no longer change "
                f"(registered: {_summary(then)}; now: {_summary(now)}). Restore the file from git and issue a credit note instead",
            )
    for entry in entries.values():
        if registrable(entry, registry.settings, datetime.date.max) and registry.alta_of(entry.invoice.number) is None:
            corrected = by_number.get(entry.invoice.corrects) if entry.invoice.corrects else None
            pair = (corrected, entries[corrected.number].client) if corrected is not None and corrected.number in entries else None
            for message in problems_of(entry.invoice, entry.client, entry.figures, pair):
                problems.add(entry.invoice.source, f"{_kind_of(entry.invoice)} {entry.invoice.number} cannot be registered: {message}")


def _kind(record: Record) -> str:
    return "credit note" if record.data.get("TipoFactura", "").startswith("R") else "invoice"


def _kind_of(invoice: Invoice) -> str:
    return "credit note" if invoice.kind == CREDIT_NOTE else "invoice"


def _summary(facts: Document) -> str:
    who = f", client {facts.recipient}" if facts.recipient else ""
    return f"{facts.kind} of {facts.issue_date}, total {facts.total}, tax {facts.tax_total}{who}"


def _check_chain(records: tuple[Record, ...], problems: Problems) -> None:
    """Each record names the huella before it, and its own huella is the hash of its fields."""
    previous = ""
    for record in records:
        fields = ALTA_FIELDS if record.is_alta else ANULACION_FIELDS
        try:
            expected = huella(fields, record.data, previous)
        except KeyError as error:
            problems.add(record.source, f"this record lacks a field of its huella ({error.args[0]}): restore records.jsonl from git")
            return
        if record.data["HuellaAnterior"] != previous or record.huella != expected:
            problems.add(
                record.source,
                "the chain of records is broken here: this record's huella is not the hash of its fields after the one before. "
                "records.jsonl is never edited by hand: restore it from git",
            )
            return
        previous = record.huella


def _check_environment(registry: Registry, problems: Problems) -> None:
    """One chain, one environment: records sent to the AEAT's test service never lead a production chain."""
    wanted = registry.settings.environment
    for record in registry.records:
        if record.data.get("entorno", wanted) != wanted:
            problems.add(
                record.source,
                f"this record was made for the AEAT's {record.data['entorno']} environment, and business.yml now says "
                f"environment: {wanted}. Keep the test records apart (git mv verifactu/records.jsonl "
                "verifactu/test-records.jsonl) so that the real chain starts with its own first record",
            )
            return
