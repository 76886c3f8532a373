"""EPC QR code (EPC069-12, version 002): a SEPA credit transfer that a banking app fills in.

The payload is the exact text the QR code carries, one field per line::

    BCD / 002 / 1 (UTF-8) / SCT / BIC / name / IBAN / EUR<amount> / purpose /
    structured reference / unstructured remittance

It is drawn with error correction level M, as the standard requires. The account is the
business's ``bank_transfer``; with ``reference: rf`` the structured field holds the ISO
11649 creditor reference and the remittance text is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import rf
from .limits import AmountRange

NAME = "epc"
CURRENCIES = ("EUR",)
ERROR_LEVEL = "M"
MAX_VERSION = 13
AMOUNTS = AmountRange("an EPC QR code", "EUR", Decimal("0.01"), Decimal("999999999.99"), in_cents=True)
MAX_NAME = 70
MAX_REMITTANCE = 140
MAX_REFERENCE = 35
MAX_BYTES = 331
REFERENCE_KINDS = ("number", "rf")  # what the client quotes


@dataclass(frozen=True)
class Config:
    """The bank account a SEPA transfer goes to, and what the client quotes."""

    iban: str  # compact: no spaces, upper case
    bic: str | None = None
    account_holder: str | None = None
    reference: str = "number"  # "number" or "rf"


def validate_payee(name: str) -> str:
    """The payee name, or ValueError when it is empty or over the EPC limit."""
    if not 0 < len(name.strip()) <= MAX_NAME:
        raise ValueError(f"the payee name {name!r} must have 1 to {MAX_NAME} characters for an EPC QR code")
    return name


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def payee(config: Config, business_name: str) -> str:
    """The account holder, else the trading name."""
    return config.account_holder or business_name


def account(config: Config) -> str:
    return config.iban


def reference(config: Config, number: str) -> str:
    """What the client quotes: the invoice number, or its RF creditor reference."""
    return rf.creditor_reference(number) if config.reference == "rf" else number


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    """The EPC text for one transfer: the number as remittance text, or its RF reference as structured one."""
    if currency not in CURRENCIES:
        raise ValueError(f"an EPC QR code carries EUR, not {currency}")
    AMOUNTS.check(amount)
    name = validate_payee(payee).strip()
    structured = config.reference == "rf"
    quoted = reference(config, number)
    if not structured and len(quoted) > MAX_REMITTANCE:
        raise ValueError(f"remittance text over {MAX_REMITTANCE} characters")
    if structured and len(quoted) > MAX_REFERENCE:
        raise ValueError(f"structured reference over {MAX_REFERENCE} characters")
    fields = [
        "BCD",
        "002",
        "1",  # character set: UTF-8
        "SCT",
        config.bic or "",
        name,
        config.iban,
        f"{currency}{amount:.2f}",
        "",  # purpose
        quoted if structured else "",
        "" if structured else quoted,
    ]
    text = "\n".join(fields)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"EPC payload over {MAX_BYTES} bytes")
    return text
