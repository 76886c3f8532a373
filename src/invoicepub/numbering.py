"""The next invoice number, following the pattern of the numbers already written.

A number is read as prefix + counter + suffix, the counter being its last run of digits:
``2026-013`` → (``2026-``, ``013``, ``""``). The next number keeps the prefix, the suffix
and the counter's width. Where the prefix carries a year (``A-2026-101``) and the year has
changed, a new sequence starts at 1 under the new year.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Iterable

from .model import INVOICE

_PARTS = re.compile(r"^(?P<prefix>.*?)(?P<counter>\d+)(?P<suffix>\D*)$")
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")

DEFAULT_WIDTH = 3


@dataclass(frozen=True)
class _Number:
    prefix: str
    counter: int
    width: int
    suffix: str


def _parse(number: str) -> _Number | None:
    match = _PARTS.match(number)
    if not match:
        return None
    counter = match["counter"]
    return _Number(match["prefix"], int(counter), len(counter), match["suffix"])


def next_number(existing: Iterable[tuple[str, datetime.date]], today: datetime.date) -> str:
    """The number after the newest of ``existing`` (number, issue date) pairs, for an invoice issued ``today``."""
    numbered = [(issued, number) for number, issued in existing if _parse(number)]
    if not numbered:
        return f"{today.year}-{1:0{DEFAULT_WIDTH}d}"
    numbers = {number for _, number in numbered}
    # The newest invoice sets the pattern; among equal dates the highest counter wins.
    _, latest = max(numbered, key=lambda pair: (pair[0], _parse(pair[1]).counter))
    pattern = _parse(latest)
    prefix = pattern.prefix
    year = _YEAR.search(prefix)
    if year and year.group(0) != str(today.year):
        prefix = prefix[: year.start()] + str(today.year) + prefix[year.end() :]
    same_series = [
        parsed.counter
        for parsed in map(_parse, numbers)
        if parsed and parsed.prefix == prefix and parsed.suffix == pattern.suffix
    ]
    counter = max(same_series, default=0) + 1
    candidate = f"{prefix}{counter:0{pattern.width}d}{pattern.suffix}"
    while candidate in numbers:  # pragma: no cover - only with hand-made gaps in odd patterns
        counter += 1
        candidate = f"{prefix}{counter:0{pattern.width}d}{pattern.suffix}"
    return candidate


def next_invoice_number(documents: Iterable[tuple[str, str, datetime.date]], today: datetime.date) -> str:
    """The next number in the invoices' own series, from (kind, number, issue date) of every document.

    Estimates and credit notes may have series of their own (``P-2026-001``, ``R-2026-001``):
    they never set the invoices' pattern, but numbers are unique across kinds, so none is reused.
    """
    documents = list(documents)
    series = [(number, issued) for kind, number, issued in documents if kind == INVOICE]
    taken = {number for _, number, _ in documents}
    candidate = next_number(series, today)
    while candidate in taken:
        series.append((candidate, today))
        candidate = next_number(series, today)
    return candidate


def file_name(number: str) -> str:
    """The file name (without ``.yml``) a document numbered ``number`` is written under: ``2026-014``."""
    return re.sub(r"[^0-9A-Za-z._-]+", "-", number).strip("-.") or "invoice"
