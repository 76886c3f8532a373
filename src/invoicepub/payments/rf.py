"""ISO 11649 creditor reference (``RF`` + two check digits + up to 21 letters and digits)."""

from __future__ import annotations

from stdnum.iso7064 import mod_97_10

from .references import letters_and_digits

MAX_BODY = 21


def body_from(number: str) -> str:
    """The letters and digits of an invoice number, upper case: ``2026-014`` → ``2026014``."""
    return letters_and_digits(number, MAX_BODY, "a creditor reference").upper()


def creditor_reference(number: str) -> str:
    """The RF reference for an invoice number.

    ISO 11649 moves ``RF`` and the check digits behind the body and asks for an ISO 7064
    MOD 97-10 checksum of 1, so the check digits are those that complete ``body + "RF"``.
    """
    body = body_from(number)
    return f"RF{mod_97_10.calc_check_digits(body + 'RF')}{body}"
