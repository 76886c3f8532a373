"""PDF/A-3b documents (SPEC §9): a document on A4, drawn by Typst, tagged, the same bytes for the same input.

A ``PdfRequest`` holds everything a PDF depends on: the view of the page (as of the
document's own date, so nothing in it changes from one day to the next), the theme folder
whose ``pdf/document.typ`` (``pdf/statement.typ`` for a year's statement) draws it, and the
Factur-X XML to embed, if any. The template reads the view as data (``printed.payload``): the
figures are the page's, computed once.
Typst reads no file outside the theme's ``pdf`` folder and nothing from the network.

The file is PDF/A-3b and PDF/UA-1 (tagged: headings, tables with header cells, the QR codes'
alternative text, title and language) with Typst's own checks of both standards; Factur-X's
XMP properties are added to Typst's metadata afterwards (pikepdf).

PDFs are cached by content like QR drawings (``cache.ContentCache``, ``.cache/invoices/pdf``),
so a rebuild with nothing changed draws none.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from . import printed
from .cache import ContentCache
from .links import DOCUMENT_FILE, STATEMENT_FILE  # noqa: F401 (the PDFs' names, beside their pages)

FACTUR_X_FILE = "factur-x.xml"  # the name Factur-X requires for the embedded XML
PDF_FOLDER = "pdf"  # in the theme folder: the paper template and all it may read
PDF_STANDARDS = ["a-3b", "ua-1"]
FONT_FAMILY = "DejaVu Sans"  # named by the paper template; installed with fonts-dejavu-core
# Bump when the drawing changes, so that old cached PDFs are not reused.
RENDERING_VERSION = "2"  # 2: Typst
# A PDF takes about 10 ms: worker processes (a second each to start) pay off from about a hundred.
PARALLEL_THRESHOLD = 100

_FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
_FX_PROPERTIES = (
    ("DocumentType", "INVOICE", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("DocumentFileName", FACTUR_X_FILE, "The name of the embedded XML document"),
    ("Version", "1.0", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "EN 16931", "The conformance level of the embedded XML document"),
)


@dataclass(frozen=True)
class Theme:
    """The folder of the page templates, and a hash of what draws the PDFs: its ``pdf`` folder."""

    folder: str
    fingerprint: str

    @classmethod
    def of(cls, folder: Path) -> Theme:
        digest = hashlib.sha256()
        root = Path(folder).resolve()
        for path in sorted(p for p in (root / PDF_FOLDER).rglob("*") if p.is_file()):  # all Typst may read
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
    """PDFs by content: on disk when given a folder (only their names kept in memory: ten
    thousand PDFs are 400 MB), else in memory.

    It takes a ``PdfRequest``, or any request named by its inputs with a ``request()`` that
    builds the ``PdfRequest`` (``paper.PdfJob``): that one is built only for a PDF not cached yet.
    """

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(
            folder, render, suffix=".pdf", binary=True, parallel_threshold=PARALLEL_THRESHOLD, resolve=_request_of, in_memory=False
        )

    def pdf(self, request: Any) -> bytes:
        return self.get(request)


def _request_of(request: Any) -> PdfRequest:
    return request if isinstance(request, PdfRequest) else request.request()


def render(request: PdfRequest) -> bytes:
    """The PDF/A-3b bytes of ``request`` (tagged, PDF/UA-1), with its Factur-X XML embedded when it has one.

    PDF/A allows no character drawn without its glyph, and Typst refuses one that no installed
    font has (an emoji in a description): then the document is drawn again with each such
    character shown as U+FFFD, the rest of its text as written. The page shows it as written.
    """
    template, document = printed.payload(request.template, request.view)
    try:
        return _draw(request, template, document)
    except RuntimeError:  # typst.TypstError
        shown = printed.displayable(document, _glyphs())
        if shown == document:
            raise
        return _draw(request, template, shown)


def _draw(request: PdfRequest, template: str, document: dict[str, Any]) -> bytes:
    inputs = {"document": json.dumps(document, ensure_ascii=False, separators=(",", ":"))}
    if request.factur_x is not None:
        inputs["factur-x"] = request.factur_x.decode("utf-8")
    moment = datetime.datetime.combine(request.issued, datetime.time(), datetime.timezone.utc)
    folder = Path(request.theme.folder) / PDF_FOLDER
    drawn = _compiler(str(folder)).compile(
        str(folder / template), format="pdf", sys_inputs=inputs, pdf_standards=PDF_STANDARDS, timestamp=moment
    )
    return drawn if request.factur_x is None else _with_factur_x_metadata(drawn)


@lru_cache(maxsize=None)
def _compiler(folder: str):
    """One Typst compiler per theme and process: it reads the installed fonts once.

    Its root is the theme's ``pdf`` folder: the template can read no file outside it.
    """
    import typst  # imported here: only a process that draws needs it

    return typst.Compiler(root=folder)


@lru_cache(maxsize=None)
def _glyphs() -> frozenset[int]:
    """Every character some installed font that Typst finds can draw (read once, when first needed)."""
    import typst
    from fontTools.ttLib import TTFont

    characters: set[int] = set()
    for font in typst.Fonts(include_embedded_fonts=False).fonts():
        if font.path:
            with TTFont(font.path, fontNumber=font.index, lazy=True) as face:
                characters.update(face.getBestCmap() or {})
    return frozenset(characters)


def _with_factur_x_metadata(drawn: bytes) -> bytes:
    """The PDF with Factur-X's XMP properties and their PDF/A extension schema in its one ``rdf:RDF``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(drawn)) as document:
        metadata = document.Root.Metadata
        metadata.write(_with_factur_x(metadata.read_bytes()))
        output = io.BytesIO()
        # The same input, the same bytes: the file identifier is computed from the content.
        document.save(output, deterministic_id=True)
    return output.getvalue()


def _with_factur_x(xmp: bytes) -> bytes:
    """Typst's XMP packet with the Factur-X properties, and their schema among its PDF/A extension schemas.

    Typst writes one ``rdf:RDF`` with a ``pdfaExtension:schemas`` bag (its own schemas); the
    Factur-X schema joins that bag and its values a description of their own, in the same
    ``rdf:RDF``: a second one is not PDF/A.
    """
    text = xmp.decode("utf-8")
    properties = "".join(f"<fx:{name}>{value}</fx:{name}>" for name, value, _ in _FX_PROPERTIES)
    fields = "".join(
        "<rdf:li rdf:parseType=\"Resource\">"
        f"<pdfaProperty:name>{name}</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        f"<pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>{description}</pdfaProperty:description>"
        "</rdf:li>"
        for name, _, description in _FX_PROPERTIES
    )
    schema = (
        "<rdf:li rdf:parseType=\"Resource\"><pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{_FX}</pdfaSchema:namespaceURI><pdfaSchema:prefix>fx</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{fields}</rdf:Seq></pdfaSchema:property></rdf:li>"
    )
    bag_end, rdf_end = "</rdf:Bag></pdfaExtension:schemas>", "</rdf:RDF>"
    if text.count(bag_end) != 1 or text.count(rdf_end) != 1:
        raise ValueError("the drawn PDF's XMP is not the shape Factur-X's properties are added to")
    text = text.replace(bag_end, schema + bag_end)
    text = text.replace(rdf_end, f"<rdf:Description rdf:about=\"\" xmlns:fx=\"{_FX}\">{properties}</rdf:Description>{rdf_end}")
    return text.encode("utf-8")


def drawing_fingerprint() -> str:
    """What draws a PDF besides its request: this drawing's version, Typst's and pikepdf's, the fonts."""
    return "\x1f".join((RENDERING_VERSION, *_versions(), _fonts()))


@lru_cache(maxsize=None)
def _versions() -> tuple[str, str]:
    """Typst's and pikepdf's versions, read once: looking one up costs milliseconds."""
    return version("typst"), version("pikepdf")


@lru_cache(maxsize=None)
def _fonts() -> str:
    """Every font file Typst finds on this machine, with its size: a new or updated font draws new PDFs.

    All of them, not only ``FONT_FAMILY``: the IBAN is set in DejaVu Sans Mono, a Swiss
    QR-bill's payment part in Liberation Sans. The fonts inside Typst come with its version.
    """
    import typst

    files = sorted({font.path for font in typst.Fonts(include_embedded_fonts=False).fonts() if font.path})
    return "\n".join(f"{name} {Path(name).stat().st_size}" for name in files if Path(name).is_file())
