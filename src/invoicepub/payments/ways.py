"""Which ways to pay an invoice shows, and the exact payload of each QR code.

The order is the page's: QR codes that fit the invoice's currency, then bank details,
then hosted links. Nothing is offered unless something is still to pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..figures import InvoiceFigures
from ..model import Business, Client, Invoice
from ..money import plain
from ..qr import QrRequest
from . import epc, hosted, rf


@dataclass(frozen=True)
class PaymentQr:
    """One payment QR code: its rail, the text it carries and the same transfer in fields."""

    rail: str  # "epc"
    payload: str
    error_level: str
    max_version: int
    payee: str
    account: str
    bic: str | None
    amount: Decimal
    currency: str
    reference: str

    @property
    def request(self) -> QrRequest:
        return QrRequest(self.payload, self.error_level, self.max_version)


@dataclass(frozen=True)
class HostedLink:
    kind: str  # "card" or "paypal"
    url: str


@dataclass(frozen=True)
class WaysToPay:
    qr_codes: tuple[PaymentQr, ...]
    reference: str  # what the client quotes on a transfer
    links: tuple[HostedLink, ...]

    def __bool__(self) -> bool:
        return bool(self.qr_codes or self.links) or self.reference != ""


def payment_reference(business: Business, invoice: Invoice) -> str:
    """The invoice number, or its ISO 11649 creditor reference when the business asks for ``rf``."""
    bank = business.payment.bank_transfer
    if bank is not None and bank.reference == "rf":
        return rf.creditor_reference(invoice.number)
    return invoice.number


def payee_name(business: Business) -> str:
    bank = business.payment.bank_transfer
    return (bank.account_holder if bank and bank.account_holder else None) or business.name


def ways_to_pay(business: Business, client: Client, invoice: Invoice, figures: InvoiceFigures) -> WaysToPay | None:
    """The ways to pay this invoice now, or None when nothing is to pay."""
    if not figures.is_open or figures.balance <= 0:
        return None
    amount = figures.balance
    currency = invoice.currency
    bank = business.payment.bank_transfer
    reference = payment_reference(business, invoice)
    qr_codes = []
    if bank is not None and currency == epc.CURRENCY:
        structured = bank.reference == "rf"
        qr_codes.append(
            PaymentQr(
                rail="epc",
                payload=epc.payload(
                    name=payee_name(business),
                    iban=bank.iban,
                    bic=bank.bic,
                    amount=amount,
                    remittance=None if structured else invoice.number,
                    reference=reference if structured else None,
                ),
                error_level=epc.ERROR_LEVEL,
                max_version=epc.MAX_VERSION,
                payee=payee_name(business),
                account=bank.iban,
                bic=bank.bic,
                amount=amount,
                currency=currency,
                reference=reference,
            )
        )
    fields = {"number": invoice.number, "amount": plain(amount, currency), "currency": currency, "client": client.id}
    hosted_links = []
    if business.payment.card_url:
        hosted_links.append(HostedLink("card", hosted.fill(business.payment.card_url, **fields)))
    if business.payment.paypal_url:
        hosted_links.append(HostedLink("paypal", hosted.fill(business.payment.paypal_url, **fields)))
    return WaysToPay(qr_codes=tuple(qr_codes), reference=reference, links=tuple(hosted_links))
