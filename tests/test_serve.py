"""`mkdocs serve` picks up an edited invoice, and shows a typo's error without dying."""

from __future__ import annotations

import hashlib
import hmac
import html
import re
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


def _drawn(url: str) -> str:
    # The page without the epochs MkDocs' live-reload script carries, which change on every build.
    return re.sub(r"reload\(\d+, \d+\)", "reload()", fetch(url) or "")


def _token(*parts: str) -> str:
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def test_serve_draws_again_only_the_client_an_edit_touches_and_everything_when_the_business_changes(served):
    # hooks/invoices.py + redraw.py: a rebuild moves back the folders of clients whose inputs did
    # not change; what they show must stay what a full build shows, and change when they change.
    root, base, process = served
    edited = f"{base}i/{_token('invoice', 'cafe-olivar', '1', '2026-004')}/"
    edited_client = f"{base}c/{_token('client', 'cafe-olivar', '1')}/"
    other = f"{base}i/{_token('invoice', 'harbour-finch', '1', '2026-001')}/"
    other_client = f"{base}c/{_token('client', 'harbour-finch', '1')}/"
    wait_for(edited, lambda body: "405,00 €" in body)
    before = {url: _drawn(url) for url in (edited_client, other, other_client)}
    assert all(body and "Estudio Lumen" in body for body in before.values())

    path = root / "invoices/2026/2026-004.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("unit_price: 45.00", "unit_price: 50.00"), encoding="utf-8")
    wait_for(edited, lambda body: "450,00 €" in body)
    assert _drawn(edited_client) != before[edited_client]  # the edited invoice's client page is drawn again
    assert _drawn(other) == before[other] and _drawn(other_client) == before[other_client]  # the others are kept as they were

    business = root / "invoices/business.yml"
    business.write_text(business.read_text(encoding="utf-8").replace("name: Estudio Lumen", "name: Estudio Umbra", 1), encoding="utf-8")
    for url in (edited, edited_client, other, other_client):  # what every page reads changed: every page is drawn again
        wait_for(url, lambda body: "Estudio Umbra" in body)
    assert process.poll() is None
