"""Reading ``payment:`` in business.yml: the YAML fields of every way to pay.

The rail modules (``invoicepub.payments``) know their standards and build payloads; they
never see YAML. This module knows the YAML side: which keys each rail's mapping has, which
parser reads each value and which of the rail's ``validate_*`` functions checks it. Every
problem is added as ``path:line: message``, at the line of the value at fault.
"""

from __future__ import annotations

from typing import Any, Callable

from . import fields as f
from .fields import Field, Parser, read_fields
from .model import BankTransfer, PaymentOptions
from .payments import epc, hosted, pix, spayd, swiss_qr, upi
from .problems import Problems, Source
from .source import YamlMap


def _checked(parse: Parser, *checks: Callable[[Any], Any]) -> Parser:
    """A field parser: ``parse`` the YAML value, then hand the result to each of a rail's checks in turn."""

    def parser(value: Any, raw: str | None) -> Any:
        result = parse(value, raw)
        for check in checks:
            result = check(result)
        return result

    return parser


_nested = Field(lambda value, raw: value)  # checked afterwards with its own fields

BANK_TRANSFER_FIELDS = {
    "account_holder": Field(f.text),
    "iban": Field(f.iban, required=True),
    "bic": Field(f.bic),
    "reference": Field(f.one_of(*epc.REFERENCE_KINDS)),
}
# Rails configured by a mapping of their own under ``payment:``, by rail name; the keys
# are the fields of the rail's ``Config``.
RAIL_FIELDS = {
    swiss_qr.NAME: {
        "iban": Field(_checked(f.iban, swiss_qr.validate_account), required=True),
        "name": Field(_checked(f.text, swiss_qr.validate_name), required=True),
        "street": Field(f.text),
        "house_number": Field(f.text),
        "postal_code": Field(f.text, required=True),
        "city": Field(f.text, required=True),
        "country": Field(f.country, required=True),
    },
    spayd.NAME: {
        "iban": Field(f.iban, required=True),
    },
    upi.NAME: {
        "vpa": Field(_checked(f.text, upi.validate_vpa), required=True),
        "name": Field(f.text, required=True),
    },
    pix.NAME: {
        "key": Field(_checked(f.text, pix.validate_key), required=True),
        "name": Field(_checked(f.text, pix.validate_name), required=True),
        "city": Field(_checked(f.text, pix.validate_city), required=True),
    },
}
RAILS = {rail.NAME: rail for rail in (swiss_qr, spayd, upi, pix)}
PAYMENT_FIELDS = {
    "bank_transfer": _nested,
    **{name: _nested for name in RAIL_FIELDS},
    "card_url": Field(_checked(f.url, hosted.validate)),
    "paypal_url": Field(_checked(f.url, hosted.validate)),
}


def read_payment_options(data: YamlMap, payment: Any, rel: str, business_name: str, problems: Problems) -> PaymentOptions:
    """The ``payment:`` mapping of business.yml (``data``) as ``PaymentOptions``, adding problems.

    A rail whose mapping has problems is left out, so that its problems are the only ones reported.
    """
    if payment is None:
        return PaymentOptions()
    values = read_fields(payment, PAYMENT_FIELDS, rel, data.line_of("payment"), "payment", problems)
    if values is None:
        return PaymentOptions()
    rails = {}
    for name, rail in RAILS.items():
        if name not in values:
            continue
        spec = RAIL_FIELDS[name]
        rail_values = read_fields(values.pop(name), spec, rel, payment.line_of(name), f"payment.{name}", problems)
        if rail_values is not None and all(key in rail_values for key, field in spec.items() if field.required):
            rails[name] = rail.Config(**rail_values)
    bank = bank_account = None
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
            bank_account = epc.Config(iban=bank.iban, bic=bank.bic, account_holder=bank.account_holder, reference=bank.reference)
            try:
                epc.validate_payee(epc.payee(bank_account, business_name))
            except ValueError as error:
                problems.add(bank.source, f"payment.bank_transfer: {error}")
    return PaymentOptions(bank_transfer=bank, epc=bank_account, **rails, **values)
