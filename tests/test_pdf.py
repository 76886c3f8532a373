"""The PDF of each published document (SPEC §9), read back with pikepdf and pypdfium2.

Proven here: PDF/A-3b (XMP with one rdf:RDF, part 3 conformance B, sRGB output intent, every
font embedded; pikepdf's PDF/A-3b check on a PDF without attachment), the Factur-X file
(``factur-x.xml``, /Data, text/xml, the fx XMP properties) whose XML passes the Factur-X EN 16931
XSD and rules once extracted again, the text (number and amount due as the page shows them,
€ and accents intact, one installed font family), the same bytes on every build and on every
day, one A4 page for ten lines, no attachment where there is no e-invoice, and the build that
writes each PDF beside its page. Expected amounts are worked out by hand from the YAML.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import math
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import facturx
import pikepdf
import pikepdf.pdfa
import pypdfium2
import pytest
import zxingcpp
from lxml import etree

from conftest import REPO, SECRET, copy_site, mkdocs_build, write_files
from invoicepub import paper, pdf
from invoicepub.i18n import formatter
from invoicepub.model import CREDIT_NOTE, ESTIMATE
from invoicepub.cache import ContentCache
from invoicepub.pdf import PdfCache, Theme
from invoicepub.qr import QrCache
from invoicepub.site import load_site
from invoicepub.views import invoice_title
from test_einvoice import CII_NS, changed, cii, plus_a_cent, processor  # noqa: F401 (fixtures)

TODAY = datetime.date(2026, 11, 23)
A4 = (595.28, 841.89)  # points
XMP = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
}
TEN_LINES = "".join(
    f"  - description: Café-Entwurf Nummer {n}, Überarbeitung à la carte\n    quantity: {n}\n    unit: h\n    unit_price: {40 + n}.50\n"
    for n in range(1, 11)
)


@pytest.fixture(scope="module")
def theme() -> Theme:
    return Theme.of(REPO / "overrides")


@pytest.fixture(scope="module")
def sample():
    return load_site(REPO, secret=SECRET, today=TODAY)


@pytest.fixture(scope="module")
def drawn(sample, theme) -> dict[str, bytes]:
    """The PDFs of the sample's invoices that the tests read, each drawn once."""
    qr = QrCache(None)
    return {number: pdf.render(paper.pdf_request(sample, sample.entry(number), qr, theme)) for number in ("2026-003", "2026-004", "2026-007")}


@pytest.fixture(scope="module")
def ten_lines(tmp_path_factory, theme) -> bytes:
    root = copy_site(tmp_path_factory.mktemp("ten"))
    write_files(root, {"invoices/2026/2026-900.yml": f'number: "2026-900"\nclient: harbour-finch\nissued: 2026-11-02\nitems:\n{TEN_LINES}'})
    site = load_site(root, secret=SECRET, today=TODAY)
    return pdf.render(paper.pdf_request(site, site.entry("2026-900"), QrCache(None), Theme.of(root / "overrides")))


def xmp_root(document: pikepdf.Pdf) -> etree._Element:
    return etree.fromstring(document.Root.Metadata.read_bytes())


def text_of(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_the_pdf_is_pdf_a_3b_with_the_factur_x_properties(drawn):
    with pikepdf.open(io.BytesIO(drawn["2026-003"])) as document:
        root = xmp_root(document)
        assert len(root.findall("rdf:RDF", XMP)) == 1  # one rdf:RDF, the fx properties inside it
        # XMP allows a simple property as an attribute or as an element: either is read.
        expected = {
            "(//@pdfaid:part | //pdfaid:part)[1]": "3",
            "(//@pdfaid:conformance | //pdfaid:conformance)[1]": "B",
            "//fx:DocumentFileName": "factur-x.xml",
            "//fx:ConformanceLevel": "EN 16931",
            "//fx:DocumentType": "INVOICE",
            "//fx:Version": "1.0",
        }
        assert {path: root.xpath(f"string({path})", namespaces=XMP) for path in expected} == expected
        (intent,) = document.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent


def test_every_font_is_embedded_and_the_text_uses_installed_families(drawn):
    for number, data in drawn.items():
        with pikepdf.open(io.BytesIO(data)) as document:
            descriptors = [obj for obj in document.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"]
            assert descriptors, number
            for descriptor in descriptors:
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), f"{number}: {descriptor.FontName} not embedded"
                # DejaVu for the page; Liberation Sans for a Swiss QR-bill's payment part (an SPS typeface).
                assert re.search(r"\+(DejaVu-?Sans|Liberation-?Sans)", str(descriptor.FontName)), str(descriptor.FontName)


# What pikepdf's PDF/A allowlist cannot know, and why each is still PDF/A: the extension-schema
# mechanism itself (ISO 19005-3 §6.6.2.3.2), and the XMP specification's own Paged-Text schema.
EXTENSION_MECHANISM = {"pdfaExtension", "pdfaSchema", "pdfaProperty"}
XMP_STANDARD_SCHEMAS = {"http://ns.adobe.com/xap/1.0/t/pg/"}  # xmpTPg


def unexplained_findings(path: Path) -> list:
    """pikepdf's PDF/A-3b findings on ``path``, less those its allowlist reports for want of reading
    the file's own extension schemas: a namespace declared there, the mechanism, a standard schema;
    and an outline item whose destination is an indirect array (a PDF allows any object to be one)."""
    report = pikepdf.pdfa.validate_written(path, "3b")
    with pikepdf.open(path) as document:
        root = xmp_root(document)
        declared = set(root.xpath("//pdfaSchema:namespaceURI/text()", namespaces={"pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#"}))
        namespaces = {prefix: uri for element in root.iter() for prefix, uri in element.nsmap.items()}
        outline_dests = [item.get("/Dest") for item in _outline_items(document.Root.get("/Outlines"))]
    unexplained = []
    for finding in report.findings:
        if finding.kind == "unsupported":
            continue
        named = re.search(r"XMP (?:namespace (\w+)=(\S+)|property (\w+):\w+) is not permitted", finding.message)
        if finding.rule == "ISO_19005_3:6.6.2.3.1-1" and named:
            prefix = named.group(1) or named.group(3)
            uri = named.group(2) or namespaces.get(prefix)
            if prefix in EXTENSION_MECHANISM or uri in declared or uri in XMP_STANDARD_SCHEMAS:
                continue
        if finding.rule == "pikepdf:schema-OutlineItem" and outline_dests and all(
            isinstance(dest, pikepdf.Array) and dest[1] == "/XYZ" and dest[0].get("/Type") == "/Page" for dest in outline_dests
        ):
            continue
        unexplained.append(finding)
    return unexplained


def _outline_items(outlines):
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        yield item
        yield from _outline_items(item)
        item = item.get("/Next")


def test_pikepdf_pdf_a_3b_check_finds_nothing_it_can_judge(drawn, tmp_path):
    path = tmp_path / "document.pdf"
    for number in ("2026-004", "2026-003", "2026-007"):  # without attachment, with Factur-X, the Swiss QR-bill
        path.write_bytes(drawn[number])
        assert unexplained_findings(path) == [], number


def test_an_undeclared_xmp_property_is_a_finding(drawn, tmp_path):
    with pikepdf.open(io.BytesIO(drawn["2026-004"])) as document:
        xmp = document.Root.Metadata.read_bytes().replace(
            b"</rdf:RDF>", b'<rdf:Description rdf:about="" xmlns:made="urn:example:up"><made:up>1</made:up></rdf:Description></rdf:RDF>'
        )
        document.Root.Metadata.write(xmp)
        document.save(tmp_path / "undeclared.pdf")
    assert [f.rule for f in unexplained_findings(tmp_path / "undeclared.pdf")] == ["ISO_19005_3:6.6.2.3.1-1"] * 2  # namespace, property


def test_the_check_fails_on_a_pdf_that_is_not_pdf_a(drawn, tmp_path):
    with pikepdf.open(io.BytesIO(drawn["2026-004"])) as document:
        del document.Root["/OutputIntents"]
        document.save(tmp_path / "broken.pdf")
    assert not pikepdf.pdfa.validate_written(tmp_path / "broken.pdf", "3b").passed


def test_the_embedded_file_is_factur_x_xml_with_relationship_data(drawn, sample):
    with pikepdf.open(io.BytesIO(drawn["2026-003"])) as document:
        assert list(document.attachments) == ["factur-x.xml"]
        spec = document.attachments["factur-x.xml"]
        assert spec.obj.AFRelationship == "/Data"
        assert spec.get_file().obj.Subtype == "/text/xml"
        assert spec.get_file().obj.Params.ModDate == "D:20261020000000Z"  # the issue date, not the clock
        assert any(item.get("/F") == "factur-x.xml" for item in document.Root.AF)


def test_the_extracted_xml_passes_the_factur_x_en16931_xsd_and_rules(drawn, cii):  # noqa: F811
    name, xml = facturx.get_xml_from_pdf(drawn["2026-003"], check_xsd=False)
    assert name == "factur-x.xml"
    assert cii.failures(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//ram:DuePayableAmount", namespaces=CII_NS) == "1916.50"  # 3070.00 − 5 % − 1000.00 paid
    # The validator is not a rubber stamp: a cent more on the grand total breaks BR-CO-15.
    broken = changed(xml, CII_NS, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount", plus_a_cent)
    assert "BR-CO-15" in cii.rule_ids(broken)


def test_the_text_holds_the_number_and_the_amount_due_as_the_page_shows_them(drawn, ten_lines):
    # 2026-900: Σ n × (40.50 + n) for n = 1…10 = 2,227.50 + 385.00 = 2,612.50, reverse charge (0 % tax).
    english = text_of(ten_lines)
    assert "Invoice 2026-900" in english and english.count("€2,612.50") >= 2  # the balance and the amount due row
    # 2026-004: 1,045.50 + IVA 14.70 + 142.38 − IRPF 156.83 = 1,045.75, in Spanish, accents and € intact.
    spanish = text_of(drawn["2026-004"])
    # The locale's spacing as the page prints it: a no-break space before € and %.
    for expected in ("Factura 2026-004", "1.045,75\u00a0€", "València", "Catálogo impreso (50 ejemplares)", "Retención IRPF 15\u00a0%", "−156,83\u00a0€"):
        assert expected in spanish, expected
    assert "\ufffd" not in english + spanish and ".notdef" not in english + spanish
    german = text_of(drawn["2026-007"])
    assert "Rechnung 2026-007" in german and "Zahlteil" in german and "\ufffd" not in german


def test_two_builds_and_two_days_give_the_same_bytes(sample, theme, drawn):
    later = load_site(REPO, secret=SECRET, today=datetime.date(2027, 6, 1))
    qr = QrCache(None)
    for site in (sample, later):
        request = paper.pdf_request(site, site.entry("2026-003"), qr, theme)
        assert pdf.render(request) == drawn["2026-003"]
    # An invoice overdue on the build's day says so on its page, never in its PDF: that states its own date.
    overdue = next(e for e in sample.published if e.figures.status == "overdue")
    requests = [paper.pdf_request(site, site.entry(overdue.invoice.number), qr, theme) for site in (sample, later)]
    assert requests[0].key == requests[1].key
    view = requests[0].view
    assert view.status != "overdue" and formatter(view.language).date(paper.document_date(overdue)) in view.status_as_of
    assert "overdue" not in text_of(pdf.render(requests[0])).lower()


def test_a_ten_line_invoice_is_one_a4_page(ten_lines, tmp_path):
    document = pypdfium2.PdfDocument(ten_lines)
    assert len(document) == 1
    assert document[0].get_size() == pytest.approx(A4, abs=0.5)
    text = document[0].get_textpage().get_text_range()
    assert "Café-Entwurf Nummer 10, Überarbeitung à la carte" in text
    # Rendered like the printed page: look at it (tmp_path keeps it for a while).
    image = document[0].render(scale=1.5).to_pil()
    image.save(tmp_path / "ten-lines.png")
    shutil.copy(tmp_path / "ten-lines.png", Path(tmp_path.parent) / "ten-lines.png")
    assert image.size[1] / image.size[0] == pytest.approx(A4[1] / A4[0], rel=0.01)
    assert image.convert("L").getextrema()[0] < 50  # there is dark text on it


def test_withholding_gives_the_pdf_alone(drawn, sample):
    with pikepdf.open(io.BytesIO(drawn["2026-004"])) as document:
        assert len(document.attachments) == 0 and "/AF" not in document.Root
        assert not xmp_root(document).xpath("//fx:*", namespaces=XMP)
    entry = sample.entry("2026-004")
    assert paper.pdf_request(sample, entry, QrCache(None), Theme.of(REPO / "overrides")).factur_x is None


@pytest.mark.parametrize("kind", [ESTIMATE, CREDIT_NOTE])
def test_estimates_and_credit_notes_get_their_own_page_as_pdf(sample, theme, kind):
    entry = next(e for e in sample.published if e.invoice.kind == kind)
    request = paper.pdf_request(sample, entry, QrCache(None), theme)
    data = pdf.render(request)
    text = text_of(data)
    assert invoice_title(entry) in text and entry.invoice.number in text
    # Their own template's blocks: an estimate's validity, the invoice a credit note corrects.
    label = {ESTIMATE: "Valid until", CREDIT_NOTE: "Corrects"}[kind]
    assert formatter(entry.invoice.language).gettext(label) in text
    with pikepdf.open(io.BytesIO(data)) as document:
        assert xmp_root(document).xpath("string((//@pdfaid:part | //pdfaid:part)[1])", namespaces=XMP) == "3"
        # An estimate is no tax document: the PDF alone. A credit note carries its e-invoice (type 381).
        assert list(document.attachments) == ({ESTIMATE: [], CREDIT_NOTE: ["factur-x.xml"]}[kind])


def test_the_credit_note_pdf_embeds_a_valid_type_381_naming_the_corrected_invoice(sample, theme, cii):  # noqa: F811
    data = pdf.render(paper.pdf_request(sample, sample.entry("R-2026-001"), QrCache(None), theme))
    name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    assert name == "factur-x.xml"
    assert cii.failures(xml) == []
    root = etree.fromstring(xml)
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=CII_NS) == "381"
    assert root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=CII_NS) == "2026-003"
    # 140.00 − 10 % = 126.00, − the invoice's 5 % = 119.70, reverse charge: the page's "Amount credited".
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=CII_NS) == "119.70"
    assert root.findtext(".//ram:DuePayableAmount", namespaces=CII_NS) == "119.70"
    with pikepdf.open(io.BytesIO(data)) as document:
        assert xmp_root(document).xpath("string(//fx:ConformanceLevel)", namespaces=XMP) == "EN 16931"
    assert "Credit note R-2026-001" in text_of(data)


def test_the_template_reads_nothing_outside_the_theme_pdf_folder(sample, tmp_path):
    theme_folder = tmp_path / "overrides"
    shutil.copytree(REPO / "overrides" / "pdf", theme_folder / "pdf")
    request = paper.pdf_request(sample, sample.entry("2026-004"), QrCache(None), Theme.of(theme_folder))
    assert pdf.render(request).startswith(b"%PDF-")
    (theme_folder / "pdf" / "inside.txt").write_text("a file of the theme", encoding="utf-8")
    (theme_folder / "secret.txt").write_text("not for paper", encoding="utf-8")
    template = theme_folder / "pdf" / "document.typ"
    original = template.read_text(encoding="utf-8")
    template.write_text(original + '\n#read("inside.txt")\n', encoding="utf-8")
    assert b"%PDF-" in pdf.render(replace(request, theme=Theme.of(theme_folder)))  # the same read, inside: fine
    template.write_text(original + '\n#read("../secret.txt")\n', encoding="utf-8")
    with pytest.raises(RuntimeError):  # typst.TypstError: the path would leave the template's root
        pdf.render(replace(request, theme=Theme.of(theme_folder)))


def test_pdfs_are_cached_by_content_and_drawn_in_workers(sample, theme, tmp_path, drawn):
    qr = QrCache(None)
    requests = [paper.pdf_request(sample, entry, qr, theme) for entry in sample.published]
    cache = PdfCache(tmp_path)
    cache.parallel_threshold = len(requests)  # the sample's few, drawn in workers as a thousand are
    cache.prepare(requests)
    assert cache._pool is not None  # a cold cache draws in worker processes
    by_number = {r.view.number: cache.pdf(r) for r in requests}
    cache.close()
    assert by_number["2026-003"] == drawn["2026-003"]  # a worker draws the same bytes
    assert len(list(tmp_path.glob("*.pdf"))) == len({r.key for r in requests})
    warm = PdfCache(tmp_path)
    warm.prepare(requests)
    assert warm._pool is None and not warm._pending  # nothing left to draw


def test_the_build_writes_each_pdf_beside_its_page_and_links_it(built_sample):
    site = load_site(built_sample, secret=SECRET, today=TODAY)
    for entry in site.published:
        assert (built_sample / "site" / entry.folder / "document.pdf").is_file(), entry.invoice.number
        # A hard link to the cached file where both are on one file system (here they are): a
        # rebuild places 1,000 PDFs without copying their bytes.
        placed = (built_sample / "site" / entry.folder / "document.pdf").stat()
        if placed.st_dev == (built_sample / ".cache/invoices/pdf").stat().st_dev:
            assert placed.st_nlink == 2, entry.invoice.number
    entry = site.entry("2026-003")
    built = (built_sample / "site" / entry.folder / "document.pdf").read_bytes()
    assert built == pdf.render(paper.pdf_request(site, entry, QrCache(None), Theme.of(built_sample / "overrides")))
    page = (built_sample / "site" / entry.path / "index.html").read_text(encoding="utf-8")
    # The amount due as the page shows it, in the PDF's text too.
    balance = re.search(r"data-invoice-balance>([^<]+)<", page).group(1)
    assert "Invoice 2026-003" in text_of(built) and balance in text_of(built)
    assert 'href="document.pdf" download="Invoice 2026-003.pdf" type="application/pdf"' in page
    assert "Download PDF" in page
    withheld = site.entry("2026-004")
    page = (built_sample / "site" / withheld.path / "index.html").read_text(encoding="utf-8")
    assert 'download="Factura 2026-004.pdf"' in page and "invoice-einvoice--none" in page


def test_a_build_without_pdfs_keeps_the_pdf_cache_for_the_next_build(built_sample, tmp_path):
    # `INVOICES_NO_PDF=1 mkdocs serve` is the quick preview: it used to prune every cached PDF as
    # unused, so the next real build drew them all again (4 minutes for 1,000 invoices on 2 cores).
    root = copy_site(tmp_path / "site")
    shutil.copytree(built_sample / ".cache", root / ".cache")
    cache = root / ".cache/invoices/pdf"
    before = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    site = load_site(root, secret=SECRET, today=TODAY)
    assert len(before) == len(site.published) + sum(len(client.statements) for client in site.clients)
    result = mkdocs_build(root, INVOICES_NO_PDF="1")
    assert result.returncode == 0, result.stderr
    assert not list((root / "site").rglob("document.pdf")) and not list((root / "site").rglob("statement.pdf"))
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == before
    # The next build with files finds every PDF in the cache and draws none.
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == before
    assert len(list((root / "site").rglob("document.pdf"))) + len(list((root / "site").rglob("statement.pdf"))) == len(before)
    assert list((root / "site").rglob("invoice.xml"))  # the e-invoices are there in both builds


def test_a_build_without_files_has_no_pdf_and_no_xml_and_offers_none(tmp_path):
    root = copy_site(tmp_path / "site")
    result = mkdocs_build(root, INVOICES_NO_FILES="1")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert not list(site.rglob("document.pdf")) and not list(site.rglob("invoice.xml"))
    assert list(site.rglob("due-date.ics"))  # the calendar files are no files of §9: still there
    pages = [p.read_text(encoding="utf-8") for p in site.glob("i/*/index.html")]
    assert len(pages) > 10
    assert not any(re.search(r'href="[^"]*(document\.pdf|invoice\.xml)"', page) for page in pages)


# --- a PDF named by its inputs: a rebuild builds no view for an unchanged document -----------

# Each change is one input of some document's PDF: its business, client, lines, payments, the
# credit note of an invoice, the invoice a credit note corrects, the link secret's paths.
CHANGES = [
    ("invoices/business.yml", "name: Estudio Lumen", "name: Estudio Lumen Nou"),
    ("invoices/clients/harbour-finch.yml", "14 Merrion Square", "15 Merrion Square"),
    ("invoices/2026/2026-003.yml", "quantity: 64", "quantity: 65"),
    ("invoices/2026/2026-003.yml", "amount: 1000.00", "amount: 1000.01"),
    ("invoices/2026/2026-003.yml", "issued: 2026-10-20", "issued: 2026-10-21"),
    ("invoices/2026/R-2026-001.yml", "unit_price: 140.00", "unit_price: 141.00"),
    ("invoices/2026/R-2026-001.yml", "reason: One of the six", "reason: One of six"),
    # The estimate 2026-011 follows from, made a draft: the invoice no longer links to it.
    ("invoices/2026/Q-2026-001.yml", "status: accepted", "status: draft"),
]
LINKED = {"R-2026-001", "2026-003", "Q-2026-001", "2026-011"}  # a credit note and its invoice, an estimate and its invoice


def jobs_and_requests(root: Path, secret: str = SECRET, today: datetime.date = TODAY) -> dict[str, tuple[str, str]]:
    """Per published document: its job's key (inputs) and its request's key (the content drawn)."""
    site = load_site(root, secret=secret, today=today)
    jobs = paper.pdf_jobs(site, QrCache(None), Theme.of(root / "overrides"))
    # A year's statement is a request named by its content: both keys are that one.
    return {
        job.entry.invoice.number if isinstance(job, paper.PdfJob) else path: (job.key, job.request().key if isinstance(job, paper.PdfJob) else job.key)
        for path, job in jobs
    }


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("jobs"))
    return root, jobs_and_requests(root)


@pytest.mark.parametrize("path, old, new", CHANGES)
def test_a_job_is_renamed_whenever_what_its_pdf_shows_changes(before, tmp_path, path, old, new):
    root, keys = before
    changed = copy_site(tmp_path / "site")
    target = changed / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    after = jobs_and_requests(changed)
    both = keys.keys() & after.keys()
    drawn_anew = {number for number in both if after[number][1] != keys[number][1]}
    renamed = {number for number in both if after[number][0] != keys[number][0]}
    assert drawn_anew, "the change should change some PDF"
    assert drawn_anew <= renamed  # never an old PDF under an unchanged name
    assert renamed - drawn_anew <= LINKED  # and only linked documents besides


def test_a_job_keeps_its_name_across_build_days_and_changes_with_the_link_secret(before):
    root, keys = before
    later = jobs_and_requests(root, today=datetime.date(2027, 6, 1))
    documents = {name for name in keys if not name.endswith("statement.pdf")}
    assert {name: later[name] for name in documents} == {name: keys[name] for name in documents}  # a daily rebuild draws nothing
    # Nor for a year's statement, within its year (it runs to its last movement, not to the build's
    # day); once the year is over it runs to 31 December, drawn once more.
    assert jobs_and_requests(root, today=datetime.date(2026, 12, 30)) == keys
    assert len(keys) - len(documents) == 6 and all(later[name] != keys[name] for name in keys.keys() - documents)
    other = jobs_and_requests(root, secret="another-secret-of-at-least-32-characters")
    # The links to related documents in a PDF carry the secret's paths: those PDFs are renamed.
    assert other["R-2026-001"][0] != keys["R-2026-001"][0] and other["R-2026-001"][1] != keys["R-2026-001"][1]


def test_a_build_draws_only_from_jobs_not_cached(tmp_path, monkeypatch):
    root = copy_site(tmp_path / "site")
    site = load_site(root, secret=SECRET, today=TODAY)
    jobs = [job for _, job in paper.pdf_jobs(site, QrCache(None), Theme.of(root / "overrides"))][:2]
    cache = PdfCache(tmp_path / "cache")
    for job in jobs:
        cache.pdf(job)
    built = []
    monkeypatch.setattr(paper, "pdf_request", lambda *args: built.append(args) or pytest.fail("a view was built"))
    warm = PdfCache(tmp_path / "cache")
    warm.prepare(jobs)
    assert [warm.pdf(job) for job in jobs] and built == []


class _Text:
    def __init__(self, text: str) -> None:
        self.text = text
        self.key = hashlib.sha256(text.encode()).hexdigest()


def _shout(request: _Text) -> str:
    return request.text.upper()


def test_placing_a_cached_file_links_it_and_never_writes_through_the_link(tmp_path):
    cache = ContentCache(tmp_path / "cache", _shout, suffix=".txt", binary=False, parallel_threshold=100)
    (tmp_path / "site").mkdir()
    target = tmp_path / "site" / "a.txt"
    cache.place(_Text("one"), target)
    cached = tmp_path / "cache" / f"{_Text('one').key}.txt"
    assert target.read_text() == "ONE" and target.stat().st_ino == cached.stat().st_ino  # linked, not copied
    cache.place(_Text("two"), target)  # the same place, another content: the link is replaced, not written through
    assert target.read_text() == "TWO" and cached.read_text() == "ONE"
    ContentCache(None, _shout, suffix=".txt", binary=False, parallel_threshold=100).place(_Text("three"), target)
    assert target.read_text() == "THREE" and cached.read_text() == "ONE"  # no cache folder: written


def structure(document: pikepdf.Pdf) -> list[tuple[int, str, pikepdf.Dictionary]]:
    """The structure tree as (depth, type, element), in reading order."""
    found: list[tuple[int, str, pikepdf.Dictionary]] = []

    def walk(node, depth):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid, depth)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append((depth, str(node.S), node))
            walk(node.get("/K"), depth + 1)

    walk(document.Root.StructTreeRoot.K, 0)
    return found


def test_the_pdf_is_tagged_for_pdf_ua_with_headings_tables_and_the_qr_codes_text(drawn):
    with pikepdf.open(io.BytesIO(drawn["2026-004"])) as document:
        assert document.Root.MarkInfo.Marked is True
        assert document.Root.Lang == "es"  # the invoice's language (client cafe-olivar)
        assert document.Root.ViewerPreferences.DisplayDocTitle is True
        root = xmp_root(document)
        assert root.xpath("string(//dc:title//rdf:li)", namespaces={**XMP, "dc": "http://purl.org/dc/elements/1.1/"}) == "Factura 2026-004"
        assert root.xpath("string((//@pdfuaid:part | //pdfuaid:part)[1])", namespaces={**XMP, "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}) == "1"
        tree = structure(document)
        kinds = [kind for _, kind, _ in tree]
        assert kinds[0] == "/Document" and kinds.count("/H1") == 1 and kinds.index("/H1") == 1
        assert kinds.count("/H2") >= 6  # Emisor, Cliente, Conceptos, Historial de pagos, Notas, ¿Preguntas…?, Cómo pagar
        # The items: a table whose header row has one header cell per column, then one row per line.
        items = next(element for _, kind, element in tree if kind == "/Table")
        head, body = [kid for kid in items.K]
        assert head.S == "/THead" and body.S == "/TBody"
        (header_row,) = head.K if isinstance(head.K, pikepdf.Array) else [head.K]
        assert [str(cell.S) for cell in header_row.K] == ["/TH"] * 6  # Concepto, Cant., Unidad, Precio unitario, Descuento, Importe
        assert len(body.K) == 3 and all([str(cell.S) for cell in row.K] == ["/TD"] * 6 for row in body.K)
        # The QR code is a figure with its text: what it pays, to whom (1,045.75 EUR worked out in test_figures).
        (figure,) = [element for _, kind, element in tree if kind == "/Figure"]
        alt = str(figure.Alt)
        assert "1.045,75\u00a0€" in alt and "ES67 2085 9252 0903 3006 3402" in alt and "2026-004" in alt
    with pikepdf.open(io.BytesIO(drawn["2026-007"])) as document:  # the Swiss QR-bill's payment part
        figures = [str(element.Alt) for _, kind, element in structure(document) if kind == "/Figure"]
        # 2 × 1,450.00 + 180 × 6.40 = 4,052.00 CHF, in German, to the QR-IBAN of business.yml.
        assert len(figures) == 1 and "4.052,00\u00a0CHF" in figures[0] and "CH44 3199 9123 0008 8901 2" in figures[0], figures


def test_a_picture_without_its_text_is_refused_not_drawn(sample, tmp_path):
    # Typst checks PDF/UA-1 itself: a QR code without alternative text gives no PDF at all.
    theme_folder = tmp_path / "overrides"
    shutil.copytree(REPO / "overrides" / "pdf", theme_folder / "pdf")
    template = theme_folder / "pdf" / "document.typ"
    text = template.read_text(encoding="utf-8")
    assert text.count("alt: qr.alt") == 1
    template.write_text(text.replace("alt: qr.alt", "alt: none"), encoding="utf-8")
    request = paper.pdf_request(sample, sample.entry("2026-004"), QrCache(None), Theme.of(theme_folder))
    with pytest.raises(RuntimeError):
        pdf.render(request)


DRAW_ONE = """
import json, sys
from importlib.metadata import packages_distributions
from invoicepub import paper, pdf
from invoicepub.qr import QrCache
from invoicepub.site import load_site
site = load_site(sys.argv[1], secret=sys.argv[2], today=__import__("datetime").date(2026, 11, 23))
qr = QrCache(None)
for number in ("2026-003", "2026-007", "Q-2026-001"):
    pdf.render(paper.pdf_request(site, site.entry(number), qr, pdf.Theme.of(sys.argv[3])))
owners = packages_distributions()
print(json.dumps(sorted({d for m in list(sys.modules) for d in owners.get(m.split(".")[0], [])})))
"""


def test_the_pdf_names_the_version_of_every_library_that_draws_it_and_no_other():
    # A fresh process loads the sample and draws three PDFs; every distribution it imported
    # (other than this project) is in PDF_LIBRARIES, so its new release draws new PDFs.
    result = subprocess.run(
        [sys.executable, "-c", DRAW_ONE, str(REPO), SECRET, str(REPO / "overrides")], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    imported = {name.lower().replace("_", "-") for name in json.loads(result.stdout)} - {"invoicepub"}
    # Imported on the way, and no part of a PDF: the web templates' engine, the calendar files
    # and the date parsing only they use, the ciphers of sealed pages (a sealed file holds the
    # PDF's bytes as they are), and two packages of typing and packaging metadata.
    imported -= {"jinja2", "icalendar", "python-dateutil", "cryptography", "cffi", "pycparser", "typing-extensions", "setuptools"}
    listed = {name.lower() for name in paper.PDF_LIBRARIES}
    assert imported <= listed, imported - listed
    assert "mkdocs" not in listed and "mkdocs-material" not in listed and "pytest" not in listed
    assert imported >= {"typst", "pikepdf", "babel", "segno", "qrbill", "lxml", "pyyaml"}


def test_a_character_no_installed_font_has_is_shown_as_a_replacement_and_the_rest_as_written(tmp_path):
    # U+1F9FE (receipt emoji) is in no font of fonts-dejavu-core or fonts-liberation.
    root = copy_site(tmp_path / "site")
    write_files(root, {"invoices/2026/2026-901.yml": (
        'number: "2026-901"\nclient: harbour-finch\nissued: 2026-11-02\nitems:\n'
        '  - description: "Receipt \U0001F9FE design, Überarbeitung"\n    quantity: 2\n    unit_price: 50.00\n'
        "  - description: '#panic(\"x\") $x^2$ *not bold* `raw` <b>[x]</b> @ref \\\\'\n    quantity: 1\n    unit_price: 0.00\n"
    )})
    site = load_site(root, secret=SECRET, today=TODAY)
    data = pdf.render(paper.pdf_request(site, site.entry("2026-901"), QrCache(None), Theme.of(root / "overrides")))
    text = text_of(data)
    assert "Receipt \ufffd design, Überarbeitung" in text and "\U0001F9FE" not in text
    # Typst's markup in a user's text is text: shown as written, never run.
    assert '#panic("x") $x^2$ *not bold* `raw` <b>[x]</b> @ref \\\\' in text
    assert "€100.00" in text  # 2 × 50.00, no tax for this client (reverse charge)


PRINT_DPI = 300


def test_the_swiss_qr_bill_is_drawn_at_its_standard_size_and_place(drawn):
    document = pypdfium2.PdfDocument(drawn["2026-007"])
    assert len(document) == 2  # the invoice, then a page for the payment part
    assert tuple(round(v, 1) for v in document[1].get_size()) == tuple(round(v, 1) for v in A4)
    image = document[1].render(scale=PRINT_DPI / 72).to_pil().convert("L")
    codes = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    (code,) = codes
    assert code.text.startswith("SPC\r\n0200\r\n1\r\nCH4431999123000889012")
    p = code.position
    width_mm = math.dist((p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y)) / PRINT_DPI * 25.4
    top_mm = min(p.top_left.y, p.top_right.y) / PRINT_DPI * 25.4
    assert width_mm == pytest.approx(46, abs=0.5)  # SPS 2.x: 46 × 46 mm
    assert 297 - 106 <= top_mm and top_mm + width_mm <= 297  # within the lower 105 mm
    # The perforation line between the invoice and the payment part runs across the full
    # width, 105 mm above the bottom edge: dark dots there within 3 mm of either edge.
    px = lambda mm: round(mm / 25.4 * PRINT_DPI)  # noqa: E731
    rows = range(px(297 - 105.5), px(297 - 104.5))
    dark = lambda x0, x1: any(image.getpixel((x, y)) < 128 for y in rows for x in range(px(x0), px(x1)))  # noqa: E731
    assert dark(0, 3) and dark(207, 210)
    assert not any(image.getpixel((x, px(297 - 110))) < 128 for x in range(px(0), px(3)))  # nothing above it at the edge
    # The first page keeps no QR code: the Swiss bill's is its only one.
    first = document[0].render(scale=PRINT_DPI / 72).to_pil()
    assert [r for r in zxingcpp.read_barcodes(first) if r.format == zxingcpp.BarcodeFormat.QRCode] == []


# --- a year's statement of account (SPEC §14) ------------------------------------------------


def test_the_statement_of_the_year_is_a_tagged_pdf_a_beside_its_page(built_sample, tmp_path):
    site = load_site(built_sample, secret=SECRET, today=TODAY)
    (client,) = [c for c in site.clients if c.client.id == "harbour-finch"]
    (year,) = client.statements
    folder = built_sample / "site" / year.folder
    data = (folder / "statement.pdf").read_bytes()
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="statement.pdf" download="Statement of account 2026.pdf" type="application/pdf"' in page
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    assert unexplained_findings(path) == []
    with pikepdf.open(path) as document:
        assert len(document.pages) == 1 and list(document.attachments) == []  # no e-invoice in a statement
        assert document.Root.Lang == "en" and document.Root.MarkInfo.Marked is True
        tree = structure(document)
        tables = [element for _, kind, element in tree if kind == "/Table"]
        assert [kind for _, kind, _ in tree].count("/H1") == 1 and len(tables) == 1
        head, body = [kid for kid in tables[0].K]
        (header_row,) = head.K if isinstance(head.K, pikepdf.Array) else [head.K]
        assert [str(cell.S) for cell in header_row.K] == ["/TH"] * 6  # Date, Document, Charged, Credited, Paid, Balance
        assert len(body.K) == 11  # the opening balance, nine movements, the closing balance
    text = " ".join(text_of(data).split())
    # The same figures as the page (test_kinds_pages works them out): 0.00 to 7,836.80.
    assert "Statement of account 2026" in text and "January 1, 2026 to November 20, 2026" in text
    assert "Opening balance €0.00" in text and "Closing balance €7,836.80" in text
    assert "Nov 16, 2026 Credit note R-2026-001 €119.70 €5,996.80" in text


def test_a_long_year_runs_over_pages_with_its_header_on_each(tmp_path):
    # 60 invoices of 10.00 in 2025, each paid the same day: 120 movements, closing on 0.00.
    root = copy_site(tmp_path)
    files = {}
    for n in range(1, 61):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=n * 5)
        files[f"invoices/2025/2025-{n:03}.yml"] = (
            f'number: "2025-{n:03}"\nclient: harbour-finch\nissued: {day}\nitems:\n  - description: Support\n'
            f"    unit_price: 10.00\n    tax: reverse charge\npayments:\n  - date: {day}\n    amount: 10.00\n"
        )
    write_files(root, files)
    site = load_site(root, secret=SECRET, today=TODAY)
    (client,) = [c for c in site.clients if c.client.id == "harbour-finch"]
    y2025 = next(page for page in client.statements if page.year == 2025)
    data = pdf.render(paper.statement_request(site, y2025, Theme.of(root / "overrides")))
    document = pypdfium2.PdfDocument(data)
    assert len(document) >= 2
    for index in range(len(document)):
        assert "Document" in document[index].get_textpage().get_text_range(), f"page {index + 1} has no header row"
    text = " ".join(text_of(data).split())
    assert "Opening balance €0.00" in text and "Closing balance €0.00" in text
    assert text.count("Payment on invoice") == 60


def test_a_statement_pdf_is_renamed_when_the_code_or_the_libraries_that_draw_it_change(sample, theme, monkeypatch):
    # Its column labels are translated while it is drawn: a new catalog (part of the package's
    # files) must draw it again, as it does a document's PDF.
    (client,) = [c for c in sample.clients if c.client.id == "harbour-finch"]
    key = paper.statement_request(sample, client.statements[0], theme).key
    assert paper.statement_request(sample, client.statements[0], theme).key == key
    monkeypatch.setattr(paper, "_code_fingerprint", lambda: "another release of the package")
    renamed = paper.statement_request(sample, client.statements[0], theme).key
    monkeypatch.setattr(paper, "_libraries", lambda: "babel==0.0")
    assert len({key, renamed, paper.statement_request(sample, client.statements[0], theme).key}) == 3
