"""The AEAT's XML schemas of VERI*FACTU, as shipped by the ``verifactu-sdk`` package (unchanged
but for the xmldsig import, which points at its local copy), and validation against them.

Every request is validated before it is sent, and every record before it is written to
records.jsonl, so that nothing the schemas refuse leaves this machine or enters the chain.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import as_file, files

from lxml import etree

REQUEST_SCHEMA = "SuministroLR.xsd"
RESPONSE_SCHEMA = "RespuestaSuministro.xsd"


class SchemaError(ValueError):
    """XML the AEAT's schemas refuse; the message names the first element at fault."""


@lru_cache(maxsize=None)
def schema(name: str) -> etree.XMLSchema:
    """One of the AEAT's schemas (``SuministroLR.xsd``, ``RespuestaSuministro.xsd``), read once."""
    with as_file(files("verifactu_sdk") / "schemas" / name) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def validate(element: etree._Element, name: str = REQUEST_SCHEMA) -> None:
    """Raise SchemaError unless ``element`` is valid against schema ``name``."""
    checker = schema(name)
    if not checker.validate(element):
        error = checker.error_log.last_error
        raise SchemaError(f"line {error.line}: {error.message}")
