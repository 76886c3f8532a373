"""The user's data as plain immutable records, each knowing the file and line it came from.

Defaults are already resolved here (an invoice's currency, language and due date), so
everything downstream reads one value and never looks the chain up again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .problems import Source
from .tax import category_of_rate

# business.yml's ``privacy:`` (SPEC §11): secret paths only, or pages the host holds as ciphertext.
LINK = "link"
SEALED = "sealed"
PRIVACY_MODES = (LINK, SEALED)


@dataclass(frozen=True)
class BankTransfer:
    """Bank details the client transfers to."""

    account_holder: str | None
    iban: str  # compact: no spaces, upper case
    bic: str | None
    reference: str  # "number" or "rf"
    source: Source


@dataclass(frozen=True)
class PaymentOptions:
    """Every way to pay that the business offers. QR rails hold their rail module's ``Config``."""

    bank_transfer: BankTransfer | None = None
    epc: Any = None  # the bank transfer's account as ``epc.Config``: set whenever bank_transfer is
    swiss_qr: Any = None
    spayd: Any = None
    upi: Any = None
    pix: Any = None
    card_url: str | None = None
    paypal_url: str | None = None


@dataclass(frozen=True)
class Support:
    """Who a client asks about an invoice."""

    email: str | None = None
    phone: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Defaults:
    """What ``invoices new`` writes into a new invoice: the items' tax and the invoice's withholding."""

    tax: str | None = None  # as written: "21%"
    withholding: str | None = None  # as written: "15%"

    def over(self, fallback: "Defaults") -> "Defaults":
        """These defaults, each one missing taken from ``fallback``."""
        return Defaults(tax=self.tax or fallback.tax, withholding=self.withholding or fallback.withholding)


# business.yml's ``verifactu: environment:`` (SPEC §12): where the records are sent.
TEST = "test"
PRODUCTION = "production"
ENVIRONMENTS = (TEST, PRODUCTION)


@dataclass(frozen=True)
class Verifactu:
    """A Spanish business's VERI*FACTU settings (``verifactu:`` in business.yml, SPEC §12): who
    issues the records and the invoicing system they name (SistemaInformatico)."""

    environment: str  # TEST or PRODUCTION
    nif: str  # the issuer's NIF: the business's tax_id without "ES"
    issuer_name: str  # NombreRazonEmisor: the legal name, else the trading name
    system_name: str  # NombreSistemaInformatico
    system_id: str  # IdSistemaInformatico, two characters
    system_version: str
    installation: str  # NumeroInstalacion
    producer_name: str  # who produces the system: this business, unless it says otherwise
    producer_nif: str
    source: Source
    since: datetime.date | None = None  # documents issued before it are not registered (None: every one)


@dataclass(frozen=True)
class Business:
    """Who issues the invoices (``invoices/business.yml``)."""

    name: str
    source: Source
    legal_name: str | None = None
    tax_id: str | None = None
    address: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    currency: str = "EUR"
    language: str = "en"
    payment_terms_days: int = 30
    bank_change_notice_days: int = 90  # SPEC §13: how long pages warn after an account changed
    privacy: str = LINK  # SPEC §11: "link" (secret paths) or "sealed" (ciphertext, the key in the link)
    payment: PaymentOptions = field(default_factory=PaymentOptions)
    support: Support = field(default_factory=Support)
    logo: str | None = None  # an image under docs/, as a path relative to docs/
    defaults: Defaults = field(default_factory=Defaults)
    verifactu: Verifactu | None = None  # SPEC §12: set when the business registers its invoices

    @property
    def payee_name(self) -> str:
        """Who a transfer goes to: the bank account's holder, else the trading name."""
        bank = self.payment.bank_transfer
        return bank.account_holder if bank is not None and bank.account_holder else self.name


@dataclass(frozen=True)
class Client:
    """One client (``invoices/clients/<id>.yml``)."""

    id: str
    name: str
    source: Source
    language: str
    currency: str
    contact: str | None = None
    email: str | None = None
    tax_id: str | None = None
    address: str | None = None
    country: str | None = None
    link_version: int = 1
    defaults: Defaults = field(default_factory=Defaults)


@dataclass(frozen=True)
class LineItem:
    """One line of an invoice's itemized breakdown."""

    description: str
    quantity: Decimal
    unit: str | None
    unit_price: Decimal
    discount_rate: Decimal | None  # a fraction: 0.10 for "10%"
    discount_amount: Decimal | None  # an amount off the line
    tax_rate: Decimal  # a fraction: 0.21 for "21%"
    source: Source
    withholding: bool = True  # False keeps the line out of the withholding base (Spain's "suplidos")
    tax_category: str = ""  # EN 16931 VAT category (invoicepub.tax); "" takes S or Z from the rate
    details: str | None = None  # Markdown: the step-by-step explanation of this line (SPEC §8)

    def __post_init__(self) -> None:
        if not self.tax_category:
            object.__setattr__(self, "tax_category", category_of_rate(self.tax_rate))


@dataclass(frozen=True)
class Payment:
    """Money received against an invoice."""

    date: datetime.date
    amount: Decimal
    method: str | None
    reference: str | None
    source: Source


@dataclass(frozen=True)
class ScheduleEntry:
    """One instalment of a payment plan as written: a date and an amount, a percentage of the
    amount due, or neither (the last entry, which takes the rest)."""

    due: datetime.date
    amount: Decimal | None
    percent: Decimal | None  # a fraction: 0.30 for "30%"
    source: Source


# Kinds of document (SPEC §8): what a file under invoices/ is, from its `kind:` field.
INVOICE = "invoice"
ESTIMATE = "estimate"
CREDIT_NOTE = "credit_note"
KINDS = (INVOICE, ESTIMATE, CREDIT_NOTE)


@dataclass(frozen=True)
class Invoice:
    """One document file (an invoice, an estimate or a credit note), with its currency,
    language and due date resolved. An estimate's ``due`` is its ``valid_until``."""

    number: str
    client_id: str
    issued: datetime.date
    due: datetime.date
    state: str  # "draft", "issued" or "void", as written
    currency: str
    language: str
    items: tuple[LineItem, ...]
    discount_rate: Decimal | None
    withholding_rate: Decimal | None
    notes: str | None
    payments: tuple[Payment, ...]
    source: Source
    tax_reason: str | None = None  # the legal ground of the ``exempt`` lines (BT-120)
    kind: str = INVOICE  # INVOICE, ESTIMATE or CREDIT_NOTE
    estimate: str | None = None  # an invoice: the number of the estimate it follows from
    corrects: str | None = None  # a credit note: the number of the invoice it corrects
    reason: str | None = None  # a credit note: why
    rectification: str | None = None  # a credit note: its VERI*FACTU type of correction, R1–R5 (SPEC §12)
    schedule: tuple[ScheduleEntry, ...] = ()  # instalments (SPEC §8); empty: one payment by ``due``
    schedule_source: Source | None = None  # the ``schedule:`` line, where a plan that does not add up is reported
    recurring: str | None = None  # the recurring series that wrote this invoice (``invoices recur``)
    period: str | None = None  # that series' period, "YYYY-MM" (its first month)
    # An estimate's state is ``state`` as written: "draft", "sent", "accepted" or "declined".

    @property
    def published(self) -> bool:
        return self.state != "draft"

    @property
    def valid_until(self) -> datetime.date:
        """An estimate's last day to be accepted (held in ``due``)."""
        return self.due


@dataclass(frozen=True)
class RecurringSeries:
    """A series of invoices written every period (``invoices/recurring/<name>.yml``).

    ``items`` keep each line's fields as YAML read them (text, ``Decimal`` from the source digits,
    booleans), so the invoices ``invoices recur`` writes carry them exactly; ``{period}`` is still
    unreplaced."""

    name: str
    client_id: str
    every: str  # "month", "quarter" or "year"
    day: int  # 1–28: the day of a period's first month on which its invoice is issued
    start: datetime.date
    end: datetime.date | None
    items: tuple[tuple[tuple[str, Any], ...], ...]  # per item, (field, value) in the file's order
    discount: str | None  # as written: "5%"
    withholding: str | None  # as written: "15%"
    notes: str | None
    payment_terms_days: int
    source: Source


@dataclass(frozen=True)
class Ledger:
    """Everything under ``invoices/``: the business, its clients, every invoice and every recurring series."""

    business: Business
    clients: dict[str, Client]
    invoices: tuple[Invoice, ...]
    series: tuple[RecurringSeries, ...] = ()
