"""Field parsers and the record reader that checks a YAML mapping against a list of fields.

A parser takes the YAML value (and the scalar's source text) and returns the checked
value or raises ``ValueError`` with a message a user can act on.
"""

from __future__ import annotations

import datetime
import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any, Callable

from babel import Locale, UnknownLocaleError
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from .i18n import LANGUAGES
from .money import has_no_minor_units, is_currency, is_withdrawn
from .problems import Problems, Source
from .source import YamlMap, is_date

Parser = Callable[[Any, "str | None"], Any]


@dataclass(frozen=True)
class Field:
    """One key a record may have."""

    parse: Parser
    required: bool = False


def read_fields(
    mapping: Any,
    fields: dict[str, Field],
    path: str,
    line: int,
    what: str,
    problems: Problems,
) -> dict[str, Any] | None:
    """Check ``mapping`` against ``fields``; return the parsed values of the keys it has.

    Returns None when the value is not a mapping at all. Unknown keys, missing required
    keys and values that do not parse are added to ``problems``.
    """
    if not isinstance(mapping, YamlMap):
        problems.add(Source(path, getattr(mapping, "line", line)), f"{what} must be a mapping of fields")
        return None
    values: dict[str, Any] = {}
    for key, value in mapping.items():
        at = Source(path, mapping.line_of(key))
        spec = fields.get(key)
        if spec is None:
            hint = difflib.get_close_matches(key, list(fields), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.add(at, f"unknown field {key!r} in {what}{suggestion}")
            continue
        if value is None:
            if spec.required:
                problems.add(at, f"{key}: must not be empty")
            continue
        try:
            values[key] = spec.parse(value, mapping.raw.get(key))
        except ValueError as error:
            problems.add(at, f"{key}: {error}")
    for key, spec in fields.items():
        if spec.required and key not in mapping:
            problems.add(Source(path, mapping.line), f"missing required field {key!r} in {what}")
    return values


# --- parsers -------------------------------------------------------------------------


# Characters that break a line or steer a terminal: never in a one-line field, where a
# newline would move the IBAN a banking app reads from an EPC code to another line.
_LINE_BREAKS = {"Zl", "Zp"}


def _control_characters(text: str, allowed: str = "") -> list[str]:
    return [
        char
        for char in text
        if char not in allowed and (unicodedata.category(char) == "Cc" or unicodedata.category(char) in _LINE_BREAKS)
    ]


def _describe(char: str) -> str:
    names = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab"}
    return names.get(char) or f"the control character U+{ord(char):04X}"


def _as_text(value: Any, raw: str | None) -> str:
    if isinstance(value, str):
        result = value.strip()
    elif raw is not None and not isinstance(value, (dict, list)):
        result = raw.strip()
    else:
        raise ValueError("expected text")
    if not result:
        raise ValueError("must not be empty")
    return result


def text(value: Any, raw: str | None) -> str:
    """One line of text (a name, a number, a reference); a number or date written bare is taken as written.

    A newline, a tab or any other control character is refused: these fields end up in
    payment payloads and headers where a line break changes what is read.
    """
    result = _as_text(value, raw)
    bad = _control_characters(result)
    if bad:
        raise ValueError(f"must be one line of text, without {_describe(bad[0])}")
    return result


def multiline_text(value: Any, raw: str | None) -> str:
    """Text that may span lines (an address, notes); other control characters are refused."""
    result = _as_text(value, raw).replace("\r\n", "\n")
    bad = _control_characters(result, allowed="\n\t")
    if bad:
        raise ValueError(f"must be text without {_describe(bad[0])}")
    return result


def identifier(value: Any, raw: str | None) -> str:
    """An invoice number or client id: one line of text in Unicode NFC (macOS writes NFD)."""
    return unicodedata.normalize("NFC", text(value, raw))


# The largest amounts and quantities: 12 digits before the decimal point (SPEC §1), and
# at most 12 after it, so that every product of the arithmetic stays exact.
MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 12


def number(value: Any, raw: str | None) -> Decimal:
    """An exact decimal number: 10, 45.00, "1.005"; finite, with at most 12 digits on each side of the point."""
    shown = raw if raw is not None else value
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {shown!r}")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except InvalidOperation:
            raise ValueError(f"expected a number, got {value!r}") from None
    else:
        raise ValueError(f"expected a number, got {shown!r}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {shown!r}")
    if result != 0 and result.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(f"{shown} has more than {MAX_INTEGER_DIGITS} digits before the decimal point")
    if -result.normalize().as_tuple().exponent > MAX_DECIMALS:
        raise ValueError(f"{shown} has more than {MAX_DECIMALS} decimals")
    if isinstance(shown, str) and "e" in shown.lower():
        # 1e3 is 1000 to YAML's float rules and a typo to a reader: amounts are written in digits.
        raise ValueError(f"{shown} is written with an exponent: write the number in digits, such as {result:f}")
    return result


def positive_number(value: Any, raw: str | None) -> Decimal:
    result = number(value, raw)
    if result <= 0:
        raise ValueError(f"must be greater than zero, got {result}")
    return result


def nonzero_number(value: Any, raw: str | None) -> Decimal:
    result = number(value, raw)
    if result == 0:
        raise ValueError("must not be zero")
    return result


_PERCENT = re.compile(r"^\s*([-+]?[0-9][0-9_]*(?:\.[0-9]+)?|\.[0-9]+)\s*%\s*$")


def percentage(value: Any, raw: str | None) -> Decimal:
    """A percentage written ``"21%"``; returned as a fraction (0.21). Must be 0–100 %."""
    if not isinstance(value, str) or not _PERCENT.match(value):
        shown = raw if raw is not None else value
        raise ValueError(f"expected a percentage such as 21%, got {shown!r}")
    percent = Decimal(_PERCENT.match(value).group(1).replace("_", ""))
    if not Decimal(0) <= percent <= Decimal(100):
        raise ValueError(f"a percentage must be between 0% and 100%, got {value.strip()}")
    return percent / 100


def percentage_or_amount(value: Any, raw: str | None) -> tuple[str, Decimal]:
    """``"10%"`` (a rate off) or a number (an amount off)."""
    if isinstance(value, str) and "%" in value:
        return ("rate", percentage(value, raw))
    amount = number(value, raw)
    if amount < 0:
        raise ValueError(f"an amount off must not be negative, got {amount}")
    return ("amount", amount)


def boolean(value: Any, raw: str | None) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {raw if raw is not None else value!r}")
    return value


# Dates an invoice can carry: the arithmetic adds terms and days to them, and year 9999
# plus a month is past what a date can hold.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def date(value: Any, raw: str | None) -> datetime.date:
    """A calendar date written YYYY-MM-DD, in the years 1900 to 2999."""
    shown = raw if raw is not None else value
    day = value if is_date(value) else None
    if day is None and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if day is None:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {shown!r}")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is not a date between {FIRST_YEAR} and {LAST_YEAR}")
    return day


def whole_number(minimum: int, maximum: int = 1_000_000) -> Parser:
    def parse(value: Any, raw: str | None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {raw if raw is not None else value!r}")
        if not minimum <= value <= maximum:
            raise ValueError(f"must be from {minimum} to {maximum}, got {value}")
        return value

    return parse


def currency(value: Any, raw: str | None) -> str:
    """A current ISO 4217 currency code; a withdrawn one (HRK, DEM) is refused by name."""
    code = text(value, raw).upper()
    if re.fullmatch(r"[A-Z]{3}", code) and is_withdrawn(code):
        raise ValueError(f"currency {code} has been withdrawn from ISO 4217 and can no longer be invoiced in")
    if has_no_minor_units(code):
        raise ValueError(f"{code} has no minor units in ISO 4217 (a metal, fund or test code): invoice in a currency such as EUR")
    if not re.fullmatch(r"[A-Z]{3}", code) or not is_currency(code):
        raise ValueError(f"unknown currency {text(value, raw)!r} (expected an ISO 4217 code such as EUR)")
    return code


def language(value: Any, raw: str | None) -> str:
    code = text(value, raw).lower()
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language {code!r} (supported: {', '.join(LANGUAGES)})")
    return code


def country(value: Any, raw: str | None) -> str:
    code = text(value, raw).upper()
    try:
        known = re.fullmatch(r"[A-Z]{2}", code) and code in Locale("en").territories
    except UnknownLocaleError:  # pragma: no cover - Babel always ships "en"
        known = False
    if not known:
        raise ValueError(f"unknown country {code!r} (expected an ISO 3166 alpha-2 code such as ES)")
    return code


# The HTML living standard's "valid e-mail address" (what browsers accept in type=email), with
# a dot in the domain: no "<", ">", ",", ";", quotes or spaces, which would turn one address in
# a To: or Reply-To: header into several.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


def email(value: Any, raw: str | None) -> str:
    address = text(value, raw)
    if not _EMAIL.fullmatch(address) or not is_mail_address(address):
        raise ValueError(f"not an e-mail address: {address!r}")
    return address


def is_mail_address(address: str) -> bool:
    """True when an e-mail header can carry the address as it is (a dot-atom local part: no ".." or edge dots)."""
    try:
        Address(addr_spec=address)
    except (ValueError, HeaderParseError):  # InvalidHeaderDefect is a ValueError
        return False
    return True


def url(value: Any, raw: str | None) -> str:
    address = text(value, raw)
    if not re.match(r"^https?://[^\s/]+", address):
        raise ValueError(f"expected an http:// or https:// address, got {address!r}")
    return address


def iban(value: Any, raw: str | None) -> str:
    try:
        return IBAN(text(value, raw)).compact
    except SchwiftyException as error:
        raise ValueError(f"invalid IBAN {text(value, raw)!r}: {error}") from None


def bic(value: Any, raw: str | None) -> str:
    try:
        return BIC(text(value, raw)).compact
    except SchwiftyException as error:
        raise ValueError(f"invalid BIC {text(value, raw)!r}: {error}") from None


def one_of(*choices: str) -> Parser:
    def parse(value: Any, raw: str | None) -> str:
        word = text(value, raw)
        if word not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {word!r}")
        return word

    return parse
