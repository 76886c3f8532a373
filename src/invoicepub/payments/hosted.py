"""Hosted payment links (card, PayPal): URL templates filled with the invoice's fields.

``https://pay.example.com/?invoice={number}&amount={amount}`` names fields in braces;
each is replaced by its URL-encoded value. A template naming any other field is an error.
"""

from __future__ import annotations

import string
from urllib.parse import quote

FIELDS = ("number", "amount", "currency", "client")


def validate(template: str) -> str:
    """Return the template, or raise ValueError naming the first unknown or malformed field."""
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(template) if name is not None]
    except ValueError as error:
        raise ValueError(f"malformed template {template!r}: {error}") from None
    for name in names:
        if name not in FIELDS:
            raise ValueError(
                f"unknown template field {{{name}}} in {template!r} (allowed: "
                + ", ".join("{" + f + "}" for f in FIELDS)
                + ")"
            )
    return template


def fill(template: str, *, number: str, amount: str, currency: str, client: str) -> str:
    """The link for one invoice: every field URL-encoded."""
    values = {"number": number, "amount": amount, "currency": currency, "client": client}
    return template.format(**{key: quote(value, safe="") for key, value in values.items()})
