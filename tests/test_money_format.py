"""Amounts as a client reads them: locale, currency spacing, the minus sign, no negative zero (SPEC §3 Money)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from invoicepub.i18n import format_money

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    "language, amount, currency, expected",
    [
        # English: symbol first; a currency *code* is set apart from the digits (CLDR currencySpacing)
        ("en", "4550", "CHF", f"CHF{NBSP}4,550.00"),
        ("en", "1451.78", "EUR", "€1,451.78"),
        ("en", "-3000", "EUR", f"{MINUS}€3,000.00"),
        ("en", "-4550", "CHF", f"{MINUS}CHF{NBSP}4,550.00"),
        ("en", "-0.00", "EUR", "€0.00"),
        ("en", "-0.004", "EUR", "€0.00"),  # rounds to zero: no sign
        ("en", "1101", "JPY", "¥1,101"),
        ("en", "1.235", "KWD", f"KWD{NBSP}1.235"),
        ("en", "10.5", "RSD", f"RSD{NBSP}10.50"),  # ISO 4217: 2 decimals (CLDR would show 11)
        # Spanish and German: amount first, then a no-break space and the symbol
        ("es", "3573.80", "EUR", f"3.573,80{NBSP}€"),  # grouped as Spanish invoices write it
        ("es", "13129.48", "EUR", f"13.129,48{NBSP}€"),
        ("es", "-3000", "EUR", f"{MINUS}3.000,00{NBSP}€"),
        ("es", "-0.00", "EUR", f"0,00{NBSP}€"),
        ("de", "4550", "CHF", f"4.550,00{NBSP}CHF"),
        ("de", "-3000", "EUR", f"{MINUS}3.000,00{NBSP}€"),
        ("de", "-0.001", "EUR", f"0,00{NBSP}€"),
        ("de", "12.5", "IQD", f"12,500{NBSP}IQD"),  # ISO 4217: 3 decimals
    ],
)
def test_money_strings(language, amount, currency, expected):
    assert format_money(D(amount), currency, language) == expected


def test_no_hyphen_minus_is_ever_printed():
    for language in ("en", "es", "de", "fr", "nl", "pt"):
        assert "-" not in format_money(D("-1234.56"), "EUR", language)
