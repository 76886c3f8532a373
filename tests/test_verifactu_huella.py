"""The huella of VERI*FACTU records (SPEC §12) against the worked examples of the AEAT's
specification of the hash of invoicing records: a first registro de alta, a second alta
chained to it, and an anulación chained to that. The values, strings and hashes below are the
specification's examples; two values are given here with spaces around them, which the
specification says to trim before hashing."""

from __future__ import annotations

import hashlib

import pytest

from invoicepub.verifactu.huella import ALTA_FIELDS, ANULACION_FIELDS, chain_string, huella

FIRST_ALTA = {
    "IDEmisorFactura": "89890001K",
    "NumSerieFactura": " 12345678/G33 ",
    "FechaExpedicionFactura": "01-01-2024",
    "TipoFactura": "F1",
    "CuotaTotal": "12.35",
    "ImporteTotal": "123.45 ",
    "FechaHoraHusoGenRegistro": "2024-01-01T19:20:30+01:00",
}
FIRST_STRING = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345678/G33&FechaExpedicionFactura=01-01-2024&TipoFactura=F1"
    "&CuotaTotal=12.35&ImporteTotal=123.45&Huella=&FechaHoraHusoGenRegistro=2024-01-01T19:20:30+01:00"
)
FIRST_HUELLA = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"

SECOND_ALTA = dict(FIRST_ALTA, NumSerieFactura="12345679/G34", FechaHoraHusoGenRegistro="2024-01-01T19:20:35+01:00")
SECOND_STRING = (
    "IDEmisorFactura=89890001K&NumSerieFactura=12345679/G34&FechaExpedicionFactura=01-01-2024&TipoFactura=F1"
    "&CuotaTotal=12.35&ImporteTotal=123.45&Huella=3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
    "&FechaHoraHusoGenRegistro=2024-01-01T19:20:35+01:00"
)
SECOND_HUELLA = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"

ANULACION = {
    "IDEmisorFacturaAnulada": "89890001K",
    "NumSerieFacturaAnulada": "12345679/G34",
    "FechaExpedicionFacturaAnulada": "01-01-2024",
    "FechaHoraHusoGenRegistro": "2024-01-01T19:20:40+01:00",
}
ANULACION_STRING = (
    "IDEmisorFacturaAnulada=89890001K&NumSerieFacturaAnulada=12345679/G34&FechaExpedicionFacturaAnulada=01-01-2024"
    "&Huella=F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97&FechaHoraHusoGenRegistro=2024-01-01T19:20:40+01:00"
)
ANULACION_HUELLA = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"


@pytest.mark.parametrize(
    "fields, values, previous, string, expected",
    [
        (ALTA_FIELDS, FIRST_ALTA, "", FIRST_STRING, FIRST_HUELLA),
        (ALTA_FIELDS, SECOND_ALTA, FIRST_HUELLA, SECOND_STRING, SECOND_HUELLA),
        (ANULACION_FIELDS, ANULACION, SECOND_HUELLA, ANULACION_STRING, ANULACION_HUELLA),
    ],
    ids=["first alta", "chained alta", "anulacion"],
)
def test_the_aeat_worked_examples(fields, values, previous, string, expected):
    assert chain_string(fields, values, previous) == string
    assert huella(fields, values, previous) == expected
    # The specification's hashes are those of its strings: the examples agree with themselves.
    assert hashlib.sha256(string.encode()).hexdigest().upper() == expected


def test_a_changed_field_or_link_changes_the_huella():
    assert huella(ALTA_FIELDS, dict(FIRST_ALTA, ImporteTotal="123.46")) != FIRST_HUELLA
    assert huella(ALTA_FIELDS, SECOND_ALTA, previous="") != SECOND_HUELLA  # the chain is part of it


def test_a_record_without_a_field_of_its_hash_is_refused():
    values = dict(FIRST_ALTA)
    del values["CuotaTotal"]
    with pytest.raises(KeyError, match="CuotaTotal"):
        huella(ALTA_FIELDS, values)
