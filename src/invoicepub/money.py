"""Exact money: ISO 4217 minor units and half-up rounding on ``Decimal``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies


@lru_cache(maxsize=None)
def known_currencies() -> frozenset[str]:
    """ISO 4217 codes that Babel's CLDR data knows."""
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in known_currencies()


@lru_cache(maxsize=None)
def minor_units(currency: str) -> int:
    """Digits after the decimal point for the currency: 2 for EUR, 0 for JPY, 3 for KWD."""
    return get_currency_precision(currency)


@lru_cache(maxsize=None)
def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half up (away from zero on a tie) to the currency's minor units."""
    return amount.quantize(_quantum(currency), rounding=ROUND_HALF_UP)


def fits_minor_units(amount: Decimal, currency: str) -> bool:
    """True when the amount has no more decimals than the currency allows."""
    return round_money(amount, currency) == amount


def plain(amount: Decimal, currency: str) -> str:
    """The amount as plain digits with the currency's minor units: ``1451.78``, ``1101``, ``1.235``."""
    return f"{round_money(amount, currency):f}"
