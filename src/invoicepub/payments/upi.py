"""India UPI: ``upi://pay?pa=<vpa>&pn=<name>&am=<amount>&cu=INR&tn=<number>``, URL-encoded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from .. import fields as f
from ..fields import Field

NAME = "upi"
CURRENCIES = ("INR",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
MAX_AMOUNT = Decimal("9999999999.99")

_VPA = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,255}@[A-Za-z][A-Za-z0-9.-]{1,63}$")


def vpa(value, raw) -> str:
    address = f.text(value, raw)
    if not _VPA.match(address):
        raise ValueError(f"a UPI address has the form name@handle, got {address!r}")
    return address


FIELDS = {"vpa": Field(vpa, required=True), "name": Field(f.text, required=True)}


@dataclass(frozen=True)
class Config:
    vpa: str
    name: str


def configure(values: dict) -> Config:
    return Config(vpa=values["vpa"], name=values["name"])


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def account(config: Config) -> str:
    return config.vpa


def payee(config: Config, business_name: str) -> str:
    return config.name


def reference(config: Config, number: str) -> str:
    return number


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ValueError(f"a UPI request carries INR 0.01 to {MAX_AMOUNT}, not {amount}")
    parameters = [("pa", config.vpa), ("pn", config.name), ("am", f"{amount:.2f}"), ("cu", currency), ("tn", number)]
    return "upi://pay?" + "&".join(f"{key}={quote(value, safe='@')}" for key, value in parameters)
