"""Sealed pages (SPEC §11) in Debian's Chromium: the full link shows what the unsealed build
shows (text, QR codes, JSON-LD, print, 375 px, accessibility, downloads), and without the
key, with a wrong one or on a changed byte the shell shows its message and nothing private.

Both builds of the sample (``built_sample`` and ``built_sealed``) use the same secret, so
their pages stand at the same paths: each sealed page is compared with its unsealed twin.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import run_invoices
from browsing import browser, decode_qr, save_screenshot, serve  # noqa: F401  (browser: a fixture)
from test_browser import CLIENT_HARBOUR, INVOICE_003, INVOICE_004, INVOICE_SWISS

pypdfium2 = pytest.importorskip("pypdfium2")

pytestmark = pytest.mark.browser

PRIVATE_WORDS = ("Harbour", "Olivar", "Alpenblick", "2026-00", "1.045,75", "1,045.75", "ES67", "CH44", "@")


@pytest.fixture(scope="module")
def servers(built_sample, built_sealed, tmp_path_factory):
    """The unsealed site, the sealed one, and a copy of the sealed one with one byte changed per page."""
    tampered = tmp_path_factory.mktemp("tampered") / "site"
    shutil.copytree(built_sealed / "site", tampered)
    for blob in tampered.glob("[ic]/*/index.html.sealed"):
        data = blob.read_bytes()
        blob.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    running = [serve(built_sample / "site"), serve(built_sealed / "site"), serve(tampered)]
    yield tuple(url for _, url in running)
    for httpd, _ in running:
        httpd.shutdown()


@pytest.fixture(scope="module")
def fragments(built_sealed) -> dict[str, str]:
    """Each page path (``i/<token>/``) → the fragment of its full link, from ``invoices links``."""
    rows = json.loads(run_invoices(built_sealed, "links", "--json").stdout)
    found = {}
    for row in rows:
        url = urlsplit(row["url"])
        found["/".join(url.path.strip("/").split("/")[-2:]) + "/"] = "#" + url.fragment
    return found


@pytest.fixture
def visit(browser):
    pages = []

    def _visit(url: str, width: int = 1280, height: int = 900, javascript: bool = True, downloads: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript, accept_downloads=downloads)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(url, wait_until="networkidle")
        pages.append(context)
        return page

    yield _visit
    for context in pages:
        context.close()


def _opened(page) -> None:
    page.wait_for_selector("main h1")
    assert not page.locator("[data-sealed-file]").count(), "the shell's message is still shown"


@pytest.mark.parametrize("path", [INVOICE_004, INVOICE_SWISS, CLIENT_HARBOUR])
def test_the_full_link_shows_what_the_unsealed_page_shows(visit, servers, fragments, path):
    plain_url, sealed_url, _ = servers
    plain = visit(plain_url + path)
    sealed = visit(sealed_url + path + fragments[path])
    _opened(sealed)
    assert sealed.errors == []
    assert sealed.title() == plain.title()
    assert sealed.evaluate("document.documentElement.lang") == plain.evaluate("document.documentElement.lang")
    assert sealed.inner_text("body") == plain.inner_text("body")
    jsonld = "[...document.querySelectorAll('script[type=\"application/ld+json\"]')].map(s => JSON.parse(s.textContent))"
    assert sealed.evaluate(jsonld) == plain.evaluate(jsonld)
    # The QR codes decode to the same payloads (EPC, Swiss QR-bill).
    shot = save_screenshot(sealed, f"sealed-{path.split('/')[0]}-{path[2:8]}")
    assert sorted(r.text for r in decode_qr(shot)) == sorted(r.text for r in decode_qr(plain.screenshot(full_page=True)))
    # The page's own script ran: the print button is there, as on the unsealed page.
    assert sealed.locator("[data-invoice-print]").first.is_visible() == plain.locator("[data-invoice-print]").first.is_visible()
    # Focus is on the main heading.
    assert sealed.evaluate("document.activeElement.tagName") == "H1"


def _printed(page):
    page.emulate_media(media="print")
    document = pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))
    return [(round(p.get_width() * 25.4 / 72), round(p.get_height() * 25.4 / 72), p.get_textpage().get_text_range()) for p in document]


@pytest.mark.parametrize("path", [INVOICE_004, INVOICE_SWISS])
def test_printed_it_is_the_same_a4_page(visit, servers, fragments, path):
    plain_url, sealed_url, _ = servers
    sealed = visit(sealed_url + path + fragments[path])
    _opened(sealed)
    printed = _printed(sealed)
    assert printed == _printed(visit(plain_url + path))
    assert [(w, h) for w, h, _ in printed] == [(210, 297)] * len(printed)


@pytest.mark.parametrize("path", [INVOICE_004, CLIENT_HARBOUR])
def test_at_375_px_nothing_is_cut(visit, servers, fragments, path):
    sealed = visit(servers[1] + path + fragments[path], width=375, height=800)
    _opened(sealed)
    save_screenshot(sealed, f"sealed-phone-{path[:1]}")
    assert sealed.evaluate("document.documentElement.scrollWidth") <= 375
    outside = sealed.evaluate(
        "[...document.querySelectorAll('main td, main th, main p, main h1, main h2')]"
        ".filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.left < 0 || r.right > 375); }).length"
    )
    assert outside == 0


@pytest.mark.parametrize("state", ["opened", "no key", "wrong key"])
def test_axe_finds_no_violation(visit, servers, fragments, state):
    from axe_playwright_python.sync_playwright import Axe

    fragment = {"opened": fragments[INVOICE_004], "no key": "", "wrong key": "#k=" + "A" * 43}[state]
    page = visit(servers[1] + INVOICE_004 + fragment)
    if state == "opened":
        _opened(page)
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_download_pdf_saves_the_unsealed_pdf_under_its_name(visit, servers, fragments, built_sample):
    page = visit(servers[1] + INVOICE_004 + fragments[INVOICE_004], downloads=True)
    _opened(page)
    link = page.locator(".invoice-pdf a")
    with page.expect_download() as pdf:
        link.click()
    assert pdf.value.suggested_filename == link.get_attribute("download") == "Factura 2026-004.pdf"
    assert Path(pdf.value.path()).read_bytes() == (built_sample / "site" / INVOICE_004 / "document.pdf").read_bytes()
    with page.expect_download() as ics:
        page.locator(".invoice-calendar a").click()
    assert ics.value.suggested_filename == "due-date.ics"
    assert b"BEGIN:VCALENDAR" in Path(ics.value.path()).read_bytes()
    # The e-invoice of the Swiss client's invoice (2026-004 has none: its page says why).
    page = visit(servers[1] + INVOICE_SWISS + fragments[INVOICE_SWISS], downloads=True)
    _opened(page)
    with page.expect_download() as xml:
        page.locator(".invoice-einvoice a").click()
    assert xml.value.suggested_filename.endswith("2026-007.xml")
    assert Path(xml.value.path()).read_bytes() == (built_sample / "site" / INVOICE_SWISS / "invoice.xml").read_bytes()


def test_the_client_page_opens_its_invoices_sealed_and_a_reload_keeps_working(visit, servers, fragments):
    sealed_url = servers[1]
    page = visit(sealed_url + CLIENT_HARBOUR + fragments[CLIENT_HARBOUR])
    _opened(page)
    page.get_by_role("link", name="Pay 2026-003").click()
    page.wait_for_load_state("networkidle")
    assert page.url == sealed_url + INVOICE_003 + fragments[INVOICE_003] + "&pay"
    _opened(page)
    assert page.locator("main h1").inner_text() == "Invoice 2026-003"
    assert page.locator("#pay").is_visible()
    assert page.evaluate("document.getElementById('pay').getBoundingClientRect().top") < 450  # scrolled to
    # "How to pay" on the page moves there and keeps the key in the address.
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".invoice-summary__pay").click()
    assert page.evaluate("window.scrollY") > 0
    top = page.evaluate("document.getElementById('pay').getBoundingClientRect().top")
    assert -5 <= top < page.evaluate("innerHeight") / 2  # moved there
    assert page.url == sealed_url + INVOICE_003 + fragments[INVOICE_003] + "&pay"  # the key still in the address
    page.reload(wait_until="networkidle")
    _opened(page)
    assert page.locator("main h1").inner_text() == "Invoice 2026-003"
    # The client page's statement of the year opens too, with the key its link carries.
    page.go_back(wait_until="networkidle")
    _opened(page)
    page.locator(".invoice-statements a, a[href*='/2026/']").first.click()
    page.wait_for_load_state("networkidle")
    _opened(page)
    assert "2026" in page.locator("main h1").inner_text()


@pytest.mark.parametrize("case", ["no key", "wrong key", "changed byte"])
def test_without_the_right_key_only_the_message_shows(visit, servers, fragments, case):
    _, sealed_url, tampered_url = servers
    url = {
        "no key": sealed_url + INVOICE_004,
        "wrong key": sealed_url + INVOICE_004 + "#k=" + fragments[INVOICE_004][3:][::-1],
        "changed byte": tampered_url + INVOICE_004 + fragments[INVOICE_004],
    }[case]
    page = visit(url)
    state = "no-key" if case == "no key" else "failed"
    page.wait_for_selector(f'[data-sealed-state="{state}"]:not([hidden])')
    save_screenshot(page, f"sealed-{case.replace(' ', '-')}")
    visible = page.locator("h1:visible")
    assert visible.count() == 1
    assert visible.inner_text() == ("This page is sealed" if case == "no key" else "This page could not be opened")
    assert ("#k=" in page.inner_text("body")) == (case == "no key")
    document = page.content()
    assert [word for word in PRIVATE_WORDS if word in document] == []
    assert page.title().startswith("Sealed page")


def test_pasting_the_full_link_over_the_short_one_opens_the_page(visit, servers, fragments):
    page = visit(servers[1] + INVOICE_004)
    page.evaluate("f => { location.hash = f.slice(1); }", fragments[INVOICE_004])
    page.wait_for_load_state("networkidle")
    _opened(page)
    assert page.locator("main h1").inner_text() == "Factura 2026-004"


def test_without_javascript_the_shell_says_it_needs_it(visit, servers, fragments):
    page = visit(servers[1] + INVOICE_004 + fragments[INVOICE_004], javascript=False)
    text = page.inner_text("body")
    assert "This page is sealed" in text and "needs JavaScript" in text
    assert "#k=" not in text  # not told to find a link that it already has
    assert [word for word in PRIVATE_WORDS if word in page.content()] == []


def test_the_shell_loads_nothing_but_the_sites_own_files(browser, servers, fragments):
    sealed_url = servers[1]
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(sealed_url + INVOICE_004 + fragments[INVOICE_004], wait_until="networkidle")
    page.close()
    assert requests and all(url.startswith(sealed_url) for url in requests), requests
    # The key never leaves the browser: no request carries it.
    key = fragments[INVOICE_004][3:]
    assert not [url for url in requests if key in url]
    assert any(url.endswith("index.html.sealed") for url in requests)
