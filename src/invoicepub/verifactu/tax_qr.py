"""The tax QR code of a registered document (SPEC §12, Orden HAC/1177/2024 art. 20–21): the
address of the AEAT's page that checks the record, with the issuer's NIF, the number, the
issue date and the total the record states, each URL-encoded.

This builds the text only; ``invoicepub.qr`` draws it (error correction M), and the page and
the PDF print it 30–40 mm wide, "QR tributario:" above it and "VERI*FACTU" below.
"""

from __future__ import annotations

from urllib.parse import quote

from ..model import PRODUCTION, TEST
from ..qr import QrRequest
from .store import Record

VALIDATION_URLS = {
    PRODUCTION: "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR",
    TEST: "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR",
}
ERROR_LEVEL = "M"
# The legends stay in Spanish whatever the page's language, as the Orden gives them.
HEADING = "QR tributario:"
LEGEND = "VERI*FACTU"


def url(record: Record, environment: str) -> str:
    """The address the tax QR code of ``record``'s document holds."""
    values = (
        ("nif", record.issuer),
        ("numserie", record.number),
        ("fecha", record.issue_date),
        ("importe", record.data["ImporteTotal"]),
    )
    return VALIDATION_URLS[environment] + "?" + "&".join(f"{name}={quote(value, safe='')}" for name, value in values)


def request(record: Record, environment: str) -> QrRequest:
    """What ``invoicepub.qr`` draws for the document's tax QR code."""
    return QrRequest(payload=url(record, environment), error=ERROR_LEVEL)
