"""``invoices verifactu send`` (SPEC §12) against a stand-in for the AEAT on loopback
(``aeat_server``): HTTPS with a client certificate required, each request checked against the
AEAT's schemas and each huella recomputed, the answers the AEAT gives."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

import aeat_server
from conftest import copy_site, run_invoices, verifactu_site

RECORDS = "verifactu/records.jsonl"


@pytest.fixture
def aeat(tmp_path):
    running = aeat_server.start(tmp_path / "certificates")
    yield running
    running.stop()


@pytest.fixture
def site(tmp_path) -> Path:
    root = verifactu_site(copy_site(tmp_path / "site"))
    result = run_invoices(root, "verifactu", "register")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def records(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / RECORDS).read_text(encoding="utf-8").splitlines()]


def send(root: Path, aeat, p12: bytes | None = None, password: str = aeat_server.PASSWORD, **extra: str):
    certificate = aeat.certificates.client_p12 if p12 is None else p12
    return run_invoices(
        root,
        "verifactu",
        "send",
        VERIFACTU_CERT=base64.b64encode(certificate).decode(),
        VERIFACTU_CERT_PASSWORD=password,
        VERIFACTU_URL=aeat.url,
        VERIFACTU_CA=str(aeat.certificates.ca_pem),
        **extra,
    )


def failed_keeping_the_records(site: Path, aeat, mode: str, *messages: str) -> None:
    """With the stand-in in ``mode``, ``send`` exits 1 saying each message, no traceback, records.jsonl unchanged."""
    aeat.service.mode = mode
    before = (site / RECORDS).read_bytes()
    result = send(site, aeat)
    assert result.returncode == 1 and all(message in result.stderr for message in messages), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (site / RECORDS).read_bytes() == before


def test_accepted_records_store_the_answer_and_are_not_sent_again(site, aeat):
    result = send(site, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    assert aeat.service.problems == []  # every request valid against the XSDs, every huella right, the chain unbroken
    (request,) = aeat.service.requests
    assert len(request.records) == 8 and not request.incident
    assert request.client == aeat.certificates.client_subject  # sent with the business's certificate
    for record in records(site):
        answer = record["respuesta"]
        assert answer["EstadoRegistro"] == "Correcto" and answer["CSV"] == "A-TESTCSV0000000001"
        assert answer["EstadoEnvio"] == "Correcto" and answer["TiempoEsperaEnvio"] == 1
    again = send(site, aeat)
    assert again.returncode == 0 and "nothing to send" in again.stdout
    assert len(aeat.service.requests) == 1


def test_the_answer_is_added_beside_each_record_and_nothing_else_changes(site, aeat):
    before = records(site)
    assert send(site, aeat).returncode == 0
    after = records(site)
    assert [{k: v for k, v in record.items() if k != "respuesta"} for record in after] == before
    assert all(list(record)[:-1] == list(old) for record, old in zip(after, before))  # same fields, same order


def test_accepted_with_errors_is_stored_and_said(site, aeat):
    aeat.service.mode = "errors"
    result = send(site, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "accepted with errors: 2026-002: 2004" in result.stdout
    assert {r["respuesta"]["EstadoRegistro"] for r in records(site)} == {"AceptadoConErrores"}


def test_a_refused_record_is_printed_with_the_aeat_code_and_exits_1_until_corrected(site, aeat):
    aeat.service.refuse = {"2026-002"}
    result = send(site, aeat)
    assert result.returncode == 1
    assert "refused: 2026-002: 1100 Valor o tipo incorrecto del campo: NIF del destinatario." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr and aeat.service.problems == []
    states = {r["NumSerieFactura"]: r["respuesta"]["EstadoRegistro"] for r in records(site)}
    assert states["2026-002"] == "Incorrecto" and states["2026-001"] == "Correcto"
    assert records(site)[1]["respuesta"]["EstadoEnvio"] == "ParcialmenteCorrecto"
    # Nothing is sent twice, and the refusal is said again (exit 1) until the document is corrected.
    again = send(site, aeat)
    assert again.returncode == 1 and "refused: 2026-002" in again.stdout and len(aeat.service.requests) == 1
    check = run_invoices(site, "check")
    assert "verifactu/records.jsonl:2: the AEAT refused the record of 2026-002" in check.stdout
    assert run_invoices(site, "verifactu", "register").stdout.startswith("nothing new to register")  # unchanged: no new record
    # Corrected (the AEAT holds nothing of it, so even a registered field may change): a new record, marked so.
    path = site / "invoices/2026/2026-002.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit_price: 45.00", "unit_price: 46.00"), encoding="utf-8")
    assert run_invoices(site, "verifactu", "register").returncode == 0
    new = records(site)[-1]
    assert new["NumSerieFactura"] == "2026-002" and new["ImporteTotal"] == "1127.72"  # 12 × 46 + 380 = 932, × 1.21
    assert "<sf:Subsanacion>S</sf:Subsanacion><sf:RechazoPrevio>S</sf:RechazoPrevio>" in new["xml"]
    aeat.service.refuse = set()
    result = send(site, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    assert aeat.service.requests[-1].records == ["Alta 2026-002"] and aeat.service.problems == []
    assert "nothing to send" in send(site, aeat).stdout


def test_an_answer_that_names_no_record_leaves_them_pending(site, aeat):
    failed_keeping_the_records(site, aeat, "silent", "names no line for 8 record(s)", "stay pending")


def test_a_cancellation_whose_answer_was_lost_is_sent_again_and_counts(site, aeat):
    assert send(site, aeat).returncode == 0
    assert run_invoices(site, "verifactu", "cancel", "2026-013").returncode == 0
    aeat.service.mode = "drop"
    assert send(site, aeat).returncode == 1
    aeat.service.mode = "accept"
    result = send(site, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    answer = records(site)[-1]["respuesta"]
    assert answer["EstadoRegistro"] == "Correcto" and answer["RegistroDuplicado"]["EstadoRegistroDuplicado"] == "Anulada"
    assert [r.records for r in aeat.service.requests[1:]] == [["Anulacion 2026-013"], ["Anulacion 2026-013"]]


def test_a_dropped_connection_loses_nothing_and_the_next_run_sends_nothing_twice(site, aeat):
    # The AEAT takes the records in, and the answer is lost: nothing is half-written.
    failed_keeping_the_records(site, aeat, "drop", "stay pending and go in the next run")
    aeat.service.mode = "accept"
    result = send(site, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    # The AEAT already held them: it says so (3000) with the record it holds, which counts as registered.
    for record in records(site):
        assert record["respuesta"]["EstadoRegistro"] == "Correcto"
        assert record["respuesta"]["CodigoErrorRegistro"] == 3000
        assert record["respuesta"]["RegistroDuplicado"]["EstadoRegistroDuplicado"] == "Correcta"
    assert "nothing to send" in send(site, aeat).stdout and len(aeat.service.requests) == 2


def test_a_soap_fault_keeps_every_record_pending(site, aeat):
    failed_keeping_the_records(site, aeat, "fault", "the AEAT refused the whole request", "4104")


def test_late_records_are_sent_as_an_incident(site, aeat):
    path = site / RECORDS
    text = path.read_text(encoding="utf-8")
    generated = records(site)[0]["FechaHoraHusoGenRegistro"]
    # Records generated an hour ago and never sent (a network failure): rebuild the chain with that time.
    shutil.rmtree(site / "verifactu")
    from invoicepub.site import load_site
    from invoicepub.verifactu.register import plan_register
    from invoicepub.verifactu.store import append_records
    import datetime

    from conftest import SECRET, TODAY

    loaded = load_site(site, secret=SECRET, today=datetime.date.fromisoformat(TODAY))
    earlier = datetime.datetime.fromisoformat(generated) - datetime.timedelta(hours=1)
    append_records(site, plan_register(loaded, earlier))
    assert text != path.read_text(encoding="utf-8")
    assert send(site, aeat).returncode == 0
    assert aeat.service.requests[0].incident and aeat.service.problems == []


def test_at_most_1000_records_a_request_and_the_wait_the_aeat_asks_for(tmp_path, aeat):
    root = verifactu_site(copy_site(tmp_path / "site"))
    template = (root / "invoices/2026/2026-013.yml").read_text(encoding="utf-8")
    for n in range(1, 1001):
        (root / f"invoices/2026/B-{n:04d}.yml").write_text(template.replace('"2026-013"', f'"B-{n:04d}"'), encoding="utf-8")
    assert run_invoices(root, "verifactu", "register").returncode == 0
    assert len(records(root)) == 1008
    aeat.service.wait = 2
    result = send(root, aeat)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [len(r.records) for r in aeat.service.requests] == [1000, 8]
    assert aeat.service.requests[1].at - aeat.service.requests[0].at >= 1.5  # it waited TiempoEsperaEnvio
    assert "as the AEAT asked" in result.stdout and aeat.service.problems == []


@pytest.mark.parametrize(
    ("certificate", "password", "expected"),
    [
        ("valid", "not-the-password", "VERIFACTU_CERT_PASSWORD is wrong or missing"),
        ("valid", "", "VERIFACTU_CERT_PASSWORD is wrong or missing"),
        ("expired", aeat_server.PASSWORD, "expired on"),
        ("garbage", aeat_server.PASSWORD, "could not be opened"),
    ],
)
def test_a_certificate_that_cannot_be_used_sends_nothing(site, aeat, certificate, password, expected):
    before = (site / RECORDS).read_bytes()
    p12 = {"valid": aeat.certificates.client_p12, "expired": aeat.certificates.expired_p12, "garbage": b"not a certificate"}[certificate]
    result = send(site, aeat, p12, password)
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert aeat.service.requests == [] and (site / RECORDS).read_bytes() == before


def test_no_certificate_sends_nothing(site, aeat):
    result = run_invoices(site, "verifactu", "send", VERIFACTU_URL=aeat.url)
    assert result.returncode == 1 and "VERIFACTU_CERT is not set" in result.stderr
    assert aeat.service.requests == []


def test_the_server_trusts_only_its_ca(site, aeat):
    # Without VERIFACTU_CA the stand-in's self-signed certificate is not trusted: nothing is sent.
    result = run_invoices(
        site, "verifactu", "send",
        VERIFACTU_CERT=base64.b64encode(aeat.certificates.client_p12).decode(),
        VERIFACTU_CERT_PASSWORD=aeat_server.PASSWORD,
        VERIFACTU_URL=aeat.url,
    )
    assert result.returncode == 1 and "stay pending" in result.stderr
    assert aeat.service.requests == []


def test_a_refused_record_gets_no_tax_qr_code_and_an_accepted_one_does(site, aeat):
    import datetime

    from conftest import SECRET, TODAY
    from invoicepub.site import load_site
    from invoicepub.views import tax_qr_request

    aeat.service.refuse = {"2026-002"}
    assert send(site, aeat).returncode == 1
    loaded = load_site(site, secret=SECRET, today=datetime.date.fromisoformat(TODAY))
    assert tax_qr_request(loaded, loaded.entry("2026-002")) is None  # the AEAT holds no such record
    shown = tax_qr_request(loaded, loaded.entry("2026-004"))
    assert shown is not None and shown.payload.endswith("numserie=2026-004&fecha=02-11-2026&importe=1202.58")
    assert shown.error == "M"
