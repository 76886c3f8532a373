"""Payment plans (SPEC §8 "Instalments and deposits"): what each instalment asks for, and how
much of it is paid.

An invoice's ``schedule`` lists instalments by date: each gives an amount, a percentage of the
amount due (rounded half up to the currency's minor units), or — the last one only — neither,
and then takes the rest. The instalments must add up exactly to the amount due.

Payments and credited amounts (each a date and an amount) are applied to the instalments in
date order: the earliest instalment is settled first, and what is left goes to the next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Sequence

from .model import ScheduleEntry
from .money import plain, round_money
from .problems import Source

ZERO = Decimal(0)

# An instalment's status; the names are the invoice's (invoicepub.figures) where they mean the same.
PAID = "paid"
PARTIALLY_PAID = "partially paid"
OVERDUE = "overdue"
DUE = "due"


class ScheduleError(ValueError):
    """A schedule that does not add up to the amount due; the message states both sums."""


@dataclass(frozen=True)
class DatedAmount:
    """Money applied to an invoice on a day: a payment, or a credit note's credited amount."""

    date: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Instalment:
    """One instalment with what has been applied to it as of today."""

    due: datetime.date
    amount: Decimal
    paid: Decimal  # payments and credited amounts applied to it, at most ``amount``
    status: str  # PAID, PARTIALLY_PAID, OVERDUE or DUE
    source: Source

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.paid


def amounts(schedule: Sequence[ScheduleEntry], amount_due: Decimal, currency: str) -> tuple[Decimal, ...]:
    """Each instalment's amount; ``ScheduleError`` when they do not add up to ``amount_due``."""
    resolved: list[Decimal | None] = []
    for entry in schedule:
        if entry.amount is not None:
            resolved.append(entry.amount)
        elif entry.percent is not None:
            resolved.append(round_money(amount_due * entry.percent, currency))
        else:
            resolved.append(None)  # the last entry: the rest
    given = sum((value for value in resolved if value is not None), ZERO)
    if resolved and resolved[-1] is None:
        rest = amount_due - given
        if rest <= 0:
            raise ScheduleError(
                f"schedule: the instalments before the last already add up to {plain(given, currency)} {currency}, "
                f"the whole amount due of {plain(amount_due, currency)} {currency}: the last one has nothing left to take"
            )
        resolved[-1] = rest
    elif given != amount_due:
        raise ScheduleError(
            f"schedule: the instalments add up to {plain(given, currency)} {currency}, but the amount due is "
            f"{plain(amount_due, currency)} {currency}; they must be equal"
        )
    return tuple(value for value in resolved if value is not None)


def allocate(
    schedule: Sequence[ScheduleEntry],
    instalment_amounts: Sequence[Decimal],
    applied: Iterable[DatedAmount],
    today: datetime.date,
) -> tuple[Instalment, ...]:
    """The instalments with payments and credited amounts applied in date order, as of ``today``."""
    # Settling the earliest instalment first with each amount in date order leaves every
    # instalment holding the same as filling them with the running total: only its sum matters
    # for the split, the dates order the history the client reads.
    remaining = sum((money.amount for money in sorted(applied, key=lambda m: m.date)), ZERO)
    instalments = []
    for entry, amount in zip(schedule, instalment_amounts):
        paid = min(max(remaining, ZERO), amount)
        remaining -= paid
        if paid >= amount:
            status = PAID
        elif entry.due < today:
            status = OVERDUE
        elif paid > 0:
            status = PARTIALLY_PAID
        else:
            status = DUE
        instalments.append(Instalment(due=entry.due, amount=amount, paid=paid, status=status, source=entry.source))
    return tuple(instalments)


def to_pay_now(instalments: Sequence[Instalment], today: datetime.date) -> Decimal:
    """The unpaid part of every instalment due on or before today, or, when none is, of the next one."""
    owed = sum((i.unpaid for i in instalments if i.due <= today and i.unpaid > 0), ZERO)
    if owed > 0:
        return owed
    upcoming = next((i for i in instalments if i.unpaid > 0), None)
    return upcoming.unpaid if upcoming is not None else ZERO
