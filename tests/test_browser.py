"""The built site as a client sees it, in headless Chromium: QR codes, requests, phone, print, accessibility.

Runs Debian's Chromium (``/usr/bin/chromium``) through Playwright; skipped where it is
missing, except under ``CI=true``. Screenshots go to ``$INVOICES_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browsing import browser, decode_qr, page_opener, save_screenshot, served  # noqa: F401 (browser: the fixture)
from conftest import token

pytestmark = pytest.mark.browser



INVOICE_004 = f"i/{token('invoice', 'cafe-olivar', '1', '2026-004')}/"
INVOICE_003 = f"i/{token('invoice', 'harbour-finch', '1', '2026-003')}/"
CLIENT_OLIVAR = f"c/{token('client', 'cafe-olivar', '1')}/"
CLIENT_HARBOUR = f"c/{token('client', 'harbour-finch', '1')}/"
INVOICE_SWISS = f"i/{token('invoice', 'alpenblick', '1', '2026-007')}/"


@pytest.fixture(scope="module")
def server(built_sample):
    with served(built_sample / "site") as url:
        yield url


@pytest.fixture
def open_page(browser, server):
    """Open a path of the sample site at a viewport size; record every request the page makes."""
    with page_opener(browser, server) as opener:
        yield opener


def test_epc_qr_decodes_to_the_exact_transfer(open_page):
    page = open_page(INVOICE_004)
    png = page.locator("figure.invoice-qr[data-rail=epc] .invoice-qr__image").screenshot()
    results = decode_qr(png)
    assert len(results) == 1
    fields = results[0].text.split("\n")
    # Worked out by hand: balance 1045.75 (see test_build), holder and IBAN from business.yml
    assert fields == [
        "BCD",  # service tag
        "002",  # version
        "1",  # UTF-8
        "SCT",  # SEPA credit transfer
        "CAZRES2Z",  # BIC
        "Estudio Lumen, S.L.",  # name = account holder
        "ES6720859252090330063402",  # IBAN without spaces
        "EUR1045.75",  # amount with two decimals
        "",  # purpose
        "",  # structured reference
        "2026-004",  # unstructured remittance = the invoice number
    ]
    assert results[0].ec_level == "M"


def test_the_whole_page_screenshot_holds_one_readable_qr(open_page):
    page = open_page(INVOICE_003)
    results = decode_qr(save_screenshot(page, "invoice-desktop"))
    # The code carries the balance after the credit note: 2916.50 − 1000.00 paid − 119.70 credited (R-2026-001).
    assert [r.text.split("\n")[7] for r in results] == ["EUR1796.80"]


def test_no_request_leaves_the_site(open_page, server):
    for path in (INVOICE_004, CLIENT_OLIVAR, ""):
        page = open_page(path)
        page.wait_for_timeout(300)
        assert page.requests, path
        outside = [url for url in page.requests if not url.startswith(server) and not url.startswith("data:")]
        assert outside == [], path


@pytest.mark.parametrize("path", [INVOICE_004, INVOICE_SWISS, CLIENT_OLIVAR])
def test_a_private_page_is_light_and_waits_for_nothing_it_does_not_use(browser, server, path):
    # Everything the page loads, counted as the browser received it: under 100 KiB, and the only
    # resources that hold up the first paint are the site's two stylesheets (the script comes
    # last in the body, images are drawn inline).
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server + path, wait_until="networkidle")
    loaded = {response.url[len(server):]: len(response.body()) for response in responses}
    in_head = page.evaluate("[...document.head.querySelectorAll('script[src], link[rel=stylesheet]')].map(e => e.tagName)")
    page.close()
    assert in_head == ["LINK", "LINK"]
    assert sum(loaded.values()) < 100 * 1024, loaded
    assert loaded[path] > 1000 and len(loaded) <= 5, loaded
    others = sorted(Path(url).name for url in loaded if url != path)
    assert [name for name in others if name.endswith(".css")] == ["invoices.css", "private.css"], loaded
    assert [name for name in others if name.endswith(".js")] == ["invoice.js"], loaded


@pytest.mark.parametrize(
    "path, name",
    [(INVOICE_004, "invoice-phone"), (CLIENT_OLIVAR, "client-phone"), (INVOICE_003, "invoice-en-phone"), (INVOICE_SWISS, "invoice-swiss-phone")],
)
def test_phone_width_never_scrolls_sideways_and_shows_what_is_due(open_page, path, name):
    page = open_page(path, width=375, height=800)
    save_screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    if path.startswith("i/"):
        for selector in (".invoice-summary__amount", ".invoice-summary__pay"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 800, selector  # in the first screen


def test_print_is_a_clean_a4_page(open_page):
    page = open_page(INVOICE_004, width=794, height=1123)
    page.emulate_media(media="print")
    save_screenshot(page, "invoice-print")
    for selector in (".md-header", ".md-footer", ".md-sidebar--primary", ".md-search"):
        hidden = page.evaluate(
            "s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none')", selector
        )
        assert hidden, selector
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    assert decode_qr(page.screenshot(full_page=True))  # the QR still prints


@pytest.mark.parametrize("path", [INVOICE_004, INVOICE_003, INVOICE_SWISS, CLIENT_OLIVAR, CLIENT_HARBOUR])
def test_axe_finds_no_violation(open_page, path):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(path)
    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_client_page_links_to_each_invoice_and_its_payment_block(open_page, server):
    page = open_page(CLIENT_HARBOUR)
    save_screenshot(page, "client-desktop")
    page.get_by_role("link", name="Pay 2026-003").click()
    page.wait_for_load_state()
    assert page.url == server + INVOICE_003 + "#pay"
    assert page.locator("#pay").is_visible()


def _emv(text: str) -> dict[str, str]:
    fields, position = {}, 0
    while position < len(text):
        length = int(text[position + 2 : position + 4])
        fields[text[position : position + 2]] = text[position + 4 : position + 4 + length]
        position += 4 + length
    return fields


def _check_swiss(text: str) -> None:
    from stdnum.ch import esr

    lines = text.replace("\r\n", "\n").split("\n")
    body = "2026007".rjust(26, "0")
    assert lines[0:4] == ["SPC", "0200", "1", "CH4431999123000889012"]
    assert lines[18:20] == ["4052.00", "CHF"]  # 2 × 1450.00 + 180 × 6.40
    assert lines[27:30] == ["QRR", body + esr.calc_check_digit(body), "2026-007"]


def _check_spayd(text: str) -> None:
    values = dict(field.split(":", 1) for field in text.split("*")[2:])
    assert text.startswith("SPD*1.0*")
    assert values == {"ACC": "CZ6508000000192000145399", "AM": "27900.00", "CC": "CZK", "MSG": "2026-008", "X-VS": "2026008"}


def _check_upi(text: str) -> None:
    from urllib.parse import parse_qsl, urlsplit

    url = urlsplit(text)
    assert (url.scheme, url.netloc) == ("upi", "pay")
    assert dict(parse_qsl(url.query)) == {"pa": "lumen@okaxis", "pn": "Estudio Lumen", "am": "119700.00", "cu": "INR", "tn": "2026-009"}


def _check_pix(text: str) -> None:
    import binascii

    fields = _emv(text)
    assert fields["54"] == "4400.00" and fields["53"] == "986" and _emv(fields["62"]) == {"05": "2026010"}
    assert fields["63"] == f"{binascii.crc_hqx(text[:-4].encode(), 0xFFFF):04X}"


@pytest.mark.parametrize(
    "rail, client, number, check",
    [
        ("swiss_qr", "alpenblick", "2026-007", _check_swiss),
        ("spayd", "vltava-studio", "2026-008", _check_spayd),
        ("upi", "chai-works", "2026-009", _check_upi),
        ("pix", "sabia-cafe", "2026-010", _check_pix),
    ],
)
def test_every_rail_qr_decodes_from_the_page(open_page, rail, client, number, check):
    page = open_page(f"i/{token('invoice', client, '1', number)}/", scale=3 if rail == "swiss_qr" else 1)
    figure = page.locator(f"figure[data-rail={rail}]")
    results = decode_qr(figure.locator(".invoice-qr__image").screenshot())
    assert len(results) == 1, rail
    check(results[0].text)
    assert results[0].ec_level == "M"
    # the text alternative gives the same transfer in words
    alternative = figure.locator(".invoice-qr__image").get_attribute("aria-label")
    assert alternative == figure.locator(".invoice-qr__alt").inner_text()
    references = {"swiss_qr": "2026007".rjust(26, "0"), "spayd": "2026008", "upi": "2026-009", "pix": "2026010"}
    word = {"swiss_qr": "Referenz", "pix": "referência"}.get(rail, "reference")  # alpenblick reads German, sabia-cafe Portuguese
    assert f"{word} {references[rail]}" in alternative


# --- a payment plan (SPEC §8): the code carries what is to pay now, not the balance -------------

INVOICE_PLAN = f"i/{token('invoice', 'harbour-finch', '1', '2026-012')}/"


def test_a_payment_plan_qr_carries_exactly_what_is_to_pay_now(open_page):
    # 2026-012: 6000.00 in a 30 % deposit (1800.00, due 2 Nov), 2000.00 due 15 Dec and the rest
    # (2200.00) due 15 Jan. Paid 1800.00 on 3 Nov and 500.00 on 20 Nov: the deposit is settled,
    # 500.00 of the second instalment too. On 23 Nov nothing unpaid has fallen due, so what is to
    # pay now is the next instalment's unpaid part, 2000.00 − 500.00 = 1500.00; the balance is
    # 6000.00 − 2300.00 = 3700.00.
    page = open_page(INVOICE_PLAN)
    results = decode_qr(save_screenshot(page, "invoice-plan-desktop"))
    assert [r.text.split("\n")[7] for r in results] == ["EUR1500.00"]
    summary = page.locator(".invoice-summary").inner_text()
    assert "To pay now" in summary and "€1,500.00" in summary and "€3,700.00" in summary
    rows = page.locator(".invoice-schedule tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["Deposit · Nov 2, 2026", "€1,800.00", "€1,800.00", "Paid"],
        ["Instalment 2 · Dec 15, 2026", "€2,000.00", "€500.00", "Partially paid"],
        ["Instalment 3 · Jan 15, 2027", "€2,200.00", "€0.00", "Due"],
    ]


def test_a_payment_plan_fits_a_phone(open_page):
    page = open_page(INVOICE_PLAN, width=375, height=800)
    save_screenshot(page, "invoice-plan-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    table = page.locator(".invoice-schedule table")
    assert table.evaluate("t => t.getBoundingClientRect().right") <= 375
