"""Which ways to pay an invoice shows, and the exact payload of each QR code.

The order is the page's: QR codes that fit the invoice's currency (and, for the Swiss
QR-bill, the client's country), then bank details, then hosted links. Nothing is offered
unless something is still to pay. Every rail is given the same amount: the balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..figures import InvoiceFigures
from ..model import Business, Client, Invoice
from ..money import plain
from ..qr import QrRequest
from . import epc, hosted, pix, rf, spayd, swiss_qr, upi


# Rails whose account is an IBAN (shown grouped by four).
IBAN_RAILS = ("epc", swiss_qr.NAME, spayd.NAME)


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
    picture: str | None = None  # a drawing the rail makes itself (the Swiss QR-bill's payment part)

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


def payment_reference(business: Business, invoice: Invoice) -> str:
    """The invoice number, or its ISO 11649 creditor reference when the business asks for ``rf``."""
    bank = business.payment.bank_transfer
    if bank is not None and bank.reference == "rf":
        return rf.creditor_reference(invoice.number)
    return invoice.number


def ways_to_pay(business: Business, client: Client, invoice: Invoice, figures: InvoiceFigures) -> WaysToPay | None:
    """The ways to pay this invoice now, or None when nothing is to pay.

    Raises ValueError when a rail that fits the invoice cannot carry it (an amount over its
    limit, a number it cannot make a reference from).
    """
    if not figures.is_open or figures.balance <= 0:
        return None
    amount = figures.balance
    currency = invoice.currency
    number = invoice.number
    payment = business.payment
    bank = payment.bank_transfer
    reference = payment_reference(business, invoice)
    qr_codes = []

    swiss_fits = payment.swiss_qr is not None and swiss_qr.applies(payment.swiss_qr, currency, client.country)
    if bank is not None and currency == epc.CURRENCY and not swiss_fits:
        structured = bank.reference == "rf"
        qr_codes.append(
            PaymentQr(
                rail="epc",
                payload=epc.payload(
                    name=business.payee_name,
                    iban=bank.iban,
                    bic=bank.bic,
                    amount=amount,
                    remittance=None if structured else number,
                    reference=reference if structured else None,
                ),
                error_level=epc.ERROR_LEVEL,
                max_version=epc.MAX_VERSION,
                payee=business.payee_name,
                account=bank.iban,
                bic=bank.bic,
                amount=amount,
                currency=currency,
                reference=reference,
            )
        )
    # The other QR rails share one surface: applies, payee, account, reference, payload.
    # Where the Swiss QR-bill fits there is no EPC code, so it always comes first.
    for rail in (swiss_qr, spayd, upi, pix):
        config = getattr(payment, rail.NAME)
        if config is None or not rail.applies(config, currency, client.country):
            continue
        payee = rail.payee(config, business.name)
        picture = None
        if rail is swiss_qr:
            picture = swiss_qr.payment_part_svg(config, number=number, amount=amount, currency=currency, language=invoice.language)
        qr_codes.append(
            PaymentQr(
                rail=rail.NAME,
                payload=rail.payload(config, number=number, amount=amount, currency=currency, payee=payee),
                error_level=rail.ERROR_LEVEL,
                max_version=rail.MAX_VERSION,
                payee=payee,
                account=rail.account(config),
                bic=None,
                amount=amount,
                currency=currency,
                reference=rail.reference(config, number),
                picture=picture,
            )
        )
    fields = {"number": number, "amount": plain(amount, currency), "currency": currency, "client": client.id}
    hosted_links = []
    if payment.card_url:
        hosted_links.append(HostedLink("card", hosted.fill(payment.card_url, **fields)))
    if payment.paypal_url:
        hosted_links.append(HostedLink("paypal", hosted.fill(payment.paypal_url, **fields)))
    return WaysToPay(qr_codes=tuple(qr_codes), reference=reference, links=tuple(hosted_links))
