"""Payment rails of spec section 7: payloads checked field by field against values worked out here,
which rails an invoice shows, and every rail's configuration errors with their path:line."""

from __future__ import annotations

import ast
import binascii
import dataclasses
import datetime
import importlib.util
import textwrap
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from stdnum import iso11649
from stdnum.ch import esr

from conftest import SECRET, write_files
from invoicepub.figures import compute
from invoicepub.load import load_ledger
from invoicepub.payments import epc, pix, spayd, swiss_qr, upi
from invoicepub.payments.ways import ways_to_pay
from invoicepub.payments.limits import AmountRange
from invoicepub.problems import InvoiceError
from invoicepub.site import load_site

TODAY = datetime.date(2026, 11, 23)


def sample_ways(root, number):
    ledger = load_ledger(root)
    invoice = next(i for i in ledger.invoices if i.number == number)
    client = ledger.clients[invoice.client_id]
    return ways_to_pay(ledger.business, client, invoice, compute(invoice, TODAY))


RAILS = (epc, swiss_qr, spayd, upi, pix)
SURFACE = ("NAME", "CURRENCIES", "ERROR_LEVEL", "MAX_VERSION", "Config", "applies", "payee", "account", "reference", "payload")


def imported_modules(module) -> set[str]:
    """Every module a module's source imports, relative imports resolved."""
    tree = ast.parse(open(module.__file__, encoding="utf-8").read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), module.__package__) if node.level else node.module
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("rail", RAILS, ids=lambda rail: rail.NAME)
def test_every_rail_has_the_same_surface_and_reads_no_yaml(rail):
    assert [name for name in SURFACE if not hasattr(rail, name)] == []
    assert dataclasses.is_dataclass(rail.Config) and rail.Config.__dataclass_params__.frozen
    checks = [name for name in dir(rail) if name.startswith("validate_")]
    if isinstance(getattr(rail, "AMOUNTS", None), AmountRange):
        checks.append("AMOUNTS")
    assert checks, "a rail checks its values with validate_* functions and its AMOUNTS range"
    imported = imported_modules(rail)
    # the YAML field parsers belong to the loader; drawing belongs to invoicepub.qr
    assert not {"invoicepub.fields", "invoicepub.load", "invoicepub.qr", "segno"} & imported, imported


def test_swiss_qr_bill_payload(site_copy):
    ways = sample_ways(site_copy, "2026-007")
    assert [code.rail for code in ways.qr_codes] == ["swiss_qr"]  # CHF for a client in CH
    lines = ways.qr_codes[0].payload.split("\r\n")
    assert lines[:4] == ["SPC", "0200", "1", "CH4431999123000889012"]
    assert lines[4:11] == ["S", "Lumen GmbH", "Bahnhofstrasse", "1", "8001", "Zürich", "CH"]
    # 2 × 1450.00 + 180 × 6.40 = 4052.00
    assert lines[18:20] == ["4052.00", "CHF"]
    # A QR-IBAN (IID 31999) takes a QR reference: the number's digits, 26 wide, and a mod-10 check digit
    body = "2026007".rjust(26, "0")
    assert lines[27:29] == ["QRR", body + esr.calc_check_digit(body)]
    assert lines[29:31] == ["2026-007", "EPD"]


def test_swiss_qr_reference_matches_the_standards_example():
    # Swiss Implementation Guidelines' example QR reference: 21 00000 00003 13947 14300 09017
    assert swiss_qr.qr_reference("21 00000 00003 13947 14300 0901") == "210000000003139471430009017"
    # By hand, table 0 9 4 6 8 2 7 1 3 5: 25 zeros keep the carry at 0, then "1" gives table[1] = 9,
    # and the check digit is (10 − 9) mod 10 = 1.
    assert swiss_qr.qr_reference("1") == "0" * 25 + "1" + "1"


def test_swiss_qr_bill_with_an_ordinary_iban_takes_an_rf_reference():
    config = swiss_qr.Config(iban="CH9300762011623852957", name="Lumen GmbH", postal_code="8001", city="Zürich", country="CH")
    assert not config.is_qr_iban
    lines = swiss_qr.payload(config, number="2026-014", amount=Decimal("10.00"), currency="EUR", payee="x").split("\r\n")
    assert lines[27] == "SCOR" and iso11649.is_valid(lines[28]) and lines[28].endswith("2026014")


def test_eur_for_a_swiss_client_replaces_the_epc_code(site_copy):
    path = site_copy / "invoices/2026/2026-007.yml"
    path.write_text(path.read_text(encoding="utf-8") + "currency: EUR\n", encoding="utf-8")
    assert [code.rail for code in sample_ways(site_copy, "2026-007").qr_codes] == ["swiss_qr"]
    # …and a EUR invoice for a client elsewhere keeps the EPC code
    assert [code.rail for code in sample_ways(site_copy, "2026-004").qr_codes] == ["epc"]


def test_spayd_payload(site_copy):
    ways = sample_ways(site_copy, "2026-008")
    assert [code.rail for code in ways.qr_codes] == ["spayd"]
    fields = ways.qr_codes[0].payload.split("*")
    assert fields[:2] == ["SPD", "1.0"]
    values = dict(field.split(":", 1) for field in fields[2:])
    # 3 × 8500.00 + 2400.00 = 27900.00
    assert values == {"ACC": "CZ6508000000192000145399", "AM": "27900.00", "CC": "CZK", "MSG": "2026-008", "X-VS": "2026008"}


def test_spayd_escapes_asterisks():
    payload = spayd.payload(spayd.Config("CZ6508000000192000145399"), number="A*7", amount=Decimal("1.00"), currency="CZK", payee="x")
    assert "*MSG:A%2A7*" in payload and payload.endswith("*X-VS:7")


def test_spayd_escapes_percent_signs_before_asterisks():
    # "%" is written %25 and "*" %2A; escaping "%" first keeps the "%" of %2A from becoming %252A.
    payload = spayd.payload(spayd.Config("CZ6508000000192000145399"), number="50%*2", amount=Decimal("1.00"), currency="CZK", payee="x")
    assert payload.split("*")[5] == "MSG:50%25%2A2"
    assert payload.endswith("*X-VS:502")


def test_upi_payload(site_copy):
    ways = sample_ways(site_copy, "2026-009")
    assert [code.rail for code in ways.qr_codes] == ["upi"]
    url = urlsplit(ways.qr_codes[0].payload)
    assert (url.scheme, url.netloc) == ("upi", "pay")
    # 3 × 42000.00 − 5 % = 119700.00
    assert dict(parse_qsl(url.query)) == {"pa": "lumen@okaxis", "pn": "Estudio Lumen", "am": "119700.00", "cu": "INR", "tn": "2026-009"}
    assert "pn=Estudio%20Lumen" in url.query  # URL-encoded


def parse_emv(text: str) -> dict[str, str]:
    fields, position = {}, 0
    while position < len(text):
        tag, length = text[position : position + 2], int(text[position + 2 : position + 4])
        fields[tag] = text[position + 4 : position + 4 + length]
        position += 4 + length
    return fields


def test_pix_payload(site_copy):
    ways = sample_ways(site_copy, "2026-010")
    assert [code.rail for code in ways.qr_codes] == ["pix"]
    payload = ways.qr_codes[0].payload
    fields = parse_emv(payload)
    assert fields["00"] == "01"
    assert parse_emv(fields["26"]) == {"00": "br.gov.bcb.pix", "01": "9e8f1d3c-5b7a-4e2b-8c1d-2f3a4b5c6d7e"}
    assert (fields["52"], fields["53"], fields["58"]) == ("0000", "986", "BR")
    assert fields["54"] == "4400.00"  # 3200.00 + 8 × 150.00
    assert (fields["59"], fields["60"]) == ("Estudio Lumen", "Sao Paulo")
    assert parse_emv(fields["62"]) == {"05": "2026010"}
    # CRC16-CCITT-FALSE over everything up to and including "6304", recomputed with binascii
    assert fields["63"] == f"{binascii.crc_hqx(payload[:-4].encode(), 0xFFFF):04X}"


def test_pix_crc_check_value():
    assert pix.crc16(b"123456789") == 0x29B1  # the CRC catalogue's check value for CRC-16/CCITT-FALSE


def test_pix_carries_name_and_city_in_plain_ascii():
    config = pix.Config(key="+5511912345678", name="Padaria São João", city="São Paulo")
    fields = parse_emv(pix.payload(config, number="7", amount=Decimal("1.00"), currency="BRL", payee="x"))
    # "Padaria Sao Joao" is 16 bytes and "Sao Paulo" 9: the lengths are those of the ASCII text
    assert (fields["59"], fields["60"]) == ("Padaria Sao Joao", "Sao Paulo")
    assert pix.validate_city("Zürich") == "Zurich"


def test_pix_lengths_count_the_bytes_of_the_ascii_text():
    # 25 characters with two accents: 27 bytes in UTF-8, 25 once the accents are removed
    name = "Estúdio Lumen Gráfico Ltd"
    assert len(name) == 25 and len(name.encode("utf-8")) == 27
    assert pix.validate_name(name) == "Estudio Lumen Grafico Ltd"
    # 15 characters, 17 bytes in UTF-8: fits once written "Sao Jose do Rio"
    assert pix.validate_city("São José do Rio") == "Sao Jose do Rio"
    with pytest.raises(ValueError, match=r"at most 15 bytes for Pix, got 16 \('Sao Jose do Rios'\)"):
        pix.validate_city("São José do Rios")
    with pytest.raises(ValueError, match="no ASCII form"):
        pix.validate_name("Łódź Studio")  # Ł has no decomposition into a letter and an accent


def test_hosted_links_are_filled_for_each_invoice(site_copy):
    ways = sample_ways(site_copy, "2026-009")
    assert [(link.kind, link.url) for link in ways.links] == [
        ("card", "https://pay.example.com/lumen?invoice=2026-009&amount=119700.00&currency=INR"),
        ("paypal", "https://paypal.me/estudiolumen/119700.00INR"),
    ]


def test_nothing_to_pay_shows_no_way_to_pay(site_copy):
    assert sample_ways(site_copy, "2026-001") is None  # paid
    assert sample_ways(site_copy, "2026-005") is None  # void


BUSINESS = textwrap.dedent(
    """\
    name: Test Studio
    payment:
      bank_transfer:
        iban: ES67 2085 9252 0903 3006 3402
    """
)


def rail_problems(root, rail_yaml: str, invoice: str | None = None) -> list[str]:
    files = {
        "invoices/business.yml": BUSINESS + textwrap.indent(textwrap.dedent(rail_yaml), "  "),
        "invoices/clients/acme.yml": "name: Acme\ncountry: CH\n",
        "invoices/a.yml": invoice or 'number: "2026-001"\nclient: acme\nissued: 2026-11-02\nitems:\n  - description: Work\n    unit_price: 100.00\n',
    }
    write_files(root, files)
    with pytest.raises(InvoiceError) as caught:
        load_site(root, secret=SECRET, today=TODAY)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    "rail_yaml, expected",
    [
        (
            "swiss_qr:\n  iban: DE89 3704 0044 0532 0130 00\n  name: Lumen\n  postal_code: '8001'\n  city: Zürich\n  country: CH\n",
            "invoices/business.yml:6: iban: a Swiss QR-bill account must be in CH or LI, got an IBAN from DE",
        ),
        (
            "swiss_qr:\n  iban: CH44 3199 9123 0008 8901 3\n  name: Lumen\n  postal_code: '8001'\n  city: Zürich\n  country: CH\n",
            "invoices/business.yml:6: iban: invalid IBAN 'CH44 3199 9123 0008 8901 3'",
        ),
        ("spayd:\n  iban: CZ65 0800 0000 1920 0014 5398\n", "invoices/business.yml:6: iban: invalid IBAN"),
        ("upi:\n  vpa: lumen.okaxis\n  name: Lumen\n", "invoices/business.yml:6: vpa: a UPI address has the form name@handle, got 'lumen.okaxis'"),
        (
            "pix:\n  key: 9e8f1d3c-5b7a-4e2b-8c1d-2f3a4b5c6d7e\n  name: Estudio Lumen Diseño Gráfico\n  city: Sao Paulo\n",
            "invoices/business.yml:7: name: at most 25 bytes for Pix, got 28 ('Estudio Lumen Diseno Grafico')",
        ),
        (
            "pix:\n  key: 9e8f1d3c-5b7a-4e2b-8c1d-2f3a4b5c6d7e\n  name: Lumen\n  city: São José dos Campos\n",
            "invoices/business.yml:8: city: at most 15 bytes for Pix, got 19 ('Sao Jose dos Campos')",
        ),
        (
            "pix:\n  key: 9e8f1d3c-5b7a-4e2b-8c1d-2f3a4b5c6d7e\n  name: Studio Łódź\n  city: Sao Paulo\n",
            "invoices/business.yml:7: name: a Pix code carries plain ASCII: 'Ł' in 'Studio Łódź' has no ASCII form",
        ),
        ("pix:\n  key: not a key\n  name: Lumen\n  city: Sao Paulo\n", "invoices/business.yml:6: key: a Pix key is an e-mail"),
        ("paypal_url: https://paypal.me/x/{amount}{total}\n", "invoices/business.yml:5: paypal_url: unknown template field {total}"),
        (
            "card_url: https://pay.example/?a={amount!r}\n",
            "invoices/business.yml:5: card_url: {amount!r} in 'https://pay.example/?a={amount!r}': a conversion (!r) is not allowed",
        ),
        (
            "card_url: https://pay.example/?n={number:>12}\n",
            "invoices/business.yml:5: card_url: {number:>12} in 'https://pay.example/?n={number:>12}': a format spec (:>12) is not allowed",
        ),
        ("paypal_url: https://paypal.me/x/{}\n", "invoices/business.yml:5: paypal_url: positional field {} in"),
        ("paypal_url: https://paypal.me/x/{0}\n", "invoices/business.yml:5: paypal_url: positional field {0} in"),
        ("card_url: https://pay.example/{number.real}\n", "invoices/business.yml:5: card_url: {number.real} in 'https://pay.example/{number.real}': attributes and indexes are not allowed"),
        ("card_url: https://pay.example/{number[0]}\n", "invoices/business.yml:5: card_url: {number[0]} in 'https://pay.example/{number[0]}': attributes and indexes are not allowed"),
        ("upi:\n  vpa: studio@okaxis\n", "invoices/business.yml:6: missing required field 'name' in payment.upi"),
    ],
)
def test_rail_configuration_errors(tmp_path, rail_yaml, expected):
    problems = rail_problems(tmp_path, rail_yaml)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_a_qr_iban_needs_a_number_with_digits(tmp_path):
    rail = "swiss_qr:\n  iban: CH44 3199 9123 0008 8901 2\n  name: Lumen\n  postal_code: '8001'\n  city: Zürich\n  country: CH\n"
    invoice = 'number: "ABC"\nclient: acme\nissued: 2026-11-02\ncurrency: CHF\nitems:\n  - description: Work\n    unit_price: 100.00\n'
    problems = rail_problems(tmp_path, rail, invoice)
    assert problems == [
        "invoices/a.yml:1: cannot offer payment for invoice ABC: invoice number 'ABC' has no digits for a QR reference (needed with a QR-IBAN)"
    ]


def test_an_amount_a_rail_cannot_carry_stops_the_build(tmp_path):
    rail = "spayd:\n  iban: CZ65 0800 0000 1920 0014 5399\n"
    invoice = 'number: "7"\nclient: acme\nissued: 2026-11-02\ncurrency: CZK\nitems:\n  - description: Work\n    unit_price: 12000000.00\n'
    problems = rail_problems(tmp_path, rail, invoice)
    assert problems == ["invoices/a.yml:1: cannot offer payment for invoice 7: a SPAYD code carries CZK 0.01 to 9999999.99, not 12000000.00"]


def test_references_take_ascii_digits_only():
    # "٢٠٢٦" (Arabic-Indic) and "２０２６" (fullwidth) are digits to Python's \d, but no bank reads them.
    from invoicepub.payments.references import digits

    assert digits("INV-٢٠٢٦-014", 10, "a reference") == "014"
    assert digits("２０２６-7", 10, "a reference") == "7"


def test_a_spayd_message_is_cut_without_splitting_an_escape():
    from decimal import Decimal

    from invoicepub.payments import spayd

    config = spayd.Config(iban="CZ6508000000192000145399")
    number = "A" * 58 + "*B12"  # escaped: 58 × A, then "%2A" would end at 61: it is left out whole
    text = spayd.payload(config, number=number, amount=Decimal("10.00"), currency="CZK", payee="Lumen")
    message = dict(part.split(":", 1) for part in text.split("*")[2:])["MSG"]
    assert message == "A" * 58 and len(message) <= 60


@pytest.mark.parametrize(
    "rail, largest, message",
    [
        (epc, "999999999.99", "an EPC QR code carries EUR 0.01 to 999999999.99 in cents"),
        (spayd, "9999999.99", "a SPAYD code carries CZK 0.01 to 9999999.99"),
        (upi, "9999999999.99", "a UPI request carries INR 0.01 to 9999999999.99"),
        (pix, "9999999999.99", "a Pix code carries BRL 0.01 to 9999999999.99"),
    ],
    ids=lambda value: getattr(value, "NAME", None),
)
def test_each_rail_carries_its_standards_amounts_and_no_other(rail, largest, message):
    # The limits as each standard writes them (EPC069-12 §5.2, SPAYD 1.0 AM, UPI linking spec am, EMV tag 54).
    assert rail.AMOUNTS.check(Decimal(largest)) == Decimal(largest)
    assert rail.AMOUNTS.check(Decimal("0.01")) == Decimal("0.01")
    for refused in (Decimal(largest) + Decimal("0.01"), Decimal("0"), Decimal("-5")):
        with pytest.raises(ValueError) as error:
            rail.AMOUNTS.check(refused)
        assert str(error.value) == f"{message}, not {refused}"
    if rail is epc:
        with pytest.raises(ValueError):
            rail.AMOUNTS.check(Decimal("10.005"))  # no fraction of a cent
    else:
        assert rail.AMOUNTS.check(Decimal("10.005")) == Decimal("10.005")
