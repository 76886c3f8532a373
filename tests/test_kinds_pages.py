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


def statement_page(root, year: int) -> str:
    return (root / "site" / "c" / token("client", "harbour-finch", "1") / str(year) / "index.html").read_text(encoding="utf-8")


def test_the_client_page_lists_each_kind_and_links_the_statement_of_the_year(built_sample):
    html = client_page(built_sample)
    estimates = html[html.index('id="estimates-heading"') :]
    assert re.findall(r'data-estimate="([^"]+)"', estimates) == ["Q-2026-002", "Q-2026-001"]
    assert re.findall(r'data-credit-note="([^"]+)"', html) == ["R-2026-001"]
    # Every movement of this client is of 2026: one statement, linked from the client page's
    # last section, opening on nothing and closing on the outstanding total (below).
    statements = html[html.index('id="statements-heading"') :]
    (row,) = re.findall(r'<tr role="row" data-statement-year="(\d+)" data-currency="(\w+)">(.*?)</tr>', statements, re.S)
    assert row[:2] == ("2026", "EUR")
    assert 'href="2026/">Statement of account 2026</a>' in row[2]
    assert re.search(r"data-opening>([^<]+)<", row[2]).group(1) == "€0.00"
    assert re.search(r"data-closing>([^<]+)<", row[2]).group(1) == "€7,836.80"
    assert "invoice-support" not in statements  # the page's last section
    # Nothing of this client is older than 24 months: the page leaves nothing out and says nothing.
    assert "data-older-note" not in html


def test_the_statement_of_the_year_runs_in_date_order_and_closes_on_the_outstanding_total(built_sample):
    html = statement_page(built_sample, 2026)
    assert "<title>Statement of account 2026" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    # 1 January 2026 to its last movement (2026-11-20): the year is not over, and the page states
    # nothing of the build's day (2026-11-23).
    assert "January 1, 2026 to November 20, 2026" in text_of(html)
    body = html[html.index("<tbody") :]
    rows = re.findall(r"<tr role=\"row\"[^>]*>(.*?)</tr>", body, re.S)
    lines = [" ".join(text_of(row).split()) for row in rows]
    # Running balance, by hand: +2520.00 = 2520.00; −2520.00 = 0.00; +2916.50 = 2916.50;
    # −1000.00 = 1916.50; +6000.00 (2026-012, the payment plan) = 7916.50; −1800.00 (its deposit)
    # = 6116.50; −119.70 = 5996.80; +2340.00 = 8336.80; −500.00 = 7836.80.
    assert lines == [
        "Opening balance €0.00",
        "Aug 3, 2026 Invoice 2026-001 €2,520.00 €2,520.00",
        "Aug 28, 2026 Payment on invoice 2026-001 €2,520.00 €0.00",
        "Oct 20, 2026 Invoice 2026-003 €2,916.50 €2,916.50",
        "Oct 25, 2026 Payment on invoice 2026-003 €1,000.00 €1,916.50",
        "Nov 2, 2026 Invoice 2026-012 €6,000.00 €7,916.50",
        "Nov 3, 2026 Payment on invoice 2026-012 €1,800.00 €6,116.50",
        "Nov 16, 2026 Credit note R-2026-001 €119.70 €5,996.80",
        "Nov 18, 2026 Invoice 2026-011 €2,340.00 €8,336.80",
        "Nov 20, 2026 Payment on invoice 2026-012 €500.00 €7,836.80",
        "Closing balance €7,836.80",
    ]
    closing = re.search(r"data-closing[^>]*>([^<]+)<", html).group(1)
    outstanding = re.search(r"data-outstanding>([^<]+)<", client_page(built_sample)).group(1)
    # The closing balance equals the outstanding total:
    # 1796.80 (2026-003) + 2340.00 (2026-011) + 3700.00 (2026-012: 6000.00 − 2300.00 paid) = 7836.80.
    assert closing == outstanding == "€7,836.80"
    # The way back to the client page, and the statement kept out of the sitemap.
    assert 'href="../">Invoices for Harbour &amp; Finch Ltd.</a>' in html
    assert "/c/" not in (built_sample / "site" / "sitemap.xml").read_text(encoding="utf-8")

def test_older_years_get_their_own_statements_that_chain_into_the_client_page(site_copy):
    from conftest import mkdocs_build, write_files

    # The sample's client gets an invoice of 2024, 800.00, paid 500.00 in 2024 and 300.00 on
    # 2025-02-10. By hand: 2024 opens on 0.00, +800.00 = 800.00, −500.00 = 300.00: closes on
    # 300.00; 2025 opens on 300.00, −300.00: closes on 0.00; 2026 opens on 0.00 and closes on
    # 7,836.80 as before. The build's day is 2026-11-23: the last 24 months start on 2024-11-23,
    # so 2024-100 (paid, issued before) and its payment of 2024 are off the client page; its
    # payment of 2025-02-10 is within them and stays in the payment history.
    write_files(site_copy, {"invoices/2024/2024-100.yml": (
        'number: "2024-100"\nclient: harbour-finch\nissued: 2024-09-02\n'
        "items:\n  - description: Website audit\n    unit_price: 800.00\n    tax: reverse charge\n"
        "payments:\n  - date: 2024-10-01\n    amount: 500.00\n  - date: 2025-02-10\n    amount: 300.00\n"
    )})
    result = mkdocs_build(site_copy, "--strict")
    assert result.returncode == 0, result.stderr
    html = client_page(site_copy)
    assert "2024-100" not in html[html.index('id="invoices-heading"') : html.index("</table>", html.index('id="invoices-heading"'))]
    history = html[html.index('id="history-heading"') : html.index('id="statements-heading"')]
    # The sample's payments of 2026, then 2024-100's of 2025; not its payment of 2024-10-01.
    assert re.findall(r'datetime="([^"]+)"', history) == ["2026-11-20", "2026-11-03", "2026-10-25", "2026-08-28", "2025-02-10"]
    assert "Documents and payments older than 24 months are in the statements by year." in text_of(html)
    years = re.findall(r'data-statement-year="(\d+)"[^>]*>.*?data-opening>([^<]+)<.*?data-closing>([^<]+)<', html, re.S)
    assert years == [("2026", "€0.00", "€7,836.80"), ("2025", "€300.00", "€0.00"), ("2024", "€0.00", "€300.00")]
    for year, opening, closing in years:
        page = statement_page(site_copy, int(year))
        assert re.search(r"data-opening[^>]*>([^<]+)<", page).group(1) == opening
        assert re.search(r"data-closing[^>]*>([^<]+)<", page).group(1) == closing
    assert "January 1, 2024 to December 31, 2024" in text_of(statement_page(site_copy, 2024))
    lines = [" ".join(text_of(row).split()) for row in re.findall(r"<tr role=\"row\" data-movement>(.*?)</tr>", statement_page(site_copy, 2025), re.S)]
    assert lines == ["Feb 10, 2025 Payment on invoice 2024-100 €300.00 €0.00"]
