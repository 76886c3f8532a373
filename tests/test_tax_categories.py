"""Tax categories (SPEC §9): what `tax:` accepts, the errors it gives, and the mention a page prints."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from conftest import SECRET, write_files
from invoicepub.load import load_ledger
from invoicepub.problems import InvoiceError
from invoicepub.qr import QrCache
from invoicepub.site import load_site
from invoicepub.views import invoice_page

TODAY = datetime.date(2026, 11, 23)
BUSINESS = "name: Test Studio\ntax_id: ESB98765432\ncountry: ES\n"
CLIENTS = {
    "invoices/clients/eu.yml": "name: EU Client\ntax_id: IE6388047V\ncountry: IE\n",
    "invoices/clients/plain.yml": "name: No VAT Number\ncountry: FR\n",
    "invoices/clients/domestic.yml": "name: Cliente\ntax_id: B46123456\ncountry: ES\n",
}


def invoice_text(client: str, *taxes: str, extra: str = "") -> str:
    items = "".join(f"  - description: Line {n}\n    unit_price: 100.00\n    tax: {t}\n" for n, t in enumerate(taxes, 1))
    return f'number: "T-1"\nclient: {client}\nissued: 2026-11-02\n{extra}items:\n{items}'


def load(root, text):
    write_files(root, {"invoices/business.yml": BUSINESS, **CLIENTS, "invoices/t.yml": text})
    return load_ledger(root, TODAY)


def problems(root, text) -> list[str]:
    with pytest.raises(InvoiceError) as caught:
        load(root, text)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    "written, rate, category",
    [
        ("21%", "0.21", "S"),
        ("0%", "0", "Z"),
        ("reverse charge", "0", "AE"),
        ("Reverse  Charge", "0", "AE"),
        ("intra-community", "0", "K"),
        ("export", "0", "G"),
        ("not subject", "0", "O"),
    ],
)
def test_tax_is_a_rate_or_a_category(tmp_path, written, rate, category):
    item = load(tmp_path, invoice_text("eu", written)).invoices[0].items[0]
    assert (item.tax_rate, item.tax_category) == (Decimal(rate), category)


def test_no_tax_is_zero_rated(tmp_path):
    text = 'number: "T-1"\nclient: eu\nissued: 2026-11-02\nitems:\n  - description: x\n    unit_price: 1\n'
    item = load(tmp_path, text).invoices[0].items[0]
    assert (item.tax_rate, item.tax_category) == (Decimal(0), "Z")


def test_exempt_reads_the_invoice_tax_reason(tmp_path):
    text = invoice_text("plain", "exempt", extra="tax_reason: Exento de IVA, art. 20.Uno.9 Ley 37/1992\n")
    invoice = load(tmp_path, text).invoices[0]
    assert invoice.items[0].tax_category == "E"
    assert invoice.tax_reason == "Exento de IVA, art. 20.Uno.9 Ley 37/1992"


@pytest.mark.parametrize(
    "text, expected",
    [
        (invoice_text("eu", "exempt"), "invoices/t.yml:7: tax: exempt needs the invoice's tax_reason"),
        (invoice_text("eu", "zero"), "invoices/t.yml:7: tax: expected a rate such as 21% or one of exempt, reverse charge, "
         "intra-community, export, not subject, got 'zero'"),
        (invoice_text("eu", "121%"), "invoices/t.yml:7: tax: a percentage must be between 0% and 100%, got 121%"),
        (invoice_text("plain", "21%", "reverse charge"), "invoices/t.yml:10: tax: reverse charge needs the client's tax_id"),
        (invoice_text("domestic", "intra-community"), "invoices/t.yml:7: tax: intra-community needs the client's EU VAT number"),
        (invoice_text("eu", "21%", extra="tax_reason: Exento\n"), "invoices/t.yml:4: tax_reason: no item is marked `tax: exempt`"),
    ],
)
def test_bad_tax_is_refused_with_its_line(tmp_path, text, expected):
    found = problems(tmp_path, text)
    assert any(problem.startswith(expected) for problem in found), found


def test_a_domestic_reverse_charge_needs_only_a_tax_id(tmp_path):
    # Spain's own reverse charge (art. 84.Uno.2º LIVA) names the client by its NIF, no country prefix.
    assert load(tmp_path, invoice_text("domestic", "reverse charge")).invoices[0].items[0].tax_category == "AE"


def test_business_and_client_defaults_may_name_a_category(tmp_path):
    write_files(tmp_path, {"invoices/clients/eu.yml": CLIENTS["invoices/clients/eu.yml"] + "defaults:\n  tax: reverse charge\n"})
    write_files(tmp_path, {"invoices/business.yml": BUSINESS + "defaults:\n  tax: not subject\n", "invoices/t.yml": invoice_text("eu", "21%")})
    ledger = load_ledger(tmp_path, TODAY)
    assert (ledger.business.defaults.tax, ledger.clients["eu"].defaults.tax) == ("not subject", "reverse charge")


def tax_rows(root, text, language="en"):
    write_files(root, {"invoices/business.yml": BUSINESS + f"language: {language}\n", **CLIENTS, "invoices/t.yml": text})
    site = load_site(root, secret=SECRET, today=TODAY)
    page = invoice_page(site, site.entries[0], QrCache(None))
    return [(row.label, row.amount, row.mention) for row in page.totals if row.kind == "tax"]


def test_one_tax_line_per_rate_and_category_with_its_mention(tmp_path):
    # 100.00 at 21 % → 21.00; 100.00 reverse charge and 100.00 zero rated: two 0 % lines, each its own.
    rows = tax_rows(tmp_path, invoice_text("eu", "21%", "reverse charge", "0%"))
    assert rows == [
        ("Tax 0%", "€0.00", "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)"),
        ("Tax 0%", "€0.00", ""),
        ("Tax 21%", "€21.00", ""),
    ]


def test_spanish_mentions_and_the_exemption_ground(tmp_path):
    text = invoice_text("plain", "exempt", "export", extra="tax_reason: Exento de IVA, art. 20.Uno.9 Ley 37/1992\n")
    mentions = [mention for _, _, mention in tax_rows(tmp_path, text, "es")]
    assert mentions == ["Exento de IVA, art. 20.Uno.9 Ley 37/1992", "Exportación exenta (art. 21 Ley 37/1992; art. 146 Directiva 2006/112/CE)"]
