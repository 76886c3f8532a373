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


# Amounts that exercise rounding (half to even, as Babel rounds), grouping of long numbers,
# leading zeros, negatives and zero; each is also given with more decimals than it shows.
AMOUNTS = [
    "0", "-0", "0.005", "0.015", "-0.005", "2.675", "1", "-1", "12", "999.995", "1000", "-1000.5",
    "12345.678", "1234567.891", "-98765432.10", "100000000000.004", "0.1", "7.125", "7.135", "50.0000",
]  # fmt: skip
CURRENCIES = ["EUR", "CHF", "JPY", "KWD", "INR", "BRL", "CZK", "USD", "GBP", "SEK", "RSD", "XAF"]


def _babel_money(amount, currency, locale, least, most):
    """The amount as Babel's own ``NumberPattern.apply`` writes it, with the same decimals, then the
    same spacing and minus sign as ``format_money``: what its quicker route must equal."""
    import copy

    from babel import Locale
    from babel.numbers import get_currency_symbol

    from invoicepub.i18n import MINUS_SIGN, _currency_spacing

    locale = Locale.parse(locale)
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (least, most)
    if amount.quantize(D(10) ** -most) == 0:
        amount = abs(amount)
    text = pattern.apply(amount, locale, currency=currency, currency_digits=False)
    text = _currency_spacing(text, get_currency_symbol(currency, locale=locale))
    return text.replace("-", MINUS_SIGN).replace(locale.number_symbols["latn"]["minusSign"], MINUS_SIGN)


def _some_locales():
    """Every shipped language's locale and one in ten of Babel's others (scripts, Indian grouping,
    symbols after the amount, right-to-left marks, apostrophe group separators among them)."""
    from babel.localedata import locale_identifiers

    from invoicepub.i18n import LANGUAGES, _locale

    others = sorted(locale_identifiers())[::10]
    return sorted({str(_locale(language)) for language in LANGUAGES} | set(others) | {"de_CH", "en_IN", "hi", "ar_EG", "fa"})


def test_amounts_read_as_babel_writes_them_in_every_locale():
    from invoicepub.i18n import _format_money

    compared = 0
    for locale in _some_locales():
        for currency in CURRENCIES:
            for least, most in ((2, 2), (0, 0), (3, 3), (2, 4)):
                for text in AMOUNTS:
                    amount = D(text)
                    assert _format_money(amount, currency, locale, least, most) == _babel_money(amount, currency, locale, least, most), (
                        locale, currency, least, most, text
                    )
                    compared += 1
    assert compared > 50_000
