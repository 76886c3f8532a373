"""What an e-invoice says, read from the model and the figures of SPEC §2 — nothing recomputed.

``ubl.py`` and ``cii.py`` write this one record in their two syntaxes, so both files say the
same thing. Every amount here is a figure the page shows, or the difference of two of them
where EN 16931 wants a figure the page does not print (a line's discount as
``round(gross) − net``); the VAT of each category is the figures' own rounded tax.

How our figures meet EN 16931's arithmetic (the CEN rules check each identity):

- line net (BT-131) = the figures' line net; a line discount is a line allowance (BG-27) of
  round(gross) − net, so quantity × price − allowance = net when the gross has cents only.
  A rebate line (negative price, BR-27 forbids) is written as a negative quantity.
- Σ line nets (BT-106) = subtotal (BR-CO-10).
- the invoice discount is a document allowance (BG-20) per VAT group, of that group's discount
  as §2 rounded it (BR-CO-11: Σ = the invoice's discount).
- VAT breakdown (BG-23): one per (category, rate) group: base = group net − group discount
  (BR-S-08 and its siblings), VAT = the group's tax (BR-CO-17 tolerates ±1; we are exact).
- tax exclusive (BT-109) = taxable base, VAT (BT-110) = tax, inclusive (BT-112) = total,
  prepaid (BT-113) = paid, payable (BT-115) = total − paid = balance (no withholding here).

A credit note (type 381) is its own document with its page's figures as positive amounts (the
type code says which way they go): it names the invoice it corrects (BG-3), says why in a note (BT-22), and in place
of a due date and a payment means it states what happens to its amount, as the page does:
"Taken off the balance of invoice 2026-003." (payment terms, BT-20; BR-CO-25 asks for terms or
a due date when the amount is positive). Nothing is paid on it, so its payable amount is its
total.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .. import tax
from ..figures import InvoiceFigures, LineFigures, TaxGroup
from ..i18n import Formatter, formatter
from ..model import CREDIT_NOTE, Business, Client, Invoice
from ..money import fits_minor_units, plain, round_money
from ..payments.ways import BankAccount
from .units import unit_code

INVOICE = "380"  # UNTDID 1001 commercial invoice
CREDIT_NOTE_TYPE = "381"  # UNTDID 1001 credit note
CUSTOMIZATION = "urn:cen.eu:en16931:2017"
DISCOUNT_REASON = "95"  # UNCL5189 "Discount"
# SPEC §9: payment means 58 (SEPA credit transfer) with the IBAN, for every currency. For a CHF
# or CZK account 30 (credit transfer) would be the more exact code; the spec is kept as written.
SEPA_CREDIT_TRANSFER = "58"


@dataclass(frozen=True)
class Party:
    name: str  # BT-27 / BT-44: the legal name
    trading_name: str | None  # BT-28 / BT-45
    vat_id: str | None  # BT-31 / BT-48, with its country prefix
    legal_id: str | None  # BT-30 / BT-47: the tax id, where it cannot stand as VAT number
    address_lines: tuple[str, ...]
    country: str


@dataclass(frozen=True)
class Allowance:
    amount: Decimal
    category: str
    rate: Decimal
    base: Decimal | None  # BT-93/BT-137 with the percentage, when amount = round(base × percentage)
    percent: Decimal | None


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    quantity: Decimal  # negative for a rebate line
    unit_code: str
    price: Decimal  # never negative (BR-27)
    net: Decimal
    allowance: Allowance | None
    category: str
    rate: Decimal


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    base: Decimal
    tax: Decimal
    exemption_code: str | None  # BT-121, VATEX
    exemption_reason: str | None  # BT-120


@dataclass(frozen=True)
class PaymentMeans:
    code: str
    iban: str
    bic: str | None
    holder: str
    reference: str  # BT-83: what the client quotes


@dataclass(frozen=True)
class Reference:
    number: str  # BT-25: the corrected invoice's number
    issued: datetime.date  # BT-26


@dataclass(frozen=True)
class EInvoice:
    type_code: str  # BT-3: INVOICE or CREDIT_NOTE_TYPE
    number: str
    issued: datetime.date
    due: datetime.date | None  # BT-9; a credit note has none
    corrects: Reference | None  # BG-3: the invoice a credit note corrects
    payment_terms: str | None  # BT-20: what happens to a credit note's amount
    delivered: datetime.date  # BT-72: the invoice's issue date (no other date of supply is written); a credit note's: its invoice's
    deliver_to_country: str | None  # BT-80, for an intra-community supply (BR-IC-12)
    currency: str
    notes: tuple[str, ...]  # BT-22: a credit note's reason, then the document's notes
    seller: Party
    buyer: Party
    payment: PaymentMeans | None  # None when nothing is left to pay
    allowances: tuple[Allowance, ...]
    breakdown: tuple[VatBreakdown, ...]
    lines: tuple[Line, ...]
    line_total: Decimal
    allowance_total: Decimal
    tax_exclusive: Decimal
    tax: Decimal
    tax_inclusive: Decimal
    prepaid: Decimal
    payable: Decimal


def percent(rate: Decimal) -> Decimal:
    """A fraction as the percentage EN 16931 writes: 0.21 → 21, 0.105 → 10.5."""
    value = (rate * 100).normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def decimal_text(value: Decimal) -> str:
    """A quantity or percentage as written, without exponent: 6.5, 0.125, 21."""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def price_text(value: Decimal, currency: str) -> str:
    """A unit price with the currency's minor units (1200.00), or its own decimals when it has more (0.125)."""
    return plain(value, currency) if fits_minor_units(value, currency) else f"{value:f}"


def _vat_breakdown(group: TaxGroup, tax_reason: str | None, fmt: Formatter) -> VatBreakdown:
    """One VAT breakdown (BG-23): an exempt group carries the invoice's ``tax_reason``, another 0 % one
    its exemption code and the page's mention."""
    return VatBreakdown(
        category=group.category,
        rate=group.rate,
        base=group.base,
        tax=group.tax,
        exemption_code=tax.EXEMPTION_CODES.get(group.category),
        exemption_reason=tax_reason
        if group.category == tax.EXEMPT
        else (fmt.label(f"mention.{group.category}") if group.category in tax.MENTIONED else None),
    )


def einvoice(
    business: Business,
    client: Client,
    invoice: Invoice,
    figures: InvoiceFigures,
    account: BankAccount | None,
    corrected: Invoice | None = None,
) -> EInvoice:
    """The e-invoice of an eligible invoice or credit note (see ``eligibility``).

    ``account`` is the one the page quotes; ``corrected`` is the invoice a credit note corrects.
    """
    credit_note = invoice.kind == CREDIT_NOTE
    assert credit_note == (corrected is not None), "a credit note, and only a credit note, names the invoice it corrects"
    assert not figures.withholding, "EN 16931 has no place for withholding: see eligibility"
    currency = invoice.currency
    not_subject = any(item.tax_category == tax.NOT_SUBJECT for item in invoice.items)
    fmt = formatter(invoice.language)
    breakdown = tuple(_vat_breakdown(group, invoice.tax_reason, fmt) for group in figures.tax_groups)
    intra_community = any(group.category == tax.INTRA_COMMUNITY for group in figures.tax_groups)
    return EInvoice(
        type_code=CREDIT_NOTE_TYPE if credit_note else INVOICE,
        number=invoice.number,
        issued=invoice.issued,
        due=None if credit_note else invoice.due,
        corrects=Reference(corrected.number, corrected.issued) if corrected is not None else None,
        payment_terms=fmt.label("credited_against", number=corrected.number) if corrected is not None else None,
        delivered=corrected.issued if corrected is not None else invoice.issued,  # what is credited was supplied then
        deliver_to_country=client.country if intra_community else None,
        currency=currency,
        notes=tuple(note for note in (invoice.reason, invoice.notes) if note),
        seller=_party(business.legal_name or business.name, business.name, business.tax_id, business.address, business.country, not_subject),
        buyer=_party(client.name, None, client.tax_id, client.address, client.country, not_subject),
        payment=_payment(account) if not credit_note and figures.is_open and figures.balance > 0 else None,
        allowances=tuple(
            _allowance(g.discount, g.net, invoice.discount_rate or Decimal(0), g.category, g.rate, currency) for g in figures.tax_groups if g.discount
        ),
        breakdown=breakdown,
        lines=tuple(_line(index, line, currency) for index, line in enumerate(figures.lines, start=1)),
        line_total=figures.subtotal,
        allowance_total=figures.discount,
        tax_exclusive=figures.taxable_base,
        tax=figures.tax,
        tax_inclusive=figures.total,
        prepaid=figures.paid,
        payable=figures.amount_due - figures.paid,  # its credit notes are their own documents (SPEC §9); a credit note's: its total
    )


def _party(name: str, trading_name: str | None, tax_id: str | None, address: str | None, country: str | None, not_subject: bool) -> Party:
    # A VAT number needs its country prefix (BR-CO-09), and an invoice not subject to VAT
    # names no VAT number (BR-O-02): the tax id then identifies the party as its legal id.
    as_vat = bool(tax_id) and tax.has_country_prefix(tax_id) and not not_subject
    assert country, "a party without a country: see eligibility"
    return Party(
        name=name,
        trading_name=trading_name if trading_name and trading_name != name else None,
        vat_id=tax_id if as_vat else None,
        legal_id=tax_id if tax_id and not as_vat else None,
        address_lines=tuple(line.strip() for line in (address or "").splitlines() if line.strip()),
        country=country,
    )


def _allowance(amount: Decimal, base: Decimal, rate: Decimal, category: str, tax_rate: Decimal, currency: str) -> Allowance:
    # The percentage and its base are given only when they give back the amount exactly.
    exact = rate and round_money(base * rate, currency) == amount
    return Allowance(
        amount=amount,
        category=category,
        rate=tax_rate,
        base=base if exact else None,
        percent=percent(rate) if exact else None,
    )


def _line(index: int, line: LineFigures, currency: str) -> Line:
    item = line.item
    sign = -1 if item.unit_price < 0 else 1
    allowance = None
    if line.discount:
        gross = round_money(line.gross, currency)
        allowance = _allowance(gross - line.net, gross, item.discount_rate or Decimal(0), item.tax_category, item.tax_rate, currency)
    return Line(
        id=str(index),
        name=item.description,
        quantity=sign * item.quantity,
        unit_code=unit_code(item.unit),
        price=sign * item.unit_price,
        net=line.net,
        allowance=allowance,
        category=item.tax_category,
        rate=item.tax_rate,
    )


def _payment(account: BankAccount | None) -> PaymentMeans | None:
    if account is None:
        return None
    return PaymentMeans(
        code=SEPA_CREDIT_TRANSFER,
        iban=account.iban,
        bic=account.bic,
        holder=account.holder,
        reference=account.reference,
    )
