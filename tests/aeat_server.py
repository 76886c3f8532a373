"""A stand-in for the AEAT's VERI*FACTU web service, on loopback, for the tests (SPEC §12).

HTTPS with a self-signed CA; a client certificate is required. Each request's body is checked
against the AEAT's own schemas (the copies ``verifactu-sdk`` ships, read here directly, not
through the project's code), and each record's huella is recomputed from the specification's
``Campo=valor&…`` string, chained to the record before it in what the server holds. The server
answers as the AEAT does: a SOAP body ``RespuestaRegFactuSistemaFacturacion`` that is itself
valid against ``RespuestaSuministro.xsd``; a record it already holds is refused with code 3000
and the record it holds (RegistroDuplicado).

``mode`` says what it does with the next requests: "accept", "errors" (accepted with errors),
"refuse" (the records whose numbers are in ``refuse``; the others accepted), "drop" (the
records are stored, then the connection is closed without an answer), "fault" or "silent" (an
answer that names none of the records).
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from lxml import etree

SF = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/SuministroInformacion.xsd"
LR = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/SuministroLR.xsd"
R = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/RespuestaSuministro.xsd"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS = {"sf": SF, "lr": LR, "soap": SOAP}
SCHEMAS = files("verifactu_sdk") / "schemas"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


REQUEST_SCHEMA = schema("SuministroLR.xsd")
RESPONSE_SCHEMA = schema("RespuestaSuministro.xsd")
RECORD_SCHEMA = schema("SuministroInformacion.xsd")

# The huella's fields, as the AEAT's specification lists them.
ALTA = ("IDEmisorFactura", "NumSerieFactura", "FechaExpedicionFactura", "TipoFactura", "CuotaTotal", "ImporteTotal", "Huella", "FechaHoraHusoGenRegistro")
ANULACION = ("IDEmisorFacturaAnulada", "NumSerieFacturaAnulada", "FechaExpedicionFacturaAnulada", "Huella", "FechaHoraHusoGenRegistro")


def huella_of(record: etree._Element, previous: str) -> str:
    """The huella of a RegistroAlta or RegistroAnulacion element, from the specification's rules."""
    fields = ALTA if etree.QName(record).localname == "RegistroAlta" else ANULACION
    values = []
    for name in fields:
        if name == "Huella":
            value = previous
        else:
            found = record.xpath(f".//sf:{name}", namespaces=NS)
            value = found[0].text if found else ""
        values.append(f"{name}={value.strip()}")
    return hashlib.sha256("&".join(values).encode("utf-8")).hexdigest().upper()


# --- certificates ---------------------------------------------------------------------------------


@dataclass
class Certificates:
    folder: Path
    ca_pem: Path
    server_pem: Path
    server_key: Path
    client_p12: bytes  # valid, password PASSWORD
    expired_p12: bytes  # expired yesterday, password PASSWORD
    client_subject: str


PASSWORD = "certificate-password"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(subject: str, key, issuer_name: x509.Name, issuer_key, start: datetime.datetime, end: datetime.datetime, *, ca=False, server=False):
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        ).add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH if server else x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        ).add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_certificates(folder: Path) -> Certificates:
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("Test AEAT CA", ca_key, _name("Test AEAT CA"), ca_key, now - datetime.timedelta(days=1), now + datetime.timedelta(days=30), ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _issue("127.0.0.1", server_key, ca.subject, ca_key, now - datetime.timedelta(days=1), now + datetime.timedelta(days=30), server=True)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _issue("ESTUDIO LUMEN SL - B12345674", client_key, ca.subject, ca_key, now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))
    expired = _issue("ESTUDIO LUMEN SL - B12345674", client_key, ca.subject, ca_key, now - datetime.timedelta(days=400), now - datetime.timedelta(days=1))
    folder.mkdir(parents=True, exist_ok=True)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)  # noqa: E731
    (folder / "ca.pem").write_bytes(pem(ca))
    (folder / "server.pem").write_bytes(pem(server))
    (folder / "server.key").write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    return Certificates(
        folder=folder,
        ca_pem=folder / "ca.pem",
        server_pem=folder / "server.pem",
        server_key=folder / "server.key",
        client_p12=pkcs12.serialize_key_and_certificates(b"client", client_key, client, [ca], encryption),
        expired_p12=pkcs12.serialize_key_and_certificates(b"client", client_key, expired, [ca], encryption),
        client_subject="ESTUDIO LUMEN SL - B12345674",
    )


# --- the service ------------------------------------------------------------------------------


@dataclass
class Received:
    at: float  # time.monotonic()
    records: list[str]  # "Alta 2026-002" / "Anulacion 2026-013"
    incident: bool  # Cabecera/RemisionVoluntaria/Incidencia = S
    client: str  # the client certificate's common name


@dataclass
class Service:
    mode: str = "accept"
    wait: int = 1  # TiempoEsperaEnvio
    refuse: set[str] = field(default_factory=set)
    held: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, number, date) → state
    last_huella: str = ""
    requests: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what the server found wrong in a request

    def answer(self, body: bytes, client: str) -> bytes | None:
        envelope = etree.fromstring(body)
        (root,) = envelope.xpath("/soap:Envelope/soap:Body/lr:RegFactuSistemaFacturacion", namespaces=NS)
        if not REQUEST_SCHEMA.validate(root):
            self.problems.append(f"schema: {REQUEST_SCHEMA.error_log.last_error}")
            return fault(f"Codigo[4102].El XML no cumple el esquema. {REQUEST_SCHEMA.error_log.last_error.message}")
        records = root.xpath("lr:RegistroFactura/*", namespaces=NS)
        incident = root.xpath("string(lr:Cabecera/sf:RemisionVoluntaria/sf:Incidencia)", namespaces=NS) == "S"
        self.requests.append(Received(time.monotonic(), [describe(r) for r in records], incident, client))
        if self.mode == "fault":
            return fault("Codigo[4104].Error en la cabecera")
        if self.mode == "silent":  # an answer that names none of the records
            return response(root, [], "Incorrecto", self.wait)
        lines = [self._line(record) for record in records]
        states = {line[0] for line in lines}
        overall = "Correcto" if states <= {"Correcto", "AceptadoConErrores"} else "Incorrecto" if states == {"Incorrecto"} else "ParcialmenteCorrecto"
        if self.mode == "drop":
            return None
        return response(root, lines, overall, self.wait)

    def _line(self, record: etree._Element):
        alta = etree.QName(record).localname == "RegistroAlta"
        number = record.xpath("string(sf:IDFactura/sf:NumSerieFactura | sf:IDFactura/sf:NumSerieFacturaAnulada)", namespaces=NS)
        date = record.xpath("string(sf:IDFactura/sf:FechaExpedicionFactura | sf:IDFactura/sf:FechaExpedicionFacturaAnulada)", namespaces=NS)
        key = ("Alta" if alta else "Anulacion", number, date)
        if key in self.held:
            return ("Incorrecto", key, 3000, "Registro de facturación duplicado.", self.held[key])
        previous = record.xpath("string(sf:Encadenamiento/sf:RegistroAnterior/sf:Huella)", namespaces=NS)
        if previous != self.last_huella:
            self.problems.append(f"{number}: chained to {previous!r}, the last record held is {self.last_huella!r}")
        expected = huella_of(record, previous)
        given = record.xpath("string(sf:Huella)", namespaces=NS)
        if given != expected:
            self.problems.append(f"{number}: huella {given} is not {expected}")
            return ("Incorrecto", key, 2000, "El cálculo de la huella suministrada es incorrecta.", None)
        self.last_huella = given  # the system's chain goes on through a refused record too
        if number in self.refuse:
            return ("Incorrecto", key, 1100, "Valor o tipo incorrecto del campo: NIF del destinatario.", None)
        state = "AceptadoConErrores" if self.mode == "errors" else "Correcto"
        self.held[key] = "Anulada" if not alta else "AceptadaConErrores" if self.mode == "errors" else "Correcta"
        if self.mode == "errors":
            return (state, key, 2004, "El valor del campo FechaHoraHusoGenRegistro debe ser la fecha actual del sistema de la AEAT.", None)
        return (state, key, None, None, None)


def describe(record: etree._Element) -> str:
    alta = etree.QName(record).localname == "RegistroAlta"
    number = record.xpath("string(sf:IDFactura/sf:NumSerieFactura | sf:IDFactura/sf:NumSerieFacturaAnulada)", namespaces=NS)
    return f"{'Alta' if alta else 'Anulacion'} {number}"


def fault(message: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP}"><env:Body><env:Fault>'
        f"<faultcode>env:Client</faultcode><faultstring>{message}</faultstring></env:Fault></env:Body></env:Envelope>"
    ).encode("utf-8")


def response(request_root: etree._Element, lines, overall: str, wait: int) -> bytes:
    E = lambda ns, name, *children, text=None: _element(ns, name, children, text)  # noqa: E731
    issuer = request_root.xpath("lr:Cabecera/sf:ObligadoEmision", namespaces=NS)[0]
    nif = issuer.findtext(f"{{{SF}}}NIF")
    answer = E(
        R, "RespuestaRegFactuSistemaFacturacion",
        *( [E(R, "CSV", text="A-TESTCSV0000000001")] if overall != "Incorrecto" else [] ),
        E(R, "Cabecera", E(SF, "ObligadoEmision", E(SF, "NombreRazon", text=issuer.findtext(f"{{{SF}}}NombreRazon")), E(SF, "NIF", text=nif))),
        E(R, "TiempoEsperaEnvio", text=str(wait)),
        E(R, "EstadoEnvio", text=overall),
    )
    for state, (operation, number, date), code, message, held in lines:
        line = E(
            R, "RespuestaLinea",
            E(R, "IDFactura", E(SF, "IDEmisorFactura", text=nif), E(SF, "NumSerieFactura", text=number), E(SF, "FechaExpedicionFactura", text=date)),
            E(R, "Operacion", E(SF, "TipoOperacion", text=operation)),
            E(R, "EstadoRegistro", text=state),
        )
        if code is not None:
            line.append(E(R, "CodigoErrorRegistro", text=str(code)))
            line.append(E(R, "DescripcionErrorRegistro", text=message))
        if held is not None:
            line.append(E(R, "RegistroDuplicado", E(SF, "IdPeticionRegistroDuplicado", text="202612070000000001"), E(SF, "EstadoRegistroDuplicado", text=held)))
        answer.append(line)
    assert RESPONSE_SCHEMA.validate(answer), RESPONSE_SCHEMA.error_log.last_error  # the stand-in answers as the schema says
    envelope = E(SOAP, "Envelope", E(SOAP, "Body", answer))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _element(ns: str, name: str, children, text):
    element = etree.Element(f"{{{ns}}}{name}", nsmap={"env": SOAP, "tikR": R, "tik": SF})
    if text is not None:
        element.text = text
    for child in children:
        element.append(child)
    return element


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        certificate = self.connection.getpeercert()
        client = dict(item[0] for item in certificate["subject"])["commonName"] if certificate else ""
        answer = self.server.service.answer(body, client)
        if answer is None:  # the request was taken in; the answer is lost
            self.close_connection = True
            return
        self.send_response(500 if b"Fault>" in answer else 200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    service: Service


@dataclass
class Running:
    url: str
    service: Service
    certificates: Certificates
    server: _Server

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start(folder: Path) -> Running:
    certificates = make_certificates(folder)
    server = _Server(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.server_pem, certificates.server_key)
    context.verify_mode = ssl.CERT_REQUIRED  # a client certificate is required, as at the AEAT
    context.load_verify_locations(certificates.ca_pem)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.service = Service()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{server.server_address[1]}/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP"
    return Running(url=url, service=server.service, certificates=certificates, server=server)
