"""One invoice, one account (SPEC §7): the bank details beside a code are that code's account and reference."""

from __future__ import annotations

import datetime
import hashlib
import hmac
from html.parser import HTMLParser


from conftest import SECRET, TODAY, run_invoices, write_files


def token(*parts: str) -> str:
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


class BankDetails(HTMLParser):
    """The <dt>/<dd> pairs of the page's bank details block (dl.invoice-bank), as text."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 inside dl.invoice-bank
        self.current: str | None = None
        self.terms: list[str] = []
        self.values: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "dl" and "invoice-bank" in classes:
            self.depth = 1
        elif self.depth and tag in ("dt", "dd"):
            self.current = tag
            (self.terms if tag == "dt" else self.values).append("")

    def handle_endtag(self, tag):
        if tag == "dl" and self.depth:
            self.depth = 0
        if tag in ("dt", "dd"):
            self.current = None

    def handle_data(self, data):
        if self.depth and self.current:
            target = self.terms if self.current == "dt" else self.values
            target[-1] += data


def bank_details(html: str) -> dict[str, str]:
    parser = BankDetails()
    parser.feed(html)
    return {term.strip(): value.strip() for term, value in zip(parser.terms, parser.values)}


def page(root, client: str, number: str) -> str:
    return (root / "site" / "i" / token("invoice", client, "1", number) / "index.html").read_text(encoding="utf-8")


def test_a_swiss_qr_bill_invoice_quotes_the_swiss_account_only(built_sample):
    html = page(built_sample, "alpenblick", "2026-007")
    details = bank_details(html)
    # business.yml: swiss_qr iban CH44 3199 9123 0008 8901 2 (a QR-IBAN), name Lumen GmbH.
    # QR reference: the number's digits 2026007, zero-padded to 26, plus the mod-10 recursive digit.
    from stdnum.ch import esr

    body = "2026007".rjust(26, "0")
    assert details["IBAN"] == "CH44 3199 9123 0008 8901 2"
    # alpenblick reads German: "Kontoinhaber", "Verwendungszweck" (locale/de/LC_MESSAGES/messages.po)
    assert details["Kontoinhaber"] == "Lumen GmbH"
    assert details["Verwendungszweck"] == body + esr.calc_check_digit(body)
    assert "BIC" not in details
    # The Spanish account appears nowhere on this page.
    assert "ES67" not in html and "2085 9252" not in html and "CAZRES2Z" not in html


def test_a_czk_invoice_quotes_the_czech_account_and_variable_symbol(built_sample):
    details = bank_details(page(built_sample, "vltava-studio", "2026-008"))
    assert details["IBAN"] == "CZ65 0800 0000 1920 0014 5399"
    assert details["Reference to quote"] == "2026008"  # the variable symbol: the number's digits


def test_a_eur_invoice_quotes_the_bank_transfer_account(built_sample):
    details = bank_details(page(built_sample, "harbour-finch", "2026-003"))
    assert details["IBAN"] == "ES67 2085 9252 0903 3006 3402"
    assert details["BIC"] == "CAZRES2Z"
    assert details["Account holder"] == "Estudio Lumen, S.L."
    assert details["Reference to quote"] == "2026-003"


def test_a_reminder_mentions_a_qr_code_only_when_the_page_shows_one(site_copy):
    # A USD invoice: no rail draws a code for USD, so the page shows bank details and links only.
    write_files(
        site_copy,
        {
            "invoices/clients/gotham.yml": "name: Gotham Prints Inc.\nemail: ap@gotham.example\ncountry: US\nlanguage: en\ncurrency: USD\n",
            "invoices/2026/usd.yml": 'number: "2026-090"\nclient: gotham\nissued: 2026-11-01\ndue: 2026-11-26\nitems:\n  - description: Poster\n    unit_price: 900.00\n',
        },
    )
    result = run_invoices(site_copy, "remind", today="2026-11-26")
    assert result.returncode == 0, result.stderr
    usd = result.stdout.split("--- reminder for invoice 2026-090")[1].split("--- ")[0]
    assert "You can see the invoice and its payment history here:" in usd
    assert "QR" not in usd
    assert "IBAN: ES67 2085 9252 0903 3006 3402" in usd
    eur = run_invoices(site_copy, "remind", today="2026-12-02").stdout  # 2026-004 (EPC) is due that day
    assert "su historial de pagos y un código QR de pago aquí:" in eur


def test_a_calendar_event_mentions_a_qr_code_only_when_the_page_shows_one(site_copy):
    from icalendar import Calendar

    from invoicepub import calendar
    from invoicepub.site import load_site

    write_files(
        site_copy,
        {
            "invoices/clients/gotham.yml": "name: Gotham Prints Inc.\nemail: ap@gotham.example\ncountry: US\nlanguage: en\ncurrency: USD\n",
            "invoices/2026/usd.yml": 'number: "2026-090"\nclient: gotham\nissued: 2026-11-01\ndue: 2026-11-26\nitems:\n  - description: Poster\n    unit_price: 900.00\n',
        },
    )
    site = load_site(site_copy, secret=SECRET, today=datetime.date.fromisoformat(TODAY))
    files = dict(calendar.calendar_files(site, site_url="https://example.github.io/invoices/"))
    descriptions = {}
    for number in ("2026-090", "2026-003"):
        entry = site.entry(number)
        (event,) = Calendar.from_ical(files[f"{entry.folder}/{calendar.INVOICE_FILE}"]).walk("VEVENT")
        descriptions[number] = str(event["description"])
    assert descriptions["2026-090"].endswith(f"Invoice and payment details: https://example.github.io/invoices/{site.entry('2026-090').path}")
    assert "QR" not in descriptions["2026-090"]
    assert "payment details and QR code:" in descriptions["2026-003"]  # an EPC code is on that page
