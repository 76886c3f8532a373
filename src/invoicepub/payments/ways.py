"""Which ways to pay an invoice shows, and the exact payload of each QR code.

The order is the page's: QR codes that fit the invoice's currency (and, for the Swiss
QR-bill, the client's country), then bank details, then hosted links. Nothing is offered
unless something is still to pay. Every rail is given the same amount: what the client is to
pay now (``InvoiceFigures.to_pay_now``: the balance, or with a payment plan the instalments
that have fallen due, else the next one — SPEC §8).

This builds payloads and says what to draw; it draws nothing (``invoicepub.qr`` does,
when a page is written), so commands that only read the ledger stay quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..figures import InvoiceFigures
from ..model import Business, Client, Invoice
from ..money import plain
from ..qr import PaymentPartRequest, QrRequest, Request
from . import epc, hosted, pix, spayd, swiss_qr, upi

# Every QR rail, each a module with the same surface: NAME, ERROR_LEVEL, MAX_VERSION,
# Config, applies, payee, account, reference and payload.
QR_RAILS = (epc, swiss_qr, spayd, upi, pix)
# Rails whose account is an IBAN (shown grouped by four).
IBAN_RAILS = (epc.NAME, swiss_qr.NAME, spayd.NAME)


@dataclass(frozen=True)
class PaymentQr:
    """One payment QR code: its rail, the text it carries, the same transfer in fields and what to draw."""

    rail: str  # "epc"
    payload: str
    payee: str
    account: str
    bic: str | None
    amount: Decimal
    currency: str
    reference: str
    request: Request  # the bare code, or for the Swiss QR-bill its whole payment part


@dataclass(frozen=True)
class HostedLink:
    kind: str  # "card" or "paypal"
    url: str


@dataclass(frozen=True)
class BankAccount:
    """The one account a transfer of this invoice goes to, and the reference to quote."""

    holder: str
    iban: str
    bic: str | None
    reference: str


@dataclass(frozen=True)
class WaysToPay:
    qr_codes: tuple[PaymentQr, ...]
    account: BankAccount | None  # the bank details shown beside the codes
    links: tuple[HostedLink, ...]


def payment_reference(business: Business, invoice: Invoice) -> str:
    """The invoice number, or its ISO 11649 creditor reference when the business asks for ``rf``."""
    bank = business.payment.epc
    return epc.reference(bank, invoice.number) if bank is not None else invoice.number


def ways_to_pay(business: Business, client: Client, invoice: Invoice, figures: InvoiceFigures) -> WaysToPay | None:
    """The ways to pay this invoice now, or None when nothing is to pay.

    Raises ValueError when a rail that fits the invoice cannot carry it (an amount over its
    limit, a number it cannot make a reference from).
    """
    if not figures.is_open or figures.to_pay_now <= 0:
        return None
    amount = figures.to_pay_now
    currency = invoice.currency
    number = invoice.number
    payment = business.payment
    configured = [(rail, getattr(payment, rail.NAME)) for rail in QR_RAILS]
    fitting = [(rail, config) for rail, config in configured if config is not None and rail.applies(config, currency, client.country)]
    # One invoice, one account: where the Swiss QR-bill fits (CH/LI clients) it replaces the EPC code.
    if any(rail is swiss_qr for rail, _ in fitting):
        fitting = [(rail, config) for rail, config in fitting if rail is not epc]
    qr_codes = []
    for rail, config in fitting:
        payee = rail.payee(config, business.name)
        payload = rail.payload(config, number=number, amount=amount, currency=currency, payee=payee)
        if rail is swiss_qr:
            request: Request = PaymentPartRequest(payload, swiss_qr.bill_language(invoice.language))
        else:
            request = QrRequest(payload, rail.ERROR_LEVEL, rail.MAX_VERSION)
        qr_codes.append(
            PaymentQr(
                rail=rail.NAME,
                payload=payload,
                payee=payee,
                account=rail.account(config),
                bic=config.bic if rail is epc else None,
                amount=amount,
                currency=currency,
                reference=rail.reference(config, number),
                request=request,
            )
        )
    fields = {"number": number, "amount": plain(amount, currency), "currency": currency, "client": client.id}
    hosted_links = []
    if payment.card_url:
        hosted_links.append(HostedLink("card", hosted.fill(payment.card_url, **fields)))
    if payment.paypal_url:
        hosted_links.append(HostedLink("paypal", hosted.fill(payment.paypal_url, **fields)))
    return WaysToPay(qr_codes=tuple(qr_codes), account=_account(business, invoice, qr_codes), links=tuple(hosted_links))


def _account(business: Business, invoice: Invoice, qr_codes: list[PaymentQr]) -> BankAccount | None:
    """One invoice, one account: the account of the IBAN code shown (the Swiss QR-bill's, with its
    QR or RF reference; SPAYD's, with the variable symbol), else the business's bank transfer."""
    shown = next((qr for qr in qr_codes if qr.rail in IBAN_RAILS), None)
    if shown is not None:
        return BankAccount(holder=shown.payee, iban=shown.account, bic=shown.bic, reference=shown.reference)
    bank = business.payment.epc
    if bank is None:
        return None
    return BankAccount(
        holder=epc.payee(bank, business.name), iban=bank.iban, bic=bank.bic, reference=payment_reference(business, invoice)
    )
