"""Hosted payment links (card, PayPal): URL templates filled with the invoice's fields.

``https://pay.example.com/?invoice={number}&amount={amount}`` names fields in braces;
each is replaced by its URL-encoded value. Only the bare names below may be used: no
positional ``{}``, no ``{number.attr}`` or ``{number[0]}``, no conversion (``!r``) and no
format spec (``:>12``), since each would put something other than the encoded value in the link.
"""

from __future__ import annotations

import string
from urllib.parse import quote

FIELDS = ("number", "amount", "currency", "client")


def validate(template: str) -> str:
    """Return the template, or raise ValueError naming the first field it may not use."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"malformed template {template!r}: {error}") from None
    allowed = ", ".join("{" + name + "}" for name in FIELDS)
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if conversion:
            raise ValueError(f"{written} in {template!r}: a conversion (!{conversion}) is not allowed; write {{{name}}}")
        if spec:
            raise ValueError(f"{written} in {template!r}: a format spec (:{spec}) is not allowed; write {{{name}}}")
        if name == "" or name.isdigit():
            raise ValueError(f"positional field {written} in {template!r}: name the field ({allowed})")
        if name not in FIELDS:
            head = name.split(".", 1)[0].split("[", 1)[0]
            if head in FIELDS:
                raise ValueError(f"{written} in {template!r}: attributes and indexes are not allowed; write {{{head}}}")
            raise ValueError(f"unknown template field {written} in {template!r} (allowed: {allowed})")
    return template


def fill(template: str, *, number: str, amount: str, currency: str, client: str) -> str:
    """The link for one invoice: every field URL-encoded."""
    values = {"number": number, "amount": amount, "currency": currency, "client": client}
    return template.format(**{key: quote(value, safe="") for key, value in values.items()})
