"""Every error of spec section 1 is reported as path:line: message, all of them in one run."""

from __future__ import annotations

import datetime
import json
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
        (INVOICE.replace("issued: 2026-11-02", "issued: 2026-11-02\ndue: 2999-12-31"), "invoices/a.yml:4: due: 2999-12-31 is more than 10 years after the issue date 2026-11-02"),
        (INVOICE.replace("issued: 2026-11-02", "issued: 2026-11-02\ndue: 2036-11-03"), "invoices/a.yml:4: due: 2036-11-03 is more than 10 years after the issue date 2026-11-02"),
        (INVOICE + "schedule:\n  - due: 2026-12-01\n    amount: 50\n  - due: 2206-12-01\n", "invoices/a.yml:10: due: 2206-12-01 is more than 10 years after the issue date 2026-11-02"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 1e3"), "invoices/a.yml:6: unit_price: 1e3 is written with an exponent: write the number in digits, such as 1000"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 1.5E+2"), "invoices/a.yml:6: unit_price: 1.5E+2 is written with an exponent: write the number in digits, such as 150"),
        (INVOICE + "payments:\n  - date: 2026-11-10\n    amount: \"2e1\"\n", "invoices/a.yml:9: amount: 2e1 is written with an exponent: write the number in digits, such as 20"),
        (INVOICE + "payments:\n  - date: 2026-11-10\n    amount: 10.005\n", "invoices/a.yml:9: amount: 10.005 has more decimals than EUR allows (2)"),
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
    assert "invoices/clients/acme.yml:3: link_version: must be from 1 to 1000000, got 0" in problems


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


# --- what the loader refuses besides syntax and types (SPEC §1) ----------------------------


def problems_on(root, files: dict[str, str], today: str = "2026-11-23") -> list[str]:
    base = {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT}
    base.update(files)
    write_files(root, base)
    with pytest.raises(InvoiceError) as caught:
        load_ledger(root, datetime.date.fromisoformat(today))
    return [str(problem) for problem in caught.value.problems]


ITEM_AT_5 = INVOICE  # the item's description is on line 5, its unit_price on line 6


@pytest.mark.parametrize(
    "text, expected",
    [
        # control characters in one-line fields: a newline in a name or reference changes what a payload reads
        (INVOICE.replace("description: Work", 'description: "Work\\tand more"'), "invoices/a.yml:5: description: must be one line of text, without a tab"),
        (INVOICE.replace('number: "2026-001"', 'number: "2026\\n001"'), "invoices/a.yml:1: number: must be one line of text, without a newline"),
        (INVOICE.replace("description: Work", 'description: "Work\\u2028more"'), "invoices/a.yml:5: description: must be one line of text, without the control character U+2028"),
        (INVOICE + 'payments:\n  - date: 2026-11-10\n    amount: 10\n    reference: "TX\\u0007"\n', "invoices/a.yml:10: reference: must be one line of text, without the control character U+0007"),
        (INVOICE + 'notes: "Thanks\\u001b[31m"\n', "invoices/a.yml:7: notes: must be text without the control character U+001B"),
        # numbers that are not finite or too large: never a traceback
        (INVOICE.replace("unit_price: 100.00", "unit_price: 1e400"), "invoices/a.yml:6: unit_price: 1e400 has more than 12 digits before the decimal point"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 1.0e+400"), "invoices/a.yml:6: unit_price: 1.0e+400 has more than 12 digits before the decimal point"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: .inf"), "invoices/a.yml:6: unit_price: expected a number, got '.inf'"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: .nan"), "invoices/a.yml:6: unit_price: expected a number, got '.nan'"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: NaN"), "invoices/a.yml:6: unit_price: expected a finite number, got 'NaN'"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 1234567890123"), "invoices/a.yml:6: unit_price: 1234567890123 has more than 12 digits"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    quantity: 0.0000000000001"), "invoices/a.yml:7: quantity: 0.0000000000001 has more than 12 decimals"),
        (INVOICE + "payments:\n  - date: 2026-11-10\n    amount: 99999999999999\n", "invoices/a.yml:9: amount: 99999999999999 has more than 12 digits"),
        # a line discount larger than the line (2 × 10.00 = 20.00), or on a rebate line
        (INVOICE.replace("unit_price: 100.00", "unit_price: 10.00\n    quantity: 2\n    discount: 20.01"), "invoices/a.yml:8: discount: 20.01 is more than the line's amount (2 × 10.00 = 20.00)"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: -10.00\n    discount: 10%"), "invoices/a.yml:7: discount: a negative (rebate) line cannot carry a discount"),
        (INVOICE.replace("unit_price: 100.00", "unit_price: -10.00\n    discount: 1.00"), "invoices/a.yml:7: discount: a negative (rebate) line cannot carry a discount"),
        # a payment dated after today (today = 2026-11-23 here)
        (INVOICE + "payments:\n  - date: 2026-11-24\n    amount: 10\n", "invoices/a.yml:8: date: a payment dated 2026-11-24 is after today (2026-11-23)"),
        # currencies ISO 4217 has withdrawn, and codes that are not money
        (INVOICE + "currency: HRK\n", "invoices/a.yml:7: currency: currency HRK has been withdrawn from ISO 4217"),
        (INVOICE + "currency: DEM\n", "invoices/a.yml:7: currency: currency DEM has been withdrawn from ISO 4217"),
        (INVOICE + "currency: XAU\n", "invoices/a.yml:7: currency: XAU has no minor units in ISO 4217"),
        (INVOICE + "currency: ABC\n", "invoices/a.yml:7: currency: unknown currency 'ABC'"),
    ],
)
def test_refusals_name_the_line_of_the_value(tmp_path, text, expected):
    problems = problems_on(tmp_path, {"invoices/a.yml": text})
    assert any(problem.startswith(expected) for problem in problems), problems


def test_limits_themselves_are_accepted(tmp_path):
    # 12 digits before the point, 12 after; a discount equal to the line; a payment dated today.
    text = INVOICE.replace("unit_price: 100.00", "unit_price: 999999999999.99\n  - description: Tiny\n    unit_price: 0.000000000001\n  - description: Free\n    unit_price: 10.00\n    discount: 10.00")
    text += "payments:\n  - date: 2026-11-23\n    amount: 10\n"
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/a.yml": text})
    invoice = load_ledger(tmp_path, datetime.date(2026, 11, 23)).invoices[0]
    assert [item.unit_price for item in invoice.items] == [Decimal("999999999999.99"), Decimal("0.000000000001"), Decimal("10.00")]


def test_multi_line_fields_keep_their_lines(tmp_path):
    text = INVOICE + "notes: |\n  First line\n  \tsecond, indented by a tab\n"
    client = "name: Acme\naddress: |\n  1 Main St\n  Springfield\n"
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": client, "invoices/a.yml": text})
    ledger = load_ledger(tmp_path)
    assert ledger.clients["acme"].address == "1 Main St\nSpringfield"
    assert ledger.invoices[0].notes == "First line\n\tsecond, indented by a tab"


def test_a_due_date_ten_years_after_issue_is_accepted(tmp_path):
    text = INVOICE.replace("issued: 2026-11-02", "issued: 2028-02-29\ndue: 2038-02-28")
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/a.yml": text})
    assert load_ledger(tmp_path, datetime.date(2028, 3, 1)).invoices[0].due == datetime.date(2038, 2, 28)


def test_a_200000_deep_list_is_an_error_not_a_crash(tmp_path):
    deep = "[" * 200_000 + "]" * 200_000
    problems = problems_on(tmp_path, {"invoices/a.yml": INVOICE, "invoices/deep.yml": "a: 1\nb: " + deep + "\n"})
    # One fault, one message, in our words: libyaml's scanner refuses it first in its own.
    assert problems == ["invoices/deep.yml:2: the YAML nests deeper than 50 levels"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("number: [1\n", 2),  # an unclosed flow sequence
        ("a: b: c\n", 1),
        ("a: 1\n\tb: 2\n", 2),  # a tab where indentation is expected
    ],
)
def test_a_file_the_parser_refuses_is_one_message_at_its_line(tmp_path, text, line):
    problems = problems_on(tmp_path, {"invoices/a.yml": INVOICE, "invoices/bad.yml": text})
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"invoices/bad.yml:{line}: "), problems


def test_an_empty_invoice_file_is_one_message(tmp_path):
    problems = problems_on(tmp_path, {"invoices/a.yml": INVOICE, "invoices/empty.yml": "# nothing yet\n"})
    assert problems == ["invoices/empty.yml:1: the file is empty"]


def test_fifty_levels_are_read_and_fifty_one_are_not(tmp_path):
    # The document's mapping is level 1; each "[" adds one.
    fine = "items: " + "[" * 49 + "]" * 49 + "\n"
    too_deep = "items: " + "[" * 50 + "]" * 50 + "\n"
    problems = problems_on(tmp_path, {"invoices/a.yml": INVOICE, "invoices/fine.yml": fine, "invoices/deep.yml": too_deep})
    assert "invoices/deep.yml:1: the YAML nests deeper than 50 levels" in problems
    assert not any(p.startswith("invoices/fine.yml") and "nests deeper" in p for p in problems), problems


def test_two_client_files_with_one_id_name_every_file(tmp_path):
    problems = problems_on(
        tmp_path,
        {"invoices/clients/acme.yaml": CLIENT, "invoices/clients/old/acme.yml": CLIENT, "invoices/a.yml": INVOICE},
    )
    assert "invoices/clients/acme.yml:1: duplicate client id 'acme': also invoices/clients/acme.yaml, invoices/clients/old/acme.yml" in problems
    assert "invoices/clients/acme.yaml:1: duplicate client id 'acme': also invoices/clients/acme.yml, invoices/clients/old/acme.yml" in problems
    assert "invoices/clients/old/acme.yml:1: duplicate client id 'acme': also invoices/clients/acme.yaml, invoices/clients/acme.yml" in problems


def test_names_are_compared_in_nfc(tmp_path):
    nfd, nfc = "cafe\u0301", "caf\u00e9"  # what macOS writes, and what an editor types
    write_files(
        tmp_path,
        {
            "invoices/business.yml": BUSINESS,
            f"invoices/clients/{nfd}.yml": CLIENT,
            "invoices/a.yml": INVOICE.replace("client: acme", f"client: {nfc}"),
            "invoices/b.yml": INVOICE.replace("client: acme", f"client: {nfd}").replace("2026-001", "2026-002"),
        },
    )
    ledger = load_ledger(tmp_path)
    assert list(ledger.clients) == [nfc]
    assert {invoice.client_id for invoice in ledger.invoices} == {nfc}
    # Two files whose names differ only in normalisation are one id; two numbers likewise.
    problems = problems_on(
        tmp_path,
        {
            f"invoices/clients/{nfc}.yml": CLIENT,
            "invoices/c.yml": INVOICE.replace("2026-001", f"{nfd}-1").replace("client: acme", f"client: {nfc}"),
            "invoices/d.yml": INVOICE.replace("2026-001", f"{nfc}-1").replace("client: acme", f"client: {nfc}"),
        },
    )
    assert f"invoices/clients/{nfc}.yml:1: duplicate client id '{nfc}': also invoices/clients/{nfd}.yml" in problems
    assert f"invoices/c.yml:1: duplicate invoice number '{nfc}-1': also in invoices/d.yml:1" in problems


def test_a_link_leading_outside_the_site_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yml").write_text(INVOICE.replace("2026-001", "2026-009"), encoding="utf-8")
    root = tmp_path / "site"
    write_files(root, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/a.yml": INVOICE, "docs/shared.yml": INVOICE.replace("2026-001", "2026-002")})
    (root / "invoices/evil.yml").symlink_to(outside / "secret.yml")
    (root / "invoices/folder").symlink_to(outside, target_is_directory=True)
    (root / "invoices/inside.yml").symlink_to(root / "docs/shared.yml")  # stays inside the site: read as usual
    with pytest.raises(InvoiceError) as caught:
        load_ledger(root)
    problems = [str(problem) for problem in caught.value.problems]
    assert any(p.startswith("invoices/evil.yml:1: this is a link to ") and "outside the site's folder" in p for p in problems), problems
    assert any(p.startswith("invoices/folder:1: this is a link to ") for p in problems), problems
    assert not any(p.startswith("invoices/inside.yml") for p in problems), problems


@pytest.mark.parametrize(
    "currency, digits",
    # ISO 4217's table (not CLDR's display digits, which give RSD and IQD 0 and MGA 0)
    [("EUR", 2), ("RSD", 2), ("IQD", 3), ("MGA", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)],
)
def test_minor_units_come_from_iso_4217(currency, digits):
    from invoicepub.money import minor_units, round_money

    assert minor_units(currency) == digits
    assert round_money(Decimal("10.00005"), currency) == Decimal("10.00005").quantize(Decimal(1).scaleb(-digits), rounding="ROUND_HALF_UP")


def test_an_iqd_invoice_keeps_three_decimals(tmp_path):
    from invoicepub.figures import compute

    text = INVOICE.replace("unit_price: 100.00", "unit_price: 10.0005\n    quantity: 3") + "currency: IQD\n"
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": CLIENT, "invoices/a.yml": text})
    invoice = load_ledger(tmp_path).invoices[0]
    # 3 × 10.0005 = 30.0015 → 30.002 (half up, three decimals)
    assert compute(invoice, datetime.date(2026, 11, 23)).total == Decimal("30.002")


@pytest.mark.parametrize(
    "logo, expected",
    [
        ("images/missing.svg", "invoices/business.yml:5: logo: no file docs/images/missing.svg"),
        ("../invoices/business.yml", "invoices/business.yml:5: logo: '../invoices/business.yml' must be a path inside docs/"),
        ("/etc/passwd", "invoices/business.yml:5: logo: '/etc/passwd' must be a path inside docs/"),
        ("index.md", "invoices/business.yml:5: logo: 'index.md' is not an image"),
    ],
)
def test_the_logo_is_an_image_inside_docs(tmp_path, logo, expected):
    write_files(tmp_path, {"docs/index.md": "# Home\n", "docs/images/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    problems = problems_of(tmp_path, {"invoices/business.yml": BUSINESS + f"logo: {logo}\n", "invoices/a.yml": INVOICE})
    assert expected in [p[: len(expected)] for p in problems], problems


def test_a_logo_inside_docs_is_kept(tmp_path):
    write_files(
        tmp_path,
        {
            "docs/images/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "invoices/business.yml": BUSINESS + "logo: images/logo.svg\n",
            "invoices/clients/acme.yml": CLIENT,
            "invoices/a.yml": INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    withholding: false"),
        },
    )
    ledger = load_ledger(tmp_path)
    assert ledger.business.logo == "images/logo.svg"
    assert ledger.invoices[0].items[0].withholding is False


def test_withholding_on_an_item_is_true_or_false(tmp_path):
    problems = problems_of(tmp_path, {"invoices/a.yml": INVOICE.replace("unit_price: 100.00", "unit_price: 100.00\n    withholding: no way")})
    assert "invoices/a.yml:7: withholding: expected true or false, got 'no way'" in problems


@pytest.mark.parametrize(
    "address, valid",
    [
        ("accounts@harbourfinch.example", True),
        ("o'neil+invoices@sub.example.ie", True),
        ("a&b@x.example", True),  # "&" is allowed in the local part
        ("a<b>@x.example", False),  # would end the address in a To: header
        ("a,b@x.example", False),  # would make two addresses
        ("a;b@x.example", False),
        ('"quoted"@x.example', False),
        ("someone@localhost", False),  # no dot in the domain
        ("someone@-x.example", False),
        ("two@@x.example", False),
        ("a..b@x.example", False),  # an e-mail header refuses these (not a dot-atom)
        (".a@x.example", False),
        ("a.@x.example", False),
    ],
)
def test_email_addresses_are_what_a_mail_header_can_carry(tmp_path, address, valid):
    client = f"name: Acme\nemail: {json.dumps(address)}\n"
    write_files(tmp_path, {"invoices/business.yml": BUSINESS, "invoices/clients/acme.yml": client, "invoices/a.yml": INVOICE})
    if valid:
        assert load_ledger(tmp_path).clients["acme"].email == address
    else:
        with pytest.raises(InvoiceError) as caught:
            load_ledger(tmp_path)
        assert [str(p) for p in caught.value.problems] == [f"invoices/clients/acme.yml:2: email: not an e-mail address: {address!r}"]


@pytest.mark.parametrize(
    "files, expected",
    [
        # Year 9999 plus the payment terms, or plus one day for a calendar event, overflows a date.
        ({"invoices/a.yml": INVOICE.replace("issued: 2026-11-02", "issued: 9999-12-31")}, "invoices/a.yml:3: issued: 9999-12-31 is not a date between 1900 and 2999"),
        ({"invoices/a.yml": INVOICE.replace("issued: 2026-11-02", "issued: 2026-11-02\ndue: 9999-12-31")}, "invoices/a.yml:4: due: 9999-12-31 is not a date between 1900 and 2999"),
        ({"invoices/a.yml": INVOICE, "invoices/business.yml": BUSINESS + "payment_terms_days: 99999999999\n"}, "invoices/business.yml:5: payment_terms_days: must be from 0 to 3650, got 99999999999"),
    ],
)
def test_dates_and_terms_that_would_overflow_are_refused(tmp_path, files, expected):
    assert expected in problems_of(tmp_path, files)
