"""Drawing a payment payload as a QR code in inline SVG (segno); the payload itself is built elsewhere."""

from __future__ import annotations

import segno


def svg(payload: str, *, title: str, error: str = "M", max_version: int = 40) -> str:
    """An inline ``<svg>`` of ``payload`` encoded as UTF-8 bytes at exactly the given error level.

    The SVG has a viewBox and no fixed size, so the stylesheet decides how large it is.
    """
    code = segno.make_qr(payload.encode("utf-8"), error=error, boost_error=False, mode="byte")
    if code.version > max_version:
        raise ValueError(f"payload needs QR version {code.version}, over the rail's limit of {max_version}")
    return code.svg_inline(border=4, omitsize=True, title=title, svgclass="invoice-qr__code", lineclass=None)
