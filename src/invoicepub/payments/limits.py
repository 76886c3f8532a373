"""Limits a payment standard puts on what its code carries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountRange:
    """The amounts a payment standard's code carries, in its one currency."""

    carrier: str  # "a SPAYD code", as the error names it
    currency: str
    minimum: Decimal
    maximum: Decimal
    in_cents: bool = False  # no fraction of a cent either (EPC)

    def check(self, amount: Decimal) -> Decimal:
        """The amount, or ValueError saying what the code can carry."""
        if not self.minimum <= amount <= self.maximum or (self.in_cents and amount != amount.quantize(CENT)):
            cents = " in cents" if self.in_cents else ""
            raise ValueError(f"{self.carrier} carries {self.currency} {self.minimum} to {self.maximum}{cents}, not {amount}")
        return amount
