"""Text stays text (SPEC §3): hostile and awkward strings in every text field of the YAML.

A real site is built twice with the real mkdocs: once with the hostile corpus below in every
text field of the business, the client, the invoice, its items and its payments, and once
with plain words in the same fields (the twin). The pages are parsed (html.parser) and:

- hold exactly the elements and attributes of the twin's pages: nothing came from the input;
- show every string literally in their text, their <title> and their attributes;
- carry the Content-Security-Policy; their JSON-LD cannot be closed from the data.

E-mails and calendar files get the same strings and must carry them literally.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import json
from email.header import decode_header, make_header
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from icalendar import Calendar

from conftest import SECRET, copy_site, mkdocs_build, token, write_files

CLIENT_ID = "hostile"
SITE_NAME = "Estudio Lumen"
SITE_URL = "https://example.github.io/invoices/"
CSP = "default-src 'self'; img-src 'self' data:; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
TODAY = datetime.date(2026, 11, 23)

# One string per text field. No newline, tab or control character in one-line fields (those
# are load errors); RTL marks (U+200F, U+200E) and emoji are ordinary text.
HOSTILE = {
    "business.name": "Kraftwerk & Co <Digital>; Lumen, GmbH",
    "business.legal_name": '<script>alert("legal")</script> S.L.',
    "business.tax_id": '"><svg onload=alert("tax")>',
    "business.phone": "+34 <960> 'x' \"y\"",
    "business.website": 'https://lumen.example/?q=<x>&y="z"',
    "business.email": "o'hara+co@lumen.example",
    "support.email": "help+desk'co@lumen.example",
    "support.phone": "+34 960 <b>124</b>",
    "support.hours": "<img src=x onerror=alert('hours')> Mon\u2013Fri \u200f\u0645\u0631\u062d\u0628\u0627\u200f",
    "bank.account_holder": "Lumen & <b>Holder</b> 'S.L.'",
    "client.name": '</script><script>alert("client")</script> & S\u00f6hne',
    "client.contact": "<img src=x onerror=alert('contact')> O'Neil \U0001f9fe",
    "client.email": "o'neil+inv&co@client.example",
    "client.tax_id": "{{ 7*7 }} {% raw %} ${7*7}",
    "invoice.number": "A&B<1>\"2'",
    "item.description": '<script>alert("item")</script> Logo & <header>Brand</header>',
    "item.unit": "<b>h</b> \u200eLTR\u200e",
    "payment.method": '"><img src=x onerror=alert("method")>',
    "payment.reference": "<script>alert('ref')</script> \u2039ref\u203a \U0001f4b6",
}
HOSTILE_ADDRESS = {
    "business.address": ["<header>Carrer</header> de la Pau 12, 3\u00ba", "46002 Val\u00e8ncia \u200f\u0645\u0631\u062d\u0628\u0627\u200f \U0001f9fe"],
    "client.address": ['"><svg onload=alert("addr")>', "<i>Port</i> 88 & 'Quay' \U0001f642"],
}
HOSTILE_NOTES = """Thanks & <b>bold?</b> <script>alert("notes")</script>

[click](javascript:alert('link')) [rel](/relative) [proto](//evil.example/x) [data](data:text/html,hi)

![pic](https://evil.example/x.png)

<img src=x onerror=alert('notes-img')>

[terms](https://lumen.example/terms)"""
# Shown literally in the notes (raw HTML and refused links are text; an image is its alt text).
NOTES_TEXT = [
    "Thanks & <b>bold?</b> <script>alert(\"notes\")</script>",
    "[click](javascript:alert('link')) [rel](/relative) [proto](//evil.example/x) [data](data:text/html,hi)",
    "pic",
    "<img src=x onerror=alert('notes-img')>",
]

PLAIN = {key: f"Plain {key.replace('.', ' ')}" for key in HOSTILE} | {
    "business.website": "https://lumen.example/plain",
    "business.email": "hola@lumen.example",
    "support.email": "help@lumen.example",
    "client.email": "ap@client.example",
    "invoice.number": "2026-900",
}
PLAIN_ADDRESS = {key: ["Plain street 1", "Plain town 2"] for key in HOSTILE_ADDRESS}
PLAIN_NOTES = """Thanks and bold text

click rel proto data

pic

image

[terms](https://lumen.example/terms)"""


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value, ensure_ascii=False)


def site_files(values: dict[str, str], address: dict[str, list[str]], notes: str) -> dict[str, str]:
    v = {key: _q(value) for key, value in values.items()}
    return {
        "invoices/business.yml": f"""
name: {v["business.name"]}
legal_name: {v["business.legal_name"]}
tax_id: {v["business.tax_id"]}
address: {_q(chr(10).join(address["business.address"]))}
country: ES
email: {v["business.email"]}
phone: {v["business.phone"]}
website: {v["business.website"]}
currency: EUR
language: en
payment:
  bank_transfer:
    account_holder: {v["bank.account_holder"]}
    iban: ES67 2085 9252 0903 3006 3402
    bic: CAZRES2Z
support:
  email: {v["support.email"]}
  phone: {v["support.phone"]}
  hours: {v["support.hours"]}
""",
        f"invoices/clients/{CLIENT_ID}.yml": f"""
name: {v["client.name"]}
contact: {v["client.contact"]}
email: {v["client.email"]}
tax_id: {v["client.tax_id"]}
address: {_q(chr(10).join(address["client.address"]))}
country: DE
language: en
""",
        "invoices/2026/hostile.yml": f"""
number: {v["invoice.number"]}
client: {CLIENT_ID}
issued: 2026-11-10
items:
  - description: {v["item.description"]}
    quantity: 2
    unit: {v["item.unit"]}
    unit_price: 100.00
    tax: 21%
payments:
  - date: 2026-11-20
    amount: 50.00
    method: {v["payment.method"]}
    reference: {v["payment.reference"]}
notes: {_q(notes)}
""",
    }



def invoice_folder(root: Path, number: str) -> Path:
    return root / "site" / "i" / token("invoice", CLIENT_ID, "1", number)


def client_folder(root: Path) -> Path:
    return root / "site" / "c" / token("client", CLIENT_ID, "1")


def build(root: Path, values, address, notes) -> Path:
    copy_site(root, with_invoices=False)
    write_files(root, site_files(values, address, notes))
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"), HOSTILE, HOSTILE_ADDRESS, HOSTILE_NOTES)


@pytest.fixture(scope="module")
def twin(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("twin"), PLAIN, PLAIN_ADDRESS, PLAIN_NOTES)


# --- reading the HTML ---------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Where the page shows drawings of payloads and the user's Markdown: compared on their own.
SET_ASIDE = (("div", "invoice-qr__image"), ("section", "invoice-notes"))
# Scripts a private page may hold: data blocks, and files of the site with these names.
DATA_SCRIPTS = {"application/ld+json", "application/json"}
SCRIPT_FILES = ("assets/javascripts/invoice.js", "assets/javascripts/bundle.")


class Page(HTMLParser):
    """Every element (tag and attributes, in order), text node, and the set-aside regions."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], bool]] = []  # (tag, attributes, set aside)
        self.texts: list[str] = []
        self.title = ""
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.regions: dict[str, list[tuple[str, dict]]] = {cls: [] for _, cls in SET_ASIDE}
        self.region_texts: dict[str, list[str]] = {cls: [] for _, cls in SET_ASIDE}
        self._stack: list[str] = []
        self._aside: tuple[str, int] | None = None  # (region class, depth at which it opened)
        self._script: dict | None = None
        self._script_text: list[str] = []
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._aside is None:
            for region_tag, cls in SET_ASIDE:
                if tag == region_tag and cls in (attributes.get("class") or "").split():
                    self._aside = (cls, len(self._stack))
        self.elements.append((tag, attributes, self._aside is not None))
        if self._aside is not None:
            self.regions[self._aside[0]].append((tag, attributes))
        if tag == "script":
            self._script, self._script_text = attributes, []
        self._in_title = tag == "title"
        if tag not in VOID:
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        self._in_title = False
        if tag in self._stack:
            while self._stack:
                if self._stack.pop() == tag:
                    break
        if self._aside is not None and len(self._stack) <= self._aside[1]:
            self._aside = None

    def handle_data(self, data):
        if self._script is not None:
            self._script_text.append(data)
            return
        if self._stack and self._stack[-1] == "style":
            return
        if self._in_title:
            self.title += data
        if data.strip():
            self.texts.append(data)
            if self._aside is not None:
                self.region_texts[self._aside[0]].append(data)

    def shows(self, value: str) -> bool:
        """Whether one text node shows ``value`` literally."""
        return any(value in " ".join(text.split()) for text in self.texts)


def injected_markup(html: str, twin_html: str) -> list[str]:
    """What a page holds that did not come from the templates: each finding as a sentence.

    Its elements and attribute names must be exactly the twin's (the same page built from
    plain words), outside the regions compared on their own; no element carries an event
    handler; every script is a data block or one of the site's own files.
    """
    page, twin = Page(html), Page(twin_html)
    findings = []
    shape = [(tag, sorted(attributes)) for tag, attributes, aside in page.elements if not aside]
    twin_shape = [(tag, sorted(attributes)) for tag, attributes, aside in twin.elements if not aside]
    if shape != twin_shape:
        extra = Counter(map(repr, shape)) - Counter(map(repr, twin_shape))
        missing = Counter(map(repr, twin_shape)) - Counter(map(repr, shape))
        findings.append(f"elements differ from the twin page: extra {sorted(extra)}, missing {sorted(missing)}")
    for tag, attributes, _ in page.elements:
        handlers = [name for name in attributes if name.startswith("on")]
        if handlers:
            findings.append(f"<{tag}> carries event handlers {handlers}")
    for attributes, text in page.scripts:
        if attributes.get("type") in DATA_SCRIPTS:
            continue
        src = attributes.get("src") or ""
        if not src or text.strip() or not any(name in src for name in SCRIPT_FILES):
            findings.append(f"a script that is not one of the site's files: {attributes} {text[:60]!r}")
    return findings


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- the checker itself can fail ------------------------------------------------------


def test_the_checks_catch_a_planted_script_element(hostile, twin):
    html = read(invoice_folder(hostile, HOSTILE["invoice.number"]) / "index.html")
    twin_html = read(invoice_folder(twin, PLAIN["invoice.number"]) / "index.html")
    assert injected_markup(html, twin_html) == []
    # What an unescaped item description would have written:
    escaped = "&lt;script&gt;alert(&#34;item&#34;)&lt;/script&gt;"
    assert escaped in html
    planted = html.replace(escaped, '<script>alert("item")</script>', 1)
    findings = injected_markup(planted, twin_html)
    assert any("elements differ" in finding and "'script'" in finding for finding in findings)
    assert any("not one of the site's files" in finding for finding in findings)
    # ... and an unescaped tax id: an <svg> with an onload handler.
    planted = html.replace("&#34;&gt;&lt;svg onload=alert(&#34;tax&#34;)&gt;", '"><svg onload=alert("tax")>', 1)
    findings = injected_markup(planted, twin_html)
    assert any("<svg> carries event handlers ['onload']" in finding for finding in findings)
    # ... and text lost to an element is not shown literally any more.
    assert not Page(planted).shows(HOSTILE["business.tax_id"])


# --- the pages -------------------------------------------------------------------------


def test_no_element_or_attribute_comes_from_the_input(hostile, twin):
    number, plain_number = HOSTILE["invoice.number"], PLAIN["invoice.number"]
    pairs = [
        (invoice_folder(hostile, number) / "index.html", invoice_folder(twin, plain_number) / "index.html"),
        (client_folder(hostile) / "index.html", client_folder(twin) / "index.html"),
    ]
    for page, twin_page in pairs:
        assert injected_markup(read(page), read(twin_page)) == [], page


def test_every_string_is_shown_literally_on_the_invoice_page(hostile):
    page = Page(read(invoice_folder(hostile, HOSTILE["invoice.number"]) / "index.html"))
    shown = [value for key, value in HOSTILE.items()]
    shown += [line for lines in HOSTILE_ADDRESS.values() for line in lines]
    missing = [value for value in shown if not page.shows(value)]
    assert missing == []
    number = HOSTILE["invoice.number"]
    assert page.title == f"Invoice {number} \u00b7 {SITE_NAME}"
    # The page's heading (the private header shows the business, not the page title).
    assert sum(" ".join(text.split()) == f"Invoice {number}" for text in page.texts) == 1


def test_attributes_hold_the_literal_text(hostile):
    number = HOSTILE["invoice.number"]
    page = Page(read(invoice_folder(hostile, number) / "index.html"))
    attributes = [a for _, a, _ in page.elements]
    qr = [a for a in attributes if "invoice-qr__image" in (a.get("class") or "")]
    assert len(qr) == 1
    assert HOSTILE["bank.account_holder"] in qr[0]["aria-label"]
    assert f"reference {number}." in qr[0]["aria-label"]
    mailto = [a["href"] for a in attributes if (a.get("href") or "").startswith("mailto:" + HOSTILE["support.email"])]
    assert len(mailto) == 1
    assert unquote(mailto[0].split("?subject=", 1)[1]) == f"Invoice {number}"
    assert {"href": HOSTILE["business.website"], "rel": "noopener noreferrer"} in attributes
    # The client's address in a mailto: link, its "&" percent-encoded (RFC 6068: a bare "&" would
    # start another header field for the mail client).
    client_links = [a["href"] for a in attributes if unquote(a.get("href") or "") == "mailto:" + HOSTILE["client.email"]]
    assert client_links == ["mailto:o'neil+inv%26co@client.example"]
    client = Page(read(client_folder(hostile) / "index.html"))
    assert number in [a.get("data-number") for _, a, _ in client.elements]


def test_the_client_page_shows_every_string_literally(hostile):
    page = Page(read(client_folder(hostile) / "index.html"))
    name = HOSTILE["client.name"]
    assert page.title == f"Invoices for {name} \u00b7 {SITE_NAME}"
    for value in (f"Invoices for {name}", HOSTILE["invoice.number"], HOSTILE["payment.method"], HOSTILE["payment.reference"]):
        assert page.shows(value), value


def test_notes_are_markdown_without_html_images_or_foreign_links(hostile, twin):
    page = Page(read(invoice_folder(hostile, HOSTILE["invoice.number"]) / "index.html"))
    region = page.regions["invoice-notes"]
    assert [tag for tag, _ in region] == ["section", "h2", "p", "p", "p", "p", "p", "a"]
    links = [attributes for tag, attributes in region if tag == "a"]
    assert links == [{"href": "https://lumen.example/terms", "rel": "nofollow noopener noreferrer"}]
    texts = [" ".join(text.split()) for text in page.region_texts["invoice-notes"]]
    for line in NOTES_TEXT:
        assert line in texts, line
    twin_page = Page(read(invoice_folder(twin, PLAIN["invoice.number"]) / "index.html"))
    assert [tag for tag, _ in twin_page.regions["invoice-notes"]] == [tag for tag, _ in region]


def test_jsonld_cannot_be_closed_from_the_data(hostile):
    html = read(invoice_folder(hostile, HOSTILE["invoice.number"]) / "index.html")
    page = Page(html)
    blocks = [text for attributes, text in page.scripts if attributes.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    assert "<" not in blocks[0] and "&" not in blocks[0].replace("\\u0026", "")
    data = json.loads(blocks[0])
    assert data["customer"]["name"] == HOSTILE["client.name"]
    assert data["provider"]["name"] == HOSTILE["business.name"]
    assert data["confirmationNumber"] == HOSTILE["invoice.number"]


def test_every_private_page_carries_the_policy_before_any_script(hostile):
    for folder in (invoice_folder(hostile, HOSTILE["invoice.number"]), client_folder(hostile)):
        page = Page(read(folder / "index.html"))
        tags = [(tag, attributes) for tag, attributes, _ in page.elements]
        policies = [i for i, (tag, a) in enumerate(tags) if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(policies) == 1
        assert tags[policies[0]][1]["content"] == CSP
        first_script = next(i for i, (tag, _) in enumerate(tags) if tag == "script")
        assert policies[0] < first_script
        # No inline script at all: the policy would block it.
        assert [a for a, text in page.scripts if text.strip() and a.get("type") not in DATA_SCRIPTS] == []


def test_public_pages_are_exactly_what_material_renders_without_the_hook(hostile, tmp_path):
    # The hook turns autoescaping on for every template: the public pages (Markdown with
    # headings and links, Material's own header, footer and translations) must not change.
    root = copy_site(tmp_path / "plain", with_invoices=False)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n  - hooks/invoices.py\n", ""), encoding="utf-8")
    assert "hooks/invoices.py" not in config.read_text(encoding="utf-8")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "404.html"):
        built = read(hostile / "site" / name)
        assert built == read(root / "site" / name), name
        assert "&amp;amp;" not in built and "&lt;" not in built
    home = Page(read(hostile / "site" / "index.html"))
    assert ("h1", {"id": "estudio-lumen"}) in [(tag, a) for tag, a, _ in home.elements]
    assert any(tag == "a" and a.get("href", "").startswith("mailto:") for tag, a, _ in home.elements)


# --- e-mails and calendar files --------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(hostile):
    from invoicepub.site import load_site

    return load_site(hostile, secret=SECRET, today=TODAY)


def test_reminder_email_carries_the_strings_literally_and_no_extra_header(hostile_site):
    from invoicepub.mail import compose
    from invoicepub.reminders import Reminder

    entry = hostile_site.published[0]
    message = compose(Reminder(entry, "overdue-1", entry.invoice.due, entry.figures.to_pay_now, "overdue-1"), hostile_site, site_url=SITE_URL, sender="billing@lumen.example")
    body = message.get_content()
    for value in (HOSTILE["client.contact"], HOSTILE["invoice.number"], HOSTILE["business.name"], HOSTILE["bank.account_holder"]):
        assert value in body, value
    assert "&amp;" not in body and "&lt;" not in body and "&#" not in body
    number = HOSTILE["invoice.number"]
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert list(parsed.keys()) == list(message.keys())
    assert number in parsed["Subject"]
    assert parsed["Subject"] == message["Subject"]
    # The contact has an emoji: its name travels as RFC 2047 encoded words, whose "<", ">"
    # and quotes are text, not address syntax. (Python's own parser puts a space between
    # folded encoded words, so the phrase is decoded as RFC 2047 says.)
    raw_to = email.message_from_bytes(message.as_bytes(), policy=email.policy.compat32)["To"]
    phrase, _, address = " ".join(raw_to.split()).rpartition(" <")
    assert address == HOSTILE["client.email"] + ">"
    assert phrase.startswith("=?utf-8?") and "<" not in phrase and "'" not in phrase
    assert str(make_header(decode_header(phrase))) == HOSTILE["client.contact"]
    (sender,) = parsed["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (HOSTILE["business.name"], "billing@lumen.example")
    assert parsed.get_content() == body


def test_reminder_templates_are_text_and_html_templates_would_be_escaped():
    from invoicepub import mail

    assert mail._templates.autoescape("reminder.txt") is False
    assert mail._templates.autoescape("reminder.html") is True
    hostile = mail._templates.from_string("{{ name }}").render(name="<b>&</b>")
    assert hostile == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_calendar_files_escape_per_rfc_5545_and_read_back_the_same_text(hostile):
    number, business = HOSTILE["invoice.number"], HOSTILE["business.name"]
    for path in (invoice_folder(hostile, number) / "due-date.ics", client_folder(hostile) / "due-dates.ics"):
        raw = path.read_bytes()
        # Commas and semicolons are escaped in text values; nothing is HTML-escaped.
        assert b"Kraftwerk & Co <Digital>\\; Lumen\\, GmbH" in raw.replace(b"\r\n ", b"")
        assert b"&amp;" not in raw and b"&lt;" not in raw
        (event,) = Calendar.from_ical(raw).walk("VEVENT")
        summary = str(event["SUMMARY"])
        assert number in summary and business in summary
        assert summary.startswith(f"Invoice {number} due: ")


# --- the Markdown of notes (and later details) ----------------------------------------

@pytest.mark.parametrize(
    "markdown, html",
    [
        ("a & <b>b</b> <script>x()</script>", "<p>a &amp; &lt;b&gt;b&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](JaVaScRiPt&#58;alert(1))", "<p>[x](JaVaScRiPt:alert(1))</p>\n"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>\n"),
        ("[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>\n"),
        ("[x](//evil.example/a)", "<p>[x](//evil.example/a)</p>\n"),
        ("[x](/relative)", "<p>[x](/relative)</p>\n"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
        ("[r]: javascript:alert(1)\n\n[x][r]", "<p>[r]: javascript:alert(1)</p>\n<p>[x][r]</p>\n"),
        ("![alt & <i>](https://evil.example/p.png)", "<p>alt &amp; &lt;i&gt;</p>\n"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        (
            '[ok](https://a.example/?a=1&b="2")',
            '<p><a href="https://a.example/?a=1&amp;b=%222%22" rel="nofollow noopener noreferrer">ok</a></p>\n',
        ),
        ("<hola@b.example>", '<p><a href="mailto:hola@b.example" rel="nofollow noopener noreferrer">hola@b.example</a></p>\n'),
        ("[x](HTTP://A.EXAMPLE)", '<p><a href="HTTP://A.EXAMPLE" rel="nofollow noopener noreferrer">x</a></p>\n'),
        ("# Title\n\n**bold** _em_ `code`", "<h3>Title</h3>\n<p><strong>bold</strong> <em>em</em> <code>code</code></p>\n"),
    ],
)
def test_markdown_to_html_keeps_text_as_text(markdown, html):
    from invoicepub.rich_text import markdown_to_html

    assert markdown_to_html(markdown) == html
    assert markdown_to_html(markdown).__html__() == html  # Markup: shown as is by templates


def test_the_second_guard_removes_what_the_parser_would_let_through():
    # Should a parser rule ever emit raw HTML, nh3 keeps only the allow-list.
    from invoicepub import rich_text

    original = rich_text._markdown.options["html"]
    rich_text._markdown.options["html"] = True
    try:
        html = rich_text.markdown_to_html('<img src=x onerror=alert(1)><a href="javascript:x()">a</a><a href="/r">r</a><script>s()</script>')
    finally:
        rich_text._markdown.options["html"] = original
    assert "<img" not in html and "<script" not in html and "javascript:" not in html and "href" not in html


def test_headings_and_the_copyright_line_are_not_escaped_twice(tmp_path):
    # Markdown escapes a heading's "&" itself, and a copyright line may hold a link: with
    # autoescaping on, both must still render exactly as Material renders them without the hook.
    faq = "# Questions\n\n## Q&A <small>for clients</small>\n\nAsk us anything.\n\n## Prices & terms\n\nSee your invoice.\n"
    copyright_line = 'copyright: Copyright &copy; 2026 <a href="https://estudiolumen.example">Estudio Lumen</a>\n'
    built = {}
    for variant in ("hook", "theme"):
        root = copy_site(tmp_path / variant)
        (root / "docs" / "faq.md").write_text(faq, encoding="utf-8")
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8").replace("  - Home: index.md\n", "  - Home: index.md\n  - Questions: faq.md\n") + copyright_line
        if variant == "theme":
            text = text.replace("hooks:\n  - hooks/invoices.py\n", "")
        config.write_text(text, encoding="utf-8")
        result = mkdocs_build(root, "--strict")
        assert result.returncode == 0, result.stderr
        built[variant] = read(root / "site" / "faq" / "index.html")
    assert built["hook"] == built["theme"]
    page = Page(built["hook"])
    assert "&amp;amp;" not in built["hook"] and "&lt;a href" not in built["hook"]
    text = " ".join(" ".join(part.split()) for part in page.texts)
    assert "Q&A for clients" in text and "Prices & terms" in text  # headings and table of contents
    assert ("a", {"href": "https://estudiolumen.example"}) in [(tag, a) for tag, a, _ in page.elements]
