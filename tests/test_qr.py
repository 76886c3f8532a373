"""QR drawings: drawn once by content, cached on disk, drawn in parallel when many are missing;
the Swiss QR-bill payment part among them; nothing drawn by commands that only read the ledger,
and no worker left behind by a failed build."""

from __future__ import annotations

import dataclasses
import datetime
import io
from xml.etree import ElementTree
import multiprocessing
import os
import pstats
import subprocess
import sys
from decimal import Decimal

import pytest
from qrbill import QRBill

from conftest import SECRET, copy_site, environment, write_files
from invoicepub import qr
from invoicepub.payments import swiss_qr
from invoicepub.qr import PaymentPartRequest, QrCache, QrRequest
from invoicepub.site import load_site


def requests(count: int) -> list[QrRequest]:
    return [QrRequest(f"BCD\n002\n1\nSCT\n\nName\nES6720859252090330063402\nEUR{n}.00\n\n\nINV-{n}", "M", 13) for n in range(count)]


def test_a_drawing_is_an_inline_svg_without_text(tmp_path):
    svg = qr.draw(requests(1)[0])
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "<title>" not in svg and "ES67" not in svg


def test_a_payload_too_large_for_the_rail_is_refused():
    with pytest.raises(ValueError, match="over the rail's limit of 2"):
        qr.draw(QrRequest("x" * 100, "M", 2))


@pytest.mark.parametrize("kind", ["code", "payment part"])
def test_drawings_are_cached_on_disk_and_reused(tmp_path, monkeypatch, kind):
    request = requests(1)[0] if kind == "code" else PaymentPartRequest(swiss_payload(), "de")
    first = QrCache(tmp_path).svg(request)
    assert (tmp_path / f"{request.key}.svg").read_text(encoding="utf-8") == first

    def refuse(request):
        raise AssertionError("drawn again")

    monkeypatch.setattr(qr, "draw", refuse)
    assert QrCache(tmp_path).svg(request) == first


def test_prepare_draws_many_codes_in_parallel_like_one_by_one(tmp_path):
    many = requests(qr.PARALLEL_THRESHOLD + 6)
    cache = QrCache(tmp_path)
    cache.prepare(many)
    assert all(cache.svg(request) == qr.draw(request) for request in many[:5])
    cache.close()
    assert len(list(tmp_path.glob("*.svg"))) == len(many)


def test_cancel_stops_the_workers_and_closing_twice_is_safe(tmp_path):
    cache = QrCache(tmp_path)
    cache.prepare(requests(qr.PARALLEL_THRESHOLD + 2))
    cache.cancel()
    assert multiprocessing.active_children() == []
    cache.cancel()
    cache.close()
    cache.close()
    request = requests(1)[0]
    assert cache.svg(request) == qr.draw(request)  # still draws, in this process


def test_prune_forgets_what_the_last_build_did_not_use(tmp_path):
    kept, dropped = requests(2)
    cache = QrCache(tmp_path)
    cache.prepare([kept, dropped])
    cache.svg(kept)
    cache.close()
    cache.prune()
    assert sorted(p.stem for p in tmp_path.glob("*.svg")) == [kept.key]


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_mask_choice_is_segnos_choice(seed):
    import random

    import segno

    from invoicepub.qr_mask import best_mask

    rng = random.Random(seed)
    for _ in range(60):
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 400)))
        error = rng.choice("LMQH")
        reference = segno.make_qr(data, error=error, boost_error=False, mode="byte")
        drawn_with_another_mask = segno.make_qr(data, error=error, boost_error=False, mode="byte", mask=(reference.mask + 3) % 8)
        assert best_mask(drawn_with_another_mask) == reference.mask


def test_a_drawing_is_segnos_own_symbol():
    import segno

    for request in requests(20):
        reference = segno.make_qr(request.payload.encode(), error="M", boost_error=False, mode="byte")
        assert qr.draw(request) == reference.svg_inline(border=4, omitsize=True, svgclass="invoice-qr__code", lineclass=None)


# --- the Swiss QR-bill's payment part ----------------------------------------------------

LUMEN = swiss_qr.Config(
    iban="CH4431999123000889012", name="Lumen GmbH", street="Bahnhofstrasse", house_number="1", postal_code="8001", city="Zürich", country="CH"
)


def swiss_payload(number: str = "2026-007", amount: str = "4052.00") -> str:
    return swiss_qr.payload(LUMEN, number=number, amount=Decimal(amount), currency="CHF", payee="Lumen GmbH")


def test_the_payment_part_is_qrbills_own_drawing_of_the_same_bill():
    # What qrbill draws when given the creditor's fields directly, not through the payload
    bill = QRBill(
        account="CH4431999123000889012",
        creditor={"name": "Lumen GmbH", "street": "Bahnhofstrasse", "house_num": "1", "pcode": "8001", "city": "Zürich", "country": "CH"},
        amount="4052.00",
        currency="CHF",
        reference_number="000000000000000000020260073",  # 2026007 padded to 26 digits + check digit 3 (test_rails)
        additional_information="2026-007",
        language="de",
    )
    buffer = io.StringIO()
    bill.as_svg(buffer)
    expected = buffer.getvalue()[buffer.getvalue().index("<svg") :]
    drawing = qr.draw(PaymentPartRequest(swiss_payload(), "de"))
    assert "Zahlteil" in drawing and "Lumen GmbH" in drawing  # German headings, the creditor printed
    # The same elements in the same order, with the same text and geometry; each of qrbill's
    # style="fill:…;stroke:…" declarations is an attribute instead (a private page's
    # Content-Security-Policy allows no inline style, which would leave the modules unpainted),
    # and Arial's metric twin Liberation Sans is named after Arial for a renderer without
    # fontconfig's aliases (Typst, drawing the PDF).
    ours, theirs = list(ElementTree.fromstring(drawing).iter()), list(ElementTree.fromstring(expected).iter())
    assert [(e.tag, e.text) for e in ours] == [(e.tag, e.text) for e in theirs]
    assert "style=" not in drawing and 'style="fill:#000000' in expected
    for mine, original in zip(ours, theirs):
        declared = dict(part.split(":", 1) for part in original.attrib.get("style", "").split(";") if part)
        expected_attributes = {k: v for k, v in original.attrib.items() if k != "style"} | declared
        if "font-family" in expected_attributes:
            assert expected_attributes["font-family"] == "Arial,Helvetica"
            expected_attributes["font-family"] = "Arial,Helvetica,Liberation Sans"
        assert mine.attrib == expected_attributes


def test_a_payment_part_is_cached_by_its_payload_and_language():
    german = PaymentPartRequest(swiss_payload(), "de")
    assert german.key == PaymentPartRequest(swiss_payload(), "de").key
    assert german.key != PaymentPartRequest(swiss_payload(), "en").key
    assert german.key != PaymentPartRequest(swiss_payload(amount="1.00"), "de").key


def test_payment_parts_are_drawn_in_the_worker_processes_on_a_cold_build(tmp_path):
    parts = [PaymentPartRequest(swiss_payload(number=f"2026-{n:03d}"), "en") for n in range(3)]
    cache = QrCache(tmp_path)
    cache.prepare(requests(qr.PARALLEL_THRESHOLD) + parts)
    if (os.cpu_count() or 1) >= 2:
        assert multiprocessing.active_children(), "enough missing drawings start the workers"
    cache.close()
    assert multiprocessing.active_children() == []
    for part in parts:
        assert (tmp_path / f"{part.key}.svg").read_text(encoding="utf-8") == qr.draw(part)


def test_a_payment_part_is_drawn_only_from_a_swiss_qr_bill_text():
    with pytest.raises(ValueError, match="not the text of a Swiss QR-bill"):
        qr.draw(PaymentPartRequest("BCD\n002\n1\nSCT", "en"))


# --- loading the site draws nothing ---------------------------------------------------------

# The functions that draw: qrbill's SVG, segno's symbols and this project's drawing functions.
DRAWING_FUNCTIONS = {
    "qrbill/bill.py": {"as_svg", "draw_bill", "qr_image"},
    "segno/__init__.py": {"make", "make_qr", "svg_inline", "save"},
    "invoicepub/qr.py": {"draw", "draw_code", "draw_payment_part"},
}


@pytest.mark.parametrize("command", ["check", "status", "links", "remind"])
def test_commands_that_read_the_ledger_draw_nothing(site_copy, command):
    # The real command, profiled: every function it ran is in the profile, drawing ones included.
    profile = site_copy / "run.prof"
    result = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "invoicepub.cli", command],
        cwd=site_copy,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ran = pstats.Stats(str(profile)).stats
    drawn = [f"{path}:{name}" for path, _, name in ran if any(path.endswith(f) and name in names for f, names in DRAWING_FUNCTIONS.items())]
    assert drawn == []
    assert not (site_copy / ".cache/invoices/qr").exists()


def test_ways_to_pay_hold_payloads_and_what_to_draw_not_drawings(site_copy):
    site = load_site(site_copy, secret=SECRET, today=datetime.date(2026, 11, 23))
    codes = [code for entry in site.entries if entry.ways for code in entry.ways.qr_codes]
    assert {code.rail for code in codes} == {"epc", "swiss_qr", "spayd", "upi", "pix"}
    for code in codes:
        values = [getattr(code, field.name) for field in dataclasses.fields(code)]
        assert not any("<svg" in value for value in values if isinstance(value, str))
        assert hash(code.request) and code.request.payload == code.payload
        assert isinstance(code.request, PaymentPartRequest if code.rail == "swiss_qr" else QrRequest)
    swiss = next(code for code in codes if code.rail == "swiss_qr")
    assert swiss.request.language == "de"  # alpenblick reads German: headings the standard has


# --- a failed build leaves no worker behind -------------------------------------------------

PROBE_HOOK = '''
import multiprocessing
from pathlib import Path


def on_files(files, *, config):
    # after the invoices hook's on_config asked for the drawings: how many workers draw them
    Path(config.config_file_path).with_name("workers.txt").write_text(str(len(multiprocessing.active_children())))
    return files
'''


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the drawing workers start only with two cores or more")
def test_a_failed_build_stops_the_drawing_workers(tmp_path, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = copy_site(tmp_path / "site")
    # More open invoices than PARALLEL_THRESHOLD: a cold build draws their codes in worker processes.
    for n in range(qr.PARALLEL_THRESHOLD + 6):
        write_files(root, {f"invoices/bulk/B-{n:03d}.yml": f'number: "B-{n:03d}"\nclient: cafe-olivar\nissued: 2026-11-02\nitems:\n  - description: Work\n    unit_price: {100 + n}.00\n'})
    # A page naming a template that does not exist: MkDocs fails while it builds the pages.
    write_files(root, {"docs/broken.md": "---\ntemplate: no-such-template.html\n---\n# Broken\n", "hooks/probe.py": PROBE_HOOK})
    config_file = root / "mkdocs.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8").replace("  - hooks/invoices.py\n", "  - hooks/invoices.py\n  - hooks/probe.py\n"), encoding="utf-8")
    for name, value in environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(root)
    assert multiprocessing.active_children() == []

    with pytest.raises(Exception, match="no-such-template.html"):
        build(load_config(str(config_file)))

    assert int((root / "workers.txt").read_text()) > 0, "the workers were drawing when the build failed"
    assert multiprocessing.active_children() == []
