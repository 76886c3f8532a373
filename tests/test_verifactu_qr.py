"""The tax QR code of a registered document (SPEC §12), on the page in Chromium and in the PDF,
decoded with zxing-cpp: the AEAT's address with its four values, 30–40 mm on paper, before every
payment code, "QR tributario:" above and "VERI*FACTU" below, in Spanish on every language's page."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pypdfium2
import pytest

from conftest import copy_site, mkdocs_build, run_invoices, verifactu_site
from browsing import browser, save_screenshot, served, zxingcpp  # noqa: F401 (browser: the fixture)
from PIL import Image

pytestmark = pytest.mark.browser

PRINT_DPI = 300
VALIDATE = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"  # the test environment's
LANGUAGES = ("ca", "de", "en", "es", "fr", "it", "nl", "pt")
# What each registered document's code holds, worked out by hand from the sample's files.
EXPECTED = {
    "2026-002": {"nif": "B12345674", "numserie": "2026-002", "fecha": "01-09-2026", "importe": "1113.20"},
    "2026-004": {"nif": "B12345674", "numserie": "2026-004", "fecha": "02-11-2026", "importe": "1202.58"},
    "R-2026-001": {"nif": "B12345674", "numserie": "R-2026-001", "fecha": "16-11-2026", "importe": "-119.70"},
}


@pytest.fixture(scope="module")
def registered(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The VERI*FACTU sample, registered, each document's page in another of the eight languages; built strictly."""
    root = verifactu_site(copy_site(tmp_path_factory.mktemp("verifactu") / "site"))
    assert run_invoices(root, "verifactu", "register").returncode == 0
    recorded = [json.loads(line)["NumSerieFactura"] for line in (root / "verifactu/records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(recorded) == len(LANGUAGES)
    for path in sorted((root / "invoices" / "2026").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        number = next((n for n in recorded if f'number: "{n}"' in text), None)
        if number is not None:  # one registered document in each language
            path.write_text(text.replace("\nissued:", f"\nlanguage: {LANGUAGES[recorded.index(number)]}\nissued:", 1), encoding="utf-8")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    links = run_invoices(root, "links", "--json", "--base", "http://127.0.0.1/")
    pages = {row["invoice"]: urlsplit(row["url"]).path.lstrip("/") for row in json.loads(links.stdout) if row.get("invoice")}
    return root, pages


@pytest.fixture(scope="module")
def server(registered):
    root, _ = registered
    with served(root / "site") as url:
        yield url


def codes(image) -> list:
    return [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def values(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == VALIDATE
    return dict(parse_qsl(parts.query, strict_parsing=True))


def test_every_registered_page_shows_its_tax_qr_first_with_spanish_legends(registered):
    root, pages = registered
    recorded = {json.loads(line)["NumSerieFactura"] for line in (root / "verifactu/records.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(recorded) == 8
    languages = set()
    for number, path in pages.items():
        html = lxml.html.fromstring((root / "site" / path / "index.html").read_bytes())
        if number not in recorded:  # estimates, the void invoice: no record, no code
            assert html.xpath("//*[contains(@class, 'invoice-tax-qr')]") == [], number  # no record: no code
            continue
        languages.add(html.get("lang"))
        (block,) = html.xpath("//div[contains(concat(' ', @class, ' '), ' invoice-tax-qr ')]")
        assert block.xpath("string(p[contains(@class, '__heading')])") == "QR tributario:"
        assert block.xpath("string(p[contains(@class, '__legend')])") == "VERI*FACTU"
        assert {p.get("lang") for p in block.xpath("p")} == {"es"}
        everything = list(html.iter())
        pay = html.xpath("//*[@id='pay']")
        if pay:
            assert everything.index(block) < everything.index(pay[0]), number  # before every payment code
        if number in EXPECTED:
            assert values(block.get("data-tax-qr")) == EXPECTED[number]
    assert languages == set(LANGUAGES)


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_the_tax_qr_decodes_in_the_browser(browser, server, registered, number):  # noqa: F811
    _, pages = registered
    for width in (1280, 375):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(server + pages[number], wait_until="networkidle")
        figure = page.locator(".invoice-tax-qr")
        png = figure.screenshot()
        save_screenshot(page, f"verifactu-{number}-{width}")
        box = figure.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing cut at 375 px
        (code,) = codes(Image.open(io.BytesIO(png)))
        assert values(code.text) == EXPECTED[number]
        payment = page.locator(".invoice-qr").first
        if payment.count():
            assert box["y"] < payment.bounding_box()["y"]
        page.close()
    # Printed from the browser (CSS pixels are 1/96 in): the code itself 30–40 mm wide, before the payment code.
    page = browser.new_page(viewport={"width": 794, "height": 1123}, device_scale_factor=3)
    page.goto(server + pages[number], wait_until="networkidle")
    page.emulate_media(media="print")
    image = Image.open(io.BytesIO(page.locator(".invoice-tax-qr__image").screenshot()))
    (code,) = codes(image)
    p = code.position
    width_mm = math.dist((p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)) / 3 / 96 * 25.4
    assert 30 <= width_mm <= 40, width_mm
    page.close()


@pytest.mark.parametrize("number", ["2026-002", "2026-004"])
def test_the_pdf_prints_the_tax_qr_30_to_40_mm_above_the_payment_code(registered, number):
    root, pages = registered
    document = pypdfium2.PdfDocument((root / "site" / pages[number] / "document.pdf").read_bytes())
    image = document[0].render(scale=PRINT_DPI / 72).to_pil().convert("L")
    found = codes(image)
    tax = [c for c in found if c.text.startswith(VALIDATE)]
    others = [c for c in found if not c.text.startswith(VALIDATE)]
    (code,) = tax
    assert values(code.text) == EXPECTED[number]
    p = code.position
    width_mm = math.dist((p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)) / PRINT_DPI * 25.4
    assert 30 <= width_mm <= 40, width_mm
    assert others and all(code.position.top_left.y < other.position.top_left.y for other in others)  # before the payment code
    text = document[0].get_textpage().get_text_range()
    assert "QR tributario:" in text and "VERI*FACTU" in text


def test_a_cancelled_document_shows_no_tax_qr(tmp_path):
    root = verifactu_site(copy_site(tmp_path / "site"))
    assert run_invoices(root, "verifactu", "register").returncode == 0
    assert run_invoices(root, "verifactu", "cancel", "2026-013").returncode == 0
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    pages = [p for p in (root / "site" / "i").glob("*/index.html")]
    shown = [p for p in pages if b"invoice-tax-qr" in p.read_bytes()]
    assert len(shown) == 7 and all(b"2026-013" not in p.read_bytes().split(b"<title>")[1][:80] for p in shown)
