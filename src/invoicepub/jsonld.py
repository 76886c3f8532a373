"""The schema.org ``Invoice`` that each invoice page embeds as JSON-LD."""

from __future__ import annotations

from typing import Any

from .figures import OVERDUE, PAID, VOID, InvoiceFigures
from .model import Business, Client, Invoice
from .money import plain

PAYMENT_STATUS = {
    PAID: "https://schema.org/PaymentComplete",
    OVERDUE: "https://schema.org/PaymentPastDue",
}
PAYMENT_DUE = "https://schema.org/PaymentDue"


def invoice_jsonld(invoice: Invoice, figures: InvoiceFigures, business: Business, client: Client) -> dict[str, Any]:
    """The JSON-LD object; the balance is a string with the currency's minor units, zero when nothing is due.

    With a payment plan ``paymentDueDate`` is the earliest unpaid instalment's date, while
    ``totalPaymentDue`` stays the whole balance (SPEC §8)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Invoice",
        "confirmationNumber": invoice.number,
        "paymentDueDate": (figures.next_due or invoice.due).isoformat(),
    }
    if figures.status != VOID:
        data["paymentStatus"] = PAYMENT_STATUS.get(figures.status, PAYMENT_DUE)
    data["totalPaymentDue"] = {
        "@type": "MonetaryAmount",
        "value": plain(figures.payable, invoice.currency),
        "currency": invoice.currency,
    }
    data["provider"] = {"@type": "Organization", "name": business.name}
    data["customer"] = {"@type": "Organization", "name": client.name}
    return data
