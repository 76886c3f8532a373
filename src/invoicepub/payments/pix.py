"""Brazil Pix static BR Code (EMV QRCPS merchant-presented mode), with its CRC16-CCITT-FALSE.

Every field is tag, two-digit length and value. The merchant name and city are plain ASCII
(accents removed: ``São Paulo`` → ``Sao Paulo``), and every length counts bytes.
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .limits import AmountRange
from .references import letters_and_digits

NAME = "pix"
CURRENCIES = ("BRL",)
ERROR_LEVEL = "M"
MAX_VERSION = 40
MAX_NAME = 25
MAX_CITY = 15
MAX_TXID = 25
# Tag 26 holds the GUI (4 + 14 bytes) and the key, 99 bytes in all.
MAX_KEY = 77
AMOUNTS = AmountRange("a Pix code", "BRL", Decimal("0.01"), Decimal("9999999999.99"))  # tag 54 holds at most 13 characters
GUI = "br.gov.bcb.pix"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+55\d{10,11}$")
_CPF_CNPJ = re.compile(r"^(\d{11}|\d{14})$")
_RANDOM = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Config:
    key: str
    name: str
    city: str


def validate_key(key: str) -> str:
    """A Pix key (e-mail, +55 phone number, CPF, CNPJ or random key), or ValueError."""
    if not (_EMAIL.match(key) or _PHONE.match(key) or _CPF_CNPJ.match(key) or _RANDOM.match(key.lower())):
        raise ValueError(
            f"a Pix key is an e-mail, a phone number as +55…, a CPF (11 digits), a CNPJ (14 digits) or a random key, got {key!r}"
        )
    if len(key.encode("utf-8")) > MAX_KEY:
        raise ValueError(f"a Pix key has at most {MAX_KEY} bytes, got {len(key.encode('utf-8'))}")
    return key


def plain(text: str) -> str:
    """``text`` in plain ASCII, accents removed (``São Paulo`` → ``Sao Paulo``), or ValueError."""
    decomposed = unicodedata.normalize("NFKD", text)
    result = "".join(char for char in decomposed if not unicodedata.combining(char))
    for char in result:
        if not char.isascii():
            raise ValueError(f"a Pix code carries plain ASCII: {char!r} in {text!r} has no ASCII form, write it without")
    return result


def _plain_within(text: str, limit: int) -> str:
    result = plain(text)
    size = len(result.encode("ascii"))
    if size > limit:
        raise ValueError(f"at most {limit} bytes for Pix, got {size} ({result!r})")
    return result


def validate_name(name: str) -> str:
    """The merchant name as the code carries it (plain ASCII, at most 25 bytes), or ValueError."""
    return _plain_within(name, MAX_NAME)


def validate_city(city: str) -> str:
    """The merchant city as the code carries it (plain ASCII, at most 15 bytes), or ValueError."""
    return _plain_within(city, MAX_CITY)


def applies(config: Config, currency: str, client_country: str | None) -> bool:
    return currency in CURRENCIES


def crc16(data: bytes) -> int:
    """CRC16-CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection): ``crc_hqx`` from 0xFFFF."""
    return binascii.crc_hqx(data, 0xFFFF)


def txid(number: str) -> str:
    """The invoice number's letters and digits, at most 25: the Pix transaction id."""
    return letters_and_digits(number, MAX_TXID, "a Pix transaction id")


def payee(config: Config, business_name: str) -> str:
    """The merchant name as the code carries it."""
    return validate_name(config.name)


def account(config: Config) -> str:
    return config.key


def reference(config: Config, number: str) -> str:
    return txid(number)


def payload(config: Config, *, number: str, amount: Decimal, currency: str, payee: str) -> str:
    AMOUNTS.check(amount)
    body = (
        _tlv("00", "01")
        + _tlv("26", _tlv("00", GUI) + _tlv("01", validate_key(config.key)))
        + _tlv("52", "0000")
        + _tlv("53", "986")
        + _tlv("54", f"{amount:.2f}")
        + _tlv("58", "BR")
        + _tlv("59", validate_name(config.name))
        + _tlv("60", validate_city(config.city))
        + _tlv("62", _tlv("05", txid(number)))
        + "6304"
    )
    return body + f"{crc16(body.encode('utf-8')):04X}"


def _tlv(tag: str, value: str) -> str:
    size = len(value.encode("utf-8"))
    if size > 99:
        raise ValueError(f"Pix field {tag} is longer than 99 bytes")
    return f"{tag}{size:02d}{value}"
