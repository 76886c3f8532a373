"""EPC QR code (EPC069-12, version 002): a SEPA credit transfer that a banking app fills in.

The payload is the exact text the QR code carries, one field per line::

    BCD / 002 / 1 (UTF-8) / SCT / BIC / name / IBAN / EUR<amount> / purpose /
    structured reference / unstructured remittance

It is drawn with error correction level M, as the standard requires.
"""

from __future__ import annotations

from decimal import Decimal

CURRENCY = "EUR"
ERROR_LEVEL = "M"
MAX_VERSION = 13
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
MAX_NAME = 70
MAX_REMITTANCE = 140
MAX_REFERENCE = 35
MAX_BYTES = 331


def validate_amount(amount: Decimal) -> Decimal:
    """The amount, or ValueError when an EPC code cannot carry it."""
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT or amount != amount.quantize(MIN_AMOUNT):
        raise ValueError(f"an EPC QR code carries EUR {MIN_AMOUNT} to {MAX_AMOUNT} in cents, not {amount}")
    return amount


def payload(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    bic: str | None = None,
    remittance: str | None = None,
    reference: str | None = None,
) -> str:
    """The EPC text for one transfer. Give either ``remittance`` (free text) or ``reference`` (RF)."""
    if bool(remittance) == bool(reference):
        raise ValueError("an EPC transfer has either a remittance text or a structured reference")
    validate_amount(amount)
    name = name.strip()
    if not 0 < len(name) <= MAX_NAME:
        raise ValueError(f"the payee name must have 1 to {MAX_NAME} characters")
    if remittance and len(remittance) > MAX_REMITTANCE:
        raise ValueError(f"remittance text over {MAX_REMITTANCE} characters")
    if reference and len(reference) > MAX_REFERENCE:
        raise ValueError(f"structured reference over {MAX_REFERENCE} characters")
    fields = [
        "BCD",
        "002",
        "1",  # character set: UTF-8
        "SCT",
        bic or "",
        name,
        iban,
        f"{CURRENCY}{amount:.2f}",
        "",  # purpose
        reference or "",
        remittance or "",
    ]
    text = "\n".join(fields)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"EPC payload over {MAX_BYTES} bytes")
    return text
