"""Loading ``invoices/`` into a checked ``Ledger``, collecting every problem of every file.

Layout (relative to the site root)::

    invoices/business.yml       the business
    invoices/clients/<id>.yml   one client per file
    invoices/recurring/<name>.yml  one recurring series per file (invoicepub.load_recurring)
    invoices/**/*.yml|*.yaml    every other file is one invoice
"""

from __future__ import annotations

import datetime
import os
import unicodedata
from dataclasses import dataclass
from decimal import localcontext
from pathlib import Path
from typing import Any, Protocol

from . import fields as f
from . import tax
from .fields import Field, read_fields
from .load_payment import read_payment_options
from .load_recurring import RECURRING_DIR, check_period, read_series
from .load_verifactu import RECTIFICATIONS, check_client, check_document, read_verifactu
from .model import CREDIT_NOTE, ESTIMATE, INVOICE, KINDS, PRIVACY_MODES, Business, Client, Defaults, Invoice, Ledger, LineItem, Payment, ScheduleEntry, Support
from .money import PRECISION, fits_minor_units, is_currency, minor_units
from .problems import Problem, Problems, Source
from .source import YamlList, YamlMap, read_yaml, remembering

INVOICES_DIR = "invoices"
BUSINESS_FILE = "business.yml"
CLIENTS_DIR = "clients"
YAML_SUFFIXES = (".yml", ".yaml")

# Under ``source.remember_files()`` (mkdocs serve): each document file as last read, by its path,
# reused while its YAML is the same value (its text did not change) and it is read against the
# same business and day (``_read_against``) and the same version of the client it names (kept
# beside it); with what reading it reported, reported again each time.
_read_before: dict[str, tuple[Any, Reading, Client | None]] = {}
_read_against: tuple | None = None
_nested = Field(lambda value, raw: value)  # checked afterwards with its own fields
_list = Field(lambda value, raw: value)

# What the business and a client both are: a party of the invoice, read the same way in either file.
PARTY_FIELDS = {
    "name": Field(f.text, required=True),
    "tax_id": Field(f.text),
    "address": Field(f.multiline_text),
    "country": Field(f.country),
    "email": Field(f.email),
    "language": Field(f.language),
    "currency": Field(f.currency),
    "defaults": _nested,
}
BUSINESS_FIELDS = {
    **PARTY_FIELDS,
    "legal_name": Field(f.text),
    "phone": Field(f.text),
    "website": Field(f.url),
    "payment_terms_days": Field(f.whole_number(0, 3650)),  # at most ten years
    "bank_change_notice_days": Field(f.whole_number(0, 3650)),  # SPEC §13: warn this long after an account changed
    "privacy": Field(f.one_of(*PRIVACY_MODES)),  # SPEC §11
    "payment": _nested,
    "support": _nested,
    "logo": Field(f.text),
    "verifactu": _nested,  # SPEC §12: registering every invoice with the AEAT (load_verifactu)
}
# What `invoices new` writes into a new invoice (a client's own defaults win, key by key).
DEFAULTS_FIELDS = {
    "tax": Field(tax.check_default),
    "withholding": Field(lambda value, raw: (f.percentage(value, raw), value.strip())[1]),
}
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
DOCS_DIR = "docs"
SUPPORT_FIELDS = {
    "email": Field(f.email),
    "phone": Field(f.text),
    "hours": Field(f.text),
}
CLIENT_FIELDS = {
    **PARTY_FIELDS,
    "contact": Field(f.text),
    "link_version": Field(f.whole_number(1)),
}
INVOICE_FIELDS = {
    "number": Field(f.identifier, required=True),
    "client": Field(f.identifier, required=True),
    "issued": Field(f.date, required=True),
    "due": Field(f.date),
    "status": Field(f.one_of("draft", "issued", "void")),
    "currency": Field(f.currency),
    "language": Field(f.language),
    "items": _list,
    "discount": Field(f.percentage),
    "withholding": Field(f.percentage),
    "notes": Field(f.multiline_text),
    "payments": _list,
    "tax_reason": Field(f.multiline_text),  # the legal ground of the items marked `tax: exempt`
    "kind": Field(f.one_of(*KINDS)),
    "estimate": Field(f.identifier),  # the estimate this invoice follows from (`invoices accept`)
    "schedule": _list,  # instalments and deposits (SPEC §8)
    "recurring": Field(f.identifier),  # the series that wrote this invoice (`invoices recur`)
    "period": Field(check_period),  # that series' period, YYYY-MM
}
SCHEDULE_FIELDS = {
    "due": Field(f.date, required=True),
    "amount": Field(f.number),
    "percent": Field(f.percentage),
}
# An estimate (SPEC §8) is valid until a day, is sent, accepted or declined, and takes no payment.
ESTIMATE_ONLY_FIELDS = {
    "status": Field(f.one_of("draft", "sent", "accepted", "declined")),
    "valid_until": Field(f.date),
}
NOT_ON_ESTIMATE = ("payments", "due", "schedule")
ESTIMATE_VALID_DAYS = 30
# A credit note (SPEC §8) names the invoice it corrects and why; it takes no payment and has no due date.
CREDIT_NOTE_ONLY_FIELDS = {
    "corrects": Field(f.identifier, required=True),
    "reason": Field(f.multiline_text, required=True),
    "rectification": Field(f.one_of(*RECTIFICATIONS)),  # SPEC §12: required when the business registers its invoices
}
NOT_ON_CREDIT_NOTE = ("payments", "due", "schedule", "estimate")
ITEM_FIELDS = {
    "description": Field(f.text, required=True),
    "quantity": Field(f.positive_number),
    "unit": Field(f.text),
    "unit_price": Field(f.number, required=True),
    "discount": Field(f.percentage_or_amount),
    "tax": Field(tax.parse),
    "withholding": Field(f.boolean),
    "details": Field(f.multiline_text),  # Markdown: the step-by-step explanation of the line
}
PAYMENT_RECORD_FIELDS = {
    "date": Field(f.date, required=True),
    "amount": Field(f.nonzero_number, required=True),
    "method": Field(f.text),
    "reference": Field(f.text),
}


@dataclass(frozen=True)
class Reading:
    """What reading one document file gave: its document (None when it has problems), the
    problems, where it wrote its number and the documents it names (checked across files)."""

    invoice: Invoice | None
    problems: tuple[Problem, ...]
    numbers: dict[str, list[Source]]
    references: list[tuple[Invoice, Source]]
    client_id: str | None  # the client it names: the only one it depends on


class KeptReadings(Protocol):
    """Readings of document files kept from an earlier build (``invoicepub.readings``), each by
    its file's path and text, read against one business and the client it names."""

    def against(self, business: Business | None, clients: dict[str, Client]) -> None:
        """What this build reads the files against: a reading made against another business or
        another version of its client is set aside."""

    def get(self, path: str, text: bytes) -> Reading | None: ...

    def keep(self, path: str, text: bytes, reading: Reading) -> None: ...

    def save(self) -> None:
        """Keep this build's readings for the next one, and only them."""


def load_ledger(root: Path, today: datetime.date | None = None, kept: KeptReadings | None = None) -> Ledger:
    """Read and check everything under ``root/invoices``; raise ``InvoiceError`` with every problem.

    ``today`` (default: the UTC date) is the last day a payment may be dated. ``kept``: the
    readings of document files that an earlier build made, to use where a file did not change.
    """
    problems = Problems()
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    ledger = read_ledger(root, problems, today, kept)
    problems.raise_if_any()
    assert ledger is not None
    return ledger


def read_ledger(root: Path, problems: Problems, today: datetime.date, kept: KeptReadings | None = None) -> Ledger | None:
    """Read everything under ``root/invoices``, adding problems; None when nothing usable is left."""
    root = Path(root)
    base = root / INVOICES_DIR
    business_path = base / BUSINESS_FILE
    files = _yaml_files(root, base, problems)
    if not business_path.is_file() or business_path not in files:
        if not business_path.is_symlink():
            problems.add(Source(f"{INVOICES_DIR}/{BUSINESS_FILE}", 1), "file not found: every site needs a business.yml")
        return None
    business = _read_business(business_path, root, problems)
    clients_dir, recurring_dir = base / CLIENTS_DIR, base / RECURRING_DIR
    clients = _read_clients([path for path in files if _under(path, clients_dir)], root, business, problems)
    series = [
        read_series(path, _relative(path, root), root, business, clients, ITEM_FIELDS, problems)
        for path in files
        if _under(path, recurring_dir)
    ]
    documents = [path for path in files if path != business_path and not _under(path, clients_dir) and not _under(path, recurring_dir)]
    invoices = _read_documents(documents, root, business, clients, today, kept, problems)
    if business is None:
        return None
    return Ledger(
        business=business, clients=clients, invoices=tuple(invoices), series=tuple(s for s in series if s is not None)
    )


def _yaml_files(root: Path, folder: Path, problems: Problems) -> list[Path]:
    """Every YAML file under ``folder``, sorted; a link that leads outside the site is a problem, not a file."""
    if not folder.is_dir():
        return []
    site = root.resolve()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() and site not in path.resolve().parents:
            problems.add(
                Source(_relative(path, root), 1),
                f"this is a link to {path.resolve()}, outside the site's folder: copy the file into the site instead",
            )
        elif path.suffix in YAML_SUFFIXES and path.is_file():
            found.append(path)
    return found


def _under(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` or below it (both as found under the same root: no resolving)."""
    return str(path).startswith(str(folder) + os.sep)


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_named(path: Path, root: Path, fields: dict, what: str, problems: Problems) -> tuple[str, YamlMap, dict[str, Any]] | None:
    """The path, YAML and checked fields of a business or client file; None when it cannot be read
    or names no one (the problem is already reported)."""
    rel = _relative(path, root)
    data = read_yaml(path, root, problems)
    if data is None:
        return None
    values = read_fields(data, fields, rel, 1, what, problems)
    if values is None or "name" not in values:
        return None
    return rel, data, values


def _read_business(path: Path, root: Path, problems: Problems) -> Business | None:
    read = _read_named(path, root, BUSINESS_FIELDS, "business.yml", problems)
    if read is None:
        return None
    rel, data, values = read
    # The ways to pay have their own fields, checked by the payment rails: see load_payment.
    payment = read_payment_options(data, values.pop("payment", None), rel, values["name"], problems)
    support_values = read_fields(values.pop("support"), SUPPORT_FIELDS, rel, data.line_of("support"), "support", problems) if "support" in values else {}
    defaults = _read_defaults(data, values.pop("defaults", None), rel, problems)
    verifactu = read_verifactu(values.pop("verifactu"), values, data, rel, problems) if "verifactu" in values else None
    if "logo" in values and not _logo_exists(values["logo"], root, Source(rel, data.line_of("logo")), problems):
        del values["logo"]
    business = Business(
        source=Source(rel, data.line),
        payment=payment,
        support=Support(**(support_values or {})),
        defaults=defaults,
        verifactu=verifactu,
        **values,
    )
    return business


def _read_client(path: Path, client_id: str, root: Path, business: Business | None, problems: Problems) -> Client | None:
    read = _read_named(path, root, CLIENT_FIELDS, "a client", problems)
    if read is None:
        return None
    rel, data, values = read
    values.setdefault("language", business.language if business else "en")
    values.setdefault("currency", business.currency if business else "EUR")
    values["defaults"] = _read_defaults(data, values.pop("defaults", None), rel, problems)
    if business is not None and business.verifactu is not None:
        check_client(values, data, rel, problems)
    return Client(id=client_id, source=Source(rel, data.line), **values)


def _read_defaults(data: YamlMap, node: Any, rel: str, problems: Problems) -> Defaults:
    if node is None:
        return Defaults()
    values = read_fields(node, DEFAULTS_FIELDS, rel, data.line_of("defaults"), "defaults", problems)
    return Defaults(**(values or {}))


def _logo_exists(logo: str, root: Path, at: Source, problems: Problems) -> bool:
    """The logo is an image file inside ``docs/`` (it is published with the public pages)."""
    docs = (root / DOCS_DIR).resolve()
    path = (root / DOCS_DIR / logo).resolve()
    if docs not in path.parents or logo.startswith("/"):
        problems.add(at, f"logo: {logo!r} must be a path inside {DOCS_DIR}/, such as images/logo.svg")
    elif path.suffix.lower() not in LOGO_SUFFIXES:
        problems.add(at, f"logo: {logo!r} is not an image ({', '.join(LOGO_SUFFIXES)})")
    elif not path.is_file():
        problems.add(at, f"logo: no file {DOCS_DIR}/{logo}")
    else:
        return True
    return False


def _read_clients(paths: list[Path], root: Path, business: Business | None, problems: Problems) -> dict[str, Client]:
    """The clients by id (their file's name), each id once."""
    clients: dict[str, Client] = {}
    client_files: dict[str, list[Path]] = {}
    for path in paths:
        client_id = unicodedata.normalize("NFC", path.stem)
        client_files.setdefault(client_id, []).append(path)
        client = _read_client(path, client_id, root, business, problems)
        if client is not None and client_id not in clients:
            clients[client_id] = client
    _check_unique_client_ids(client_files, root, problems)
    return clients


def _read_documents(
    paths: list[Path], root: Path, business: Business | None, clients: dict[str, Client], today: datetime.date,
    kept: KeptReadings | None, problems: Problems,
) -> list[Invoice]:  # fmt: skip
    """Every document file read (or its reading kept from before), then checked across files:
    numbers used once, the estimates and invoices they name."""
    invoices = []
    numbers: dict[str, list[Source]] = {}
    references: list[tuple[Invoice, Source]] = []
    _forget_readings_unless_against(business, today)
    if kept is not None:
        kept.against(business, clients)
    for path in paths:
        reading = _read_invoice(path, root, business, clients, today, kept)
        for problem in reading.problems:
            problems.add(problem.source, problem.message)
        for number, sources in reading.numbers.items():
            numbers.setdefault(number, []).extend(sources)
        references.extend(reading.references)
        if reading.invoice is not None:
            invoices.append(reading.invoice)
    if kept is not None:
        kept.save()
    _check_unique_numbers(numbers, problems)
    _check_references(invoices, references, problems)
    return invoices


def _forget_readings_unless_against(business: Business | None, today: datetime.date) -> None:
    """Under serve: readings made against another business or on another day are read again."""
    global _read_against
    if remembering() and _read_against != (business, today):
        _read_before.clear()
        _read_against = (business, today)


def _read_invoice(
    path: Path, root: Path, business: Business | None, clients: dict[str, Client], today: datetime.date, kept: KeptReadings | None
) -> Reading:
    """One document file read: as read before where its text, the business, the client it names
    and the day are the same (under ``mkdocs serve``), or where an earlier build kept its reading."""
    rel = _relative(path, root)
    if kept is not None and not remembering():
        return _read_kept(path, rel, root, business, clients, today, kept)
    found = Problems()
    data = read_yaml(path, root, found)
    if data is None:
        return Reading(None, tuple(found), {}, [], None)  # not readable: the problem is already reported
    if not remembering():
        return _reading(data, rel, business, clients, today, found)
    before = _read_before.get(rel)
    if before is None or before[0] is not data or clients.get(before[1].client_id or "") != before[2]:
        reading = _reading(data, rel, business, clients, today, found)
        before = _read_before[rel] = (data, reading, clients.get(reading.client_id or ""))
    return before[1]


def _read_kept(
    path: Path, rel: str, root: Path, business: Business | None, clients: dict[str, Client], today: datetime.date, kept: KeptReadings
) -> Reading:
    """A document file's reading kept by an earlier build, else read now and kept for the next.

    Only a reading without problems is kept (a file with one stops the build until it is
    fixed); its one dependence on the day, a payment dated after it, holds as long as no
    payment is dated after today.
    """
    try:
        text = path.read_bytes()
    except OSError:
        text = None  # read_yaml reports it
    reading = kept.get(rel, text) if text is not None else None
    if reading is not None and reading.invoice is not None and all(payment.date <= today for payment in reading.invoice.payments):
        return reading
    found = Problems()
    data = read_yaml(path, root, found)
    reading = _reading(data, rel, business, clients, today, found) if data is not None else Reading(None, tuple(found), {}, [], None)
    if text is not None and reading.invoice is not None and not reading.problems:
        kept.keep(rel, text, reading)
    return reading


def _reading(data: Any, rel: str, business: Business | None, clients: dict[str, Client], today: datetime.date, found: Problems) -> Reading:
    numbers: dict[str, list[Source]] = {}
    references: list[tuple[Invoice, Source]] = []
    invoice = _document_from(data, rel, business, clients, numbers, today, found, references)
    return Reading(invoice, tuple(found), numbers, references, _client_named(data))


def _client_named(data: Any) -> str | None:
    """The client id a document file names, as its fields read it (the one client its reading
    looks up); None when it names none that reads."""
    if not isinstance(data, YamlMap) or data.get("client") is None:
        return None
    try:
        return f.identifier(data["client"], data.raw.get("client"))
    except ValueError:
        return None


def _document_from(data: Any, rel: str, business: Business | None, clients: dict[str, Client], numbers: dict[str, list[Source]],
                   today: datetime.date, problems: Problems, references: list[tuple[Invoice, Source]]) -> Invoice | None:  # fmt: skip
    """One document file's value read as an invoice, an estimate or a credit note, or None when it has problems."""
    document_kind = _kind_of(data)
    values = read_fields(data, _fields_of(document_kind), rel, 1, _WHAT[document_kind], problems)
    if values is None:
        return None
    _check_kind_fields(document_kind, data, rel, problems)
    if "number" in values:
        numbers.setdefault(values["number"], []).append(Source(rel, data.line_of("number")))
    client = _client_of(values, clients, Source(rel, data.line_of("client")), problems)
    complete = client is not None or "client" not in values
    currency = values.get("currency") or (client.currency if client else None) or (business.currency if business else "EUR")
    language = values.get("language") or (client.language if client else None) or (business.language if business else "en")
    items = _read_list(data, "items", ITEM_FIELDS, "an item", rel, problems, required=True)
    payments = _read_list(data, "payments", PAYMENT_RECORD_FIELDS, "a payment", rel, problems)
    whole_items, whole_payments = _whole(items, "description", "unit_price"), _whole(payments, "date", "amount")
    complete = complete and len(whole_items) == len(items) and len(whole_payments) == len(payments)
    line_items = _read_items(whole_items, document_kind, values, client, currency, rel, problems)
    payment_records = _read_payments(whole_payments, currency, today, rel, problems)
    if "tax_reason" in values and not any(item.tax_category == tax.EXEMPT for item in line_items):
        problems.add(Source(rel, data.line_of("tax_reason")), "tax_reason: no item is marked `tax: exempt`, the only lines it explains")
    if business is not None and business.verifactu is not None:
        check_document(document_kind, values, currency, business.verifactu.since, data, rel, problems)
    if not {"number", "client", "issued"} <= values.keys() or not line_items:
        return None
    issued: datetime.date = values["issued"]
    due, schedule = _due_and_schedule(document_kind, values, issued, business, currency, data, rel, problems)
    if not complete or client is None:
        return None
    document = _document(values, document_kind, client, (issued, due, schedule), (currency, language), (line_items, payment_records), Source(rel, data.line_of("number")), data)
    if document.corrects is not None:
        references.append((document, Source(rel, data.line_of("corrects"))))
    if document.estimate is not None:
        references.append((document, Source(rel, data.line_of("estimate"))))
    return document


def _document(
    values: dict[str, Any],
    document_kind: str,
    client: Client,
    dates: tuple[datetime.date, datetime.date, tuple[ScheduleEntry, ...]],
    resolved: tuple[str, str],
    lines: tuple[list[LineItem], list[Payment]],
    at: Source,
    data: YamlMap,
) -> Invoice:
    """The document as read: its parsed values, and what was resolved or read in its own steps."""
    (issued, due, schedule), (currency, language), (line_items, payment_records) = dates, resolved, lines
    return Invoice(
        number=values["number"],
        client_id=client.id,
        issued=issued,
        due=due,
        state=values.get("status", "sent" if document_kind == ESTIMATE else "issued"),
        currency=currency,
        language=language,
        items=tuple(line_items),
        discount_rate=values.get("discount"),
        withholding_rate=values.get("withholding"),
        payments=tuple(payment_records),
        source=at,
        kind=document_kind,
        schedule=schedule,
        schedule_source=Source(at.path, data.line_of("schedule")) if schedule else None,
        **{name: values.get(name) for name in AS_WRITTEN},
    )


# The fields a document keeps as written, under the same name.
AS_WRITTEN = ("notes", "tax_reason", "estimate", "corrects", "reason", "rectification", "recurring", "period")


def _client_of(values: dict[str, Any], clients: dict[str, Client], at: Source, problems: Problems) -> Client | None:
    """The document's client; None, with a problem at ``at`` when it names one that has no file."""
    if "client" not in values:
        return None
    client = clients.get(values["client"])
    if client is None:
        problems.add(at, f"unknown client {values['client']!r}: no file {INVOICES_DIR}/{CLIENTS_DIR}/{values['client']}.yml")
    return client


def _due_and_schedule(
    document_kind: str, values: dict[str, Any], issued: datetime.date, business: Business | None, currency: str, data: YamlMap, rel: str, problems: Problems
) -> tuple[datetime.date, tuple[ScheduleEntry, ...]]:
    """When a document is due and its instalments: an estimate's ``valid_until``, a credit note's
    issue date, an invoice's ``due`` (or its last instalment's date, or the payment terms)."""
    terms = business.payment_terms_days if business else 30
    schedule: tuple[ScheduleEntry, ...] = ()
    if document_kind == ESTIMATE:
        due = values.get("valid_until") or issued + datetime.timedelta(days=ESTIMATE_VALID_DAYS)
        if due < issued:
            problems.add(Source(rel, data.line_of("valid_until")), f"valid_until {due.isoformat()} is before the issue date {issued.isoformat()}")
        _check_within_reach("valid_until", due, issued, Source(rel, data.line_of("valid_until")), problems)
    elif document_kind == CREDIT_NOTE:
        due = issued  # nothing is due on a credit note: it is money back, credited on its issue date
    else:
        schedule = _read_schedule(data, rel, issued, currency, problems) if document_kind == INVOICE else ()
        # With a payment plan the invoice is due when its last instalment is (SPEC §8).
        due = values.get("due") or (schedule[-1].due if schedule else issued + datetime.timedelta(days=terms))
        if due < issued:
            problems.add(Source(rel, data.line_of("due")), f"due date {due.isoformat()} is before the issue date {issued.isoformat()}")
        elif _check_within_reach("due", due, issued, Source(rel, data.line_of("due")), problems) and schedule and due != schedule[-1].due:
            problems.add(
                Source(rel, data.line_of("due")),
                f"due: {due.isoformat()} is not the last instalment's date ({schedule[-1].due.isoformat()}); "
                "with a schedule, leave due out or make it that date",
            )
    return due, schedule


def _read_items(
    items: list[tuple[dict[str, Any], YamlMap]],
    document_kind: str,
    values: dict[str, Any],
    client: Client | None,
    currency: str,
    rel: str,
    problems: Problems,
) -> list[LineItem]:
    """The items of a document, each checked at its line: its discount against its amount, its tax
    category against the client, a credit note's amounts positive."""
    line_items = []
    for item_values, entry in items:
        quantity = item_values.get("quantity", f.number(1, None))
        kind, off = item_values.get("discount", (None, None))
        if kind is not None:
            _check_line_discount(kind, off, quantity, item_values["unit_price"], currency, Source(rel, entry.line_of("discount")), problems)
        rate, category = item_values.get("tax", (f.number(0, None), tax.ZERO_RATED))
        if "tax" in item_values:
            _check_tax_category(category, values, client, Source(rel, entry.line_of("tax")), problems)
        line_items.append(
            LineItem(
                description=item_values["description"],
                quantity=quantity,
                unit=item_values.get("unit"),
                unit_price=item_values["unit_price"],
                discount_rate=off if kind == "rate" else None,
                discount_amount=off if kind == "amount" else None,
                tax_rate=rate,
                source=Source(rel, entry.line),
                withholding=item_values.get("withholding", True),
                tax_category=category,
                details=item_values.get("details"),
            )
        )
        if document_kind == CREDIT_NOTE and item_values["unit_price"] <= 0:
            problems.add(
                Source(rel, entry.line_of("unit_price")),
                f"unit_price: a credit note's items hold the amounts credited as positive numbers, got {item_values['unit_price']}",
            )
    return line_items


def _check_line_discount(kind: str, off: Any, quantity: Any, unit_price: Any, currency: str, at: Source, problems: Problems) -> None:
    """A line's discount: an amount in the currency's minor units, on a line that is not a rebate, at most its amount."""
    with localcontext() as context:  # as exact as the figures themselves
        context.prec = PRECISION
        gross = quantity * unit_price
    if kind == "amount" and is_currency(currency) and not fits_minor_units(off, currency):
        problems.add(at, f"discount: {off} has more decimals than {currency} allows ({minor_units(currency)})")
    if gross < 0:
        problems.add(at, "discount: a negative (rebate) line cannot carry a discount")
    elif kind == "amount" and off > gross:
        problems.add(at, f"discount: {off} is more than the line's amount ({quantity} × {unit_price} = {gross})")


def _read_payments(
    payments: list[tuple[dict[str, Any], YamlMap]], currency: str, today: datetime.date, rel: str, problems: Problems
) -> list[Payment]:
    """The payments of a document, each checked at its line."""
    payment_records = []
    for payment_values, entry in payments:
        if is_currency(currency) and not fits_minor_units(payment_values["amount"], currency):
            problems.add(
                Source(rel, entry.line_of("amount")),
                f"amount: {payment_values['amount']} has more decimals than {currency} allows ({minor_units(currency)})",
            )
        if payment_values["date"] > today:
            problems.add(
                Source(rel, entry.line_of("date")),
                f"date: a payment dated {payment_values['date'].isoformat()} is after today ({today.isoformat()}): "
                "record payments once they are received",
            )
        payment_records.append(
            Payment(
                date=payment_values["date"],
                amount=payment_values["amount"],
                method=payment_values.get("method"),
                reference=payment_values.get("reference"),
                source=Source(rel, entry.line),
            )
        )
    return payment_records


def _whole(entries: list[tuple[dict[str, Any], YamlMap]], *keys: str) -> list[tuple[dict[str, Any], YamlMap]]:
    """The entries of a list (items, payments) that hold every one of ``keys``. A missing key is
    already reported; the document of an entry without one is not published."""
    return [(values, entry) for values, entry in entries if all(key in values for key in keys)]


_WHAT = {INVOICE: "an invoice", ESTIMATE: "an estimate", CREDIT_NOTE: "a credit note"}


def _kind_of(data: Any) -> str:
    """The document's ``kind:`` (default invoice); a bad one is reported by ``read_fields``."""
    kind = data.get("kind") if isinstance(data, YamlMap) else None
    if kind in KINDS:
        return kind
    return INVOICE


def _fields_of(kind: str) -> dict[str, Field]:
    """The fields a document of ``kind`` may have: an invoice's, with each kind's own changes.

    Fields an estimate or a credit note must not carry stay known here, so that ``read_fields``
    parses them and ``_check_kind_fields`` says why they do not belong, at their line."""
    if kind == ESTIMATE:
        fields = {key: spec for key, spec in INVOICE_FIELDS.items() if key != "estimate"}
        return {**fields, **ESTIMATE_ONLY_FIELDS}
    if kind == CREDIT_NOTE:
        return {**INVOICE_FIELDS, **CREDIT_NOTE_ONLY_FIELDS}
    return INVOICE_FIELDS


def _check_kind_fields(kind: str, data: YamlMap, rel: str, problems: Problems) -> None:
    """What an estimate or a credit note must not carry, each at its line with the reason."""
    if kind == ESTIMATE:
        for key in NOT_ON_ESTIMATE:
            if key in data:
                problems.add(
                    Source(rel, data.line_of(key)),
                    f"{key}: an estimate has no {key}; once the client accepts it, "
                    "`invoices accept NUMBER` writes the invoice that takes them",
                )
    elif kind == CREDIT_NOTE:
        for key in NOT_ON_CREDIT_NOTE:
            if key in data:
                problems.add(
                    Source(rel, data.line_of(key)),
                    f"{key}: a credit note has no {key}; it reduces the balance of the invoice it corrects",
                )


def _check_references(invoices: list[Invoice], references: list[tuple[Invoice, Source]], problems: Problems) -> None:
    """A credit note corrects an issued invoice of its client and currency; an invoice's
    ``estimate`` is an estimate of its client. Checked once every file is read."""
    by_number = {invoice.number: invoice for invoice in invoices}
    for document, at in references:
        if document.kind == CREDIT_NOTE:
            number, wanted = document.corrects, INVOICE
        else:
            number, wanted = document.estimate, ESTIMATE
        target = by_number.get(number)
        field_name = "corrects" if document.kind == CREDIT_NOTE else "estimate"
        if target is None:
            problems.add(at, f"{field_name}: no document has the number {number!r}")
        elif target.kind != wanted:
            problems.add(at, f"{field_name}: {number} is {_WHAT[target.kind]}, not {_WHAT[wanted]}")
        elif target.client_id != document.client_id:
            problems.add(at, f"{field_name}: {number} is for client {target.client_id!r}, not {document.client_id!r}")
        elif document.kind == CREDIT_NOTE and target.state != "issued":
            problems.add(at, f"corrects: invoice {number} is {target.state}; a credit note corrects an issued invoice")
        elif document.kind == CREDIT_NOTE and target.currency != document.currency:
            problems.add(at, f"corrects: invoice {number} is in {target.currency}, this credit note in {document.currency}; they must match")


# A date this far after the issue date is a typo (9999-12-31, 2206 for 2026), not a term.
MAX_YEARS_AFTER_ISSUE = 10


def _check_within_reach(name: str, when: datetime.date, issued: datetime.date, at: Source, problems: Problems) -> bool:
    """False, with a problem at ``at``, when ``when`` lies more than ten years after ``issued``."""
    # Compared as (year, month, day): the limit itself may be no date (29 February, past 9999).
    if (when.year, when.month, when.day) <= (issued.year + MAX_YEARS_AFTER_ISSUE, issued.month, issued.day):
        return True
    problems.add(at, f"{name}: {when.isoformat()} is more than {MAX_YEARS_AFTER_ISSUE} years after the issue date {issued.isoformat()}")
    return False


def _read_schedule(data: YamlMap, rel: str, issued: datetime.date, currency: str, problems: Problems) -> tuple[ScheduleEntry, ...]:
    """The instalments of ``schedule:``, each checked at its line: a date on or after the issue date
    and after the one before; an amount or a percentage, or neither on the last (it takes the rest).
    Whether they add up to the amount due is the figures' to say (invoicepub.schedule.amounts)."""
    if "schedule" not in data:
        return ()
    listed = data.get("schedule")
    if not isinstance(listed, YamlList) or not listed:
        problems.add(Source(rel, data.line_of("schedule")), "schedule: expected a list of instalments, each with due and amount or percent")
        return ()
    parsed = _read_list(data, "schedule", SCHEDULE_FIELDS, "an instalment", rel, problems)
    if len(parsed) != len(listed):
        return ()  # an entry with a problem is already reported
    entries = []
    ok = True
    for index, (values, entry) in enumerate(parsed):
        at = Source(rel, entry.line)
        due = values.get("due")
        if due is None:
            ok = False
            continue
        last = index == len(parsed) - 1
        if "amount" in values and "percent" in values:
            problems.add(at, "an instalment gives an amount or a percent, not both")
            ok = False
        elif "amount" not in values and "percent" not in values and not last:
            problems.add(at, "an instalment needs an amount or a percent (only the last one may give neither and take the rest)")
            ok = False
        amount = values.get("amount")
        if amount is not None and amount <= 0:
            problems.add(Source(rel, entry.line_of("amount")), f"amount: an instalment must be more than zero, got {amount}")
            ok = False
        elif amount is not None and is_currency(currency) and not fits_minor_units(amount, currency):
            problems.add(Source(rel, entry.line_of("amount")), f"amount: {amount} has more decimals than {currency} allows ({minor_units(currency)})")
            ok = False
        if due < issued:
            problems.add(Source(rel, entry.line_of("due")), f"due: an instalment due {due.isoformat()} is before the issue date {issued.isoformat()} (a deposit is due on the issue date)")
            ok = False
        elif not _check_within_reach("due", due, issued, Source(rel, entry.line_of("due")), problems):
            ok = False
        elif entries and due <= entries[-1].due:
            problems.add(
                Source(rel, entry.line_of("due")),
                f"due: instalments are listed in date order, each after the one before; {due.isoformat()} "
                f"is not after {entries[-1].due.isoformat()}",
            )
            ok = False
        entries.append(ScheduleEntry(due=due, amount=amount, percent=values.get("percent"), source=Source(rel, entry.line)))
    return tuple(entries) if ok else ()


def _check_tax_category(category: str, values: dict[str, Any], client: Client | None, at: Source, problems: Problems) -> None:
    """An exempt line needs its legal ground; a reverse-charge or intra-community line, the client's tax id."""
    if category == tax.EXEMPT and "tax_reason" not in values:
        problems.add(
            at,
            "tax: exempt needs the invoice's tax_reason: the legal ground of the exemption, printed on the page "
            "(e.g. tax_reason: Exento de IVA, art. 20.Uno.9 Ley 37/1992)",
        )
    if category in tax.NEEDS_CLIENT_TAX_ID and client is not None and not client.tax_id:
        problems.add(
            at,
            f"tax: {tax.WORDS[category]} needs the client's tax_id (VAT number) in {client.source.path}: "
            "the invoice must name the client who accounts for the VAT",
        )
    elif category == tax.INTRA_COMMUNITY and client is not None and not tax.has_country_prefix(client.tax_id):
        problems.add(
            at,
            f"tax: intra-community needs the client's EU VAT number with its country prefix (such as FR40303265045) "
            f"as tax_id in {client.source.path}, got {client.tax_id!r}",
        )


def _read_list(
    data: YamlMap, key: str, spec: dict[str, Field], what: str, rel: str, problems: Problems, required: bool = False
) -> list[tuple[dict[str, Any], YamlMap]]:
    """Each entry of the list ``data[key]`` checked against ``spec``, with the entry (for its lines)."""
    value = data.get(key)
    if value is None:
        if required:
            where = data.line_of(key) if key in data else data.line
            problems.add(Source(rel, where), f"an invoice needs at least one entry under {key!r}")
        return []
    if not isinstance(value, YamlList):
        problems.add(Source(rel, data.line_of(key)), f"{key}: expected a list of entries")
        return []
    if required and not value:
        problems.add(Source(rel, data.line_of(key)), f"an invoice needs at least one entry under {key!r}")
    entries = []
    for entry, line in zip(value, value.item_lines):
        parsed = read_fields(entry, spec, rel, line, what, problems)
        if parsed is not None:
            entries.append((parsed, entry))
    return entries


def _check_unique_client_ids(client_files: dict[str, list[Path]], root: Path, problems: Problems) -> None:
    for client_id, paths in client_files.items():
        for path in paths:
            others = ", ".join(_relative(other, root) for other in paths if other != path)
            if others:
                problems.add(Source(_relative(path, root), 1), f"duplicate client id {client_id!r}: also {others}")


def _check_unique_numbers(numbers: dict[str, list[Source]], problems: Problems) -> None:
    for number, places in numbers.items():
        for place in places:
            others = ", ".join(str(other) for other in places if other is not place)
            if others:
                problems.add(place, f"duplicate invoice number {number!r}: also in {others}")
