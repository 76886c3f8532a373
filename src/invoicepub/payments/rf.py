"""ISO 11649 creditor reference (``RF`` + two check digits + up to 21 letters and digits)."""

from __future__ import annotations

from .references import letters_and_digits

MAX_BODY = 21


def body_from(number: str) -> str:
    """The letters and digits of an invoice number, upper case: ``2026-014`` → ``2026014``."""
    return letters_and_digits(number, MAX_BODY, "a creditor reference").upper()


def _numeric(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text))


def creditor_reference(number: str) -> str:
    """The RF reference for an invoice number, check digits computed modulo 97."""
    body = body_from(number)
    check = 98 - _numeric(body + "RF00") % 97
    return f"RF{check:02d}{body}"
