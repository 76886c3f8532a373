"""Hostile strings in headless Chromium: nothing runs, nothing loads from elsewhere, all is text.

The site of ``test_escaping`` (every text field of the YAML holding ``<script>``, ``onerror``,
``"><svg onload>`` and the like) and the sample site, served over HTTP and opened in Debian's
Chromium as in ``test_browser``. Skipped where Chromium is missing, except under ``CI=true``.
"""

from __future__ import annotations

import pytest

from browsing import browser, served  # noqa: F401 (browser: the fixture)
from test_escaping import HOSTILE, HOSTILE_ADDRESS, NOTES_TEXT, client_folder, hostile, invoice_folder  # noqa: F401 (hostile: the fixture)

pytestmark = pytest.mark.browser

# Reported by the page itself: every Content-Security-Policy violation, before any script runs.
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture(scope="module")
def hostile_server(hostile):
    with served(hostile / "site") as url:
        yield url


@pytest.fixture(scope="module")
def sample_server(built_sample):
    with served(built_sample / "site") as url:
        yield url


@pytest.fixture
def visit(browser):
    """Open a URL, recording dialogs, requests, console messages and policy violations."""
    pages = []

    def _visit(url: str):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.dialogs, page.requests, page.console = [], [], []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("console", lambda message: page.console.append(message.text))
        page.add_init_script(WATCH_POLICY)
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(300)
        pages.append(page)
        return page

    yield _visit
    for page in pages:
        page.close()


def quiet(page, origin: str) -> None:
    """No dialog, no request to another origin, no policy violation, no script error."""
    assert page.dialogs == []
    assert [url for url in page.requests if not url.startswith(origin) and not url.startswith("data:")] == []
    assert page.evaluate("window.__violations") == []
    assert [text for text in page.console if "Refused to" in text or "Content Security Policy" in text] == []


def test_hostile_invoice_page_runs_nothing_and_shows_every_string(visit, hostile, hostile_server):
    folder = invoice_folder(hostile, HOSTILE["invoice.number"]).relative_to(hostile / "site")
    page = visit(hostile_server + folder.as_posix() + "/")
    quiet(page, hostile_server)
    # The site's own script ran (it shows the print button); no theme script was loaded.
    assert page.locator("[data-invoice-print]").first.is_visible()
    assert page.evaluate("typeof __md_scope === 'undefined' && typeof app === 'undefined'")
    assert page.title() == f"Invoice {HOSTILE['invoice.number']} \u00b7 Estudio Lumen"
    strings = [value for key, value in HOSTILE.items()]
    strings += [line for lines in HOSTILE_ADDRESS.values() for line in lines] + NOTES_TEXT
    text = " ".join(page.locator("body").inner_text().split())
    assert [value for value in strings if value not in text] == []
    # Found by Playwright as text, not as elements.
    for key in ("client.name", "item.description", "payment.reference", "business.tax_id"):
        assert page.get_by_text(HOSTILE[key], exact=False).count() >= 1, key
    assert page.locator("main script, main img, main iframe, main object, main embed").count() == 0
    assert page.locator(".invoice-notes a").evaluate_all("links => links.map(a => a.href)") == ["https://lumen.example/terms"]


def test_hostile_client_page_runs_nothing(visit, hostile, hostile_server):
    folder = client_folder(hostile).relative_to(hostile / "site")
    page = visit(hostile_server + folder.as_posix() + "/")
    quiet(page, hostile_server)
    assert page.title() == f"Invoices for {HOSTILE['client.name']} \u00b7 Estudio Lumen"
    assert page.get_by_text(HOSTILE["payment.method"], exact=False).count() == 1


def test_sample_private_pages_keep_to_their_policy(visit, built_sample, sample_server):
    # Every invoice page of the sample, the Swiss QR-bill's included (its drawing carries no
    # style attribute), every client page and every client's statement of the year.
    site = built_sample / "site"
    folders = sorted(p.parent for p in (*site.glob("i/*/index.html"), *site.glob("c/*/index.html"), *site.glob("c/*/*/index.html")))
    assert any('data-rail="swiss_qr"' in (folder / "index.html").read_text(encoding="utf-8") for folder in folders)
    checked = 0
    for folder in folders:
        page = visit(sample_server + folder.relative_to(site).as_posix() + "/")
        quiet(page, sample_server)
        # The page's own script ran under its policy: it reveals the print button.
        assert page.locator("[data-invoice-print]").first.is_visible()
        checked += 1
    assert checked >= 11
