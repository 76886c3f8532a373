"""`mkdocs serve` picks up an edited invoice, and shows a typo's error without dying."""

from __future__ import annotations

import hashlib
import hmac
import html
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import SECRET, environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, condition, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None:
            body = body.replace("\xa0", " ")  # amounts are written with no-break spaces
        if body is not None and condition(body):
            return body
        time.sleep(0.3)
    raise AssertionError(f"{url} did not reach the expected state in {timeout}s; last body: {(body or '')[:300]!r}")


@pytest.fixture
def served(site_copy):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=site_copy,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield site_copy, f"http://127.0.0.1:{port}/invoices/", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()


def test_serve_reloads_an_edited_invoice_and_survives_a_typo(served):
    root, base, process = served
    token = hmac.new(SECRET.encode(), "\x1f".join(["invoice", "cafe-olivar", "1", "2026-004"]).encode(), hashlib.sha256).hexdigest()[:32]
    url = f"{base}i/{token}/"
    wait_for(url, lambda body: "405,00 €" in body)  # 10 h × 45.00 − 10 %
    path = root / "invoices/2026/2026-004.yml"
    original = path.read_text(encoding="utf-8")

    path.write_text(original.replace("unit_price: 45.00", "unit_price: 50.00"), encoding="utf-8")
    wait_for(url, lambda body: "450,00 €" in body)  # 10 h × 50.00 − 10 %

    path.write_text(original.replace("quantity: 6.5", "quantiy: 6.5"), encoding="utf-8")
    body = wait_for(url, lambda body: 'class="invoice-problems"' in body)
    problems = body[body.index('class="invoice-problems"') :]
    assert "invoices/2026/2026-004.yml:14: unknown field 'quantiy' in an item" in html.unescape(problems)
    assert process.poll() is None  # still serving

    path.write_text(original, encoding="utf-8")
    body = wait_for(url, lambda body: 'class="invoice-problems"' not in body and "405,00 €" in body)
    assert process.poll() is None
