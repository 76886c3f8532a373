"""Build the sample site with the real mkdocs and read what it publishes.

Figures below are worked out by hand from the sample files in invoices/ (today = 2026-11-23).
Link tokens are recomputed here with hmac, independently of the code under test.
"""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import copy_site, mkdocs_build, token, write_files

SITE_URL = "https://example.github.io/invoices/"



CLIENTS = {
    "harbour-finch": "Harbour & Finch Ltd.",
    "cafe-olivar": "Café Olivar, S.L.",
    "alpenblick": "Alpenblick Verlag AG",
    "vltava-studio": "Vltava Studio s.r.o.",
    "chai-works": "Chai Works Pvt. Ltd.",
    "sabia-cafe": "Sabiá Café Ltda.",
}
INVOICE_CLIENT = {
    "2026-001": "harbour-finch",
    "2026-002": "cafe-olivar",
    "2026-003": "harbour-finch",
    "2026-004": "cafe-olivar",
    "2026-005": "harbour-finch",
    "2026-007": "alpenblick",
    "2026-008": "vltava-studio",
    "2026-009": "chai-works",
    "2026-010": "sabia-cafe",
    "2026-011": "harbour-finch",  # follows from the accepted estimate Q-2026-001
    "2026-012": "harbour-finch",  # a payment plan: deposit and two instalments
    "2026-013": "cafe-olivar",  # written by the recurring series invoices/recurring/hosting-olivar.yml
    "Q-2026-001": "harbour-finch",  # an accepted estimate
    "Q-2026-002": "harbour-finch",  # an open estimate
    "R-2026-001": "harbour-finch",  # a credit note on 2026-003
}
DOCUMENT_WORD = {"Q": "Estimate", "R": "Credit note"}  # by the number's series; every other one is an invoice
LANGUAGE = {"cafe-olivar": "es", "alpenblick": "de", "sabia-cafe": "pt"}
INVOICE_WORD = {"es": "Factura", "de": "Rechnung", "pt": "Fatura"}  # from each locale/*/messages.po
DRAFT = "2026-006"


def invoice_html(root: Path, number: str) -> str:
    path = root / "site" / "i" / token("invoice", INVOICE_CLIENT[number], "1", number) / "index.html"
    return path.read_text(encoding="utf-8")


def client_html(root: Path, client_id: str) -> str:
    return (root / "site" / "c" / token("client", client_id, "1") / "index.html").read_text(encoding="utf-8")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        self._in_jsonld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag):
        self._in_jsonld = False


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def script_sources(html: str) -> list[str]:
    return [attributes["src"] for tag, attributes in parse(html).tags if tag == "script" and attributes.get("src")]


def text_of(html: str) -> str:
    """Visible-ish text with tags removed and whitespace folded, for simple checks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


def test_every_published_invoice_and_client_has_its_page(built_sample):
    for number, client_id in INVOICE_CLIENT.items():
        title = DOCUMENT_WORD.get(number[0]) or INVOICE_WORD.get(LANGUAGE.get(client_id), "Invoice")
        html = invoice_html(built_sample, number)
        assert f">{title} {number}<" in html
        # the private header names the business and holds no search box and no navigation drawer
        assert '<span class="invoice-header__name">Estudio Lumen</span>' in html
        assert 'class="md-search"' not in html and 'for="__search"' not in html  # no search box, no search button
        assert 'class="md-header__button md-icon" for="__drawer"' not in html  # no menu button
    for client_id in CLIENTS:
        assert client_html(built_sample, client_id)
    pages = sorted(p.relative_to(built_sample / "site").as_posix() for p in (built_sample / "site").rglob("index.html"))
    assert len([p for p in pages if p.startswith("i/")]) == len(INVOICE_CLIENT)
    assert len([p for p in pages if p.startswith("c/") and p.count("/") == 2]) == len(CLIENTS)
    # and one statement page per client for 2026, the only year the sample's accounts moved in
    assert len([p for p in pages if re.fullmatch(r"c/[0-9a-f]{32}/2026/index.html", p)]) == len(CLIENTS)
    assert len([p for p in pages if p.startswith("c/")]) == 2 * len(CLIENTS)


def test_drafts_are_never_published(built_sample):
    for path in (built_sample / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            assert DRAFT not in path.read_text(encoding="utf-8"), path


def test_spanish_invoice_figures_and_language(built_sample):
    html = invoice_html(built_sample, "2026-004")
    text = text_of(html)
    assert '<html lang="es"' in html
    # 450.00 − 10 % = 405.00; 6.5 × 42.00 = 273.00; 50 × 7.35 = 367.50
    for amount in ("405,00 €", "273,00 €", "367,50 €"):
        assert amount in text
    assert "Subtotal 1.045,50 €" in text.replace("\xa0", " ")
    assert "IVA 21 % sobre 678,00 €" in text.replace("\xa0", " ")
    assert "142,38 €" in text and "14,70 €" in text  # 21 % of 678.00; 4 % of 367.50
    assert "Total 1.202,58 €" in text.replace("\xa0", " ")
    assert "\u2212156,83 €" in text.replace("\xa0", " ")  # IRPF 15 % of 1045.50 = 156.825 → 156.83, with U+2212
    assert "Importe pendiente 1.045,75 €" in text.replace("\xa0", " ")
    assert "2 de diciembre de 2026" in text  # issued 2 Nov + 30 days
    assert "Pendiente" in text


def test_english_invoice_with_payment_and_rebate(built_sample):
    html = invoice_html(built_sample, "2026-003")
    text = text_of(html)
    assert '<html lang="en"' in html
    # 64 × 38.50 = 2464.00; 6 × 140 − 10 % = 756.00; rebate −150.00 → 3070.00; −5 % = 153.50 → 2916.50;
    # paid 1000.00; credit note R-2026-001 119.70 → balance 2916.50 − 1000.00 − 119.70 = 1796.80
    for amount in ("€2,464.00", "€756.00", "\u2212€150.00", "€3,070.00", "\u2212€153.50", "€2,916.50", "\u2212€1,000.00", "\u2212€119.70", "€1,796.80"):
        assert amount in text, amount
    assert "Partially paid" in text
    assert "HF-20261025-7" in text  # the payment history
    assert 'href="#pay"' in html and 'id="pay"' in html


def test_jsonld_is_exactly_the_spec(built_sample):
    expected = {
        "2026-001": ("https://schema.org/PaymentComplete", "0.00"),
        "2026-002": ("https://schema.org/PaymentPastDue", "975.20"),  # 920.00 + 193.20 − 138.00
        "2026-003": ("https://schema.org/PaymentDue", "1796.80"),  # 2916.50 − 1000.00 − 119.70 credited
        "2026-004": ("https://schema.org/PaymentDue", "1045.75"),
        "2026-005": (None, "0.00"),
    }
    due = {"2026-001": "2026-09-02", "2026-002": "2026-10-01", "2026-003": "2026-12-20", "2026-004": "2026-12-02", "2026-005": "2026-11-17"}
    for number, (status, value) in expected.items():  # the other currencies: test_payment_rails
        blocks = parse(invoice_html(built_sample, number)).jsonld
        assert len(blocks) == 1
        data = json.loads(blocks[0])
        wanted = {
            "@context": "https://schema.org",
            "@type": "Invoice",
            "confirmationNumber": number,
            "paymentDueDate": due[number],
            "totalPaymentDue": {"@type": "MonetaryAmount", "value": value, "currency": "EUR"},
            "provider": {"@type": "Organization", "name": "Estudio Lumen"},
            "customer": {"@type": "Organization", "name": CLIENTS[INVOICE_CLIENT[number]]},
        }
        if status:
            wanted["paymentStatus"] = status
        assert data == wanted, number


def test_void_and_paid_invoices_offer_no_way_to_pay(built_sample):
    for number in ("2026-001", "2026-005"):
        html = invoice_html(built_sample, number)
        assert 'id="pay"' not in html and "<svg" not in html.split('class="invoice-page')[1]
    assert "Void" in text_of(invoice_html(built_sample, "2026-005"))


def test_client_page_totals_invoices_and_history(built_sample):
    text = text_of(client_html(built_sample, "cafe-olivar")).replace("\xa0", " ")
    # outstanding 975.20 + 1045.75 + 63.60 (2026-013: 60.00 + 12.60 IVA − 9.00 IRPF) = 2084.55;
    # overdue 975.20 (2026-002, due 1 Oct)
    assert "EUR 2.084,55 € 975,20 €" in text
    assert "2026-004" in text and "2026-002" in text
    harbour = client_html(built_sample, "harbour-finch")
    harbour_text = text_of(harbour)
    # outstanding 1796.80 (2026-003 after its credit note) + 2340.00 (2026-011) + 3700.00 (2026-012:
    # 6000.00 − 1800.00 − 500.00) = 7836.80; nothing overdue (2026-012's next instalment is due 15 Dec)
    assert "EUR €7,836.80 €0.00" in harbour_text
    # payment history newest first
    assert harbour_text.index("HF-20261025-7") < harbour_text.index("HF-20260828-1")
    # every invoice row links to its private page, relative to the client page
    for number in ("2026-001", "2026-003", "2026-005"):
        invoice_token = token("invoice", "harbour-finch", "1", number)
        assert f'href="../../i/{invoice_token}/"' in harbour
    # an open invoice links to its own "how to pay" block
    assert f'href="../../i/{token("invoice", "harbour-finch", "1", "2026-003")}/#pay"' in harbour


def test_invoice_page_does_not_reveal_the_client_page(built_sample):
    for number, client_id in INVOICE_CLIENT.items():
        assert token("client", client_id, "1") not in invoice_html(built_sample, number)


def test_private_pages_are_not_indexed_and_send_no_referrer(built_sample):
    for path in list((built_sample / "site" / "i").rglob("*.html")) + list((built_sample / "site" / "c").rglob("*.html")):
        tags = parse(path.read_text(encoding="utf-8")).tags
        metas = {(a.get("name"), a.get("content")) for t, a in tags if t == "meta"}
        assert ("robots", "noindex, nofollow") in metas, path
        assert ("referrer", "no-referrer") in metas, path
        assert not any(a.get("class") == "invoice-preview" for t, a in tags), path


def test_no_page_loads_anything_from_another_origin(built_sample):
    for path in (built_sample / "site").rglob("*.html"):
        for tag, attributes in parse(path.read_text(encoding="utf-8")).tags:
            sources = [attributes.get("src")] + ([attributes.get("href")] if tag == "link" else [])
            for source in filter(None, sources):
                if tag == "link" and attributes.get("rel") == "canonical":
                    continue
                assert not re.match(r"^(https?:)?//", source), f"{path}: {tag} loads {source}"


def test_nothing_private_in_any_public_file(built_sample):
    site = built_sample / "site"
    secrets = [name for name in CLIENTS.values()] + ["Harbour &amp; Finch", "Café Olivar", "Harbour", "Olivar", "Alpenblick", "Vltava", "Chai Works", "Sabiá"]
    secrets += list(INVOICE_CLIENT) + [DRAFT]
    secrets += [token("client", c, "1") for c in CLIENTS]
    secrets += [token("invoice", c, "1", n) for n, c in INVOICE_CLIENT.items()]
    public = [p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] not in ("i", "c")]
    assert any(p.name == "sitemap.xml" for p in public) and any(p.name == "search_index.json" for p in public)
    assert any(p.name == "404.html" for p in public) and (site / "index.html") in public
    for path in public:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaks into {path.relative_to(site)}"
        assert not re.search(r"\b[ci]/[0-9a-f]{32}\b", text), path


def test_the_paper_templates_are_not_published(built_sample):
    # overrides/pdf/*.typ draw the PDFs where they are; the site carries the PDFs, not their templates.
    site = built_sample / "site"
    assert list(site.rglob("document.pdf")) and not list(site.rglob("*.typ"))


def test_sitemap_lists_only_public_pages(built_sample):
    sitemap = (built_sample / "site" / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert locations == [SITE_URL]


def test_search_index_has_only_public_pages(built_sample):
    index = json.loads((built_sample / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert {doc["location"].split("#")[0] for doc in index["docs"]} <= {""}


def test_links_are_stable_across_builds(built_sample, tmp_path):
    again = copy_site(tmp_path / "again")
    assert mkdocs_build(again).returncode == 0
    assert sorted(p.relative_to(again / "site") for p in (again / "site").rglob("index.html")) == sorted(
        p.relative_to(built_sample / "site") for p in (built_sample / "site").rglob("index.html")
    )


def test_link_version_revokes_old_links(site_copy):
    path = site_copy / "invoices" / "clients" / "harbour-finch.yml"
    path.write_text(path.read_text(encoding="utf-8") + "link_version: 2\n", encoding="utf-8")
    assert mkdocs_build(site_copy).returncode == 0
    site = site_copy / "site"
    assert not (site / "c" / token("client", "harbour-finch", "1")).exists()
    assert (site / "c" / token("client", "harbour-finch", "2") / "index.html").exists()
    assert (site / "i" / token("invoice", "harbour-finch", "2", "2026-003") / "index.html").exists()
    assert not (site / "i" / token("invoice", "harbour-finch", "1", "2026-003")).exists()


def test_without_secret_the_build_warns_and_marks_a_preview(site_copy):
    strict = mkdocs_build(site_copy, "--strict", secret=None)
    assert strict.returncode != 0
    assert "INVOICES_SECRET is not set" in strict.stderr
    relaxed = mkdocs_build(site_copy, secret=None)
    assert relaxed.returncode == 0
    pages = list((site_copy / "site" / "i").rglob("index.html"))
    assert pages and all('class="invoice-preview"' in p.read_text(encoding="utf-8") for p in pages)
    published = {token("invoice", c, "1", n) for n, c in INVOICE_CLIENT.items()}
    assert not published & {p.parent.name for p in pages}


def test_an_invalid_invoice_stops_the_build_and_publishes_nothing(site_copy):
    write_files(
        site_copy,
        {
            "invoices/2026/2026-007.yml": """
                number: "2026-007"
                client: cafe-olivar
                issued: 2026-11-20
                items:
                  - description: Typo here
                    quantiy: 3
                    unit_price: 10.00
                """,
        },
    )
    result = mkdocs_build(site_copy)
    assert result.returncode != 0
    assert "invoices/2026/2026-007.yml:6: unknown field 'quantiy' in an item (did you mean 'quantity'?)" in result.stderr
    assert not (site_copy / "site").exists()


def test_a_new_client_and_invoice_written_from_the_readme(site_copy):
    write_files(
        site_copy,
        {
            "invoices/clients/nordlicht.yml": """
                name: Nordlicht GmbH
                language: en
                """,
            "invoices/2026/2026-050.yml": """
                number: "2026-050"
                client: nordlicht
                issued: 2026-11-20
                items:
                  - description: Poster design
                    quantity: 3
                    unit_price: 333.33
                    tax: 21%
                """,
        },
    )
    assert mkdocs_build(site_copy).returncode == 0
    page = (site_copy / "site" / "i" / token("invoice", "nordlicht", "1", "2026-050") / "index.html").read_text(encoding="utf-8")
    # 3 × 333.33 = 999.99; 21 % = 209.9979 → 210.00; total 1209.99
    assert "€999.99" in page and "€210.00" in page and "€1,209.99" in page
    assert json.loads(parse(page).jsonld[0])["totalPaymentDue"]["value"] == "1209.99"


@pytest.mark.parametrize("setting", ["use_directory_urls: false"])
def test_pages_without_directory_urls(site_copy, setting):
    config = site_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + setting + "\n", encoding="utf-8")
    assert mkdocs_build(site_copy).returncode == 0
    client_page = (site_copy / "site" / "c" / token("client", "harbour-finch", "1") / "index.html").read_text(encoding="utf-8")
    assert f'href="../../i/{token("invoice", "harbour-finch", "1", "2026-003")}/index.html"' in client_page


def test_without_a_logo_the_header_shows_the_name_and_no_icon(site_copy):
    business = site_copy / "invoices/business.yml"
    business.write_text("".join(line for line in business.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("logo:")), encoding="utf-8")
    assert mkdocs_build(site_copy, "--strict").returncode == 0
    html = (site_copy / "site" / "i" / token("invoice", "harbour-finch", "1", "2026-003") / "index.html").read_text(encoding="utf-8")
    assert '<span class="invoice-header__name">Estudio Lumen</span>' in html
    assert "invoice-header__logo" not in html
    assert '<link rel="icon" href="data:,">' in html  # not the theme's generic icon, and no /favicon.ico request


def test_the_sample_builds_the_same_with_properdocs(built_sample, tmp_path):
    # ProperDocs, the maintained continuation of MkDocs 1.x, runs the same hook and theme:
    # the site users keep after Material's and MkDocs 1's end of life.
    root = copy_site(tmp_path / "site-root")
    result = mkdocs_build(root, "--strict", engine="properdocs")
    assert result.returncode == 0, result.stderr
    pages = sorted(p.relative_to(root / "site").as_posix() for p in (root / "site").rglob("*.html"))
    assert pages == sorted(p.relative_to(built_sample / "site").as_posix() for p in (built_sample / "site").rglob("*.html"))
    private = [page for page in pages if page.startswith(("i/", "c/"))]
    assert len(private) > 10
    for page in private:
        assert (root / "site" / page).read_bytes() == (built_sample / "site" / page).read_bytes(), page


def test_private_pages_load_only_their_own_scripts(built_sample):
    # Material's bundle (search, navigation) has nothing to do on a private page: 114 KB unused.
    pages = [p for p in (built_sample / "site").rglob("index.html") if p.relative_to(built_sample / "site").parts[0] in ("i", "c")]
    assert len(pages) > 10
    for page in pages:
        sources = script_sources(page.read_text(encoding="utf-8"))
        assert [Path(src).name for src in sources] == ["invoice.js"], (page, sources)
        # Deferred: the page is drawn before the script (it only reveals the print buttons).
        scripts = [a for tag, a in parse(page.read_text(encoding="utf-8")).tags if tag == "script" and a.get("src")]
        assert all("defer" in a for a in scripts), (page, scripts)
    public = script_sources((built_sample / "site" / "index.html").read_text(encoding="utf-8"))
    assert any(Path(src).name.startswith("bundle.") for src in public)  # the home page keeps the theme's


def stylesheets(html: str) -> list[str]:
    return [a["href"] for tag, a in parse(html).tags if tag == "link" and "stylesheet" in (a.get("rel") or "").split()]


def test_private_pages_load_only_their_own_stylesheets(built_sample):
    # Material's CSS (123 KiB, most of it for navigation, search and palettes) blocked the first
    # paint of a page that uses little of it: a private page loads two small files of the site.
    site = built_sample / "site"
    pages = [p for p in site.rglob("index.html") if p.relative_to(site).parts[0] in ("i", "c")]
    assert len(pages) > 10
    for page in pages:
        sheets = stylesheets(page.read_text(encoding="utf-8"))
        assert [Path(href).name for href in sheets] == ["private.css", "invoices.css"], (page, sheets)
        assert all((page.parent / href).resolve().is_file() for href in sheets), (page, sheets)
        assert "fonts.googleapis" not in page.read_text(encoding="utf-8")
    weight = sum((site / "assets" / "stylesheets" / name).stat().st_size for name in ("private.css", "invoices.css"))
    assert weight < 30_000, weight
    public = stylesheets((site / "index.html").read_text(encoding="utf-8"))
    assert any(Path(href).name.startswith("main.") for href in public)  # the home page keeps the theme's
