"""Reading ``verifactu:`` in business.yml, and what registering documents asks of every file (SPEC §12).

A business with ``country: ES`` that sets ``verifactu:`` registers each invoice and credit note
with the AEAT. That asks more of its files than other businesses' files: a NIF that passes its
check digit (python-stdnum), numbers the AEAT's records can carry (at most 60 printable ASCII
characters), amounts in euros, and a credit note that says which kind of correction it is
(``rectification: R1``–``R5``). Each is a problem at the line at fault, like any other.
"""

from __future__ import annotations

from typing import Any

from stdnum.es import nif as spanish_nif

from . import __version__
from . import fields as f
from .fields import Field, read_fields
from .model import CREDIT_NOTE, ENVIRONMENTS, Verifactu
from .problems import Problems, Source
from .source import YamlMap

# The invoicing system the records name when business.yml does not (SistemaInformatico).
SYSTEM_NAME = "invoicepub"
SYSTEM_ID = "IP"
INSTALLATION = "1"
# What a credit note's ``rectification:`` may say (TipoFactura of a factura rectificativa):
# R1 error founded in law and art. 80.1, 80.2 and 80.6 LIVA; R2 art. 80.3 (insolvency);
# R3 art. 80.4 (bad debts); R4 any other ground; R5 the correction of a simplified invoice.
RECTIFICATIONS = ("R1", "R2", "R3", "R4", "R5")
SIMPLIFIED_RECTIFICATION = "R5"
MAX_NUMBER_LENGTH = 60  # NumSerieFactura
CURRENCY = "EUR"

SYSTEM_FIELDS = {
    "name": Field(f.text),
    "id": Field(f.text),
    "version": Field(f.text),
    "installation": Field(f.text),
    "producer": Field(f.text),
    "producer_tax_id": Field(f.text),
}
VERIFACTU_FIELDS = {
    "environment": Field(f.one_of(*ENVIRONMENTS), required=True),
    "system": Field(lambda value, raw: value),  # checked with SYSTEM_FIELDS
    "since": Field(f.date),  # the first issue date registered: the day the business started registering
}
# The longest text each of the system's fields may be (SistemaInformaticoType).
_SYSTEM_LIMITS = {"name": 30, "id": 2, "version": 50, "installation": 100, "producer": 120}


def nif_problem(tax_id: str) -> str | None:
    """Why ``tax_id`` (``ESB12345674`` or ``B12345674``) is not a Spanish NIF, or None when it is one."""
    nif = tax_id.strip().upper().removeprefix("ES")
    if spanish_nif.is_valid(nif):
        return None
    return f"{tax_id.strip()} is not a valid Spanish NIF (its check digit or its form is wrong)"


def is_spanish(tax_id: str, country: str | None) -> bool:
    """A client's tax id is a Spanish NIF: the client is in Spain, or, its country not given, the id says ES."""
    return country == "ES" or (country is None and tax_id.strip().upper().startswith("ES"))


def read_verifactu(node: Any, business: dict[str, Any], data: YamlMap, rel: str, problems: Problems) -> Verifactu | None:
    """The ``verifactu:`` settings of business.yml (``business``: its other values, parsed), or None with problems."""
    at = Source(rel, data.line_of("verifactu"))
    values = read_fields(node, VERIFACTU_FIELDS, rel, at.line, "verifactu", problems)
    if values is None:
        return None
    system = _read_system(values.get("system"), node, rel, at, problems)
    complete = values.get("environment") is not None and system is not None
    if business.get("country") != "ES":
        problems.add(at, "verifactu: only a business with country: ES registers its invoices with the AEAT")
        complete = False
    tax_id = business.get("tax_id")
    if tax_id is None:
        problems.add(at, "verifactu: the business needs its tax_id (NIF), such as ESB12345674")
        return None
    problem = nif_problem(tax_id)
    if problem is not None:
        problems.add(Source(rel, data.line_of("tax_id")), f"tax_id: {problem}")
        return None
    issuer = business.get("legal_name") or business.get("name") or ""
    if len(issuer) > 120:
        problems.add(Source(rel, data.line_of("legal_name")), "legal_name: the AEAT's records hold at most 120 characters")
        complete = False
    if not complete:
        return None
    nif = tax_id.strip().upper().removeprefix("ES")
    return Verifactu(
        environment=values["environment"],
        nif=nif,
        issuer_name=issuer,
        system_name=system.get("name", SYSTEM_NAME),
        system_id=system.get("id", SYSTEM_ID),
        system_version=system.get("version", __version__),
        installation=system.get("installation", INSTALLATION),
        producer_name=system.get("producer", issuer),
        producer_nif=system.get("producer_tax_id", nif).upper().removeprefix("ES"),
        source=at,
        since=values.get("since"),
    )


def _read_system(value: Any, node: Any, rel: str, at: Source, problems: Problems) -> dict[str, str] | None:
    if value is None:
        return {}
    line = node.line_of("system") if isinstance(node, YamlMap) else at.line
    system = read_fields(value, SYSTEM_FIELDS, rel, line, "system", problems)
    if system is None:
        return None
    complete = True
    for key, limit in _SYSTEM_LIMITS.items():
        if len(system.get(key, "")) > limit:
            problems.add(Source(rel, value.line_of(key)), f"{key}: the AEAT's records hold at most {limit} characters here")
            complete = False
    if "producer_tax_id" in system and (problem := nif_problem(system["producer_tax_id"])) is not None:
        problems.add(Source(rel, value.line_of("producer_tax_id")), f"producer_tax_id: {problem}")
        complete = False
    return system if complete else None


def check_document(kind: str, values: dict[str, Any], currency: str, since: Any, data: YamlMap, rel: str, problems: Problems) -> None:
    """What a document of a business that registers its invoices must also be, each at its line
    (not one issued before ``since``: it is never registered)."""
    if since is not None and values.get("issued") is not None and values["issued"] < since:
        return
    number = values.get("number")
    if number is not None and (len(number) > MAX_NUMBER_LENGTH or not all(" " <= c <= "~" for c in number)):
        problems.add(
            Source(rel, data.line_of("number")),
            f"number: a registered number has at most {MAX_NUMBER_LENGTH} printable ASCII characters "
            f"(letters without accents, digits, - / . and the like); {number!r} has {len(number)}",
        )
    if currency != CURRENCY and kind != "estimate":
        at = data.line_of("currency") if "currency" in data else data.line_of("client")
        problems.add(
            Source(rel, at),
            f"currency: the AEAT's records are in euros; this {kind.replace('_', ' ')} is in {currency}, "
            "which this project cannot register yet",
        )
    if kind == CREDIT_NOTE and "rectification" not in values and "rectification" not in data:
        problems.add(
            Source(rel, data.line_of("corrects") if "corrects" in data else data.line),
            "rectification: a credit note of a business that registers its invoices says which correction it is: "
            "R1 (error founded in law, art. 80.1, 80.2, 80.6 LIVA), R2 (art. 80.3, insolvency), "
            "R3 (art. 80.4, bad debts), R4 (any other ground) or R5 (correcting a simplified invoice)",
        )


def check_client(client_values: dict[str, Any], data: YamlMap, rel: str, problems: Problems) -> None:
    """A Spanish client's tax_id, when it has one, is a NIF that passes its check digit."""
    tax_id = client_values.get("tax_id")
    if tax_id is None:
        return
    if is_spanish(tax_id, client_values.get("country")) and (problem := nif_problem(tax_id)) is not None:
        problems.add(Source(rel, data.line_of("tax_id")), f"tax_id: {problem}")
