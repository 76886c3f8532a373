"""Private link tokens: HMAC-SHA256, at least 128 bits, stable, rotated by link_version."""

from __future__ import annotations

import hashlib
import hmac

from invoicepub import links


def test_token_is_hmac_sha256_of_the_secret_with_128_bits():
    token = links.client_token("secret", "acme", 1)
    assert len(bytes.fromhex(token)) * 8 >= 128
    expected = hmac.new(b"secret", "client\x1facme\x1f1".encode(), hashlib.sha256).hexdigest()[:32]
    assert token == expected


def test_tokens_are_stable_and_depend_on_every_input():
    base = links.invoice_token("secret", "acme", 1, "2026-001")
    assert base == links.invoice_token("secret", "acme", 1, "2026-001")
    assert base != links.invoice_token("other", "acme", 1, "2026-001")
    assert base != links.invoice_token("secret", "acme", 2, "2026-001")
    assert base != links.invoice_token("secret", "acme", 1, "2026-002")
    assert base != links.invoice_token("secret", "acme-2", 1, "2026-001")


def test_link_version_rotates_the_client_page():
    assert links.client_token("secret", "acme", 1) != links.client_token("secret", "acme", 2)


def test_invoice_and_client_tokens_are_domain_separated():
    # An invoice token is never the client token, nor a prefix or suffix of it.
    client = links.client_token("secret", "acme", 1)
    invoice = links.invoice_token("secret", "acme", 1, "")
    assert client != invoice and client not in invoice


def test_paths_carry_no_name_or_number():
    token = links.invoice_token("secret", "acme", 1, "2026-001")
    path = links.page_path(links.INVOICE_PREFIX, token)
    assert path == f"i/{token}/"
    assert "acme" not in path and "2026" not in path
    assert links.page_path(links.INVOICE_PREFIX, token, directory_urls=False) == f"i/{token}/index.html"
    assert links.absolute("https://x.example/inv/", path) == f"https://x.example/inv/i/{token}/"
