"""Payment references made from an invoice number: its digits, or its letters and digits."""

from __future__ import annotations

import re


def digits(number: str, limit: int, what: str) -> str:
    """The number's digits (``2026-014`` → ``2026014``), or ValueError when there are none or too many."""
    return _characters(number, r"[^0-9]", limit, "digits", what)  # ASCII digits only: not "٢" or "２"


def letters_and_digits(number: str, limit: int, what: str) -> str:
    """The number's letters and digits (``A/2026-7`` → ``A20267``), or ValueError."""
    return _characters(number, r"[^0-9A-Za-z]", limit, "letters or digits", what)


def _characters(number: str, unwanted: str, limit: int, kind: str, what: str) -> str:
    kept = re.sub(unwanted, "", number)
    if not kept:
        raise ValueError(f"invoice number {number!r} has no {kind} for {what}")
    if len(kept) > limit:
        raise ValueError(f"invoice number {number!r} has more than {limit} {kind} for {what}")
    return kept
