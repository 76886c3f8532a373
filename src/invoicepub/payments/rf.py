"""ISO 11649 creditor reference (``RF`` + two check digits + up to 21 letters and digits)."""

from __future__ import annotations

import re

MAX_BODY = 21


def body_from(number: str) -> str:
    """The letters and digits of an invoice number, upper case: ``2026-014`` → ``2026014``."""
    body = re.sub(r"[^0-9A-Za-z]", "", number).upper()
    if not body:
        raise ValueError(f"{number!r} has no letters or digits to make a creditor reference from")
    if len(body) > MAX_BODY:
        raise ValueError(f"{number!r} has more than {MAX_BODY} letters and digits for a creditor reference")
    return body


def _numeric(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text))


def creditor_reference(number: str) -> str:
    """The RF reference for an invoice number, check digits computed modulo 97."""
    body = body_from(number)
    check = 98 - _numeric(body + "RF00") % 97
    return f"RF{check:02d}{body}"
