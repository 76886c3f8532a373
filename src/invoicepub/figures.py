"""The arithmetic of an invoice: line nets, tax per rate, withholding, balance and status.

Every amount is ``Decimal`` rounded half up to the currency's minor units at the points
the spec names, and nowhere else:

1. line net = round(quantity × unit price − line discount)
2. subtotal = Σ line nets
3. lines grouped by tax rate and category (invoicepub.tax) and by whether they are subject
   to withholding: invoice discount = round(group net × discount); taxable base = group net − that
4. tax per rate and category = round(Σ taxable bases at that rate × rate), once per rate
   (a category other than S is a 0 % one, so this is the spec's "once per rate")
5. total = Σ bases + Σ taxes
6. withholding = round(Σ bases of the groups subject to withholding × withholding rate)
7. amount due = total − withholding; paid = Σ payments; balance = amount due − paid

Kinds of document (SPEC §8): a credit note's credited amount is its amount due (total −
withholding); an invoice's balance also takes off the credited amounts of its credit notes.
An estimate's status is its state (``estimate_state``); nothing is ever due on it.

An invoice with a ``schedule`` also gets its instalments (invoicepub.schedule), with payments
and credited amounts applied in date order, and "to pay now": what every payment rail, hosted
link, reminder and calendar event carries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable
from decimal import Decimal, localcontext

from .model import CREDIT_NOTE, ESTIMATE, Invoice, LineItem
from .money import PRECISION, round_money
from .schedule import DatedAmount, Instalment, allocate, amounts, to_pay_now

ZERO = Decimal(0)

# Status names, as shown in badges and used in JSON-LD.
DRAFT = "draft"
VOID = "void"
PAID = "paid"
OVERDUE = "overdue"
PARTIALLY_PAID = "partially paid"
DUE = "due"
ISSUED = "issued"  # a credit note that counts: nothing is due on it either way
OPEN_STATUSES = (DUE, PARTIALLY_PAID, OVERDUE)
# An estimate's states (SPEC §8).
OPEN = "open"
EXPIRED = "expired"
ACCEPTED = "accepted"
DECLINED = "declined"


def estimate_state(estimate: Invoice, today: datetime.date) -> str:
    """``accepted``/``declined`` as written; else ``expired`` after ``valid_until``; else ``open``."""
    if estimate.state in (ACCEPTED, DECLINED, DRAFT):
        return estimate.state
    return EXPIRED if today > estimate.valid_until else OPEN


@dataclass(frozen=True)
class Credit:
    """A credit note's credited amount, applied to the invoice it corrects."""

    number: str  # the credit note's
    issued: datetime.date
    amount: Decimal  # its total − its withholding


@dataclass(frozen=True)
class LineFigures:
    """One item's amounts."""

    item: LineItem
    gross: Decimal  # quantity × unit price, not rounded
    discount: Decimal  # not rounded
    net: Decimal


@dataclass(frozen=True)
class TaxGroup:
    """The lines that share a tax rate and category, after the invoice-level discount (one tax line
    on the page, one VAT breakdown in an e-invoice)."""

    rate: Decimal
    category: str  # EN 16931 VAT category: S, Z, E, AE, K, G or O (invoicepub.tax)
    net: Decimal
    discount: Decimal
    base: Decimal
    tax: Decimal
    withholding_base: Decimal  # the part of ``base`` subject to withholding


@dataclass(frozen=True)
class InvoiceFigures:
    """Every amount shown for one invoice, computed once and read by page, QR and JSON-LD."""

    currency: str
    lines: tuple[LineFigures, ...]
    subtotal: Decimal
    discount: Decimal  # the invoice-level discount over all groups
    tax_groups: tuple[TaxGroup, ...]
    taxable_base: Decimal
    tax: Decimal
    total: Decimal
    withholding: Decimal
    amount_due: Decimal
    paid: Decimal
    balance: Decimal  # amount due − paid − credited; negative is a credit (zero on a credit note)
    status: str
    days_overdue: int  # counted from the earliest overdue instalment's date, or the due date
    credits: tuple[Credit, ...] = ()  # an invoice: its credit notes, oldest first
    credited: Decimal = ZERO  # an invoice: Σ its credits; a credit note: its own credited amount
    instalments: tuple[Instalment, ...] = ()  # the payment plan (SPEC §8), empty without a schedule
    to_pay_now: Decimal = ZERO  # what the client should pay today; zero when nothing is to pay
    next_due: datetime.date | None = None  # the earliest unpaid instalment's date, else the due date
    # What is late: the balance of an overdue invoice; with a payment plan, only the unpaid part
    # of its overdue instalments (SPEC §14), not the instalments still to come.
    overdue: Decimal = ZERO

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def payable(self) -> Decimal:
        """What is still to pay: the balance, or zero when paid, in credit or void."""
        return self.balance if self.is_open else round_money(ZERO, self.currency)


def line_figures(item: LineItem, currency: str) -> LineFigures:
    gross = item.quantity * item.unit_price
    if item.discount_rate is not None:
        discount = gross * item.discount_rate
    elif item.discount_amount is not None:
        discount = item.discount_amount
    else:
        discount = ZERO
    return LineFigures(item=item, gross=gross, discount=discount, net=round_money(gross - discount, currency))




def compute(invoice: Invoice, today: datetime.date, credits: tuple[Credit, ...] = ()) -> InvoiceFigures:
    """All figures of ``invoice`` as of ``today``, with the ``credits`` of its credit notes taken off.

    Raises ``schedule.ScheduleError`` when the invoice's schedule does not add up to its amount due.
    """
    with localcontext() as context:
        context.prec = PRECISION
        return _compute(invoice, today, credits)


def credit_of(note: Invoice, figures: InvoiceFigures) -> Credit:
    """What the credit note ``note`` (with its ``figures``) takes off the invoice it corrects."""
    return Credit(number=note.number, issued=note.issued, amount=figures.credited)


def _compute(invoice: Invoice, today: datetime.date, credits: tuple[Credit, ...]) -> InvoiceFigures:
    currency = invoice.currency
    lines = tuple(line_figures(item, currency) for item in invoice.items)
    subtotal = sum((line.net for line in lines), ZERO)

    groups = _tax_groups(lines, invoice.discount_rate or ZERO, currency)
    taxable_base = sum((group.base for group in groups), ZERO)
    tax = sum((group.tax for group in groups), ZERO)
    total = taxable_base + tax
    withholding_base = sum((group.withholding_base for group in groups), ZERO)
    withholding = round_money(withholding_base * (invoice.withholding_rate or ZERO), currency)
    amount_due = total - withholding
    paid = round_money(sum((payment.amount for payment in invoice.payments), ZERO), currency)
    credits = tuple(sorted(credits, key=lambda credit: (credit.issued, credit.number)))
    credited = sum((credit.amount for credit in credits), ZERO)
    balance = amount_due - paid - credited
    if invoice.kind == CREDIT_NOTE:
        # The note itself owes nothing either way: its amount is taken off the corrected invoice.
        credited, balance = amount_due, ZERO
    instalments: tuple[Instalment, ...] = ()
    if invoice.schedule:
        parts = amounts(invoice.schedule, round_money(amount_due, currency), currency)
        # Payments and credited amounts settle the instalments in date order (SPEC §8).
        applied = [DatedAmount(p.date, p.amount) for p in invoice.payments] + [DatedAmount(c.issued, c.amount) for c in credits]
        instalments = allocate(invoice.schedule, parts, applied, today)
    status = _status(invoice, balance, paid, today, instalments)
    now, next_due, overdue = _what_is_due(invoice, balance, status, instalments, today)
    return InvoiceFigures(
        currency=currency,
        lines=lines,
        subtotal=round_money(subtotal, currency),
        discount=round_money(sum((g.discount for g in groups), ZERO), currency),
        tax_groups=tuple(groups),
        taxable_base=round_money(taxable_base, currency),
        tax=round_money(tax, currency),
        total=round_money(total, currency),
        withholding=withholding,
        amount_due=round_money(amount_due, currency),
        paid=paid,
        balance=round_money(balance, currency),
        status=status,
        days_overdue=_days_overdue(invoice, status, instalments, today),
        credits=credits,
        credited=round_money(credited, currency),
        instalments=instalments,
        to_pay_now=now,
        next_due=next_due,
        overdue=round_money(overdue, currency),
    )


def _tax_groups(lines: tuple[LineFigures, ...], discount_rate: Decimal, currency: str) -> list[TaxGroup]:
    """Steps 3 and 4: the invoice discount rounded once per (rate, category, subject to withholding)
    group, then the tax once per rate and category."""
    nets: dict[tuple[Decimal, str, bool], Decimal] = {}
    for line in lines:
        key = (line.item.tax_rate.normalize(), line.item.tax_category, line.item.withholding)
        nets[key] = nets.get(key, ZERO) + line.net
    discounts = {key: round_money(net * discount_rate, currency) for key, net in nets.items()}
    groups = []
    for rate, category in sorted({(rate, category) for rate, category, _ in nets}):
        keys = [key for key in nets if key[:2] == (rate, category)]
        net = sum((nets[key] for key in keys), ZERO)
        discount = sum((discounts[key] for key in keys), ZERO)
        base = net - discount
        subject = sum((nets[key] - discounts[key] for key in keys if key[2]), ZERO)
        groups.append(
            TaxGroup(
                rate=rate,
                category=category,
                net=net,
                discount=discount,
                base=base,
                tax=round_money(base * rate, currency),
                withholding_base=subject,
            )
        )
    return groups


def _days_overdue(invoice: Invoice, status: str, instalments: tuple[Instalment, ...], today: datetime.date) -> int:
    """Counted from the earliest overdue instalment's date, or the due date; 0 unless overdue."""
    overdue_since = next((i.due for i in instalments if i.status == OVERDUE), invoice.due)
    return (today - overdue_since).days if status == OVERDUE else 0


def _what_is_due(
    invoice: Invoice, balance: Decimal, status: str, instalments: tuple[Instalment, ...], today: datetime.date
) -> tuple[Decimal, datetime.date, Decimal]:
    """To pay now, the next due date and what is overdue (SPEC §8, §14): with a payment plan, of the
    instalments that have fallen due; without one, of the whole balance."""
    currency = invoice.currency
    open_balance = round_money(balance if status in OPEN_STATUSES and balance > 0 else ZERO, currency)
    if instalments and open_balance > 0:
        now = round_money(to_pay_now(instalments, today), currency)
        next_due = next((i.due for i in instalments if i.unpaid > 0), invoice.due)
    else:
        now, next_due = open_balance, invoice.due
    if status != OVERDUE:
        overdue = ZERO
    elif instalments:
        overdue = sum((i.unpaid for i in instalments if i.status == OVERDUE), ZERO)
    else:
        overdue = balance
    return now, next_due, overdue


@dataclass(frozen=True)
class Totals:
    """What some documents come to in one currency."""

    outstanding: Decimal  # Σ the balances of those not void: a credit (negative balance) nets
    overdue: Decimal  # Σ what is late on them (``InvoiceFigures.overdue``)


def totals(documents: Iterable[InvoiceFigures]) -> dict[str, Totals]:
    """The outstanding and overdue totals of ``documents``, per currency, in currency order.

    The one place they are added up: a client's page (all the client's invoices, whose balances
    net their credit notes: its outstanding is the statement's closing balance) and
    ``invoices status`` (the open invoices of every client) read it.
    """
    outstanding: dict[str, Decimal] = {}
    overdue: dict[str, Decimal] = {}
    for figures in documents:
        currency = figures.currency
        outstanding.setdefault(currency, ZERO)
        overdue.setdefault(currency, ZERO)
        if figures.status != VOID:
            outstanding[currency] += figures.balance
        overdue[currency] += figures.overdue
    return {currency: Totals(round_money(outstanding[currency], currency), round_money(overdue[currency], currency)) for currency in sorted(outstanding)}


def _status(
    invoice: Invoice, balance: Decimal, paid: Decimal, today: datetime.date, instalments: tuple[Instalment, ...] = ()
) -> str:
    if invoice.state == DRAFT:
        return DRAFT
    if invoice.state == VOID:
        return VOID
    if invoice.kind == ESTIMATE:
        return estimate_state(invoice, today)
    if invoice.kind == CREDIT_NOTE:
        return ISSUED
    if balance <= 0:
        return PAID
    # With a payment plan the invoice is overdue as soon as any instalment is (SPEC §8).
    if today > invoice.due or any(instalment.status == OVERDUE for instalment in instalments):
        return OVERDUE
    if paid > 0:
        return PARTIALLY_PAID
    return DUE
