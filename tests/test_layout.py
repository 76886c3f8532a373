"""The page a client trusts, measured in Chromium: on a 375 px phone, in bold, and on A4 paper.

Every check measures what a client would see: boxes inside the viewport, computed font
weights, millimetres of printed QR codes decoded back from the printed PDF, pages counted
in that PDF and the words printed on them. Skipped where Chromium is missing, except under
``CI=true`` (the ``browser`` fixture is test_browser's).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pypdfium2
import pytest

from conftest import copy_site, mkdocs_build, token, write_files
from browsing import browser, page_opener, save_screenshot, served, zxingcpp  # noqa: F401 (browser: the fixture)

pytestmark = pytest.mark.browser

MM_PER_CSS_PX = 25.4 / 96
PRINT_DPI = 300
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellung"



def invoice_path(client: str, number: str) -> str:
    return f"i/{token('invoice', client, '1', number)}/"


def client_path(client: str) -> str:
    return f"c/{token('client', client, '1')}/"


def item(description: str, price: str, quantity: str = "1", extra: str = "") -> str:
    return f"  - description: {json.dumps(description)}\n    quantity: {quantity}\n    unit: h\n    unit_price: {price}\n    tax: 21%\n{extra}"


# Ten invoices for one English-speaking client; 2026-110 has ten lines (the one-page rule),
# a very long description and a word longer than a phone is wide.
TEN_LINES = "".join(
    item(LONG_WORD if n == 1 else (f"Brand workshop, session {n}: research, moodboards and a written summary of the decisions" if n == 2 else f"Design work, part {n}"), f"{40 + n}.50", str(n), "    discount: 5%\n" if n == 3 else "")
    for n in range(1, 11)
)
LAYOUT_FILES = {
    "invoices/clients/north-wind.yml": "name: North Wind Trading Company Limited\ncontact: Siobhán Ní Bhriain\nemail: accounts@northwind.example\ncountry: IE\nlanguage: en\naddress: |\n  Unit 7, Harbour Business Park\n  Cork T12 X2Y3\n",
    "invoices/2026/n-110.yml": f'number: "2026-110"\nclient: north-wind\nissued: 2026-11-10\nwithholding: 15%\nitems:\n{TEN_LINES}notes: "Thank you for your business."\npayments:\n  - date: 2026-11-12\n    amount: 100.00\n    method: bank transfer\n    reference: NW-4471-2026-REF\n',
    **{
        f"invoices/2026/n-{100 + n}.yml": f'number: "2026-{100 + n}"\nclient: north-wind\nissued: 2026-10-{n + 1:02d}\nitems:\n{item("Retainer", str(1000 + n * 37))}'
        + ("payments:\n  - date: 2026-11-01\n    amount: 500.00\n" if n % 3 == 0 else "")
        for n in range(1, 10)
    },
}


@pytest.fixture(scope="module")
def layout_site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("layout"))
    write_files(root, LAYOUT_FILES)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    with served(root / "site") as url:
        yield url


@pytest.fixture
def opened(browser, layout_site):  # noqa: F811 (the browser fixture)
    with page_opener(browser, layout_site) as opener:
        yield opener


def boxes_outside(page, selector: str, width: int) -> list[str]:
    """Every visible element matched by ``selector`` whose box reaches outside [0, width]."""
    return page.evaluate(
        """([selector, width]) => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.width > 0 && (r.left < -0.5 || r.right > width + 0.5))
            .map(([e, r]) => `${e.tagName} ${Math.round(r.left)}–${Math.round(r.right)}: ${e.textContent.trim().slice(0, 40)}`)""",
        [selector, width],
    )


def printed(page) -> list:
    """The page printed to A4 as Chromium does it, as pypdfium2 pages."""
    page.emulate_media(media="print")
    return pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))


def page_image(pdf_page):
    return pdf_page.render(scale=PRINT_DPI / 72).to_pil()


def qr_codes_on(pdf_page):
    """(text, width in mm, top in mm) of every QR code zxing finds on a printed page."""
    found = []
    for result in zxingcpp.read_barcodes(page_image(pdf_page)):
        if result.format != zxingcpp.BarcodeFormat.QRCode:
            continue
        p = result.position
        width_px = math.dist((p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y))
        top_px = min(p.top_left.y, p.top_right.y)
        found.append((result.text, width_px / PRINT_DPI * 25.4, top_px / PRINT_DPI * 25.4))
    return found


# --- phones --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, name",
    [
        (invoice_path("north-wind", "2026-110"), "invoice-long-phone"),
        (client_path("north-wind"), "client-ten-phone"),
        (invoice_path("cafe-olivar", "2026-004"), "invoice-irpf-phone"),
        (invoice_path("alpenblick", "2026-007"), "invoice-chf-phone"),
        (client_path("cafe-olivar"), "client-es-phone"),
    ],
)
def test_at_375_px_every_cell_is_inside_the_screen(opened, path, name):
    page = opened(path, width=375, height=800)
    save_screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    cells = "table td, table th, .invoice-summary, .invoice-pay, .invoice-bank dd, h1"
    assert boxes_outside(page, cells, 375) == []
    # Stacked rows still name each value: the label comes from the column's header.
    labels = page.evaluate(
        """() => [...document.querySelectorAll("table.invoice-stack tbody td:not(.invoice-stack__title)")]
            .filter(e => e.getClientRects().length)
            .map(e => getComputedStyle(e, "::before").content)"""
    )
    assert labels and all(label not in ("none", "normal", '""') for label in labels)


def test_the_long_invoice_on_a_phone_shows_every_column(opened):
    page = opened(invoice_path("north-wind", "2026-110"), width=375, height=800)
    row = page.locator("table.invoice-stack tbody tr").nth(2)  # line 3: 3 × 43.50 − 5 %
    # Each value with the label its line shows before it (CSS generated content from the header).
    pairs = row.locator("td").evaluate_all(
        """cells => cells.filter(c => c.getClientRects().length)
            .map(c => [getComputedStyle(c, "::before").content.replace(/^"|"$/g, ""), c.innerText.trim()])"""
    )
    # 3 × 43.50 = 130.50; 5 % off = 6.525 → 123.975 → 123.98 (half up)
    assert pairs == [["none", "Design work, part 3"], ["Qty", "3"], ["Unit", "h"], ["Unit price", "€43.50"], ["Discount", "5%"], ["Amount", "€123.98"]]
    assert page.get_by_text(LONG_WORD).is_visible()


def test_tables_stay_tables_on_a_wide_screen(opened):
    page = opened(invoice_path("north-wind", "2026-110"))
    assert page.evaluate("getComputedStyle(document.querySelector('table.invoice-stack tbody tr')).display") == "table-row"
    assert page.locator("table.invoice-stack thead th").first.is_visible()


# --- what to pay stands out ----------------------------------------------------------------


@pytest.mark.parametrize("width, media", [(1280, "screen"), (375, "screen"), (1280, "print")])
def test_the_amount_due_row_is_the_bold_one(opened, width, media):
    page = opened(invoice_path("cafe-olivar", "2026-004"), width=width)
    page.emulate_media(media=media)
    weights = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("table.invoice-totals tr")]
            .map(r => [r.className.match(/invoice-totals__(\\w+)/)[1], getComputedStyle(r.querySelector("td")).fontWeight]))"""
    )
    # With IRPF withheld, "Total" (1,202.58) is not what the client pays: "Total a pagar" (1,045.75) is.
    assert weights["amount_due"] == "700"
    assert weights["total"] == "400" and weights["subtotal"] == "400" and weights["withholding"] == "400"


def test_without_withholding_the_total_is_the_amount_due_and_bold(opened):
    page = opened(invoice_path("harbour-finch", "2026-003"))
    strong = page.locator("tr.invoice-totals__row--strong")
    assert strong.count() == 1
    assert " ".join(strong.inner_text().split()) == "Total €2,916.50"
    assert strong.locator("td").evaluate("e => getComputedStyle(e).fontWeight") == "700"


def test_client_lists_show_amount_due_paid_and_balance(opened):
    page = opened(client_path("north-wind"))
    heads = [" ".join(t.split()) for t in page.locator("table.invoice-list thead th").all_inner_texts()]
    assert heads[3:6] == ["Amount due", "Paid", "Balance"]
    # 2026-103: 1111.00 + 21 % = 1344.31, 500.00 paid → 844.31 still to pay.
    row = page.locator("tr[data-number='2026-103'] td")
    assert [row.nth(i).inner_text() for i in (3, 4, 5)] == ["€1,344.31", "€500.00", "€844.31"]


# --- furniture -----------------------------------------------------------------------------


def test_no_search_and_no_theme_icon_on_private_pages(opened):
    page = opened(invoice_path("harbour-finch", "2026-003"))
    assert page.locator(".md-search, [for='__search'], .md-header__button.md-logo").count() == 0
    # The business's logo (business.yml: logo: images/logo.svg) and its name; the logo is the tab's icon.
    assert page.locator(".invoice-header__name").inner_text() == "Estudio Lumen"
    logo = page.locator("img.invoice-header__logo")
    assert logo.get_attribute("src") == "../../images/logo.svg" and logo.evaluate("e => e.naturalWidth") > 0
    assert page.evaluate("document.querySelector('link[rel=icon]').getAttribute('href')") == "../../images/logo.svg"
    assert not any("favicon" in url or "search_index" in url for url in page.evaluate("performance.getEntries().map(e => e.name)"))


def test_empty_columns_are_left_out(opened):
    # 2026-003 has a line discount; 2026-101 has none, and every line has a unit.
    with_discount = opened(invoice_path("harbour-finch", "2026-003")).locator("table.invoice-stack thead th").all_inner_texts()
    without = opened(invoice_path("north-wind", "2026-101")).locator("table.invoice-stack thead th").all_inner_texts()
    assert "Discount" in with_discount
    assert without == ["Description", "Qty", "Unit", "Unit price", "Amount"]


def test_the_print_button_prints(opened):
    page = opened(invoice_path("harbour-finch", "2026-003"))
    button = page.get_by_role("button", name="Print or save as PDF")
    assert button.is_visible()
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    button.click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert not button.is_visible()


# --- paper ---------------------------------------------------------------------------------


def test_a_ten_line_invoice_prints_on_one_a4_page_with_a_readable_code(opened):
    page = opened(invoice_path("north-wind", "2026-110"), width=794, height=1123)
    pdf = printed(page)
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4
    codes = qr_codes_on(pdf[0])
    assert len(codes) == 1 and codes[0][0].startswith("BCD\n002\n")
    assert codes[0][1] >= 25  # mm: a phone reads an EPC code from paper at this size
    save_screenshot(page, "invoice-long-print")


def test_the_swiss_qr_bill_prints_at_its_standard_size_and_place(opened):
    page = opened(invoice_path("alpenblick", "2026-007"), width=794, height=1123)
    pdf = printed(page)
    assert len(pdf) == 2  # the invoice, then a page for the payment part
    assert qr_codes_on(pdf[0]) == []
    (text, width_mm, top_mm), = qr_codes_on(pdf[1])
    assert text.startswith("SPC\r\n0200\r\n1\r\nCH4431999123000889012")
    assert width_mm == pytest.approx(46, abs=0.5)  # SPS 2.x: 46 × 46 mm
    # The payment part is the lower 105 mm of the page: its QR code lies within it.
    assert 297 - 106 <= top_mm and top_mm + width_mm <= 297
    # Across the full width: the drawing's box in print is 210 mm wide and starts at the page's edge.
    page.emulate_media(media="print")
    box = page.locator(".invoice-qr--swiss-qr svg").bounding_box()
    assert box["x"] == pytest.approx(0, abs=0.5) and box["width"] * MM_PER_CSS_PX == pytest.approx(210, abs=0.5)
    save_png(page_image(pdf[1]), "invoice-chf-print-2")


def test_printed_pages_state_no_day_dependent_fact_without_its_date(opened):
    # 2026-002 is overdue on 2026-11-23 (due 2026-10-01).
    for path in (invoice_path("cafe-olivar", "2026-002"), invoice_path("north-wind", "2026-110"), client_path("north-wind")):
        page = opened(path, width=794, height=1123)
        pdf = printed(page)
        text = " ".join(" ".join(p.get_textpage().get_text_range() for p in pdf).split())
        assert not re.search(r"\b\d+\s+(days?|días?)\b|\bhace\b|\bago\b|\byet\b|\btoday\b|\bhoy\b", text, re.IGNORECASE), text
        assert re.search(r"as of November 23, 2026|a 23 de noviembre de 2026", text), text
    overdue = " ".join(printed(opened(invoice_path("cafe-olivar", "2026-002"))).get_page(0).get_textpage().get_text_range().split())
    assert "vencida a 23 de noviembre de 2026 (vencimiento: 1 de octubre de 2026)" in overdue


def save_png(image, name: str) -> None:
    folder = os.environ.get("INVOICES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(Path(folder, f"{name}.png"))
