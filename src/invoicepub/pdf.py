"""PDF/A-3b documents (SPEC §9): a page's body on A4, drawn by WeasyPrint, the same bytes for the same input.

A ``PdfRequest`` holds everything a PDF depends on: the view of the page (as of the
document's own date, so nothing in it changes from one day to the next), the theme folder
whose templates and print stylesheet draw it, and the Factur-X XML to embed, if any. The
HTML is the page template's ``private_content`` block, the very markup of the web page,
inside ``pdf/page.html`` with the print stylesheet; only files of the theme folder are
read while drawing, never the network.

PDFs are cached by content like QR drawings (``cache.ContentCache``, ``.cache/invoices/pdf``),
so a rebuild with nothing changed draws none.
"""

from __future__ import annotations

import datetime
import hashlib
import subprocess
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import jinja2
from jinja2 import nodes
from markupsafe import Markup

from . import i18n
from .cache import ContentCache

DOCUMENT_FILE = "document.pdf"  # beside the page, in its private folder
FACTUR_X_FILE = "factur-x.xml"  # the name Factur-X requires for the embedded XML
BODY_BLOCK = "private_content"  # the block of a private page's template that holds the document
PDF_TEMPLATE = "pdf/page.html"  # the A4 page around it, with the print stylesheet
FONT_FAMILY = "DejaVu Sans"  # named by the print stylesheet; installed with fonts-dejavu-core
# Bump when the drawing changes, so that old cached PDFs are not reused.
RENDERING_VERSION = "1"
# A PDF takes about 60 ms: worker processes pay off from a handful on.
PARALLEL_THRESHOLD = 4

_FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
_PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
_PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"


@dataclass(frozen=True)
class Theme:
    """The folder of the page templates and stylesheets, and a hash of its contents."""

    folder: str
    fingerprint: str

    @classmethod
    def of(cls, folder: Path) -> Theme:
        digest = hashlib.sha256()
        root = Path(folder).resolve()
        for path in sorted(p for p in root.rglob("*") if p.is_file()):  # every file the fetcher may serve
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return cls(folder=str(root), fingerprint=digest.hexdigest())


@dataclass(frozen=True)
class PdfRequest:
    """One document to draw. ``view`` is the page's view (e.g. ``views.InvoicePage``) as printed."""

    theme: Theme
    template: str  # the page's template, e.g. "invoice.html" or "estimate.html"
    view: Any
    issued: datetime.date  # the date of the embedded file (never the build's clock)
    factur_x: bytes | None = None  # the CII to embed as factur-x.xml, or None: the PDF alone
    context: tuple[tuple[str, Any], ...] = field(default=())  # further names the template reads

    @cached_property
    def key(self) -> str:
        digest = hashlib.sha256()
        for part in (
            drawing_fingerprint(),
            self.theme.fingerprint,
            self.template,
            repr(self.view),
            repr(self.context),
            self.issued.isoformat(),
        ):
            digest.update(part.encode("utf-8") + b"\x1f")
        digest.update(self.factur_x or b"")
        return digest.hexdigest()


class PdfCache(ContentCache[Any, bytes]):
    """PDFs by content, in memory and (when given a folder) on disk.

    It takes a ``PdfRequest``, or any request named by its inputs with a ``request()`` that
    builds the ``PdfRequest`` (``paper.PdfJob``): that one is built only for a PDF not cached yet.
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(folder, render, suffix=".pdf", binary=True, parallel_threshold=PARALLEL_THRESHOLD, resolve=_request_of)

    def pdf(self, request: Any) -> bytes:
        return self.get(request)


def _request_of(request: Any) -> PdfRequest:
    return request if isinstance(request, PdfRequest) else request.request()


def html(request: PdfRequest) -> str:
    """The HTML of the PDF: the page template's body block, as the page draws it, inside ``pdf/page.html``."""
    environment = _environment(request.theme.folder)
    language = getattr(request.view, "language", "en")
    # The page templates read their view as "invoice" (an estimate's and a credit note's too).
    values = {"view": request.view, "invoice": request.view, "page_kind": request.template.removesuffix(".html"), **dict(request.context)}
    values.update(i18n.template_gettext(language))
    body = Markup(_render_block(environment, request.template, BODY_BLOCK, values))
    return environment.get_template(PDF_TEMPLATE).render(values, body=body)


def _render_block(environment: jinja2.Environment, name: str, block: str, values: dict[str, Any]) -> str:
    """One block of template ``name`` as rendering the whole page would give it: blocks it holds
    that a child template overrides (an estimate's dates) come from the child.

    The templates above the block's own (Material's base) are not needed, so not loaded.
    """
    template = environment.get_template(name)
    context = template.new_context(values)
    while block not in template.blocks:
        parent = environment.parse(environment.loader.get_source(environment, template.name)[0]).find(nodes.Extends)
        if parent is None or not isinstance(parent.template, nodes.Const):
            raise ValueError(f"{name} has no block {block!r}")
        template = environment.get_template(parent.template.value)
        for key, render in template.blocks.items():
            context.blocks.setdefault(key, []).append(render)
    return "".join(context.blocks[block][0](context))


def render(request: PdfRequest) -> bytes:
    """The PDF/A-3b bytes of ``request``, with its Factur-X XML embedded when it has one."""
    # Imported here: WeasyPrint takes a third of a second to import, and only workers draw.
    from weasyprint import HTML, Attachment

    folder = Path(request.theme.folder)
    fetcher = _theme_fetcher(folder)
    document = HTML(string=html(request), base_url=folder.as_uri() + "/", url_fetcher=fetcher).render()
    if request.factur_x is not None:
        moment = datetime.datetime.combine(request.issued, datetime.time(), datetime.timezone.utc)
        document.metadata.attachments = [
            Attachment(
                string=request.factur_x,
                name=FACTUR_X_FILE,
                description="Factur-X EN 16931",
                relationship="Data",
                created=moment,
                modified=moment,
                url_fetcher=fetcher,
            )
        ]
        own_rdf = document.metadata.generate_rdf_metadata
        # Factur-X's XMP properties go into WeasyPrint's own rdf:RDF: a second one is not PDF/A.
        document.metadata.generate_rdf_metadata = lambda *args: _with_factur_x(own_rdf(*args))
    return document.write_pdf(pdf_variant="pdf/a-3b", finisher=_without_empty_resources)


def _without_empty_resources(document, pdf) -> None:
    """Drop the empty ``/Pattern`` and ``/Shading`` resources WeasyPrint declares: PDF/A checkers refuse them unseen."""
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, dict):
            for name in ("Pattern", "Shading"):
                if isinstance(pdf_object.get(name), dict) and not pdf_object[name]:
                    del pdf_object[name]


def _with_factur_x(rdf: bytes) -> bytes:
    """WeasyPrint's ``rdf:RDF`` with the Factur-X properties and their PDF/A extension schema appended."""
    for prefix, uri in (("rdf", _RDF), ("fx", _FX), ("pdfaExtension", _PDFA_EXTENSION), ("pdfaSchema", _PDFA_SCHEMA), ("pdfaProperty", _PDFA_PROPERTY)):
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(rdf)
    values = ElementTree.SubElement(root, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
    properties = (
        ("DocumentType", "INVOICE", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
        ("DocumentFileName", FACTUR_X_FILE, "The name of the embedded XML document"),
        ("Version", "1.0", "The actual version of the standard applying to the embedded XML document"),
        ("ConformanceLevel", "EN 16931", "The conformance level of the embedded XML document"),
    )
    for name, value, _ in properties:
        ElementTree.SubElement(values, f"{{{_FX}}}{name}").text = value
    extension = ElementTree.SubElement(root, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
    bag = ElementTree.SubElement(ElementTree.SubElement(extension, f"{{{_PDFA_EXTENSION}}}schemas"), f"{{{_RDF}}}Bag")
    schema = ElementTree.SubElement(bag, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
    ElementTree.SubElement(schema, f"{{{_PDFA_SCHEMA}}}schema").text = "Factur-X PDFA Extension Schema"
    ElementTree.SubElement(schema, f"{{{_PDFA_SCHEMA}}}namespaceURI").text = _FX
    ElementTree.SubElement(schema, f"{{{_PDFA_SCHEMA}}}prefix").text = "fx"
    sequence = ElementTree.SubElement(ElementTree.SubElement(schema, f"{{{_PDFA_SCHEMA}}}property"), f"{{{_RDF}}}Seq")
    for name, _, description in properties:
        item = ElementTree.SubElement(sequence, f"{{{_RDF}}}li", {f"{{{_RDF}}}parseType": "Resource"})
        ElementTree.SubElement(item, f"{{{_PDFA_PROPERTY}}}name").text = name
        ElementTree.SubElement(item, f"{{{_PDFA_PROPERTY}}}valueType").text = "Text"
        ElementTree.SubElement(item, f"{{{_PDFA_PROPERTY}}}category").text = "external"
        ElementTree.SubElement(item, f"{{{_PDFA_PROPERTY}}}description").text = description
    return ElementTree.tostring(root)


@lru_cache(maxsize=None)
def _environment(folder: str) -> jinja2.Environment:
    """The page templates, escaping as on the site, with the names they use that MkDocs would give."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True)
    i18n.enable_gettext(environment)
    # Paths stay relative to the theme folder, the base of the fetcher; no page is linked on paper.
    environment.filters["url"] = lambda path: path
    return environment


def drawing_fingerprint() -> str:
    """What draws a PDF besides its request: this drawing's version, WeasyPrint's and pydyf's, the fonts."""
    return "\x1f".join((RENDERING_VERSION, *_versions(), _fonts()))


@lru_cache(maxsize=None)
def _versions() -> tuple[str, str]:
    """WeasyPrint's and pydyf's versions, read once: looking one up costs milliseconds."""
    return version("weasyprint"), version("pydyf")


@lru_cache(maxsize=None)
def _fonts() -> str:
    """Every installed font file with its size: a new or updated font draws new PDFs.

    All of them, not only ``FONT_FAMILY``: the IBAN is set in DejaVu Sans Mono, a Swiss
    QR-bill's payment part in whatever fontconfig gives for Arial (Liberation Sans).
    """
    try:
        listing = subprocess.run(["fc-list", ":", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    files = sorted(line.strip().rstrip(":") for line in listing.splitlines() if line.strip())
    return "\n".join(f"{name} {Path(name).stat().st_size}" for name in files if Path(name).is_file())


def _theme_fetcher(folder: Path):
    """A WeasyPrint URL fetcher that serves the theme folder's files and ``data:`` URLs, and refuses the rest."""
    from weasyprint.urls import URLFetcher

    root = folder.resolve()

    class ThemeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                if not Path(unquote(urlsplit(url).path)).resolve().is_relative_to(root):
                    raise ValueError(f"not a file of the theme: {url}")
            elif not url.startswith("data:"):
                raise ValueError(f"nothing is fetched from elsewhere while drawing a PDF: {url}")
            return super().fetch(url, headers)

    return ThemeFetcher(allowed_protocols=("file", "data"))
