"""The invoice page's ways to pay: its payment QR codes with their text alternatives, the bank
details to quote, the hosted payment buttons, the notice of changed bank details (SPEC §13) and a
registered document's tax QR code (SPEC §12). The payloads come from ``payments/``; ``qr.py`` draws them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..bank_history import account_key, current_accounts, notice_day
from ..i18n import N_, Formatter
from ..payments.ways import IBAN_RAILS, PaymentQr, WaysToPay
from ..qr import QrCache, QrRequest
from ..site import InvoiceEntry, Site
from ..verifactu import tax_qr
from .common import group_by_four


@dataclass(frozen=True)
class QrView:
    rail: str
    svg: Markup  # our own drawing of the payload: shown as is
    alt: str


@dataclass(frozen=True)
class TaxQrView:
    """The tax QR code of a registered document (SPEC §12), its legends in Spanish as the rules give them."""

    svg: Markup  # our own drawing of the AEAT's address: shown as is
    url: str  # what it holds
    alt: str
    heading: str = tax_qr.HEADING
    legend: str = tax_qr.LEGEND


@dataclass(frozen=True)
class BankView:
    account_holder: str
    iban: str  # grouped by four
    bic: str | None
    reference: str


@dataclass(frozen=True)
class ButtonView:
    label: str
    url: str
    kind: str


def tax_qr_request(site: Site, entry: InvoiceEntry) -> QrRequest | None:
    """What the document's tax QR code holds (SPEC §12), or None: not registered, cancelled or refused."""
    registry = site.registry
    record = registry.shown(entry.invoice.number) if registry is not None else None
    return tax_qr.request(record, registry.settings.environment) if record is not None else None


def _tax_qr(fmt: Formatter, request: QrRequest | None, qr_cache: QrCache) -> TaxQrView | None:
    if request is None:
        return None
    alt = fmt.gettext("Tax QR code (VERI*FACTU): check this document with the Spanish tax agency at {url}", url=request.payload)
    return TaxQrView(svg=Markup(qr_cache.svg(request)), url=request.payload, alt=alt)


def bank_notice_day(site: Site, entry: InvoiceEntry) -> datetime.date | None:
    """The day the accounts this page asks the client to pay into changed, when it must say so (SPEC §13)."""
    ways = entry.ways
    if ways is None or site.bank_history is None:
        return None
    asked = {account_key(qr.account) for qr in ways.qr_codes}
    if ways.account is not None:
        asked.add(account_key(ways.account.iban))
    previous = site.previous_invoice(entry)
    business = site.ledger.business
    return notice_day(
        site.bank_history,
        current_accounts(business),
        asked,
        previous.invoice.issued if previous is not None else None,
        site.today,
        business.bank_change_notice_days,
    )


def _bank_notice(fmt: Formatter, site: Site, entry: InvoiceEntry) -> str:
    """Above the ways to pay: the account changed on that day; confirm it by phone (or e-mail) first."""
    day = bank_notice_day(site, entry)
    if day is None:
        return ""
    business = site.ledger.business
    phone = business.support.phone or business.phone
    email = business.support.email or business.email
    date = fmt.date(day)
    if phone:
        return fmt.gettext("Our bank details changed on {date}. Please confirm them with us by phone on {phone} before you pay.", date=date, phone=phone)
    if email:
        return fmt.gettext("Our bank details changed on {date}. Please confirm them with us by e-mail at {email} before you pay.", date=date, email=email)
    return fmt.gettext("Our bank details changed on {date}. Please confirm them with us before you pay.", date=date)


def bank_and_buttons(ways: WaysToPay | None, fmt: Formatter) -> tuple[BankView | None, tuple[ButtonView, ...]]:
    """The bank details to quote and the hosted payment buttons, when something is to pay."""
    if ways is None:
        return None, ()
    account = ways.account
    bank = None
    if account is not None:
        bank = BankView(
            account_holder=account.holder,
            iban=group_by_four(account.iban),
            bic=account.bic,
            reference=account.reference,
        )
    buttons = tuple(
        ButtonView(fmt.gettext("Pay by card") if link.kind == "card" else fmt.gettext("Pay with PayPal"), link.url, link.kind)
        for link in ways.links
    )
    return bank, buttons


# Each payment rail's name and what its account is called, for a code's text alternative.
_RAILS = {
    "epc": (N_("SEPA transfer"), N_("IBAN")),
    "swiss_qr": (N_("Swiss QR-bill"), N_("IBAN")),
    "spayd": (N_("QR Platba"), N_("IBAN")),
    "upi": (N_("UPI"), N_("UPI ID")),
    "pix": (N_("Pix"), N_("Pix key")),
}


def _qr_view(fmt: Formatter, qr: PaymentQr, qr_cache: QrCache) -> QrView:
    is_iban = qr.rail in IBAN_RAILS
    rail_name, account_label = _RAILS[qr.rail]
    alt = fmt.gettext(
        "{rail} QR code: pay {amount} to {name}, {account_label} {account}{bic}, reference {reference}.",
        rail=fmt.gettext(rail_name),
        amount=fmt.money(qr.amount, qr.currency),
        name=qr.payee,
        account_label=fmt.gettext(account_label),
        account=group_by_four(qr.account) if is_iban else qr.account,
        bic=fmt.gettext(", BIC {bic}", bic=qr.bic) if qr.bic else "",
        reference=qr.reference,
    )
    svg = qr_cache.svg(qr.request)
    return QrView(rail=qr.rail, svg=Markup(svg), alt=alt)


def ways_to_pay(site: Site, entry: InvoiceEntry, fmt: Formatter, qr_cache: QrCache) -> dict[str, Any]:
    """The invoice page's fields of this module: its payment codes, bank details and buttons, the
    notice of changed bank details, and the tax QR code shown before every payment code."""
    bank, buttons = bank_and_buttons(entry.ways, fmt)
    return {
        "qr_codes": tuple(_qr_view(fmt, qr, qr_cache) for qr in entry.ways.qr_codes) if entry.ways else (),
        "bank": bank,
        "buttons": buttons,
        "bank_notice": _bank_notice(fmt, site, entry),
        "tax_qr": _tax_qr(fmt, tax_qr_request(site, entry), qr_cache),
    }
