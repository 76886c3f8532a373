"""Drawing payment payloads in inline SVG, each drawing made once.

Two kinds of drawing, each asked for by a request that holds all it depends on:
``QrRequest``, a bare QR code drawn with segno, and ``PaymentPartRequest``, a Swiss
QR-bill's whole payment part (receipt, payment slip and Swiss-cross code) drawn with
qrbill from the code's text. The payment rails only build payloads; drawing happens here.

Choosing a QR code's mask (ISO/IEC 18004 §7.8.3) is most of the cost of a build with
thousands of open invoices: ``qr_mask`` scores the candidates with numpy, and drawings
are cached by their content (``cache.ContentCache``): in memory for `mkdocs serve`, and on
disk between builds (``.cache/invoices/qr`` under the site root). A cold build draws the
missing ones in worker processes on every core while the build goes on with other work. A bare code's SVG carries no text: the page gives each code its
text alternative.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from xml.etree import ElementTree
from typing import Union

import segno
from qrbill import QRBill

from .cache import ContentCache

# Bump when the drawing changes, so that old cached drawings are not reused.
DRAWING_VERSION = "3"  # 2: the payment part without style attributes; 3: Liberation Sans named
# Below this many missing codes, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class QrRequest:
    """One code to draw: the exact text and the rail's error level and size limit."""

    payload: str
    error: str = "M"
    max_version: int = 40

    @property
    def key(self) -> str:
        text = "\x1f".join((DRAWING_VERSION, segno.__version__, self.error, str(self.max_version), self.payload))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PaymentPartRequest:
    """A Swiss QR-bill payment part to draw: the text of its QR code and the language of its headings.

    The code's text holds every field the receipt and the slip print (account, creditor,
    amount, currency, reference, additional information), so it is all the drawing needs.
    """

    payload: str
    language: str = "en"  # en, de, fr or it

    @property
    def key(self) -> str:
        text = "\x1f".join((DRAWING_VERSION, "payment part", _QRBILL_VERSION, self.language, self.payload))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


Request = Union[QrRequest, PaymentPartRequest]
_QRBILL_VERSION = version("qrbill")


def draw(request: Request) -> str:
    """The inline ``<svg>`` a request asks for."""
    if isinstance(request, PaymentPartRequest):
        return draw_payment_part(request)
    return draw_code(request)


def draw_code(request: QrRequest) -> str:
    """An inline ``<svg>`` of the payload, UTF-8 bytes at exactly the given error level.

    The SVG has a viewBox and no fixed size, so the stylesheet decides how large it is.
    """
    from .qr_mask import best_mask  # numpy: imported where a code is drawn, not by every build that draws none

    data = request.payload.encode("utf-8")
    code = segno.make_qr(data, error=request.error, boost_error=False, mode="byte", mask=0)
    mask = best_mask(code)
    if mask != 0:
        code = segno.make_qr(data, error=request.error, boost_error=False, mode="byte", mask=mask)
    if code.version > request.max_version:
        raise ValueError(f"payload needs QR version {code.version}, over the rail's limit of {request.max_version}")
    return code.svg_inline(border=4, omitsize=True, svgclass="invoice-qr__code", lineclass=None)


# Where each field sits in a Swiss QR-bill's text (Swiss Implementation Guidelines §4.3.3).
_SPC_HEADER = ["SPC", "0200", "1"]
_SPC_ACCOUNT, _SPC_ADDRESS_TYPE, _SPC_CREDITOR = 3, 4, slice(5, 11)
_SPC_AMOUNT, _SPC_CURRENCY, _SPC_REFERENCE, _SPC_INFORMATION = 18, 19, 28, 29
_CREDITOR_KEYS = ("name", "street", "house_num", "pcode", "city", "country")


def draw_payment_part(request: PaymentPartRequest) -> str:
    """The QR-bill's payment part as an ``<svg>`` (A4 wide, 105 mm high), drawn by qrbill from the code's text.

    Raises ValueError unless the bill qrbill draws carries exactly that text.
    """
    lines = request.payload.split("\r\n")
    if lines[:3] != _SPC_HEADER or len(lines) < 31 or lines[_SPC_ADDRESS_TYPE] != "S":
        raise ValueError("not the text of a Swiss QR-bill with a structured creditor address")
    bill = QRBill(
        account=lines[_SPC_ACCOUNT],
        creditor=dict(zip(_CREDITOR_KEYS, lines[_SPC_CREDITOR])),
        amount=lines[_SPC_AMOUNT] or None,
        currency=lines[_SPC_CURRENCY],
        reference_number=lines[_SPC_REFERENCE] or None,
        additional_information=lines[_SPC_INFORMATION],
        language=request.language,
    )
    if bill.qr_data() != request.payload:
        raise ValueError("the Swiss QR-bill's text has fields its payment part cannot show")
    buffer = io.StringIO()
    bill.as_svg(buffer)
    text = buffer.getvalue()
    return _without_style_attributes(text[text.index("<svg") :])


_SVG_NAMESPACES = {"": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink", "ev": "http://www.w3.org/2001/xml-events"}


# Arial's metric twin, installed with fonts-liberation: named after qrbill's "Arial,Helvetica",
# so that a renderer without fontconfig's aliases (the PDF's) sets the bill in the widths it is laid out in.
_METRIC_TWIN = "Liberation Sans"


def _without_style_attributes(svg: str) -> str:
    """The drawing with each ``style="fill:…;stroke:…"`` written as presentation attributes,
    and Liberation Sans named after Arial.

    A private page's Content-Security-Policy allows no inline style, which would leave qrbill's
    black modules unpainted; ``fill="#000000"`` draws the same and is not a style.
    """
    for prefix, uri in _SVG_NAMESPACES.items():
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(svg)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        for declaration in (style or "").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() and value.strip():
                element.set(name.strip(), value.strip())
        family = element.get("font-family")
        if family is not None and _METRIC_TWIN not in family:
            element.set("font-family", f"{family},{_METRIC_TWIN}")
    return ElementTree.tostring(root, encoding="unicode")


class QrCache(ContentCache[Request, str]):
    """Drawings by content, in memory and (when given a folder) on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(folder, draw, suffix=".svg", binary=False, parallel_threshold=PARALLEL_THRESHOLD)

    def svg(self, request: Request) -> str:
        """The inline ``<svg>`` of ``request``, drawn once."""
        return self.get(request)
