"""What the browser tests share: Debian's Chromium through Playwright, a built site served over
HTTP on loopback, pages opened at a viewport size, screenshots and QR codes decoded from them.

Importing this module skips the importing test module where Chromium is missing, except under
``CI=true``, where a missing browser is an error. Screenshots go to ``$INVOICES_SCREENSHOTS``
when it is set.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true but /usr/bin/chromium is missing: install Debian's chromium package")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")
zxingcpp = pytest.importorskip("zxingcpp")
from PIL import Image  # noqa: E402


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A built site served on a free loopback port, and its address; shut it down when done."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


@contextlib.contextmanager
def served(folder: Path):
    """``serve`` for a ``with`` block or a fixture: the address, and the server shut down after."""
    httpd, url = serve(folder)
    try:
        yield url
    finally:
        httpd.shutdown()


@contextlib.contextmanager
def launched():
    """Debian's Chromium, headless, with the flags that keep it off the network."""
    with playwright_sync.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def browser():
    with launched() as instance:
        yield instance


@contextlib.contextmanager
def page_opener(browser, base: str):
    """A function that opens ``base + path`` at a viewport size, recording every request the page
    makes (``page.requests``); the pages it opened are closed after."""
    pages = []

    def _open(path: str, width: int = 1280, height: int = 900, scale: float = 1):
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
        page.requests = []
        page.on("request", lambda request: page.requests.append(request.url))
        page.goto(base + path, wait_until="networkidle")
        pages.append(page)
        return page

    try:
        yield _open
    finally:
        for page in pages:
            page.close()


def save_screenshot(page, name: str, **options) -> bytes:
    png = page.screenshot(full_page=True, **options)
    folder = os.environ.get("INVOICES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        Path(folder, f"{name}.png").write_bytes(png)
    return png


def decode_qr(png: bytes):
    """The QR codes zxing-cpp reads in a PNG."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return [result for result in results if result.format == zxingcpp.BarcodeFormat.QRCode]
