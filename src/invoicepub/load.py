"""Loading ``invoices/`` into a checked ``Ledger``, collecting every problem of every file.

Layout (relative to the site root)::

    invoices/business.yml       the business
    invoices/clients/<id>.yml   one client per file
    invoices/**/*.yml|*.yaml    every other file is one invoice
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from . import fields as f
from .fields import Field, read_fields
from .model import BankTransfer, Business, Client, Invoice, Ledger, LineItem, Payment, PaymentOptions, Support
from .money import fits_minor_units, minor_units
from .payments import epc, hosted, pix, spayd, swiss_qr, upi
from .problems import Problems, Source
from .source import YamlList, YamlMap, read_yaml

INVOICES_DIR = "invoices"
BUSINESS_FILE = "business.yml"
CLIENTS_DIR = "clients"
YAML_SUFFIXES = (".yml", ".yaml")

_nested = Field(lambda value, raw: value)  # checked afterwards with its own fields
_list = Field(lambda value, raw: value)

BUSINESS_FIELDS = {
    "name": Field(f.text, required=True),
    "legal_name": Field(f.text),
    "tax_id": Field(f.text),
    "address": Field(f.text),
    "country": Field(f.country),
    "email": Field(f.email),
    "phone": Field(f.text),
    "website": Field(f.url),
    "currency": Field(f.currency),
    "language": Field(f.language),
    "payment_terms_days": Field(f.whole_number(0)),
    "payment": _nested,
    "support": _nested,
}
# Payment rails configured by a mapping of their own, each checked by its module's FIELDS.
QR_RAILS = {rail.NAME: rail for rail in (swiss_qr, spayd, upi, pix)}
PAYMENT_FIELDS = {
    "bank_transfer": _nested,
    **{name: _nested for name in QR_RAILS},
    "card_url": Field(lambda value, raw: hosted.validate(f.url(value, raw))),
    "paypal_url": Field(lambda value, raw: hosted.validate(f.url(value, raw))),
}
BANK_TRANSFER_FIELDS = {
    "account_holder": Field(f.text),
    "iban": Field(f.iban, required=True),
    "bic": Field(f.bic),
    "reference": Field(f.one_of("number", "rf")),
}
SUPPORT_FIELDS = {
    "email": Field(f.email),
    "phone": Field(f.text),
    "hours": Field(f.text),
}
CLIENT_FIELDS = {
    "name": Field(f.text, required=True),
    "contact": Field(f.text),
    "email": Field(f.email),
    "tax_id": Field(f.text),
    "address": Field(f.text),
    "country": Field(f.country),
    "language": Field(f.language),
    "currency": Field(f.currency),
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
    "notes": Field(f.text),
    "payments": _list,
}
ITEM_FIELDS = {
    "description": Field(f.text, required=True),
    "quantity": Field(f.positive_number),
    "unit": Field(f.text),
    "unit_price": Field(f.number, required=True),
    "discount": Field(f.percentage_or_amount),
    "tax": Field(f.percentage),
}
PAYMENT_RECORD_FIELDS = {
    "date": Field(f.date, required=True),
    "amount": Field(f.nonzero_number, required=True),
    "method": Field(f.text),
    "reference": Field(f.text),
}


def load_ledger(root: Path) -> Ledger:
    """Read and check everything under ``root/invoices``; raise ``InvoiceError`` with every problem."""
    problems = Problems()
    ledger = read_ledger(root, problems)
    problems.raise_if_any()
    assert ledger is not None
    return ledger


def read_ledger(root: Path, problems: Problems) -> Ledger | None:
    """Read everything under ``root/invoices``, adding problems; None when nothing usable is left."""
    root = Path(root)
    base = root / INVOICES_DIR
    business_path = base / BUSINESS_FILE
    if not business_path.is_file():
        problems.add(Source(f"{INVOICES_DIR}/{BUSINESS_FILE}", 1), "file not found: every site needs a business.yml")
        return None
    business = _read_business(business_path, root, problems)
    clients = {}
    for path in _yaml_files(base / CLIENTS_DIR):
        client = _read_client(path, root, business, problems)
        if client is not None:
            clients[client.id] = client
    invoices = []
    numbers: dict[str, list[Source]] = {}
    for path in _yaml_files(base):
        if path == business_path or (base / CLIENTS_DIR) in path.parents:
            continue
        invoice = _read_invoice(path, root, business, clients, numbers, problems)
        if invoice is not None:
            invoices.append(invoice)
    _check_unique_numbers(numbers, problems)
    if business is None:
        return None
    return Ledger(business=business, clients=clients, invoices=tuple(invoices))


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _read_business(path: Path, root: Path, problems: Problems) -> Business | None:
    rel = _relative(path, root)
    data = read_yaml(path, root, problems)
    values = read_fields(data, BUSINESS_FIELDS, rel, 1, "business.yml", problems)
    if values is None or "name" not in values:
        return None
    payment = _read_payment_options(data, values.pop("payment", None), rel, problems)
    support_values = read_fields(values.pop("support"), SUPPORT_FIELDS, rel, data.line_of("support"), "support", problems) if "support" in values else {}
    business = Business(
        source=Source(rel, data.line),
        payment=payment,
        support=Support(**(support_values or {})),
        **values,
    )
    bank = payment.bank_transfer
    if bank is not None and len(business.payee_name) > epc.MAX_NAME:
        problems.add(
            bank.source,
            f"payment.bank_transfer: the payee name {business.payee_name!r} is over the EPC limit of {epc.MAX_NAME} characters",
        )
    return business


def _read_payment_options(data: YamlMap, payment: Any, rel: str, problems: Problems) -> PaymentOptions:
    if payment is None:
        return PaymentOptions()
    values = read_fields(payment, PAYMENT_FIELDS, rel, data.line_of("payment"), "payment", problems)
    if values is None:
        return PaymentOptions()
    rails = {}
    for name, rail in QR_RAILS.items():
        if name not in values:
            continue
        node = values.pop(name)
        rail_values = read_fields(node, rail.FIELDS, rel, payment.line_of(name), f"payment.{name}", problems)
        if rail_values is not None and all(key in rail_values for key, spec in rail.FIELDS.items() if spec.required):
            try:
                rails[name] = rail.configure(rail_values)
            except ValueError as error:
                problems.add(Source(rel, payment.line_of(name)), f"payment.{name}: {error}")
    bank = None
    if "bank_transfer" in values:
        node = values.pop("bank_transfer")
        bank_values = read_fields(node, BANK_TRANSFER_FIELDS, rel, payment.line_of("bank_transfer"), "payment.bank_transfer", problems)
        if bank_values and "iban" in bank_values:
            bank = BankTransfer(
                account_holder=bank_values.get("account_holder"),
                iban=bank_values["iban"],
                bic=bank_values.get("bic"),
                reference=bank_values.get("reference", "number"),
                source=Source(rel, node.line),
            )
    return PaymentOptions(bank_transfer=bank, **rails, **values)


def _read_client(path: Path, root: Path, business: Business | None, problems: Problems) -> Client | None:
    rel = _relative(path, root)
    data = read_yaml(path, root, problems)
    values = read_fields(data, CLIENT_FIELDS, rel, 1, "a client", problems)
    if values is None or "name" not in values:
        return None
    values.setdefault("language", business.language if business else "en")
    values.setdefault("currency", business.currency if business else "EUR")
    return Client(id=path.stem, source=Source(rel, data.line), **values)


def _read_invoice(
    path: Path,
    root: Path,
    business: Business | None,
    clients: dict[str, Client],
    numbers: dict[str, list[Source]],
    problems: Problems,
) -> Invoice | None:
    rel = _relative(path, root)
    data = read_yaml(path, root, problems)
    values = read_fields(data, INVOICE_FIELDS, rel, 1, "an invoice", problems)
    if values is None:
        return None
    if "number" in values:
        numbers.setdefault(values["number"], []).append(Source(rel, data.line_of("number")))
    complete = True
    client = None
    if "client" in values:
        client = clients.get(values["client"])
        if client is None:
            problems.add(
                Source(rel, data.line_of("client")),
                f"unknown client {values['client']!r}: no file {INVOICES_DIR}/{CLIENTS_DIR}/{values['client']}.yml",
            )
            complete = False
    currency = values.get("currency") or (client.currency if client else None) or (business.currency if business else "EUR")
    language = values.get("language") or (client.language if client else None) or (business.language if business else "en")
    items = _read_list(data, "items", ITEM_FIELDS, "an item", rel, problems, required=True)
    payments = _read_list(data, "payments", PAYMENT_RECORD_FIELDS, "a payment", rel, problems)
    line_items = []
    for item_values, line in items:
        if "description" not in item_values or "unit_price" not in item_values:
            complete = False
            continue
        kind, off = item_values.get("discount", (None, None))
        if kind == "amount" and not fits_minor_units(off, currency):
            problems.add(Source(rel, line), f"discount: {off} has more decimals than {currency} allows ({minor_units(currency)})")
        line_items.append(
            LineItem(
                description=item_values["description"],
                quantity=item_values.get("quantity", f.number(1, None)),
                unit=item_values.get("unit"),
                unit_price=item_values["unit_price"],
                discount_rate=off if kind == "rate" else None,
                discount_amount=off if kind == "amount" else None,
                tax_rate=item_values.get("tax", f.number(0, None)),
                source=Source(rel, line),
            )
        )
    payment_records = []
    for payment_values, line in payments:
        if "date" not in payment_values or "amount" not in payment_values:
            complete = False
            continue
        if not fits_minor_units(payment_values["amount"], currency):
            problems.add(
                Source(rel, line),
                f"amount: {payment_values['amount']} has more decimals than {currency} allows ({minor_units(currency)})",
            )
        payment_records.append(
            Payment(
                date=payment_values["date"],
                amount=payment_values["amount"],
                method=payment_values.get("method"),
                reference=payment_values.get("reference"),
                source=Source(rel, line),
            )
        )
    if not {"number", "client", "issued"} <= values.keys() or not line_items:
        return None
    issued: datetime.date = values["issued"]
    terms = business.payment_terms_days if business else 30
    due = values.get("due") or issued + datetime.timedelta(days=terms)
    if due < issued:
        problems.add(Source(rel, data.line_of("due")), f"due date {due.isoformat()} is before the issue date {issued.isoformat()}")
    if not complete or client is None:
        return None
    return Invoice(
        number=values["number"],
        client_id=client.id,
        issued=issued,
        due=due,
        state=values.get("status", "issued"),
        currency=currency,
        language=language,
        items=tuple(line_items),
        discount_rate=values.get("discount"),
        withholding_rate=values.get("withholding"),
        notes=values.get("notes"),
        payments=tuple(payment_records),
        source=Source(rel, data.line_of("number")),
    )


def _read_list(
    data: YamlMap, key: str, spec: dict[str, Field], what: str, rel: str, problems: Problems, required: bool = False
) -> list[tuple[dict[str, Any], int]]:
    """Each entry of the list ``data[key]`` checked against ``spec``, with its line."""
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
            entries.append((parsed, line))
    return entries


def _check_unique_numbers(numbers: dict[str, list[Source]], problems: Problems) -> None:
    for number, places in numbers.items():
        for place in places:
            others = ", ".join(str(other) for other in places if other is not place)
            if others:
                problems.add(place, f"duplicate invoice number {number!r}: also in {others}")
