"""Czech QR Platba (SPAYD 1.0): ``SPD*1.0*ACC:<IBAN>*AM:<amount>*CC:CZK*MSG:<number>*X-VS:<digits>``.

``*`` separates the fields and ``%`` starts an escape, so both are written escaped in values
(``%25`` and ``%2A``), as the SPAYD specification asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .limits import AmountRange
from .references import digits

NAME = "spayd"
CURRENCIES = ("CZK",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
AMOUNTS = AmountRange("a SPAYD code", "CZK", Decimal("0.01"), Decimal("9999999.99"))
MAX_MESSAGE = 60
MAX_VARIABLE_SYMBOL = 10


@dataclass(frozen=True)
class Config:
    iban: str  # compact


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def variable_symbol(number: str) -> str:
    """The invoice number's digits, the Czech "variabilní symbol" (at most 10)."""
    return digits(number, MAX_VARIABLE_SYMBOL, "a Czech variable symbol")


def escape(value: str) -> str:
    """A value as SPAYD writes it: ``%`` first (it starts every escape), then the ``*`` separator."""
    return value.replace("%", "%25").replace("*", "%2A")


def _fitted(text: str) -> str:
    """``text`` escaped, cut to at most 60 characters without splitting an escape."""
    kept = ""
    for char in text:
        if len(kept) + len(escape(char)) > MAX_MESSAGE:
            break
        kept += escape(char)
    return kept


def payee(config: Config, business_name: str) -> str:
    return business_name


def account(config: Config) -> str:
    return config.iban


def reference(config: Config, number: str) -> str:
    return variable_symbol(number)


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    AMOUNTS.check(amount)
    message = _fitted(number)
    return "*".join(
        [
            "SPD",
            "1.0",
            f"ACC:{config.iban}",
            f"AM:{amount:.2f}",
            f"CC:{currency}",
            f"MSG:{message}",
            f"X-VS:{variable_symbol(number)}",
        ]
    )
