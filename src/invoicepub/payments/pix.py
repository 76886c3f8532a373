"""Brazil Pix static BR Code (EMV QRCPS merchant-presented mode), with its CRC16-CCITT-FALSE."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import fields as f
from ..fields import Field
from .references import letters_and_digits

NAME = "pix"
CURRENCIES = ("BRL",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
MAX_NAME = 25
MAX_CITY = 15
MAX_TXID = 25
GUI = "br.gov.bcb.pix"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+55\d{10,11}$")
_CPF_CNPJ = re.compile(r"^(\d{11}|\d{14})$")
_RANDOM = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def key(value, raw) -> str:
    text = f.text(value, raw)
    if not (_EMAIL.match(text) or _PHONE.match(text) or _CPF_CNPJ.match(text) or _RANDOM.match(text.lower())):
        raise ValueError(
            f"a Pix key is an e-mail, a phone number as +55…, a CPF (11 digits), a CNPJ (14 digits) or a random key, got {text!r}"
        )
    return text


def _limited(limit: int):
    def parse(value, raw) -> str:
        text = f.text(value, raw)
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters for Pix, got {len(text)} ({text!r})")
        return text

    return parse


FIELDS = {
    "key": Field(key, required=True),
    "name": Field(_limited(MAX_NAME), required=True),
    "city": Field(_limited(MAX_CITY), required=True),
}


@dataclass(frozen=True)
class Config:
    key: str
    name: str
    city: str


def configure(values: dict) -> Config:
    return Config(key=values["key"], name=values["name"], city=values["city"])


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def crc16(data: bytes) -> int:
    """CRC16-CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"Pix field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def txid(number: str) -> str:
    """The invoice number's letters and digits, at most 25: the Pix transaction id."""
    return letters_and_digits(number, MAX_TXID, "a Pix transaction id")


def account(config: Config) -> str:
    return config.key


def payee(config: Config, business_name: str) -> str:
    return config.name


def reference(config: Config, number: str) -> str:
    return txid(number)


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    amount_text = f"{amount:.2f}"
    if amount <= 0 or len(amount_text) > 13:
        raise ValueError(f"a Pix code carries BRL 0.01 to 9999999999.99, not {amount}")
    body = (
        _tlv("00", "01")
        + _tlv("26", _tlv("00", GUI) + _tlv("01", config.key))
        + _tlv("52", "0000")
        + _tlv("53", "986")
        + _tlv("54", amount_text)
        + _tlv("58", "BR")
        + _tlv("59", config.name)
        + _tlv("60", config.city)
        + _tlv("62", _tlv("05", txid(number)))
        + "6304"
    )
    return body + f"{crc16(body.encode('utf-8')):04X}"
