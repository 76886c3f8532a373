"""The e-invoice as Factur-X / ZUGFeRD CII (UN/CEFACT Cross Industry Invoice D16B), profile EN 16931.

The same ``EInvoice`` record as the UBL file, in the syntax that a Factur-X PDF embeds as
``factur-x.xml``. Written with lxml; element order follows the Factur-X EN 16931 schema.
A credit note is the same document with type code 381 and the invoice it corrects
(``InvoiceReferencedDocument``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from lxml import etree

from .. import tax
from ..money import plain
from .content import CUSTOMIZATION, DISCOUNT_REASON, Allowance, EInvoice, Party, decimal_text, percent, price_text

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
VAT = "VAT"
VAT_NUMBER = "VA"  # schemeID of a VAT number in SpecifiedTaxRegistration


def cii_invoice(invoice: EInvoice) -> bytes:
    """The CII invoice, UTF-8 with an XML declaration."""
    return etree.tostring(_document(invoice), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _document(invoice: EInvoice) -> etree._Element:
    """The CII document: its context and header, then the transaction's lines, agreement, delivery and settlement."""
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    amount = _amount_writer(invoice.currency)
    context = etree.SubElement(root, f"{{{RSM}}}ExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", CUSTOMIZATION)
    document = etree.SubElement(root, f"{{{RSM}}}ExchangedDocument")
    _ram(document, "ID", invoice.number)
    _ram(document, "TypeCode", invoice.type_code)
    _date(_ram(document, "IssueDateTime"), invoice.issued)
    for note in invoice.notes:
        _ram(_ram(document, "IncludedNote"), "Content", note)

    transaction = etree.SubElement(root, f"{{{RSM}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        _line_item(_ram(transaction, "IncludedSupplyChainTradeLineItem"), line, invoice.currency, amount)
    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _party(_ram(agreement, "SellerTradeParty"), invoice.seller)
    _party(_ram(agreement, "BuyerTradeParty"), invoice.buyer)
    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    if invoice.deliver_to_country:
        _ram(_ram(_ram(delivery, "ShipToTradeParty"), "PostalTradeAddress"), "CountryID", invoice.deliver_to_country)
    _date(_ram(_ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime"), invoice.delivered)
    _settlement(_ram(transaction, "ApplicableHeaderTradeSettlement"), invoice, amount)
    return root


def _amount_writer(currency: str):
    """``amount(parent, name, value, **attributes)``: an amount element in the currency's minor units."""

    def amount(parent: etree._Element, name: str, value: Decimal, **attributes: str) -> None:
        _ram(parent, name, plain(value, currency), **attributes)

    return amount


def _line_item(element: etree._Element, line, currency: str, amount) -> None:
    """One invoice line (BG-25)."""
    _ram(_ram(element, "AssociatedDocumentLineDocument"), "LineID", line.id)
    _ram(_ram(element, "SpecifiedTradeProduct"), "Name", line.name)
    agreement = _ram(element, "SpecifiedLineTradeAgreement")
    _ram(_ram(agreement, "NetPriceProductTradePrice"), "ChargeAmount", price_text(line.price, currency))
    _ram(_ram(element, "SpecifiedLineTradeDelivery"), "BilledQuantity", decimal_text(line.quantity), unitCode=line.unit_code)
    settlement = _ram(element, "SpecifiedLineTradeSettlement")
    _trade_tax(_ram(settlement, "ApplicableTradeTax"), line.category, line.rate)
    if line.allowance is not None:
        _allowance(_ram(settlement, "SpecifiedTradeAllowanceCharge"), line.allowance, amount, header=False)
    amount(_ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", line.net)


def _settlement(settlement: etree._Element, invoice: EInvoice, amount) -> None:
    """The header trade settlement: the payment, the VAT breakdown, allowances, terms and totals."""
    currency = invoice.currency
    if invoice.payment is not None:
        _ram(settlement, "PaymentReference", invoice.payment.reference)
    _ram(settlement, "InvoiceCurrencyCode", currency)
    if invoice.payment is not None:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", invoice.payment.code)
        account = _ram(means, "PayeePartyCreditorFinancialAccount")
        _ram(account, "IBANID", invoice.payment.iban)
        _ram(account, "AccountName", invoice.payment.holder)
        if invoice.payment.bic:
            _ram(_ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", invoice.payment.bic)
    for group in invoice.breakdown:
        element = _ram(settlement, "ApplicableTradeTax")
        amount(element, "CalculatedAmount", group.tax)
        _ram(element, "TypeCode", VAT)
        if group.exemption_reason:
            _ram(element, "ExemptionReason", group.exemption_reason)
        amount(element, "BasisAmount", group.base)
        _ram(element, "CategoryCode", group.category)
        if group.exemption_code:
            _ram(element, "ExemptionReasonCode", group.exemption_code)
        if group.category != tax.NOT_SUBJECT:
            _ram(element, "RateApplicablePercent", decimal_text(percent(group.rate)))
    for allowance in invoice.allowances:
        _allowance(_ram(settlement, "SpecifiedTradeAllowanceCharge"), allowance, amount, header=True)
    if invoice.payment_terms or invoice.due is not None:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        if invoice.payment_terms:
            _ram(terms, "Description", invoice.payment_terms)
        if invoice.due is not None:
            _date(_ram(terms, "DueDateDateTime"), invoice.due)
    _totals(_ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation"), invoice, amount)
    if invoice.corrects is not None:
        reference = _ram(settlement, "InvoiceReferencedDocument")
        _ram(reference, "IssuerAssignedID", invoice.corrects.number)
        _date(_ram(reference, "FormattedIssueDateTime"), invoice.corrects.issued, QDT)


def _totals(totals: etree._Element, invoice: EInvoice, amount) -> None:
    """The document totals (BG-22)."""
    amount(totals, "LineTotalAmount", invoice.line_total)
    if invoice.allowances:
        amount(totals, "AllowanceTotalAmount", invoice.allowance_total)
    amount(totals, "TaxBasisTotalAmount", invoice.tax_exclusive)
    amount(totals, "TaxTotalAmount", invoice.tax, currencyID=invoice.currency)
    amount(totals, "GrandTotalAmount", invoice.tax_inclusive)
    amount(totals, "TotalPrepaidAmount", invoice.prepaid)
    amount(totals, "DuePayableAmount", invoice.payable)


def _party(element: etree._Element, party: Party) -> None:
    _ram(element, "Name", party.name)
    if party.legal_id or party.trading_name:
        organization = _ram(element, "SpecifiedLegalOrganization")
        if party.legal_id:
            _ram(organization, "ID", party.legal_id)
        if party.trading_name:
            _ram(organization, "TradingBusinessName", party.trading_name)
    address = _ram(element, "PostalTradeAddress")
    lines = party.address_lines
    for name, text in zip(("LineOne", "LineTwo"), lines):
        _ram(address, name, text)
    if len(lines) > 2:
        _ram(address, "LineThree", ", ".join(lines[2:]))
    _ram(address, "CountryID", party.country)
    if party.vat_id:
        _ram(_ram(element, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID=VAT_NUMBER)


def _allowance(element: etree._Element, allowance: Allowance, amount, header: bool) -> None:
    _indicator(_ram(element, "ChargeIndicator"), False)
    if allowance.percent is not None:
        _ram(element, "CalculationPercent", decimal_text(allowance.percent))
    if allowance.base is not None:
        amount(element, "BasisAmount", allowance.base)
    amount(element, "ActualAmount", allowance.amount)
    _ram(element, "ReasonCode", DISCOUNT_REASON)
    if header:
        _trade_tax(_ram(element, "CategoryTradeTax"), allowance.category, allowance.rate)


def _trade_tax(element: etree._Element, category: str, rate: Decimal) -> None:
    _ram(element, "TypeCode", VAT)
    _ram(element, "CategoryCode", category)
    if category != tax.NOT_SUBJECT:  # an O line or group carries no rate (BR-O-05, BR-O-06, BR-O-10)
        _ram(element, "RateApplicablePercent", decimal_text(percent(rate)))


def _indicator(element: etree._Element, value: bool) -> None:
    etree.SubElement(element, f"{{{UDT}}}Indicator").text = "true" if value else "false"


def _date(element: etree._Element, date: datetime.date, namespace: str = UDT) -> None:
    """A date as CII writes it: 20261116 (format 102), in the data type's namespace (udt, or qdt where the schema says)."""
    etree.SubElement(element, f"{{{namespace}}}DateTimeString", format="102").text = date.strftime("%Y%m%d")


def _ram(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{RAM}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element
