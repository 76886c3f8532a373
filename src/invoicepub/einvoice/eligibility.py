"""Which published invoices get an e-invoice, and for the others what is missing (SPEC §9).

An EN 16931 invoice cannot say everything an invoice of ours can: it has no place for
income tax withheld (Spain's IRPF), amounts carry at most two decimals, and a line not
subject to VAT (category O) cannot share an invoice with taxed lines (BR-O-11 … BR-O-14).
It also needs data the page can do without: the seller's VAT number (with its country
prefix, BR-CO-09) and both countries (BR-09, BR-11). A void invoice is not sent at all.
"""

from __future__ import annotations

from .. import tax
from ..model import Business, Client, Invoice
from ..money import minor_units

VOID = "void"
WITHHOLDING = "withholding"
SELLER_TAX_ID = "seller_tax_id"
SELLER_COUNTRY = "seller_country"
BUYER_COUNTRY = "buyer_country"
CURRENCY = "currency"
NOT_SUBJECT_MIXED = "not_subject_mixed"

# Each reason in a sentence for `invoices check` (the page says it with the label "no_einvoice.<reason>").
EXPLANATIONS = {
    VOID: "it is void",
    WITHHOLDING: "it has income tax withheld, which EN 16931 has no place for",
    SELLER_TAX_ID: "business.yml has no tax_id written as a VAT number with its country prefix (such as ESB98765432)",
    SELLER_COUNTRY: "business.yml has no country",
    BUYER_COUNTRY: "the client's file has no country",
    CURRENCY: "its currency has more than two decimals, which EN 16931 amounts cannot carry",
    NOT_SUBJECT_MIXED: "it has lines not subject to VAT beside other lines, which EN 16931 does not allow in one invoice",
}
MAX_DECIMALS = 2


def missing(business: Business, client: Client, invoice: Invoice) -> tuple[str, ...]:
    """Why ``invoice`` gets no e-invoice, as reason codes; empty when it gets one."""
    reasons = []
    if invoice.state == VOID:
        reasons.append(VOID)
    if invoice.withholding_rate:
        reasons.append(WITHHOLDING)
    if not (business.tax_id and tax.has_country_prefix(business.tax_id)):
        reasons.append(SELLER_TAX_ID)
    if not business.country:
        reasons.append(SELLER_COUNTRY)
    if not client.country:
        reasons.append(BUYER_COUNTRY)
    if minor_units(invoice.currency) > MAX_DECIMALS:
        reasons.append(CURRENCY)
    categories = {item.tax_category for item in invoice.items}
    if tax.NOT_SUBJECT in categories and len(categories) > 1:
        reasons.append(NOT_SUBJECT_MIXED)
    return tuple(reasons)


def explain(reasons: tuple[str, ...]) -> str:
    """The reasons in one line: "it has income tax withheld, …; the client's file has no country"."""
    return "; ".join(EXPLANATIONS[reason] for reason in reasons)
