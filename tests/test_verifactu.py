"""VERI*FACTU (SPEC §12): records, the chain kept in the repository, what ``invoices check`` refuses,
``register`` and ``cancel``, and what a business that registers its invoices must write.

Expected figures are worked out here by hand from the sample's invoices; every huella is
recomputed from the specification's ``Campo=valor&…`` string (``aeat_server.huella_of``), and
every record checked against the AEAT's own schema as ``verifactu-sdk`` ships it.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from aeat_server import NS, RECORD_SCHEMA, huella_of
from conftest import CLIENT_NIF, VERIFACTU_NIF, copy_site, run_invoices, verifactu_site

RECORDS = "verifactu/records.jsonl"
MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture
def site(tmp_path) -> Path:
    return verifactu_site(copy_site(tmp_path / "site"))


def records(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / RECORDS).read_text(encoding="utf-8").splitlines()]


def register(root: Path) -> None:
    result = run_invoices(root, "verifactu", "register")
    assert result.returncode == 0, result.stdout + result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(result, *expected: str) -> None:
    """A clear refusal: exit 1, each expected message, no traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, output


# --- records -------------------------------------------------------------------------------------


def test_register_writes_one_chained_record_per_published_document(site):
    register(site)
    written = records(site)
    # Published invoices and credit notes issued by today (2026-11-23), in issue order: no draft
    # (2026-006), no void (2026-005), no estimate.
    assert [(r["NumSerieFactura"], r["TipoFactura"]) for r in written] == [
        ("2026-001", "F1"), ("2026-002", "F1"), ("2026-003", "F1"), ("2026-004", "F1"),
        ("2026-012", "F1"), ("2026-013", "F1"), ("R-2026-001", "R1"), ("2026-011", "F1"),
    ]
    previous = ""
    for record in written:
        element = etree.fromstring(record["xml"])
        assert RECORD_SCHEMA.validate(element), RECORD_SCHEMA.error_log.last_error
        assert record["HuellaAnterior"] == previous
        assert record["Huella"] == huella_of(element, previous)  # the spec's string over the XML's own values
        for name in ("IDEmisorFactura", "NumSerieFactura", "FechaExpedicionFactura", "TipoFactura", "CuotaTotal", "ImporteTotal", "Huella", "FechaHoraHusoGenRegistro"):
            path = "sf:Huella" if name == "Huella" else f".//sf:{name}"  # the record's own, not the one it chains to
            assert element.xpath(f"string({path})", namespaces=NS) == record[name], name
        generated = datetime.datetime.fromisoformat(record["FechaHoraHusoGenRegistro"])
        assert generated.utcoffset() == generated.astimezone(MADRID).utcoffset()  # Madrid's offset that day
        assert abs(datetime.datetime.now(datetime.timezone.utc) - generated) < datetime.timedelta(minutes=5)
        previous = record["Huella"]
    assert etree.fromstring(written[0]["xml"]).xpath("string(sf:Encadenamiento/sf:PrimerRegistro)", namespaces=NS) == "S"


def test_a_record_holds_the_documents_amounts(site):
    register(site)
    by_number = {r["NumSerieFactura"]: r for r in records(site)}
    # 2026-002 (Café Olivar): 12 h × 45.00 + 380.00 = 920.00 at IVA 21 % = 193.20; IRPF is not in the total.
    invoice = by_number["2026-002"]
    assert (invoice["FechaExpedicionFactura"], invoice["CuotaTotal"], invoice["ImporteTotal"]) == ("01-09-2026", "193.20", "1113.20")
    element = etree.fromstring(invoice["xml"])
    assert element.xpath("string(sf:Destinatarios/sf:IDDestinatario/sf:NIF)", namespaces=NS) == CLIENT_NIF
    detail = element.xpath("sf:Desglose/sf:DetalleDesglose", namespaces=NS)
    assert [(d.findtext(f"{{{NS['sf']}}}CalificacionOperacion"), d.findtext(f"{{{NS['sf']}}}TipoImpositivo"),
             d.findtext(f"{{{NS['sf']}}}BaseImponibleOimporteNoSujeto"), d.findtext(f"{{{NS['sf']}}}CuotaRepercutida")) for d in detail] == [
        ("S1", "21.00", "920.00", "193.20")
    ]
    # R-2026-001 corrects 2026-003 (Harbour & Finch, Ireland): 140.00 − 10 % = 126.00, − 5 % = 119.70, credited:
    # a rectificativa por diferencias, negative; a service to a business abroad is not subject here (N2).
    note = etree.fromstring(by_number["R-2026-001"]["xml"])
    assert (by_number["R-2026-001"]["ImporteTotal"], by_number["R-2026-001"]["CuotaTotal"]) == ("-119.70", "0.00")
    expected = {
        "sf:TipoRectificativa": "I",
        "sf:FacturasRectificadas/sf:IDFacturaRectificada/sf:NumSerieFactura": "2026-003",
        "sf:FacturasRectificadas/sf:IDFacturaRectificada/sf:FechaExpedicionFactura": "20-10-2026",
        "sf:Desglose/sf:DetalleDesglose/sf:CalificacionOperacion": "N2",
        "sf:Destinatarios/sf:IDDestinatario/sf:IDOtro/sf:ID": "IE6388047V",
        "sf:Destinatarios/sf:IDDestinatario/sf:IDOtro/sf:IDType": "02",
    }
    assert {path: note.xpath(f"string({path})", namespaces=NS) for path in expected} == expected
    system = note.xpath("sf:SistemaInformatico", namespaces=NS)[0]
    assert system.findtext(f"{{{NS['sf']}}}NIF") == VERIFACTU_NIF and system.findtext(f"{{{NS['sf']}}}TipoUsoPosibleSoloVerifactu") == "S"


def test_the_schema_refuses_a_broken_record(site):
    # The validator the tests trust can fail: a record with an unknown invoice type does not pass.
    register(site)
    text = records(site)[0]["xml"].replace("<sf:TipoFactura>F1<", "<sf:TipoFactura>F9<")
    assert not RECORD_SCHEMA.validate(etree.fromstring(text))
    text = records(site)[0]["xml"].replace("<sf:IDVersion>1.0</sf:IDVersion>", "")
    assert not RECORD_SCHEMA.validate(etree.fromstring(text))


def test_register_twice_writes_nothing_new(site):
    register(site)
    before = (site / RECORDS).read_bytes()
    result = run_invoices(site, "verifactu", "register")
    assert result.returncode == 0 and "nothing new to register" in result.stdout
    assert (site / RECORDS).read_bytes() == before


def test_a_new_invoice_is_chained_after_the_last_record(site):
    register(site)
    last = records(site)[-1]["Huella"]
    shutil.copy(site / "invoices/2026/2026-013.yml", site / "invoices/2026/2026-014.yml")
    edit(site / "invoices/2026/2026-014.yml", '"2026-013"', '"2026-014"')
    register(site)
    new = records(site)[-1]
    assert new["NumSerieFactura"] == "2026-014" and new["HuellaAnterior"] == last
    assert new["Huella"] == huella_of(etree.fromstring(new["xml"]), last)


def test_since_leaves_earlier_documents_out(tmp_path):
    root = verifactu_site(copy_site(tmp_path / "site"), since="2026-11-01")
    register(root)
    assert [r["NumSerieFactura"] for r in records(root)] == ["2026-004", "2026-012", "2026-013", "R-2026-001", "2026-011"]


# --- what can no longer change --------------------------------------------------------------------


def test_check_refuses_an_edit_of_a_registered_invoice(site):
    register(site)
    edit(site / "invoices/2026/2026-002.yml", "unit_price: 45.00", "unit_price: 46.00")
    refused(
        run_invoices(site, "check"),
        "invoices/2026/2026-002.yml:2: number: 2026-002 is registered with the AEAT: its total tax, total can no longer change",
        "issue a credit note instead",
    )


@pytest.mark.parametrize(
    ("path", "old", "new", "what"),
    [
        ("invoices/2026/2026-002.yml", "issued: 2026-09-01", "issued: 2026-09-02", "issue date"),
        ("invoices/clients/cafe-olivar.yml", f"tax_id: {CLIENT_NIF}", "tax_id: B12345674", "client's tax id"),
    ],
)
def test_check_refuses_a_changed_date_or_client_tax_id(site, path, old, new, what):
    register(site)
    edit(site / path, old, new)
    refused(run_invoices(site, "check"), f"is registered with the AEAT: its {what}")


def test_check_refuses_the_deletion_or_renumbering_of_a_registered_invoice(site):
    register(site)
    (site / "invoices/2026/2026-013.yml").unlink()
    line = [r["NumSerieFactura"] for r in records(site)].index("2026-013") + 1
    refused(run_invoices(site, "check"), f"verifactu/records.jsonl:{line}: invoice 2026-013 is registered with the AEAT", "issue a credit note")
    result = run_invoices(site, "verifactu", "register")  # nothing is written beside a broken chain
    assert result.returncode == 1 and len(records(site)) == 8


def test_check_refuses_voiding_a_registered_invoice(site):
    register(site)
    edit(site / "invoices/2026/2026-013.yml", "number:", "status: void\nnumber:")
    refused(run_invoices(site, "check"), "can no longer be void", "invoices verifactu cancel 2026-013")


def test_check_refuses_a_record_edited_by_hand(site):
    register(site)
    path = site / RECORDS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"ImporteTotal": "2916.50"', '"ImporteTotal": "2900.00"')
    path.write_text("".join(lines), encoding="utf-8")
    refused(run_invoices(site, "check"), "verifactu/records.jsonl:3: the chain of records is broken here")


def test_check_refuses_a_line_that_is_not_a_record(site):
    register(site)
    with (site / RECORDS).open("a", encoding="utf-8") as stream:
        stream.write("{not json\n")
    refused(run_invoices(site, "check"), "verifactu/records.jsonl:9: not a JSON object")


def test_a_build_warns_of_a_published_document_without_its_record(site):
    from conftest import mkdocs_build

    strict = mkdocs_build(site, "--strict")
    assert strict.returncode != 0
    assert "invoices/2026/2026-002.yml:2: 2026-002 is published without its VERI*FACTU record" in strict.stderr
    result = run_invoices(site, "check")
    assert result.returncode == 0 and "warning: invoices/2026/2026-002.yml:2: 2026-002 is published without" in result.stdout
    register(site)
    assert "without its VERI*FACTU record" not in run_invoices(site, "check").stdout


# --- cancel ---------------------------------------------------------------------------------------


def test_cancel_writes_a_chained_anulacion_and_voids_the_file(site):
    register(site)
    last = records(site)[-1]["Huella"]
    result = run_invoices(site, "verifactu", "cancel", "2026-013")
    assert result.returncode == 0, result.stdout + result.stderr
    anulacion = records(site)[-1]
    assert anulacion["NumSerieFacturaAnulada"] == "2026-013" and anulacion["FechaExpedicionFacturaAnulada"] == "10-11-2026"
    element = etree.fromstring(anulacion["xml"])
    assert etree.QName(element).localname == "RegistroAnulacion" and RECORD_SCHEMA.validate(element)
    assert anulacion["HuellaAnterior"] == last and anulacion["Huella"] == huella_of(element, last)
    assert "status: void" in (site / "invoices/2026/2026-013.yml").read_text(encoding="utf-8")
    assert run_invoices(site, "check").returncode == 0
    refused(run_invoices(site, "verifactu", "cancel", "2026-013"), "already cancelled")


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("2026-001", "has payments recorded"),  # paid: it was issued, so it is corrected instead
        ("2026-003", "is corrected by credit note R-2026-001"),
        ("2026-006", "is not registered"),  # a draft
    ],
)
def test_cancel_refuses_where_the_rules_do_not_allow_it(site, number, why):
    register(site)
    before = (site / RECORDS).read_bytes()
    refused(run_invoices(site, "verifactu", "cancel", number), why)
    assert (site / RECORDS).read_bytes() == before


# --- what a registering business must write -------------------------------------------------------


BAD_INPUT = {
    # name: ((file, old, new), ..., the message at its line)
    "business NIF": ((("invoices/business.yml", f"tax_id: ES{VERIFACTU_NIF}", "tax_id: ESB12345675"),),
                     "invoices/business.yml:4: tax_id: ESB12345675 is not a valid Spanish NIF"),
    "client NIF": ((("invoices/clients/cafe-olivar.yml", f"tax_id: {CLIENT_NIF}", "tax_id: A58818502"),),
                   "invoices/clients/cafe-olivar.yml:5: tax_id: A58818502 is not a valid Spanish NIF"),
    "number over 60": ((("invoices/2026/2026-013.yml", '"2026-013"', '"2026-013-' + "x" * 52 + '"'),),  # 61 characters
                       "invoices/2026/2026-013.yml:2: number: a registered number has at most 60 printable ASCII characters"),
    "number not ASCII": ((("invoices/2026/2026-013.yml", '"2026-013"', '"2026-013-ñ"'),),
                         "invoices/2026/2026-013.yml:2: number: a registered number has at most 60 printable ASCII characters"),
    "no rectification": ((("invoices/2026/R-2026-001.yml", "rectification: R1\n", ""),),
                         "invoices/2026/R-2026-001.yml:5: rectification: a credit note of a business that registers its invoices"),
    "other currency": ((("invoices/2026/2026-013.yml", "client: cafe-olivar", "client: cafe-olivar\ncurrency: USD"),),
                       "currency: the AEAT's records are in euros; this invoice is in USD"),
    # Without the client's tax id an invoice is simplified (F2), which may total 3,000.00 EUR at most.
    "simplified over 3000": ((("invoices/clients/cafe-olivar.yml", f"tax_id: {CLIENT_NIF}\n", ""),
                              ("invoices/2026/2026-013.yml", "unit_price:", "unit_price: 3000 #")),
                             "invoice 2026-013 cannot be registered: a client without tax_id gets a simplified invoice (F2)"),
    "not Spanish": ((("invoices/business.yml", "country: ES", "country: PT"),), "verifactu: only a business with country: ES"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUT))
def test_bad_input_is_refused_at_its_line_and_nothing_is_written(site, name):
    edits, message = BAD_INPUT[name]
    for path, old, new in edits:
        edit(site / path, old, new)
    refused(run_invoices(site, "check"), message)
    refused(run_invoices(site, "verifactu", "register"), message)
    assert not (site / RECORDS).exists()


def test_a_business_without_verifactu_registers_nothing(site_copy):
    result = run_invoices(site_copy, "verifactu", "register")
    assert result.returncode == 0 and "business.yml has no verifactu" in result.stdout
    assert not (site_copy / RECORDS).exists()


def test_test_records_never_lead_a_production_chain(site):
    register(site)
    edit(site / "invoices/business.yml", "\n  environment: test\n", "\n  environment: production\n")
    refused(run_invoices(site, "check"), "verifactu/records.jsonl:1: this record was made for the AEAT's test environment", "git mv")
    (site / RECORDS).rename(site / "verifactu/test-records.jsonl")
    register(site)
    first = records(site)[0]
    assert first["entorno"] == "production" and first["HuellaAnterior"] == ""


def test_a_client_without_tax_id_gets_simplified_invoices_and_r5_corrections(site):
    # Café Olivar without its NIF: its invoices are simplified (F2, no recipient); a credit note of one is R5.
    edit(site / "invoices/clients/cafe-olivar.yml", f"tax_id: {CLIENT_NIF}\n", "")
    note = site / "invoices/2026/R-2026-002.yml"
    note.write_text(
        'number: "R-2026-002"\nkind: credit_note\nrectification: R1\ncorrects: "2026-013"\nreason: Hosting refunded.\n'
        "client: cafe-olivar\nissued: 2026-11-20\nitems:\n  - description: Hosting\n    unit_price: 10.00\n    tax: 21%\n",
        encoding="utf-8",
    )
    refused(run_invoices(site, "check"), "invoices/2026/R-2026-002.yml:1: credit note R-2026-002 cannot be registered: rectification: invoice 2026-013 is a simplified invoice")
    edit(note, "rectification: R1", "rectification: R5")
    register(site)
    by_number = {r["NumSerieFactura"]: r for r in records(site)}
    assert by_number["2026-013"]["TipoFactura"] == "F2" and by_number["R-2026-002"]["TipoFactura"] == "R5"
    for number in ("2026-013", "R-2026-002"):
        element = etree.fromstring(by_number[number]["xml"])
        assert RECORD_SCHEMA.validate(element) and element.xpath("sf:Destinatarios", namespaces=NS) == []
    # 10.00 at 21 %: 2.10 of tax, 12.10 credited.
    assert (by_number["R-2026-002"]["CuotaTotal"], by_number["R-2026-002"]["ImporteTotal"]) == ("-2.10", "-12.10")


def test_a_foreign_tax_id_that_begins_with_a_digit_is_not_read_as_a_nif(site):
    write = site / "invoices/clients/harbour-finch.yml"
    edit(write, "tax_id: IE6388047V", "tax_id: 12-3456789")
    edit(write, "country: IE", "country: US")
    register(site)
    element = etree.fromstring(records(site)[0]["xml"])  # 2026-001, Harbour & Finch's
    other = element.xpath("sf:Destinatarios/sf:IDDestinatario/sf:IDOtro", namespaces=NS)[0]
    assert [other.findtext(f"{{{NS['sf']}}}{name}") for name in ("CodigoPais", "IDType", "ID")] == ["US", "04", "12-3456789"]


def test_documents_before_since_need_not_be_registrable(tmp_path):
    root = verifactu_site(copy_site(tmp_path / "site"), since="2026-11-01")
    edit(root / "invoices/2026/2026-002.yml", "client: cafe-olivar", "client: cafe-olivar\ncurrency: USD")  # issued in September
    result = run_invoices(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
