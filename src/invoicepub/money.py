"""Exact money: ISO 4217 minor units and half-up rounding on ``Decimal``.

Minor units come from the ISO 4217 list itself (the ``iso4217`` package tracks the
standard's published table), not from a locale's display digits: CLDR shows the Serbian
dinar with 0 decimals, ISO 4217 gives it 2.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import list_currencies
from iso4217 import Currency


# Quantities and prices have at most 12 digits on each side of the point (fields.number):
# 60 significant digits keep every product and sum exact, where Decimal's default 28 would round.
PRECISION = 60


@lru_cache(maxsize=None)
def _current() -> dict[str, int]:
    """Codes of the current ISO 4217 list that have minor units, with their digits."""
    return {currency.code: currency.exponent for currency in Currency if currency.exponent is not None}


def is_currency(code: str) -> bool:
    """A current ISO 4217 currency that money can be counted in (not gold, not a test code)."""
    return code in _current()


def is_withdrawn(code: str) -> bool:
    """A code that was a currency once (CLDR still knows it) but is no longer on ISO 4217's list."""
    return code not in _listed() and code in _historic()


def has_no_minor_units(code: str) -> bool:
    """On ISO 4217's list without minor units: gold (XAU), fund and test codes (XTS), not money to invoice."""
    return code in _listed() and code not in _current()


@lru_cache(maxsize=None)
def _listed() -> frozenset[str]:
    return frozenset(currency.code for currency in Currency)


@lru_cache(maxsize=None)
def _historic() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=None)
def minor_units(currency: str) -> int:
    """Digits after the decimal point for the currency: 2 for EUR and RSD, 0 for JPY, 3 for KWD and IQD."""
    return _current()[currency]


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
