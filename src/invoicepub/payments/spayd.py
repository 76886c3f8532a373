"""Czech QR Platba (SPAYD 1.0): ``SPD*1.0*ACC:<IBAN>*AM:<amount>*CC:CZK*MSG:<number>*X-VS:<digits>``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import fields as f
from ..fields import Field
from .references import digits

NAME = "spayd"
CURRENCIES = ("CZK",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
MAX_AMOUNT = Decimal("9999999.99")
MAX_MESSAGE = 60
MAX_VARIABLE_SYMBOL = 10

FIELDS = {"iban": Field(f.iban, required=True)}


@dataclass(frozen=True)
class Config:
    iban: str


def configure(values: dict) -> Config:
    return Config(iban=values["iban"])


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def variable_symbol(number: str) -> str:
    """The invoice number's digits, the Czech "variabilní symbol" (at most 10)."""
    return digits(number, MAX_VARIABLE_SYMBOL, "a Czech variable symbol")


def _escape(value: str) -> str:
    return value.replace("*", "%2A")


def account(config: Config) -> str:
    return config.iban


def payee(config: Config, business_name: str) -> str:
    return business_name


def reference(config: Config, number: str) -> str:
    return variable_symbol(number)


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ValueError(f"a SPAYD code carries CZK 0.01 to {MAX_AMOUNT}, not {amount}")
    message = number[:MAX_MESSAGE]
    return "*".join(
        [
            "SPD",
            "1.0",
            f"ACC:{config.iban}",
            f"AM:{amount:.2f}",
            f"CC:{currency}",
            f"MSG:{_escape(message)}",
            f"X-VS:{variable_symbol(number)}",
        ]
    )
