"""A document's VERI*FACTU record (SPEC §12): its registro de alta or de anulación, as the XML
element the AEAT's ``SuministroInformacion.xsd`` describes, with the chained huella.

The amounts are the document's figures (``figures.compute``), never worked out again: the
taxable base and tax of each rate and category, the total tax (CuotaTotal) and the total
before withholding (ImporteTotal; the IRPF withheld is not part of it). A credit note is a
*rectificativa por diferencias* (TipoRectificativa I): the same amounts, negative.

Every value is written into the XML as the string the huella is computed over
(``verifactu.huella``), so the record and its hash cannot disagree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from lxml import etree

from .. import tax
from ..figures import InvoiceFigures
from ..load_verifactu import SIMPLIFIED_RECTIFICATION, is_spanish, nif_problem
from ..model import CREDIT_NOTE, Client, Invoice, Verifactu
from .huella import ALTA_FIELDS, ANULACION_FIELDS, TIPO_HUELLA, huella
from .store import Record

SF = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/SuministroInformacion.xsd"
ID_VERSION = "1.0"
MADRID = ZoneInfo("Europe/Madrid")
INVOICE = "F1"  # a complete invoice: the client is identified
SIMPLIFIED = "F2"  # no client tax id: a simplified invoice
SIMPLIFIED_LIMIT = Decimal("3000.00")  # the most a simplified invoice (F2, R5) may total
IVA = "01"
GENERAL_REGIME = "01"
EXPORT_REGIME = "02"
DESCRIPTION_LIMIT = 500
# EU VAT numbers begin with their country's code (EL: Greece, XI: Northern Ireland) and are
# identified as NIF-IVA (IDType 02); any other foreign tax id as one of its country (04).
EU_PREFIXES = frozenset("AT BE BG CY CZ DE DK EE EL FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())
_COUNTRY_OF_PREFIX = {"EL": "GR", "XI": "GB"}
VAT_NUMBER, FOREIGN_ID = "02", "04"

# How each tax category (invoicepub.tax) is described in a record's DetalleDesglose: a
# CalificacionOperacion (subject S1, reverse charge S2, not subject by the place of supply N2)
# or an OperacionExenta (art. 20 LIVA E1, exports art. 21 E2, intra-community supplies art. 25 E5).
_QUALIFICATION = {
    tax.STANDARD: ("CalificacionOperacion", "S1"),
    tax.ZERO_RATED: ("CalificacionOperacion", "S1"),
    tax.REVERSE_CHARGE: ("CalificacionOperacion", "S2"),
    tax.NOT_SUBJECT: ("CalificacionOperacion", "N2"),
    tax.EXEMPT: ("OperacionExenta", "E1"),
    tax.EXPORT: ("OperacionExenta", "E2"),
    tax.INTRA_COMMUNITY: ("OperacionExenta", "E5"),
}
_RATED = ("S1", "S2")  # the ones with a TipoImpositivo and a CuotaRepercutida


@dataclass(frozen=True)
class Document:
    """What a record says of one document, and what can no longer change once it is registered."""

    number: str
    issue_date: str  # DD-MM-YYYY
    kind: str  # TipoFactura: F1, F2, R1–R5
    tax_total: str  # CuotaTotal
    total: str  # ImporteTotal
    recipient: str  # the client's NIF or foreign id ("" on a simplified invoice)


def now() -> datetime.datetime:
    """The moment a record is generated, in Europe/Madrid to the second."""
    return datetime.datetime.now(MADRID).replace(microsecond=0)


def date_of(day: datetime.date) -> str:
    return day.strftime("%d-%m-%Y")


def amount(value: Decimal) -> str:
    """An amount as the records write it: two decimals, a point, a minus sign when negative."""
    rounded = value.quantize(Decimal("0.01"))
    return f"{rounded if rounded else abs(rounded):f}"  # never "-0.00"


def invoice_kind(invoice: Invoice, client: Client) -> str:
    """TipoFactura: a credit note's ``rectification``; else F1 for an identified client, F2 without a tax id."""
    if invoice.kind == CREDIT_NOTE:
        return invoice.rectification or ""
    return INVOICE if client.tax_id else SIMPLIFIED


def recipient(client: Client) -> tuple[str, str, str] | None:
    """The client's identification: ("NIF", nif, "") or ("IDOtro", id, country + type); None without a tax id."""
    if not client.tax_id:
        return None
    written = client.tax_id.strip().upper().replace(" ", "")
    if is_spanish(written, client.country) or (client.country is None and nif_problem(written) is None):
        return ("NIF", written.removeprefix("ES"), "")
    prefix = written[:2]
    country = client.country or _COUNTRY_OF_PREFIX.get(prefix, prefix)
    return ("IDOtro", written, country + (VAT_NUMBER if prefix in EU_PREFIXES else FOREIGN_ID))


def document(invoice: Invoice, client: Client, figures: InvoiceFigures) -> Document:
    """The facts a record of this document states."""
    sign = -1 if invoice.kind == CREDIT_NOTE else 1
    who = recipient(client)
    return Document(
        number=invoice.number,
        issue_date=date_of(invoice.issued),
        kind=invoice_kind(invoice, client),
        tax_total=amount(sign * figures.tax),
        total=amount(sign * figures.total),
        recipient=who[1] if who else "",
    )


def problems_of(invoice: Invoice, client: Client, figures: InvoiceFigures, corrected: tuple[Invoice, Client] | None) -> list[str]:
    """Why this document cannot be registered as it is (each a sentence), or nothing."""
    found = []
    kind = invoice_kind(invoice, client)
    who = recipient(client)
    if who is not None and len(who[1]) > 20:
        found.append(f"the client's tax_id {client.tax_id!r} is longer than the 20 characters a record holds")
    if who is not None and who[0] == "IDOtro" and not (len(who[2]) == 4 and who[2][:2].isalpha()):
        found.append(f"the client's tax_id {client.tax_id!r} is not a Spanish NIF and names no country: give the client's country")
    if kind in (SIMPLIFIED, SIMPLIFIED_RECTIFICATION) and figures.total > SIMPLIFIED_LIMIT:
        found.append(
            f"a client without tax_id gets a simplified invoice ({kind}), which may total at most "
            f"{amount(SIMPLIFIED_LIMIT)} EUR; this one totals {amount(figures.total)}: give the client's tax_id"
        )
    if corrected is not None:
        simplified = invoice_kind(*corrected) == SIMPLIFIED
        if simplified and kind != SIMPLIFIED_RECTIFICATION:
            found.append(f"rectification: invoice {corrected[0].number} is a simplified invoice (its client has no tax_id): use R5")
        elif not simplified and kind == SIMPLIFIED_RECTIFICATION:
            found.append(f"rectification: R5 corrects a simplified invoice, and invoice {corrected[0].number} is not one: use R1–R4")
    return found


def alta(
    invoice: Invoice,
    client: Client,
    figures: InvoiceFigures,
    settings: Verifactu,
    previous: Record | None,
    generated: datetime.datetime,
    corrected: Invoice | None = None,
    after_refusal: bool = False,
) -> dict[str, Any]:
    """The registro de alta of a document, chained after ``previous``, as its records.jsonl object.

    ``after_refusal``: the AEAT refused the document's last record, and this one corrects it
    (Subsanacion S, RechazoPrevio S)."""
    facts = document(invoice, client, figures)
    values = {
        "IDEmisorFactura": settings.nif,
        "NumSerieFactura": facts.number,
        "FechaExpedicionFactura": facts.issue_date,
        "TipoFactura": facts.kind,
        "CuotaTotal": facts.tax_total,
        "ImporteTotal": facts.total,
        "FechaHoraHusoGenRegistro": generated.isoformat(),
    }
    previous_huella = previous.huella if previous else ""
    values["Huella"] = huella(ALTA_FIELDS, values, previous_huella)
    root = etree.Element(f"{{{SF}}}RegistroAlta", nsmap={"sf": SF})
    _add(root, "IDVersion", ID_VERSION)
    _add_all(etree.SubElement(root, f"{{{SF}}}IDFactura"), values, ("IDEmisorFactura", "NumSerieFactura", "FechaExpedicionFactura"))
    _add(root, "NombreRazonEmisor", settings.issuer_name)
    if after_refusal:
        _add(root, "Subsanacion", "S")
        _add(root, "RechazoPrevio", "S")
    _add(root, "TipoFactura", facts.kind)
    if invoice.kind == CREDIT_NOTE:
        _add_rectified(root, corrected, settings)
    _add(root, "DescripcionOperacion", _description(invoice))
    _add_recipient(root, client)
    who = recipient(client)
    _add_breakdown(root, figures, -1 if invoice.kind == CREDIT_NOTE else 1, who is not None and who[0] == "NIF")
    _add_all(root, values, ("CuotaTotal", "ImporteTotal"))
    _add_chain(root, previous)
    _add_system(root, settings)
    _add(root, "FechaHoraHusoGenRegistro", values["FechaHoraHusoGenRegistro"])
    _add(root, "TipoHuella", TIPO_HUELLA)
    _add(root, "Huella", values["Huella"])
    return {**values, "HuellaAnterior": previous_huella, "entorno": settings.environment, "xml": etree.tostring(root, encoding="unicode")}


def anulacion(registered: Record, settings: Verifactu, previous: Record, generated: datetime.datetime) -> dict[str, Any]:
    """The registro de anulación of the document ``registered`` names, chained after ``previous``."""
    values = {
        "IDEmisorFacturaAnulada": registered.issuer,
        "NumSerieFacturaAnulada": registered.number,
        "FechaExpedicionFacturaAnulada": registered.issue_date,
        "FechaHoraHusoGenRegistro": generated.isoformat(),
    }
    values["Huella"] = huella(ANULACION_FIELDS, values, previous.huella)
    root = etree.Element(f"{{{SF}}}RegistroAnulacion", nsmap={"sf": SF})
    _add(root, "IDVersion", ID_VERSION)
    _add_all(etree.SubElement(root, f"{{{SF}}}IDFactura"), values, ("IDEmisorFacturaAnulada", "NumSerieFacturaAnulada", "FechaExpedicionFacturaAnulada"))
    _add_chain(root, previous)
    _add_system(root, settings)
    _add(root, "FechaHoraHusoGenRegistro", values["FechaHoraHusoGenRegistro"])
    _add(root, "TipoHuella", TIPO_HUELLA)
    _add(root, "Huella", values["Huella"])
    return {**values, "HuellaAnterior": previous.huella, "entorno": settings.environment, "xml": etree.tostring(root, encoding="unicode")}


def _add_rectified(root: etree._Element, corrected: Invoice | None, settings: Verifactu) -> None:
    """A credit note is a rectificativa por diferencias (the amounts credited, negative) of the invoice it corrects."""
    _add(root, "TipoRectificativa", "I")
    if corrected is not None:
        rectified = etree.SubElement(etree.SubElement(root, f"{{{SF}}}FacturasRectificadas"), f"{{{SF}}}IDFacturaRectificada")
        _add(rectified, "IDEmisorFactura", settings.nif)
        _add(rectified, "NumSerieFactura", corrected.number)
        _add(rectified, "FechaExpedicionFactura", date_of(corrected.issued))


def _add(parent: etree._Element, name: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SF}}}{name}")
    element.text = text
    return element


def _add_all(parent: etree._Element, values: Mapping[str, str], names: tuple[str, ...]) -> None:
    for name in names:
        _add(parent, name, values[name])


def _description(invoice: Invoice) -> str:
    """DescripcionOperacion: a credit note's reason, an invoice's item descriptions, on one line."""
    text = invoice.reason if invoice.kind == CREDIT_NOTE and invoice.reason else "; ".join(item.description for item in invoice.items)
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"


def _add_recipient(root: etree._Element, client: Client) -> None:
    who = recipient(client)
    if who is None:
        return  # a simplified invoice names no client
    person = etree.SubElement(etree.SubElement(root, f"{{{SF}}}Destinatarios"), f"{{{SF}}}IDDestinatario")
    _add(person, "NombreRazon", client.name[:120])
    if who[0] == "NIF":
        _add(person, "NIF", who[1])
    else:
        other = etree.SubElement(person, f"{{{SF}}}IDOtro")
        _add(other, "CodigoPais", who[2][:2])
        _add(other, "IDType", who[2][2:])
        _add(other, "ID", who[1])


def _add_breakdown(root: etree._Element, figures: InvoiceFigures, sign: int, domestic: bool) -> None:
    """Desglose: one DetalleDesglose per rate and category (groups that differ only by withholding merged).

    A reverse charge is S2 (subject, the client accounts for the VAT) for a client with a Spanish
    NIF, and N2 (not subject by the place-of-supply rules) for a client abroad."""
    merged: dict[tuple[Decimal, str], list[Decimal]] = {}
    for group in figures.tax_groups:
        sums = merged.setdefault((group.rate, group.category), [Decimal(0), Decimal(0)])
        sums[0] += group.base
        sums[1] += group.tax
    breakdown = etree.SubElement(root, f"{{{SF}}}Desglose")
    for (rate, category), (base, cuota) in merged.items():
        detail = etree.SubElement(breakdown, f"{{{SF}}}DetalleDesglose")
        _add(detail, "Impuesto", IVA)
        _add(detail, "ClaveRegimen", EXPORT_REGIME if category == tax.EXPORT else GENERAL_REGIME)
        element, code = _QUALIFICATION[category]
        if category == tax.REVERSE_CHARGE and not domestic:
            code = "N2"  # a service to a business abroad: supplied where the client is, outside Spanish VAT
        _add(detail, element, code)
        if code in _RATED:
            _add(detail, "TipoImpositivo", amount(rate * 100))
        _add(detail, "BaseImponibleOimporteNoSujeto", amount(sign * base))
        if code in _RATED:
            _add(detail, "CuotaRepercutida", amount(sign * cuota))


def _add_chain(root: etree._Element, previous: Record | None) -> None:
    chain = etree.SubElement(root, f"{{{SF}}}Encadenamiento")
    if previous is None:
        _add(chain, "PrimerRegistro", "S")
        return
    before = etree.SubElement(chain, f"{{{SF}}}RegistroAnterior")
    _add(before, "IDEmisorFactura", previous.issuer)
    _add(before, "NumSerieFactura", previous.number)
    _add(before, "FechaExpedicionFactura", previous.issue_date)
    _add(before, "Huella", previous.huella)


def _add_system(root: etree._Element, settings: Verifactu) -> None:
    system = etree.SubElement(root, f"{{{SF}}}SistemaInformatico")
    _add(system, "NombreRazon", settings.producer_name)
    _add(system, "NIF", settings.producer_nif)
    _add(system, "NombreSistemaInformatico", settings.system_name)
    _add(system, "IdSistemaInformatico", settings.system_id)
    _add(system, "Version", settings.system_version)
    _add(system, "NumeroInstalacion", settings.installation)
    _add(system, "TipoUsoPosibleSoloVerifactu", "S")  # this system only keeps VERI*FACTU records
    _add(system, "TipoUsoPosibleMultiOT", "N")  # one business per site
    _add(system, "IndicadorMultiplesOT", "N")


# What a record says of its document, leaving out where it stands in the chain and when it was made.
_NOT_CONTENT = ("Subsanacion", "RechazoPrevio", "Encadenamiento", "SistemaInformatico", "FechaHoraHusoGenRegistro", "TipoHuella", "Huella")


def content(xml: str) -> bytes:
    """A record's XML without its place in the chain, its time and its huella: what two records of
    the same document compare by."""
    root = etree.fromstring(xml)
    for name in _NOT_CONTENT:
        for element in root.findall(f"{{{SF}}}{name}"):
            root.remove(element)
    return etree.tostring(root, method="c14n")
