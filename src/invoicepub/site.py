"""The published site as data: which pages exist, at which private paths, with which figures.

``load_site`` is the one entry point the MkDocs hook and the ``invoices`` command share:
files → ledger → figures → links. Pages, QR codes and JSON-LD are made from its result.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from . import links, seal
from .bank_history import BankHistory, current_accounts, read_history
from .figures import Credit, InvoiceFigures, compute, credit_of
from .load import KeptReadings, load_ledger
from .statement import Statement, account, years_with_activity
from .model import CREDIT_NOTE, ESTIMATE, INVOICE, SEALED, Client, Invoice, Ledger
from .payments.ways import WaysToPay, ways_to_pay
from .problems import Problems
from .schedule import ScheduleError
from .source import remembering
from .verifactu import registry as verifactu
from .verifactu.store import read_records

TODAY_VARIABLE = "INVOICES_TODAY"
# Under ``source.remember_files()`` (mkdocs serve): each invoice's figures and ways to pay, by
# its number, reused while the invoice is the same record (its file did not change), its client
# and credits are equal and so are the business and the day they were computed for.
_figured: dict[str, tuple[Invoice, Client, tuple[Credit, ...], InvoiceFigures, WaysToPay | None]] = {}
_figured_for: tuple | None = None


@dataclass(frozen=True)
class PrivatePage:
    """Where a private page lives."""

    path: str  # URL path relative to the site root, e.g. "i/<token>/"
    uri: str  # virtual source file, e.g. "i/<token>/index.md"

    @property
    def folder(self) -> str:
        """The page's private folder, e.g. "i/<token>": files beside the page go here."""
        return self.uri.rsplit("/", 1)[0]


@dataclass(frozen=True)
class InvoiceEntry(PrivatePage):
    """One invoice with its figures and, when published, its private page."""

    invoice: Invoice
    client: Client
    figures: InvoiceFigures
    ways: WaysToPay | None  # None when nothing is to pay


@dataclass(frozen=True)
class StatementEntry(PrivatePage):
    """One calendar year of a client's account, on a page of its own (SPEC §14)."""

    client: Client
    year: int


@dataclass(frozen=True)
class ClientEntry(PrivatePage):
    """One client with a page: its published documents of each kind, newest first."""

    client: Client
    invoices: tuple[InvoiceEntry, ...]  # kind invoice only: what is charged and paid
    estimates: tuple[InvoiceEntry, ...] = ()
    credit_notes: tuple[InvoiceEntry, ...] = ()
    statements: tuple[StatementEntry, ...] = ()  # one per year the account moved in, oldest first
    account: tuple[Statement, ...] = ()  # the whole statement of account per currency (statement.py)

    @property
    def pages(self) -> tuple[PrivatePage, ...]:
        """Every private page of this client: its own, its years' and its published documents'."""
        return (self, *self.statements, *self.invoices, *self.estimates, *self.credit_notes)


@dataclass(frozen=True)
class Site:
    """Everything the build publishes and the commands report on."""

    ledger: Ledger
    today: datetime.date
    preview: bool  # True when no secret was given: links are not the published ones
    entries: tuple[InvoiceEntry, ...]  # every invoice, drafts included, in file order
    clients: tuple[ClientEntry, ...]  # clients with at least one published invoice
    bank_history: BankHistory | None = None  # when the accounts of business.yml changed (SPEC §13)
    # SPEC §11, on a sealed site: each private page's key, by its folder ("i/<token>"); else empty.
    page_keys: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    registry: verifactu.Registry | None = None  # SPEC §12: the records of a business that registers its invoices
    # Derived from ``entries`` once (every page view asks for them): fields, so that a copy
    # made with dataclasses.replace (a PDF's site as of its own date) keeps them.
    published: tuple[InvoiceEntry, ...] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _credit_notes: dict[str, tuple[InvoiceEntry, ...]] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _by_number: dict[str, InvoiceEntry] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]
    _clients_by_id: dict[str, ClientEntry] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.published is None:
            object.__setattr__(self, "published", tuple(entry for entry in self.entries if entry.invoice.published))
        if self._credit_notes is None:
            notes: dict[str, list[InvoiceEntry]] = {}
            for entry in self.published:
                if entry.invoice.kind == CREDIT_NOTE:
                    notes.setdefault(entry.invoice.corrects, []).append(entry)
            by_date = lambda e: (e.invoice.issued, e.invoice.number)  # noqa: E731
            object.__setattr__(self, "_credit_notes", {number: tuple(sorted(found, key=by_date)) for number, found in notes.items()})
        if self._by_number is None:
            by_number: dict[str, InvoiceEntry] = {}
            for entry in self.entries:
                by_number.setdefault(entry.invoice.number, entry)
            object.__setattr__(self, "_by_number", by_number)
        if self._clients_by_id is None:
            object.__setattr__(self, "_clients_by_id", {entry.client.id: entry for entry in self.clients})

    def entry(self, number: str) -> InvoiceEntry | None:
        return self._by_number.get(number)

    def client_entry(self, client_id: str) -> ClientEntry | None:
        return self._clients_by_id.get(client_id)

    def previous_invoice(self, entry: InvoiceEntry) -> InvoiceEntry | None:
        """The client's published invoice issued last before ``entry`` (by date, then number)."""
        client = self._clients_by_id.get(entry.client.id)
        place = (entry.invoice.issued, entry.invoice.number)
        # A client's invoices are newest first: the first one before ``entry`` is the one.
        return next((e for e in (client.invoices if client else ()) if (e.invoice.issued, e.invoice.number) < place), None)

    @property
    def sealed(self) -> bool:
        """The host holds only ciphertext of the private pages (SPEC §11)."""
        return self.ledger.business.privacy == SEALED

    def key_of(self, path: str) -> bytes | None:
        """The key that seals the private page at ``path``, or the file at ``path`` beside it (None: not sealed)."""
        folder = path.split("#", 1)[0]
        while folder:
            key = self.page_keys.get(folder)
            if key is not None:
                return key
            folder = folder.rpartition("/")[0]
        return None

    def fragment(self, path: str) -> str:
        """What follows a private page's path in its full link: ``#k=<key>`` when sealed (an anchor after it)."""
        page, _, anchor = path.partition("#")
        key = self.page_keys.get(page.removesuffix("index.html").rstrip("/"))  # its own key, never its folder's parent's
        if key is None:
            return f"#{anchor}" if anchor else ""
        return seal.fragment(key, anchor)

    def link(self, site_url: str | None, path: str) -> str:
        """The full link of the private page at ``path``: what a client is sent, its key included."""
        return links.absolute(site_url, path.partition("#")[0]) + self.fragment(path)

    def unregistered_warnings(self) -> list[str]:
        """SPEC §12: a warning for each published document of a registering business without a record the
        AEAT may hold: none yet, or one it refused."""
        if self.registry is None:
            return []
        warnings = [
            f"{entry.invoice.source}: {entry.invoice.number} is published without its VERI*FACTU record, so its page shows "
            "no tax QR code: run `invoices verifactu register` (the publish workflow does)"
            for entry in verifactu.due(self.registry, self.published, self.today)
        ]
        for record in verifactu.unresolved(self.registry, self.published):
            answer = record.data["respuesta"]
            warnings.append(
                f"{record.source}: the AEAT refused the record of {record.number} ({answer.get('CodigoErrorRegistro')} "
                f"{answer.get('DescripcionErrorRegistro', '')}): it holds nothing of it. Correct the document's file, "
                "then run `invoices verifactu register` and `send`"
            )
        return warnings

    def credit_notes_of(self, number: str) -> tuple[InvoiceEntry, ...]:
        """The published credit notes that correct invoice ``number``, oldest first."""
        return self._credit_notes.get(number, ())

    def linked(self, entry: InvoiceEntry) -> tuple[InvoiceEntry, ...]:
        """The documents whose numbers, dates, paths or amounts the page of ``entry`` shows
        (``views.invoice._kind_fields``): an invoice's estimate and credit notes, a credit note's invoice."""
        document = entry.invoice
        if document.kind == INVOICE:
            estimate = self.entry(document.estimate) if document.estimate else None
            return ((estimate,) if estimate is not None else ()) + self.credit_notes_of(document.number)
        if document.kind == CREDIT_NOTE:
            corrected = self.entry(document.corrects)
            return (corrected,) if corrected is not None else ()
        return ()


def today_from(environ: Mapping[str, str]) -> datetime.date:
    """``INVOICES_TODAY`` (YYYY-MM-DD) when set, else today's UTC date."""
    value = environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return datetime.datetime.now(datetime.timezone.utc).date()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{TODAY_VARIABLE}={value!r} is not a date as YYYY-MM-DD") from None


def load_site(
    root: Path,
    *,
    secret: str | None,
    today: datetime.date,
    directory_urls: bool = True,
    with_history: bool = True,
    kept: KeptReadings | None = None,
) -> Site:
    """Load and check ``root/invoices`` and lay out the private pages; raises ``InvoiceError``.

    ``with_history``: read when the bank accounts changed from git (``bank_history``).
    ``kept``: readings of the document files kept by an earlier build (``invoicepub.readings``).
    """
    ledger = load_ledger(Path(root), today, kept)
    preview = not secret
    key = links.check_secret(secret) if secret else links.preview_key(root)
    entries = _invoice_entries(ledger, key, today, directory_urls)
    by_client: dict[str, list[InvoiceEntry]] = {}
    for entry in entries:
        if entry.invoice.published:
            by_client.setdefault(entry.client.id, []).append(entry)
    clients = [_client_entry(ledger.clients[client_id], by_client[client_id], key, directory_urls) for client_id in sorted(by_client)]
    history = read_history(Path(root), current_accounts(ledger.business), today) if with_history else None
    keys = _page_keys(key, entries, clients) if ledger.business.privacy == SEALED else {}
    registry = _registry(Path(root), ledger, entries) if ledger.business.verifactu else None
    return Site(
        ledger=ledger,
        today=today,
        preview=preview,
        entries=tuple(entries),
        clients=tuple(clients),
        bank_history=history,
        page_keys=keys,
        registry=registry,
    )


def _registry(root: Path, ledger: Ledger, entries: list[InvoiceEntry]) -> verifactu.Registry:
    """The chain of VERI*FACTU records, checked against the documents; ``InvoiceError`` on any break or change."""
    problems = Problems()
    registry = verifactu.Registry(ledger.business.verifactu, read_records(root, problems))
    verifactu.check(registry, entries, {invoice.number: invoice for invoice in ledger.invoices}, problems)
    problems.raise_if_any()
    return registry


def _invoice_entries(ledger: Ledger, key: str, today: datetime.date, directory_urls: bool) -> list[InvoiceEntry]:
    """Every invoice with its figures, ways to pay and private path; ``InvoiceError`` naming each that cannot be laid out."""
    entries = []
    problems = Problems()
    credits = _credits(ledger, today)
    _forget_figures_unless_for(ledger.business, today)
    for invoice in ledger.invoices:
        client = ledger.clients[invoice.client_id]
        token = links.invoice_token(key, client.id, client.link_version, invoice.number)
        found = _figures_and_ways(ledger, invoice, client, credits.get(invoice.number, ()), today, problems)
        if found is None:
            continue
        figures, ways = found
        path, uri = links.page_path(links.INVOICE_PREFIX, token, directory_urls), links.source_uri(links.INVOICE_PREFIX, token)
        entries.append(InvoiceEntry(invoice=invoice, client=client, figures=figures, ways=ways, path=path, uri=uri))
    problems.raise_if_any()
    return entries


def _forget_figures_unless_for(business, today: datetime.date) -> None:
    global _figured_for
    if remembering() and _figured_for != (business, today):
        _figured.clear()
        _figured_for = (business, today)


def _figures_and_ways(
    ledger: Ledger, invoice: Invoice, client: Client, credits: tuple[Credit, ...], today: datetime.date, problems: Problems
) -> tuple[InvoiceFigures, WaysToPay | None] | None:
    """The figures of ``invoice`` and its ways to pay; None, with the problem added, when its instalments do not add up."""
    before = _figured.get(invoice.number)
    if before is not None and before[0] is invoice and before[1] == client and before[2] == credits:
        return before[3], before[4]
    try:
        figures = compute(invoice, today, credits)
    except ScheduleError as error:  # instalments that do not add up to the amount due
        problems.add(invoice.schedule_source or invoice.source, str(error))
        return None
    try:
        ways = ways_to_pay(ledger.business, client, invoice, figures)
    except ValueError as error:  # a rail that cannot carry this invoice
        problems.add(invoice.source, f"cannot offer payment for invoice {invoice.number}: {error}")
        return figures, None
    if remembering():
        _figured[invoice.number] = (invoice, client, credits, figures, ways)
    return figures, ways


def _client_entry(client: Client, published: list[InvoiceEntry], key: str, directory_urls: bool) -> ClientEntry:
    """One client's page: its published documents newest first, its account and its years."""
    token = links.client_token(key, client.id, client.link_version)
    newest_first = sorted(published, key=lambda e: (e.invoice.issued, e.invoice.number), reverse=True)
    of_kind = lambda kind: tuple(e for e in newest_first if e.invoice.kind == kind)  # noqa: E731
    path, uri = links.page_path(links.CLIENT_PREFIX, token, directory_urls), links.source_uri(links.CLIENT_PREFIX, token)
    invoices, credit_notes = of_kind(INVOICE), of_kind(CREDIT_NOTE)
    movements = account(invoices, credit_notes)
    years = tuple(
        StatementEntry(client=client, year=year, path=links.statement_path(path, year), uri=links.statement_uri(uri, year))
        for year in years_with_activity(movements)
    )
    return ClientEntry(
        client=client,
        invoices=invoices,
        estimates=of_kind(ESTIMATE),
        credit_notes=credit_notes,
        statements=years,
        account=movements,
        path=path,
        uri=uri,
    )


def _page_keys(link_key: str, entries: list[InvoiceEntry], clients: list[ClientEntry]) -> dict[str, bytes]:
    """The key of every published page, by its folder (SPEC §11)."""
    pages = [e for e in entries if e.invoice.published] + [p for c in clients for p in (c, *c.statements)]
    return {page.folder: seal.page_key(link_key, page.folder) for page in pages}


def _credits(ledger: Ledger, today: datetime.date) -> dict[str, tuple[Credit, ...]]:
    """The credits of every corrected invoice, by its number: each published, not void credit note's amount."""
    credits: dict[str, list[Credit]] = {}
    for note in ledger.invoices:
        if note.kind == CREDIT_NOTE and note.state == "issued":
            credits.setdefault(note.corrects, []).append(credit_of(note, compute(note, today)))
    return {number: tuple(found) for number, found in credits.items()}


def secret_from(environ: Mapping[str, str]) -> str | None:
    """The link secret from ``INVOICES_SECRET``, or None for a local preview; ValueError when too short."""
    secret = environ.get(links.SECRET_VARIABLE) or None
    return links.check_secret(secret) if secret else None


def load_site_from_environment(root: Path, directory_urls: bool = True, kept: KeptReadings | None = None) -> Site:
    """``load_site`` with the secret and today's date taken from the environment."""
    return load_site(root, secret=secret_from(os.environ), today=today_from(os.environ), directory_urls=directory_urls, kept=kept)
