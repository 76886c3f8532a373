"""Every error of spec section 1 is reported as path:line: message, all of them in one run."""

from __future__ import annotations

import textwrap
import time
from decimal import Decimal

import pytest

from conftest import write_files
from invoicepub.load import load_ledger
from invoicepub.problems import InvoiceError

BUSINESS = textwrap.dedent("""
    name: Test Studio
    payment:
      bank_transfer:
        iban: ES67 2085 9252 0903 3006 3402
    """).lstrip()
CLIENT = textwrap.dedent("""
    name: Acme
    """).lstrip()
INVOICE = textwrap.dedent("""
    number: "2026-001"
    client: acme
    issued: 2026-11-02
    items:
      - description: Work
        unit_price: 100.00
    """).lstrip()


def problems_of(root, files: dict[str, str]) -> list[str]:
    base = {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT}
    base.update(files)
    write_files(root, base)
    with pytest.raises(InvoiceError) as caught:
        load_ledger(root)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_site_loads(tmp_path):
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/a.yml": INVOICE})
    ledger = load_ledger(tmp_path)
    assert [invoice.number for invoice in ledger.invoices] == ["2026-001"]
    assert ledger.invoices[0].items[0].unit_price == Decimal("100.00")


@pytest.mark.parametrize(
    "text, expected",
    [
        # a typo must never be ignored
        (INVOICE + "notes: hi\nquantiy: 3\n", "invoices/a.yml:8: unknown field 'quantiy' in an invoice"),
        # a typo inside an item names the item's line
        (
            INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    quantiy: 2"),
            "invoices/a.yml:7: unknown field 'quantiy' in an item (did you mean 'quantity'?)",
        ),
        (INVOICE.replace('number: "2026-001"\n', ""), "invoices/a.yml:1: missing required field 'number' in an invoice"),
        (INVOICE.replace("issued: 2026-11-02", "issued: 2026-02-30"), "invoices/a.yml:3: issued: expected a date as YYYY-MM-DD, got '2026-02-30'"),
        (INVOICE.replace("issued: 2026-11-02", "issued: 2026-11-02\ndue: 2026-11-01"), "invoices/a.yml:4: due date 2026-11-01 is before the issue date 2026-11-02"),
        (INVOICE.replace("client: acme", "client: nobody"), "invoices/a.yml:2: unknown client 'nobody': no file invoices/clients/nobody.yml"),
        (INVOICE + "currency: EUX\n", "invoices/a.yml:7: currency: unknown currency 'EUX'"),
        (INVOICE + "discount: 120%\n", "invoices/a.yml:7: discount: a percentage must be between 0% and 100%, got 120%"),
        (INVOICE + "withholding: -1%\n", "invoices/a.yml:7: withholding: a percentage must be between 0% and 100%"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    tax: 21"), "invoices/a.yml:7: tax: expected a percentage such as 21%, got '21'"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: cheap"), "invoices/a.yml:6: unit_price: expected a number, got 'cheap'"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    quantity: 0"), "invoices/a.yml:7: quantity: must be greater than zero"),
        (INVOICE + "status: sent\n", "invoices/a.yml:7: status: expected one of draft, issued, void, got 'sent'"),
        (INVOICE + "number: \"2026-002\"\n", "invoices/a.yml:7: duplicate key 'number' (first written on line 1)"),
        (INVOICE + "items: [\n", "invoices/a.yml:8: YAML syntax error"),
        (INVOICE + "payments:\n  - date: 2026-11-10\n    amount: 10.005\n", "invoices/a.yml:8: amount: 10.005 has more decimals than EUR allows (2)"),
        (INVOICE + "payments:\n  - amount: 10\n", "invoices/a.yml:8: missing required field 'date' in a payment"),
        (INVOICE.replace("items:\n  - description: Work\n    unit_price: 100.00\n", "items: []\n"), "invoices/a.yml:4: an invoice needs at least one entry under 'items'"),
        (INVOICE + "notes: !!python/object/apply:os.system ['echo hacked']\n", "invoices/a.yml:7: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ],
)
def test_invoice_errors(tmp_path, text, expected):
    problems = problems_of(tmp_path, {"invoices/a.yml": text})
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    "business, expected",
    [
        (BUSINESS.replace("ES67 2085", "ES68 2085"), "invoices/business.yml:4: iban: invalid IBAN 'ES68 2085 9252 0903 3006 3402'"),
        (BUSINESS + "currency: euro\n", "invoices/business.yml:5: currency: unknown currency 'euro'"),
        (BUSINESS + "language: xx\n", "invoices/business.yml:5: language: unsupported language 'xx'"),
        (BUSINESS + "payment_terms_days: soon\n", "invoices/business.yml:5: payment_terms_days: expected a whole number"),
        (BUSINESS.replace("name: Test Studio\n", ""), "invoices/business.yml:1: missing required field 'name' in business.yml"),
        (
            BUSINESS + "support:\n  emial: a@b.example\n",
            "invoices/business.yml:6: unknown field 'emial' in support (did you mean 'email'?)",
        ),
        (
            BUSINESS.replace("payment:\n", "payment:\n  card_url: https://pay.example/{number}/{total}\n"),
            "invoices/business.yml:3: card_url: unknown template field {total}",
        ),
    ],
)
def test_business_errors(tmp_path, business, expected):
    problems = problems_of(tmp_path, {"invoices/business.yml": business, "invoices/a.yml": INVOICE})
    assert any(problem.startswith(expected) for problem in problems), problems


def test_client_errors(tmp_path):
    problems = problems_of(
        tmp_path,
        {"invoices/clients/acme.yml": "name: Acme\ncountry: XX\nlink_version: 0\n", "invoices/a.yml": INVOICE},
    )
    assert "invoices/clients/acme.yml:2: country: unknown country 'XX' (expected an ISO 3166 alpha-2 code such as ES)" in problems
    assert "invoices/clients/acme.yml:3: link_version: must be at least 1, got 0" in problems


def test_duplicate_number_names_both_files(tmp_path):
    problems = problems_of(tmp_path, {"invoices/a.yml": INVOICE, "invoices/2026/b.yml": INVOICE})
    assert "invoices/2026/b.yml:1: duplicate invoice number '2026-001': also in invoices/a.yml:1" in problems
    assert "invoices/a.yml:1: duplicate invoice number '2026-001': also in invoices/2026/b.yml:1" in problems


def test_all_errors_of_all_files_are_reported_together(tmp_path):
    problems = problems_of(
        tmp_path,
        {
            "invoices/a.yml": INVOICE + "quantiy: 1\n",
            "invoices/b.yml": INVOICE.replace("2026-001", "2026-002").replace("acme", "nobody"),
            "invoices/c.yaml": INVOICE.replace("2026-001", "2026-003").replace("2026-11-02", "someday"),
        },
    )
    assert [p.split(":")[0] for p in problems] == ["invoices/a.yml", "invoices/b.yml", "invoices/c.yaml"]


def test_an_alias_bomb_is_refused_quickly(tmp_path):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ",".join([f"*{previous}"] * 10) + "]\n"
    started = time.perf_counter()
    problems = problems_of(tmp_path, {"invoices/a.yml": INVOICE, "invoices/bomb.yml": bomb})
    assert time.perf_counter() - started < 5
    assert any(p.startswith("invoices/bomb.yml:1: the document expands to more than") for p in problems), problems


def test_python_tags_never_run(tmp_path):
    marker = tmp_path / "ran"
    text = INVOICE + f"    notes: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ['{marker}']]\n"
    problems_of(tmp_path, {"invoices/a.yml": text})
    assert not marker.exists()


def test_money_keeps_its_source_text(tmp_path):
    write_files(
        tmp_path,
        {
            "invoices/business.yml": BUSINESS,
            "invoices/clients/acme.yml": CLIENT,
            "invoices/a.yml": INVOICE.replace("unit_price: 100.00", "unit_price: 1.005\n    quantity: 0.1"),
        },
    )
    item = load_ledger(tmp_path).invoices[0].items[0]
    assert item.unit_price == Decimal("1.005") and str(item.unit_price) == "1.005"
    assert str(item.quantity) == "0.1"


def test_yaml_1_1_surprises_are_read_as_written(tmp_path):
    # "NO" is Norway, not false; 0123 is a number written with a zero, not octal 83.
    write_files(
        tmp_path,
        {
            "invoices/business.yml": BUSINESS,
            "invoices/clients/acme.yml": "name: Acme\ncountry: NO\ntax_id: 0123\n",
            "invoices/a.yml": INVOICE.replace('"2026-001"', "0123"),
        },
    )
    ledger = load_ledger(tmp_path)
    assert ledger.clients["acme"].country == "NO"
    assert ledger.clients["acme"].tax_id == "0123"
    assert ledger.invoices[0].number == "0123"
