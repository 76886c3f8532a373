"""The chained hash ("huella") of a VERI*FACTU record (SPEC §12).

As the AEAT's specification of the hash of invoicing records gives it: the record's fields
written as ``Name=value``, in a fixed order, joined by ``&``; each value exactly as the
record's XML writes it, without its leading and trailing spaces and without any escaping;
the previous record's huella as ``Huella`` (empty for the first record of the chain); then
SHA-256 of the UTF-8 bytes, as 64 uppercase hexadecimal digits (``TipoHuella`` 01).
"""

from __future__ import annotations

import hashlib
from typing import Mapping

# A registro de alta (an invoice or a credit note registered) and a registro de anulación.
ALTA_FIELDS = (
    "IDEmisorFactura",
    "NumSerieFactura",
    "FechaExpedicionFactura",
    "TipoFactura",
    "CuotaTotal",
    "ImporteTotal",
    "Huella",
    "FechaHoraHusoGenRegistro",
)
ANULACION_FIELDS = (
    "IDEmisorFacturaAnulada",
    "NumSerieFacturaAnulada",
    "FechaExpedicionFacturaAnulada",
    "Huella",
    "FechaHoraHusoGenRegistro",
)
TIPO_HUELLA = "01"  # SHA-256


def chain_string(fields: tuple[str, ...], values: Mapping[str, str], previous: str) -> str:
    """The ``Name=value&…`` string of a record whose fields are ``fields``, chained to ``previous``."""
    given = dict(values, Huella=previous)
    missing = [name for name in fields if name not in given]
    if missing:
        raise KeyError(f"a record needs {', '.join(missing)} for its huella")
    return "&".join(f"{name}={str(given[name]).strip()}" for name in fields)


def huella(fields: tuple[str, ...], values: Mapping[str, str], previous: str = "") -> str:
    """The huella of a record (``ALTA_FIELDS`` or ``ANULACION_FIELDS``) after ``previous`` ("" for the first)."""
    return hashlib.sha256(chain_string(fields, values, previous).encode("utf-8")).hexdigest().upper()
