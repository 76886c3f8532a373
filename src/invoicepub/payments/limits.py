"""Limits a payment standard puts on what its code carries."""

from __future__ import annotations

from decimal import Decimal


def amount_within(amount: Decimal, minimum: Decimal, maximum: Decimal, carrier: str, currency: str) -> Decimal:
    """The amount, or ValueError saying what ``carrier`` ("a SPAYD code") can carry."""
    if not minimum <= amount <= maximum:
        raise ValueError(f"{carrier} carries {currency} {minimum} to {maximum}, not {amount}")
    return amount
