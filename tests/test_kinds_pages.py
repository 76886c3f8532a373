"""The pages of each kind of document (SPEC §8) on the built sample site.

The sample holds an open estimate (Q-2026-002), an accepted one (Q-2026-001) with the invoice
that followed (2026-011), and a credit note (R-2026-001) on the partly paid invoice 2026-003.
Figures worked out by hand:

- Q-2026-002: 950.00 + 6 × 320.00 = 2870.00, reverse charge (0 %): total 2870.00.
- R-2026-001: 140.00 − 10 % = 126.00; − 5 % invoice discount 6.30 = 119.70; 0 % tax → credited 119.70.
- 2026-003: 2916.50 due (see test_build) − 1000.00 paid − 119.70 credited = 1796.80.
- 2026-011: 1800.00 + 12 × 45.00 = 2340.00, reverse charge: 2340.00 due.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from html import unescape
from urllib.parse import unquote

from conftest import SECRET


def token(*parts: str) -> str:
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def page_of(root, number: str) -> str:
    return (root / "site" / "i" / token("invoice", "harbour-finch", "1", number) / "index.html").read_text(encoding="utf-8")


def relative(number: str) -> str:
    """The link to a document's page from another document's page."""
    return f"../{token('invoice', 'harbour-finch', '1', number)}/"


def client_page(root) -> str:
    return (root / "site" / "c" / token("client", "harbour-finch", "1") / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_an_open_estimate_has_an_accept_button_and_no_way_to_pay(built_sample):
    html = page_of(built_sample, "Q-2026-002")
    text = text_of(html)
    assert "<title>Estimate Q-2026-002" in html
    assert "Estimate total €2,870.00 Valid until December 20, 2026." in text  # issued 2026-11-20 + 30 days
    assert "Valid until December 20, 2026" in text
    # No QR, no bank details, no payment history, no JSON-LD invoice, no e-invoice.
    for absent in ('id="pay"', "invoice-qr", "application/ld+json", "Payment history", "invoice.xml"):
        assert absent not in html
    (link,) = re.findall(r'href="(mailto:[^"]+)"[^>]*>Accept this estimate', html)
    address, _, query = unescape(link).partition("?")
    assert address == "mailto:hola@estudiolumen.example"  # the business e-mail (business.yml)
    fields = dict(part.split("=", 1) for part in query.split("&"))
    assert unquote(fields["subject"]) == "Acceptance of estimate Q-2026-002"
    assert unquote(fields["body"]) == (
        "Hello,\n\nWe accept estimate Q-2026-002 of November 20, 2026 for a total of €2,870.00.\n\nHarbour & Finch Ltd."
    )


def test_item_details_are_folded_under_their_line(built_sample):
    html = page_of(built_sample, "Q-2026-002")
    details = re.findall(r'<details class="invoice-item-details"><summary>Details</summary>(.*?)</details>', html, re.S)
    assert len(details) == 2  # both lines carry details; folded: no "open" attribute
    assert "<li>who visits the site and what they look for;</li>" in details[0]
    assert "Home, about, services, case study, journal and contact" in details[1]


def test_an_accepted_estimate_offers_no_accept_button_and_its_invoice_links_back(built_sample):
    estimate = page_of(built_sample, "Q-2026-001")
    assert "Accept this estimate" not in estimate and "Accepted. Thank you!" in estimate
    invoice = page_of(built_sample, "2026-011")
    assert f'href="{relative("Q-2026-001")}">Estimate Q-2026-001</a>' in invoice
    # The invoice carries the estimate's items and their details: 1800.00 + 540.00 = 2340.00.
    assert "€2,340.00" in text_of(invoice)
    assert invoice.count('class="invoice-item-details"') == 2


def test_a_credit_note_page_names_the_invoice_it_corrects_and_shows_negative_amounts(built_sample):
    html = page_of(built_sample, "R-2026-001")
    text = text_of(html)
    assert "<title>Credit note R-2026-001" in html
    assert f'href="{relative("2026-003")}">Invoice 2026-003</a>' in html
    assert "Reason One of the six infographics was not delivered." in text
    assert "Amount credited −€119.70 Taken off the balance of invoice 2026-003." in text
    assert "Subtotal −€126.00" in text and "Discount 5% €6.30" in text and "Total −€119.70" in text
    for absent in ('id="pay"', "invoice-qr", "application/ld+json", "Paid in full"):
        assert absent not in html
    # Its e-invoice is a UBL CreditNote (SPEC §9), offered under the credit note's own name.
    assert 'download="Credit note R-2026-001.xml"' in html


def test_the_corrected_invoice_keeps_its_lines_and_lists_its_credit_note(built_sample):
    html = page_of(built_sample, "2026-003")
    text = text_of(html)
    # Its three original lines, its total, and the credit note between paid and balance.
    assert "Annual report — layout and typesetting" in text and "Returning-client rebate" in text
    assert "Total €2,916.50 Paid −€1,000.00 Credit notes −€119.70 Balance due €1,796.80" in text
    assert f'href="{relative("R-2026-001")}">Credit note R-2026-001</a>' in html
    assert "November 16, 2026" in text and "−€119.70" in text
    # The QR and the JSON-LD carry the balance after the credit.
    assert "pay €1,796.80 to Estudio Lumen, S.L." in text
    assert '"value": "1796.80"' in html


def test_the_client_page_lists_each_kind_and_ends_with_the_statement(built_sample):
    html = client_page(built_sample)
    estimates = html[html.index('id="estimates-heading"') :]
    assert re.findall(r'data-estimate="([^"]+)"', estimates) == ["Q-2026-002", "Q-2026-001"]
    assert re.findall(r'data-credit-note="([^"]+)"', html) == ["R-2026-001"]
    statement = html[html.index('class="invoice-statement"') :]
    rows = re.findall(r"<tr role=\"row\">(.*?)</tr>", statement[statement.index("<tbody") :], re.S)
    lines = [" ".join(text_of(row).split()) for row in rows]
    # Running balance, by hand: +2520.00 = 2520.00; −2520.00 = 0.00; +2916.50 = 2916.50;
    # −1000.00 = 1916.50; +6000.00 (2026-012, the payment plan) = 7916.50; −1800.00 (its deposit)
    # = 6116.50; −119.70 = 5996.80; +2340.00 = 8336.80; −500.00 = 7836.80.
    assert lines == [
        "Aug 3, 2026 Invoice 2026-001 €2,520.00 €2,520.00",
        "Aug 28, 2026 Payment on invoice 2026-001 €2,520.00 €0.00",
        "Oct 20, 2026 Invoice 2026-003 €2,916.50 €2,916.50",
        "Oct 25, 2026 Payment on invoice 2026-003 €1,000.00 €1,916.50",
        "Nov 2, 2026 Invoice 2026-012 €6,000.00 €7,916.50",
        "Nov 3, 2026 Payment on invoice 2026-012 €1,800.00 €6,116.50",
        "Nov 16, 2026 Credit note R-2026-001 €119.70 €5,996.80",
        "Nov 18, 2026 Invoice 2026-011 €2,340.00 €8,336.80",
        "Nov 20, 2026 Payment on invoice 2026-012 €500.00 €7,836.80",
    ]
    closing = re.search(r"data-closing[^>]*>([^<]+)<", statement).group(1)
    outstanding = re.search(r"data-outstanding>([^<]+)<", html).group(1)
    # The closing balance equals the outstanding total:
    # 1796.80 (2026-003) + 2340.00 (2026-011) + 3700.00 (2026-012: 6000.00 − 2300.00 paid) = 7836.80.
    assert closing == outstanding == "€7,836.80"
    # It is the last section of the page: nothing but the page's end after it.
    assert "invoice-support" not in statement
