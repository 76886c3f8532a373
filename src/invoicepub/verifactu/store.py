"""``verifactu/records.jsonl``: the chain of records, kept in the repository (SPEC §12).

One JSON object a line, in the order the records were generated, which is the chain's order.
A record is never rewritten: new records are appended, and the one thing that is ever added to
a written line is ``respuesta``, the AEAT's answer once the record is sent. Every write goes to a
temporary file first and replaces the old one whole, so a failure leaves the old file as it was.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..problems import Problems, Source

RECORDS_FILE = "verifactu/records.jsonl"
# What the AEAT said of a record (RespuestaLinea's EstadoRegistro), and a record not sent yet.
PENDING = "pending"
ACCEPTED = "Correcto"
ACCEPTED_WITH_ERRORS = "AceptadoConErrores"
REFUSED = "Incorrecto"
REGISTERED = (ACCEPTED, ACCEPTED_WITH_ERRORS)


@dataclass(frozen=True)
class Record:
    """One line of records.jsonl: an alta or an anulación, as generated, and the AEAT's answer once sent."""

    line: int  # 1-based, in records.jsonl
    data: Mapping[str, Any]

    @property
    def is_alta(self) -> bool:
        return "NumSerieFactura" in self.data

    @property
    def number(self) -> str:
        return self.data["NumSerieFactura"] if self.is_alta else self.data["NumSerieFacturaAnulada"]

    @property
    def issuer(self) -> str:
        return self.data["IDEmisorFactura"] if self.is_alta else self.data["IDEmisorFacturaAnulada"]

    @property
    def issue_date(self) -> str:
        """FechaExpedicionFactura as the record writes it: DD-MM-YYYY."""
        return self.data["FechaExpedicionFactura"] if self.is_alta else self.data["FechaExpedicionFacturaAnulada"]

    @property
    def huella(self) -> str:
        return self.data["Huella"]

    @property
    def generated(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.data["FechaHoraHusoGenRegistro"])

    @property
    def state(self) -> str:
        """PENDING until the AEAT answered; then ACCEPTED, ACCEPTED_WITH_ERRORS or REFUSED."""
        answer = self.data.get("respuesta")
        return answer["EstadoRegistro"] if answer else PENDING

    @property
    def source(self) -> Source:
        return Source(RECORDS_FILE, self.line)


# Every record holds these; an alta or an anulación also its own fields (verifactu.huella).
_REQUIRED = ("Huella", "HuellaAnterior", "FechaHoraHusoGenRegistro", "xml")


def read_records(root: Path, problems: Problems) -> tuple[Record, ...]:
    """The records of ``root/verifactu/records.jsonl`` in chain order (none when there is no file yet)."""
    path = Path(root) / RECORDS_FILE
    if not path.is_file():
        return ()
    records = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        at = Source(RECORDS_FILE, number)
        try:
            data = json.loads(text)
        except ValueError as error:
            problems.add(at, f"not a JSON object ({error.msg}): this file is written by `invoices verifactu`, restore it from git")
            continue
        if not isinstance(data, dict) or not all(key in data for key in _REQUIRED) or not ("NumSerieFactura" in data or "NumSerieFacturaAnulada" in data):
            problems.add(at, "not a VERI*FACTU record: this file is written by `invoices verifactu`, restore it from git")
            continue
        records.append(Record(number, data))
    return tuple(records)


def line_of(data: Mapping[str, Any]) -> str:
    """A record as its line of records.jsonl."""
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def append_records(root: Path, new: Iterable[Mapping[str, Any]]) -> None:
    """Write ``new`` records after the last one, keeping every earlier line as it is."""
    path = Path(root) / RECORDS_FILE
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    _replace(path, old + "".join(line_of(data) + "\n" for data in new))


def add_answers(root: Path, answers: Mapping[int, Mapping[str, Any]]) -> None:
    """Add ``respuesta`` to the records at the given lines; every other line and field stays as written."""
    path = Path(root) / RECORDS_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    for line, answer in answers.items():
        data = json.loads(lines[line - 1])
        data["respuesta"] = dict(answer)
        lines[line - 1] = line_of(data)
    _replace(path, "".join(text + "\n" for text in lines))


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".records-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
