"""The e-invoice as a UBL 2.1 ``Invoice`` or ``CreditNote`` (EN 16931, CustomizationID ``urn:cen.eu:en16931:2017``).

Written with lxml from an ``EInvoice`` record (``content.py``); element order follows the
UBL 2.1 schemas. Published beside the document's page as ``invoice.xml``.

The two documents differ in a few names (``InvoiceLine``/``CreditNoteLine``,
``InvoicedQuantity``/``CreditedQuantity``, the type code's element) and in the due date: an
``Invoice`` has ``cbc:DueDate``; a ``CreditNote`` has none (the credit note states payment
terms instead, see ``content.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from .. import tax
from ..money import plain
from .content import CREDIT_NOTE_TYPE, CUSTOMIZATION, DISCOUNT_REASON, Allowance, EInvoice, Party, decimal_text, percent, price_text

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
VAT = "VAT"


@dataclass(frozen=True)
class _Names:
    namespace: str
    root: str
    type_code: str
    line: str
    quantity: str


_INVOICE = _Names(INVOICE_NS, "Invoice", "InvoiceTypeCode", "InvoiceLine", "InvoicedQuantity")
_CREDIT_NOTE = _Names(CREDIT_NOTE_NS, "CreditNote", "CreditNoteTypeCode", "CreditNoteLine", "CreditedQuantity")


def ubl_invoice(invoice: EInvoice) -> bytes:
    """The UBL 2.1 Invoice (or CreditNote), UTF-8 with an XML declaration."""
    return etree.tostring(_document(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _document(invoice: EInvoice) -> etree._Element:
    """The UBL Invoice or CreditNote: header, parties, delivery, payment, allowances, VAT, totals, lines."""
    names = _CREDIT_NOTE if invoice.type_code == CREDIT_NOTE_TYPE else _INVOICE
    root = etree.Element(f"{{{names.namespace}}}{names.root}", nsmap={None: names.namespace, "cac": CAC, "cbc": CBC})
    currency = invoice.currency
    amount = _amount_writer(currency)
    _cbc(root, "CustomizationID", CUSTOMIZATION)
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", invoice.issued.isoformat())
    if invoice.due is not None:
        _cbc(root, "DueDate", invoice.due.isoformat())
    _cbc(root, names.type_code, invoice.type_code)
    for note in invoice.notes:
        _cbc(root, "Note", note)
    _cbc(root, "DocumentCurrencyCode", currency)
    if invoice.corrects is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", invoice.corrects.number)
        _cbc(reference, "IssueDate", invoice.corrects.issued.isoformat())
    _party(_cac(root, "AccountingSupplierParty"), invoice.seller)
    _party(_cac(root, "AccountingCustomerParty"), invoice.buyer)

    delivery = _cac(root, "Delivery")
    _cbc(delivery, "ActualDeliveryDate", invoice.delivered.isoformat())
    if invoice.deliver_to_country:
        address = _cac(_cac(delivery, "DeliveryLocation"), "Address")
        _cbc(_cac(address, "Country"), "IdentificationCode", invoice.deliver_to_country)

    _payment(root, invoice)
    for allowance in invoice.allowances:
        _allowance(_cac(root, "AllowanceCharge"), allowance, amount, "TaxCategory")
    _tax_total(root, invoice, amount)
    _monetary_total(root, invoice, amount)
    for line in invoice.lines:
        _line(_cac(root, names.line), line, names, currency, amount)
    return root


def _amount_writer(currency: str):
    """``amount(parent, name, value)``: an amount element in the currency's minor units, with its currency."""

    def amount(parent: etree._Element, name: str, value: Decimal) -> None:
        _cbc(parent, name, plain(value, currency), currencyID=currency)

    return amount


def _payment(root: etree._Element, invoice: EInvoice) -> None:
    """The payment means (BG-16) and terms."""
    if invoice.payment is not None:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", invoice.payment.code)
        _cbc(means, "PaymentID", invoice.payment.reference)
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", invoice.payment.iban)
        _cbc(account, "Name", invoice.payment.holder)
        if invoice.payment.bic:
            _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", invoice.payment.bic)
    if invoice.payment_terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", invoice.payment_terms)


def _tax_total(root: etree._Element, invoice: EInvoice, amount) -> None:
    """The total VAT and its breakdown (BG-23)."""
    total = _cac(root, "TaxTotal")
    amount(total, "TaxAmount", invoice.tax)
    for group in invoice.breakdown:
        subtotal = _cac(total, "TaxSubtotal")
        amount(subtotal, "TaxableAmount", group.base)
        amount(subtotal, "TaxAmount", group.tax)
        category = _tax_category(_cac(subtotal, "TaxCategory"), group.category, group.rate, close=False)
        if group.exemption_code:
            _cbc(category, "TaxExemptionReasonCode", group.exemption_code)
        if group.exemption_reason:
            _cbc(category, "TaxExemptionReason", group.exemption_reason)
        _cbc(_cac(category, "TaxScheme"), "ID", VAT)


def _monetary_total(root: etree._Element, invoice: EInvoice, amount) -> None:
    """The document totals (BG-22)."""
    totals = _cac(root, "LegalMonetaryTotal")
    amount(totals, "LineExtensionAmount", invoice.line_total)
    amount(totals, "TaxExclusiveAmount", invoice.tax_exclusive)
    amount(totals, "TaxInclusiveAmount", invoice.tax_inclusive)
    if invoice.allowances:
        amount(totals, "AllowanceTotalAmount", invoice.allowance_total)
    amount(totals, "PrepaidAmount", invoice.prepaid)
    amount(totals, "PayableAmount", invoice.payable)


def _line(element: etree._Element, line, names, currency: str, amount) -> None:
    """One invoice or credit note line (BG-25)."""
    _cbc(element, "ID", line.id)
    _cbc(element, names.quantity, decimal_text(line.quantity), unitCode=line.unit_code)
    amount(element, "LineExtensionAmount", line.net)
    if line.allowance is not None:
        _allowance(_cac(element, "AllowanceCharge"), line.allowance, amount, None)
    item = _cac(element, "Item")
    _cbc(item, "Name", line.name)
    _tax_category(_cac(item, "ClassifiedTaxCategory"), line.category, line.rate)
    _cbc(_cac(element, "Price"), "PriceAmount", price_text(line.price, currency), currencyID=currency)


def _party(parent: etree._Element, party: Party) -> None:
    element = _cac(parent, "Party")
    if party.trading_name:
        _cbc(_cac(element, "PartyName"), "Name", party.trading_name)
    address = _cac(element, "PostalAddress")
    lines = party.address_lines
    if lines:
        _cbc(address, "StreetName", lines[0])
    if len(lines) > 1:
        _cbc(address, "AdditionalStreetName", lines[1])
    if len(lines) > 2:
        _cbc(_cac(address, "AddressLine"), "Line", ", ".join(lines[2:]))
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_id:
        scheme = _cac(element, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", VAT)
    legal = _cac(element, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.legal_id:
        _cbc(legal, "CompanyID", party.legal_id)


def _allowance(element: etree._Element, allowance: Allowance, amount, category: str | None) -> None:
    _cbc(element, "ChargeIndicator", "false")
    _cbc(element, "AllowanceChargeReasonCode", DISCOUNT_REASON)
    if allowance.percent is not None:
        _cbc(element, "MultiplierFactorNumeric", decimal_text(allowance.percent))
    amount(element, "Amount", allowance.amount)
    if allowance.base is not None:
        amount(element, "BaseAmount", allowance.base)
    if category:
        _tax_category(_cac(element, category), allowance.category, allowance.rate)


def _tax_category(element: etree._Element, category: str, rate: Decimal, close: bool = True) -> etree._Element:
    _cbc(element, "ID", category)
    if category != tax.NOT_SUBJECT:  # an O line or group carries no rate (BR-O-05, BR-O-06, BR-O-10)
        _cbc(element, "Percent", decimal_text(percent(rate)))
    if close:
        _cbc(_cac(element, "TaxScheme"), "ID", VAT)
    return element


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{name}")


def _cbc(parent: etree._Element, name: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{name}", attributes)
    element.text = text
    return element
