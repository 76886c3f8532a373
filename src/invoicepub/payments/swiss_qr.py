"""Swiss QR-bill (Swiss Payment Standards 2.x): the text of its QR code, through the ``qrbill`` package.

A QR-IBAN (institution id 30000–31999) takes a QR reference (QRR: 27 digits built from the
invoice number's digits, the last a modulo 10 recursive check digit); an ordinary IBAN
takes an ISO 11649 creditor reference (SCOR). The invoice number goes in the additional
information. Shown for CHF, and for EUR instead of the EPC code, when the client is in
Switzerland or Liechtenstein.

The payment part around the code (receipt, slip, Swiss cross) is drawn from this payload
by ``invoicepub.qr``; this module draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qrbill import QRBill
from stdnum.ch import esr

from . import rf
from .references import digits

NAME = "swiss_qr"
CURRENCIES = ("CHF", "EUR")
COUNTRIES = ("CH", "LI")
ERROR_LEVEL = "M"
MAX_VERSION = 25
MAX_NAME = 70
QR_IID = range(30000, 32000)
# The languages the standard gives the payment part's headings in (Annex D); others get English.
LANGUAGES = ("en", "de", "fr", "it")


@dataclass(frozen=True)
class Config:
    iban: str  # compact, in CH or LI
    name: str
    postal_code: str
    city: str
    country: str
    street: str | None = None
    house_number: str | None = None

    @property
    def is_qr_iban(self) -> bool:
        return int(self.iban[4:9]) in QR_IID


def validate_account(iban: str) -> str:
    """The (compact, checked) IBAN, or ValueError when it is not in Switzerland or Liechtenstein."""
    if iban[:2] not in COUNTRIES:
        raise ValueError(f"a Swiss QR-bill account must be in CH or LI, got an IBAN from {iban[:2]}")
    return iban


def validate_name(name: str) -> str:
    """The creditor's name, or ValueError when it is over the standard's 70 characters."""
    if len(name) > MAX_NAME:
        raise ValueError(f"at most {MAX_NAME} characters, got {len(name)}")
    return name


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES and client_country in COUNTRIES


def bill_language(language: str) -> str:
    """The language of the payment part's headings for a page in ``language``."""
    return language if language in LANGUAGES else "en"


def qr_reference(number: str) -> str:
    """A 27-digit QR reference from the invoice number's digits: 26 digits, zero-padded, plus the check digit."""
    body = digits(number, 26, "a QR reference (needed with a QR-IBAN)").rjust(26, "0")
    return body + esr.calc_check_digit(body)


def payee(config: Config, business_name: str) -> str:
    return config.name


def account(config: Config) -> str:
    return config.iban


def reference(config: Config, number: str) -> str:
    """QRR for a QR-IBAN, else the RF creditor reference (SCOR)."""
    return qr_reference(number) if config.is_qr_iban else rf.creditor_reference(number)


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    """The ``SPC/0200/1/…`` text of the QR code, checked by ``qrbill`` against the standard."""
    creditor = {"name": config.name, "pcode": config.postal_code, "city": config.city, "country": config.country}
    if config.street:
        creditor["street"] = config.street
    if config.house_number:
        creditor["house_num"] = config.house_number
    bill = QRBill(
        account=config.iban,
        creditor=creditor,
        amount=f"{amount:.2f}",
        currency=currency,
        reference_number=reference(config, number),
        additional_information=number,
    )
    return bill.qr_data()
