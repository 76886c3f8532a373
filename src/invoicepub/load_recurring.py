"""Reading a recurring series (``invoices/recurring/<name>.yml``, SPEC §8) into a checked record.

A series is not an invoice: it describes the invoice ``invoices recur`` writes every period.
Its items are checked with an invoice item's fields, so a typo is found before the first
invoice is written, not after.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import fields as f
from .fields import Field, read_fields
from .model import Business, Client, RecurringSeries
from .problems import Problems, Source
from .source import YamlList, YamlMap, read_yaml

RECURRING_DIR = "recurring"
EVERY = ("month", "quarter", "year")
LAST_DAY = 28  # every month has it


def check_day(value: Any, raw: str | None) -> int:
    day = f.whole_number(1)(value, raw)
    if day > LAST_DAY:
        raise ValueError(f"must be between 1 and {LAST_DAY} (a day every month has), got {day}")
    return day


_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_period(value: Any, raw: str | None) -> str:
    """A series' period as its first month, ``YYYY-MM``."""
    text = raw if raw is not None else str(value)
    if not isinstance(value, str) or not _PERIOD.match(value.strip()):
        raise ValueError(f"expected a period as YYYY-MM (its first month), got {text!r}")
    return value.strip()


SERIES_FIELDS = {
    "client": Field(f.identifier, required=True),
    "every": Field(f.one_of(*EVERY), required=True),
    "day": Field(check_day, required=True),
    "start": Field(f.date, required=True),
    "end": Field(f.date),
    "items": Field(lambda value, raw: value),  # each checked with an invoice item's fields
    "discount": Field(f.percentage),
    "withholding": Field(f.percentage),
    "notes": Field(f.multiline_text),
    "payment_terms_days": Field(f.whole_number(0, 3650)),  # at most ten years
}


def read_series(
    path: Path,
    rel: str,
    root: Path,
    business: Business | None,
    clients: dict[str, Client],
    item_fields: dict[str, Field],
    problems: Problems,
) -> RecurringSeries | None:
    """The series in ``path``, every problem added with its line; None when it cannot be used."""
    data = read_yaml(path, root, problems)
    if data is None:
        return None  # not readable: the problem is already reported
    values = read_fields(data, SERIES_FIELDS, rel, 1, "a recurring series", problems)
    if values is None:
        return None
    complete = {"client", "every", "day", "start"} <= values.keys()
    if "client" in values and values["client"] not in clients:
        problems.add(
            Source(rel, data.line_of("client")),
            f"unknown client {values['client']!r}: no file invoices/clients/{values['client']}.yml",
        )
        complete = False
    if "start" in values and "end" in values and values["end"] < values["start"]:
        problems.add(Source(rel, data.line_of("end")), f"end {values['end'].isoformat()} is before start {values['start'].isoformat()}")
        complete = False
    lines = _series_items(data, item_fields, rel, problems)
    if not complete or lines is None:
        return None
    raw = data.raw
    return RecurringSeries(
        name=path.stem,
        client_id=values["client"],
        every=values["every"],
        day=values["day"],
        start=values["start"],
        end=values.get("end"),
        items=lines,
        discount=raw.get("discount") if "discount" in values else None,
        withholding=raw.get("withholding") if "withholding" in values else None,
        notes=values.get("notes"),
        payment_terms_days=values.get("payment_terms_days", business.payment_terms_days if business else 30),
        source=Source(rel, data.line),
    )


def _series_items(data: YamlMap, item_fields: dict[str, Field], rel: str, problems: Problems) -> tuple[tuple[tuple[str, Any], ...], ...] | None:
    """Each item of the series as written, every one checked as an invoice's item; None when one cannot be used."""
    items = data.get("items")
    if not isinstance(items, YamlList) or not items:
        problems.add(Source(rel, data.line_of("items")), "a recurring series needs at least one entry under 'items'")
        return None
    lines = []
    complete = True
    for entry, line in zip(items, items.item_lines):
        parsed = read_fields(entry, item_fields, rel, line, "an item", problems)
        if parsed is None or not {"description", "unit_price"} <= parsed.keys():
            complete = False
            continue
        lines.append(tuple(entry.items()))
    return tuple(lines) if complete else None
