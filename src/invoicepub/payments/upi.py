"""India UPI: ``upi://pay?pa=<vpa>&pn=<name>&am=<amount>&cu=INR&tn=<number>``, URL-encoded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from .limits import AmountRange

NAME = "upi"
CURRENCIES = ("INR",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
AMOUNTS = AmountRange("a UPI request", "INR", Decimal("0.01"), Decimal("9999999999.99"))

_VPA = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,255}@[A-Za-z][A-Za-z0-9.-]{1,63}$")


@dataclass(frozen=True)
class Config:
    vpa: str
    name: str


def validate_vpa(address: str) -> str:
    """A UPI virtual payment address (``name@handle``), or ValueError."""
    if not _VPA.match(address):
        raise ValueError(f"a UPI address has the form name@handle, got {address!r}")
    return address


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def payee(config: Config, business_name: str) -> str:
    return config.name


def account(config: Config) -> str:
    return config.vpa


def reference(config: Config, number: str) -> str:
    return number


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    AMOUNTS.check(amount)
    parameters = [("pa", config.vpa), ("pn", config.name), ("am", f"{amount:.2f}"), ("cu", currency), ("tn", number)]
    return "upi://pay?" + "&".join(f"{key}={quote(value, safe='@')}" for key, value in parameters)
