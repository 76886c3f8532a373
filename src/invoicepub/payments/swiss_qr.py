"""Swiss QR-bill (Swiss Payment Standards 2.x), through the ``qrbill`` package.

A QR-IBAN (institution id 30000–31999) takes a QR reference (QRR: 27 digits built from the
invoice number's digits, the last a modulo 10 recursive check digit); an ordinary IBAN
takes an ISO 11649 creditor reference (SCOR). The invoice number goes in the additional
information. Shown for CHF, and for EUR instead of the EPC code, when the client is in
Switzerland or Liechtenstein.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from qrbill import QRBill

from .. import fields as f
from ..fields import Field
from . import rf
from .references import digits

NAME = "swiss_qr"
CURRENCIES = ("CHF", "EUR")
COUNTRIES = ("CH", "LI")
ERROR_LEVEL = "M"
MAX_VERSION = 25
MAX_NAME = 70
QR_IID = range(30000, 32000)


def swiss_iban(value, raw) -> str:
    account = f.iban(value, raw)
    if account[:2] not in COUNTRIES:
        raise ValueError(f"a Swiss QR-bill account must be in CH or LI, got an IBAN from {account[:2]}")
    return account


def _name(value, raw) -> str:
    text = f.text(value, raw)
    if len(text) > MAX_NAME:
        raise ValueError(f"at most {MAX_NAME} characters, got {len(text)}")
    return text


FIELDS = {
    "iban": Field(swiss_iban, required=True),
    "name": Field(_name, required=True),
    "street": Field(f.text),
    "house_number": Field(f.text),
    "postal_code": Field(f.text, required=True),
    "city": Field(f.text, required=True),
    "country": Field(f.country, required=True),
}


@dataclass(frozen=True)
class Config:
    iban: str
    name: str
    postal_code: str
    city: str
    country: str
    street: str | None = None
    house_number: str | None = None

    @property
    def is_qr_iban(self) -> bool:
        return int(self.iban[4:9]) in QR_IID


def configure(values: dict) -> Config:
    return Config(**values)


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES and client_country in COUNTRIES


def mod10_recursive(digits: str) -> int:
    """The check digit of a QR reference (the Swiss "Modulo 10 rekursiv")."""
    table = (0, 9, 4, 6, 8, 2, 7, 1, 3, 5)
    carry = 0
    for digit in digits:
        carry = table[(carry + int(digit)) % 10]
    return (10 - carry) % 10


def qr_reference(number: str) -> str:
    """A 27-digit QR reference from the invoice number's digits: 26 digits, zero-padded, plus the check digit."""
    body = digits(number, 26, "a QR reference (needed with a QR-IBAN)").rjust(26, "0")
    return body + str(mod10_recursive(body))


def reference(config: Config, number: str) -> str:
    """QRR for a QR-IBAN, else the RF creditor reference (SCOR)."""
    return qr_reference(number) if config.is_qr_iban else rf.creditor_reference(number)


def _bill(config: Config, *, number: str, amount: Decimal, currency: str, language: str) -> QRBill:
    creditor = {"name": config.name, "pcode": config.postal_code, "city": config.city, "country": config.country}
    if config.street:
        creditor["street"] = config.street
    if config.house_number:
        creditor["house_num"] = config.house_number
    return QRBill(
        account=config.iban,
        creditor=creditor,
        amount=f"{amount:.2f}",
        currency=currency,
        reference_number=reference(config, number),
        additional_information=number,
        language=language if language in ("en", "de", "fr", "it") else "en",
    )


def account(config: Config) -> str:
    return config.iban


def payee(config: Config, business_name: str) -> str:
    return config.name


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    return _bill(config, number=number, amount=amount, currency=currency, language="en").qr_data()


def payment_part_svg(config: Config, *, number: str, amount: Decimal, currency: str, language: str) -> str:
    """The QR-bill's payment part (receipt and payment slip with the Swiss-cross QR code) as SVG."""
    buffer = io.StringIO()
    _bill(config, number=number, amount=amount, currency=currency, language=language).as_svg(buffer)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
