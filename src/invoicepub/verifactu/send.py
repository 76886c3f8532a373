"""``invoices verifactu send`` (SPEC §12): the records not yet answered, sent to the AEAT.

Records go in chain order in ``RegFactuSistemaFacturacion`` requests of at most 1,000, over
TLS with the business's certificate (PKCS#12), as SOAP 1.1 document/literal through httpx.
Each request is validated against ``SuministroLR.xsd`` before it leaves. Between two requests,
and between two runs, the command waits the ``TiempoEsperaEnvio`` the AEAT last asked for.

Each answer line is stored beside its record (``respuesta``) as soon as its request is
answered. A request that gets no answer (a dropped connection, a timeout, a SOAP fault) leaves
its records pending: they go in the next run, marked ``Incidencia: S`` once they are late. When
the AEAT already holds a record (a request answered after the connection dropped), it says so
(code 3000 and the record it holds); that record counts as answered, so nothing is sent twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import secrets
import ssl
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from lxml import etree

from ..model import PRODUCTION, Verifactu
from .records import MADRID, SF
from .schemas import validate
from .store import PENDING, Record

LR = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/SuministroLR.xsd"
RESPONSE = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/RespuestaSuministro.xsd"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ENDPOINTS = {
    PRODUCTION: "https://www1.agenciatributaria.gob.es/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP",
    "test": "https://prewww1.aeat.es/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP",
}
CERT_VARIABLE = "VERIFACTU_CERT"
PASSWORD_VARIABLE = "VERIFACTU_CERT_PASSWORD"
URL_VARIABLE = "VERIFACTU_URL"
CA_VARIABLE = "VERIFACTU_CA"
BATCH = 1000  # records a request holds at most
DEFAULT_WAIT = 60  # seconds, until the AEAT says otherwise
# A record sent later than this after it was made goes as an incident (Incidencia S): the AEAT
# accepts a FechaHoraHusoGenRegistro up to 240 seconds from its own clock (its error 2004).
LATE_AFTER = datetime.timedelta(minutes=2)
TIMEOUT = 60.0
DUPLICATE = 3000  # the AEAT's code for a record it already holds


class SendError(Exception):
    """Nothing could be sent (settings, certificate); one sentence for the user."""


@dataclass(frozen=True)
class Settings:
    url: str
    context: ssl.SSLContext


def settings_from(verifactu: Verifactu, environ: Mapping[str, str], today: datetime.datetime) -> Settings:
    """Endpoint and TLS context from the environment; SendError on a missing, unreadable or expired certificate."""
    encoded = environ.get(CERT_VARIABLE, "").strip()
    if not encoded:
        raise SendError(f"{CERT_VARIABLE} is not set: it holds the business's certificate, a PKCS#12 (.p12/.pfx) file in base64")
    try:
        blob = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SendError(f"{CERT_VARIABLE} is not base64: encode the .p12 file with `base64 -w0 file.p12`") from None
    password = environ.get(PASSWORD_VARIABLE, "")
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(blob, password.encode("utf-8") or None)
    except ValueError:
        raise SendError(
            f"{CERT_VARIABLE} could not be opened: {PASSWORD_VARIABLE} is wrong or missing, or the file is not PKCS#12"
        ) from None
    if key is None or certificate is None:
        raise SendError(f"{CERT_VARIABLE} holds no certificate with its private key")
    _check_validity(certificate, today)
    return Settings(url=environ.get(URL_VARIABLE, "").strip() or ENDPOINTS[verifactu.environment], context=_context(key, certificate, chain or [], environ))


def _check_validity(certificate: x509.Certificate, moment: datetime.datetime) -> None:
    after, before = certificate.not_valid_after_utc, certificate.not_valid_before_utc
    if moment > after:
        raise SendError(f"the certificate in {CERT_VARIABLE} expired on {after.date().isoformat()}: renew it and store the new one")
    if moment < before:
        raise SendError(f"the certificate in {CERT_VARIABLE} is valid only from {before.date().isoformat()}")


def _context(key: Any, certificate: x509.Certificate, chain: list[x509.Certificate], environ: Mapping[str, str]) -> ssl.SSLContext:
    """A TLS client context holding the certificate. ssl reads a key only from a file: it is written
    encrypted with a random one-time password, into a private temporary folder, and deleted."""
    context = ssl.create_default_context(cafile=environ.get(CA_VARIABLE) or None)
    password = secrets.token_hex(16)
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (certificate, *chain))
    pem += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(password.encode()))
    with tempfile.TemporaryDirectory(prefix="invoices-verifactu-") as folder:
        path = Path(folder) / "client.pem"
        path.touch(mode=0o600)
        path.write_bytes(pem)
        context.load_cert_chain(path, password=password)
    return context


def request(verifactu: Verifactu, records: Iterable[Record], late: bool) -> bytes:
    """The SOAP envelope of one RegFactuSistemaFacturacion request, valid against SuministroLR.xsd."""
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP, "sum": LR, "sf": SF})
    etree.SubElement(envelope, f"{{{SOAP}}}Header")
    body = etree.SubElement(envelope, f"{{{SOAP}}}Body")
    root = etree.SubElement(body, f"{{{LR}}}RegFactuSistemaFacturacion")
    header = etree.SubElement(root, f"{{{LR}}}Cabecera")
    issuer = etree.SubElement(header, f"{{{SF}}}ObligadoEmision")
    etree.SubElement(issuer, f"{{{SF}}}NombreRazon").text = verifactu.issuer_name
    etree.SubElement(issuer, f"{{{SF}}}NIF").text = verifactu.nif
    if late:
        voluntary = etree.SubElement(header, f"{{{SF}}}RemisionVoluntaria")
        etree.SubElement(voluntary, f"{{{SF}}}Incidencia").text = "S"
    for record in records:
        etree.SubElement(root, f"{{{LR}}}RegistroFactura").append(etree.fromstring(record.data["xml"]))
    validate(root)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


@dataclass(frozen=True)
class Answer:
    """The AEAT's answer to one request: how long to wait, and one line per record it read."""

    wait: int  # TiempoEsperaEnvio, seconds
    state: str  # EstadoEnvio
    csv: str | None
    lines: tuple[dict[str, Any], ...]


def parse_answer(content: bytes) -> Answer:
    """The answer in a SOAP response; SendError for a SOAP fault or anything that is not an answer."""
    try:
        envelope = etree.fromstring(content)
    except etree.XMLSyntaxError:
        raise SendError("the AEAT's answer is not XML") from None
    fault = envelope.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    if fault is not None:
        raise SendError(f"the AEAT refused the whole request: {fault.findtext('faultcode')} {fault.findtext('faultstring')}")
    answer = envelope.find(f"{{{SOAP}}}Body/{{{RESPONSE}}}RespuestaRegFactuSistemaFacturacion")
    if answer is None:
        raise SendError("the AEAT's answer holds no RespuestaRegFactuSistemaFacturacion")
    lines = tuple(_line(element) for element in answer.findall(f"{{{RESPONSE}}}RespuestaLinea"))
    return Answer(
        wait=int(answer.findtext(f"{{{RESPONSE}}}TiempoEsperaEnvio") or DEFAULT_WAIT),
        state=answer.findtext(f"{{{RESPONSE}}}EstadoEnvio") or "",
        csv=answer.findtext(f"{{{RESPONSE}}}CSV"),
        lines=lines,
    )


def _line(element: etree._Element) -> dict[str, Any]:
    """One RespuestaLinea as the fields stored beside its record."""
    ns = {"r": RESPONSE, "sf": SF}
    line = {
        "NumSerieFactura": element.findtext("r:IDFactura/sf:NumSerieFactura", namespaces=ns),
        "FechaExpedicionFactura": element.findtext("r:IDFactura/sf:FechaExpedicionFactura", namespaces=ns),
        "TipoOperacion": element.findtext("r:Operacion/sf:TipoOperacion", namespaces=ns),
        "EstadoRegistro": element.findtext("r:EstadoRegistro", namespaces=ns),
    }
    code = element.findtext("r:CodigoErrorRegistro", namespaces=ns)
    if code:
        line["CodigoErrorRegistro"] = int(code)
        line["DescripcionErrorRegistro"] = element.findtext("r:DescripcionErrorRegistro", namespaces=ns) or ""
    duplicate = element.find("r:RegistroDuplicado", namespaces=ns)
    if duplicate is not None:
        held = duplicate.findtext("sf:EstadoRegistroDuplicado", namespaces=ns)
        line["RegistroDuplicado"] = {"IdPeticionRegistroDuplicado": duplicate.findtext("sf:IdPeticionRegistroDuplicado", namespaces=ns), "EstadoRegistroDuplicado": held}
        if line.get("CodigoErrorRegistro") == DUPLICATE and held in ("Correcta", "AceptadaConErrores"):
            line["EstadoRegistro"] = "Correcto" if held == "Correcta" else "AceptadoConErrores"  # it is registered
        elif line.get("CodigoErrorRegistro") == DUPLICATE and held == "Anulada" and line["TipoOperacion"] == "Anulacion":
            line["EstadoRegistro"] = "Correcto"  # the anulación it held is this one: the document is cancelled
    return line


def now() -> datetime.datetime:
    """This moment, to the microsecond: a wait the AEAT asks for is never cut short by rounding."""
    return datetime.datetime.now(MADRID)


def pending(records: Iterable[Record]) -> list[Record]:
    return [record for record in records if record.state == PENDING]


def next_send(records: Iterable[Record]) -> datetime.datetime | None:
    """The earliest moment the AEAT allows the next request: its last answer's time plus its wait."""
    answered = [r.data["respuesta"] for r in records if r.data.get("respuesta")]
    if not answered:
        return None
    last = max(answered, key=lambda a: datetime.datetime.fromisoformat(a["recibida"]))  # as moments: offsets change with DST
    return datetime.datetime.fromisoformat(last["recibida"]) + datetime.timedelta(seconds=int(last.get("TiempoEsperaEnvio", DEFAULT_WAIT)))


def _key(record: Record) -> tuple[str, str, str]:
    return (record.number, record.issue_date, "Alta" if record.is_alta else "Anulacion")


def answers_by_line(batch: list[Record], answer: Answer, received: datetime.datetime) -> dict[int, dict[str, Any]]:
    """Each answered record's ``respuesta``, by its line in records.jsonl."""
    by_key = {_key(record): record for record in batch}
    stored = {}
    for line in answer.lines:
        record = by_key.get((line["NumSerieFactura"], line["FechaExpedicionFactura"], line["TipoOperacion"]))
        if record is None:
            continue
        stored[record.line] = {
            **{k: v for k, v in line.items() if k not in ("NumSerieFactura", "FechaExpedicionFactura", "TipoOperacion")},
            "EstadoEnvio": answer.state,
            **({"CSV": answer.csv} if answer.csv else {}),
            "TiempoEsperaEnvio": answer.wait,
            "recibida": received.isoformat(),
        }
    return stored


def send(
    verifactu: Verifactu,
    records: tuple[Record, ...],
    settings: Settings,
    store: Callable[[dict[int, dict[str, Any]]], None],
    say: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict[str, Any]]:
    """Send every pending record and ``store`` each request's answers as they come; every answer of the run.

    Raises SendError when a request gets no answer: what was answered before it is stored."""
    waiting = pending(records)
    answered: list[dict[str, Any]] = []
    allowed = next_send(records)
    with httpx.Client(verify=settings.context, timeout=TIMEOUT) as client:
        for start in range(0, len(waiting), BATCH):
            batch = waiting[start : start + BATCH]
            if allowed is not None and (delay := (allowed - now()).total_seconds()) > 0:
                say(f"waiting {delay:.0f} s, as the AEAT asked")
                sleep(delay)
            late = any(now() - record.generated > LATE_AFTER for record in batch)
            body = request(verifactu, batch, late)
            try:
                response = client.post(settings.url, content=body, headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
            except httpx.HTTPError as error:
                raise SendError(f"no answer from {settings.url} ({type(error).__name__}: {error}); the {len(waiting) - start} records not answered stay pending and go in the next run") from None
            answer = parse_answer(response.content)
            received = now()
            stored = answers_by_line(batch, answer, received)
            store(stored)
            answered += [dict(stored[r.line], NumSerieFactura=r.number) for r in batch if r.line in stored]
            allowed = received + datetime.timedelta(seconds=answer.wait)
            say(f"sent {len(batch)} record(s): {answer.state}")
            unanswered = [r.number for r in batch if r.line not in stored]
            if unanswered:
                raise SendError(
                    f"the AEAT's answer ({answer.state}) names no line for {len(unanswered)} record(s) "
                    f"({', '.join(unanswered[:5])}{'…' if len(unanswered) > 5 else ''}): they stay pending and go in the next run"
                )
    return answered
