"""Labels in each page language, from gettext catalogs, and locale formatting of amounts, numbers, dates and rates.

The catalogs are ``locale/<language>/LC_MESSAGES/messages.po``, one per shipped language
(SPEC §10). A ``.po`` file is the only source: it is compiled in memory the first time its
language is used, so no compiled file can drift from it, and fuzzy entries are never used.
Messages are the English text. Python code fills ``{name}`` placeholders (``Formatter``);
templates use jinja2.ext.i18n, whose ``{% trans %}`` blocks write ``%(name)s``.
"""

from __future__ import annotations

import copy
import datetime
import gettext
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, BinaryIO, Callable

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_decimal, format_percent, get_currency_symbol
from markupsafe import Markup

from .money import minor_units

DOMAIN = "messages"
# Where a language's formats are not those of Babel's locale of the same name: Babel's
# "pt" is Brazil's, and the catalog is European Portuguese.
_FORMAT_LOCALES = {"pt": "pt_PT"}


def _shipped_languages() -> tuple[str, ...]:
    """Every language with a catalog in the package: a new ``.po`` file is a new language."""
    folder = resources.files(__package__).joinpath("locale")
    return tuple(sorted(p.name for p in folder.iterdir() if p.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file()))


LANGUAGES = _shipped_languages()


def N_(message: str) -> str:
    """Marks a message for extraction where it is named; it is translated where it is shown."""
    return message


# Labels other modules ask for by id, through ``Formatter.label``.
LABEL_IDS: dict[str, str] = {
    # The mention printed under a 0 % tax line, by EN 16931 VAT category (SPEC §9).
    "mention.E": N_("Exempt from VAT"),
    "mention.AE": N_("Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)"),
    "mention.K": N_("Exempt intra-Community supply of goods (Art. 138 Directive 2006/112/EC)"),
    "mention.G": N_("Exempt export of goods outside the EU (Art. 146 Directive 2006/112/EC)"),
    "mention.O": N_("Not subject to VAT: supplied outside the territory of application of the tax"),
    # Why a document has a PDF but no e-invoice.
    "no_einvoice.withholding": N_("No e-invoice (XML): the EN 16931 standard has no place for income tax withheld."),
    "no_einvoice.seller_tax_id": N_("No e-invoice (XML): the seller's VAT number is missing."),
    "no_einvoice.seller_country": N_("No e-invoice (XML): the seller's country is missing."),
    "no_einvoice.buyer_country": N_("No e-invoice (XML): the client's country is missing."),
    "no_einvoice.currency": N_("No e-invoice (XML): the EN 16931 standard allows amounts with at most two decimals."),
    "no_einvoice.not_subject_mixed": N_("No e-invoice (XML): the EN 16931 standard does not allow lines not subject to VAT beside taxed ones."),
    # What happens to a credit note's amount: on its page and in its e-invoice (payment terms).
    "credited_against": N_("Taken off the balance of invoice {number}."),
    "download_pdf": N_("Download PDF"),
    "download_xml": N_("Download e-invoice (XML)"),
}


class Formatter:
    """Labels and locale formatting for one page language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.locale = _locale(language)
        self.translations = translations(language)

    def gettext(self, message: str, **values: object) -> str:
        """``message`` in this language, with its ``{name}`` placeholders filled from ``values``."""
        return _fill(self.translations.gettext(message), values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form of ``singular``/``plural`` that this language uses for ``n``."""
        return _fill(self.translations.ngettext(singular, plural, n), values)

    def pgettext(self, context: str, message: str, **values: object) -> str:
        """``message`` as meant in ``context`` (``"invoice status"``: "Paid" as a state, not a column)."""
        return _fill(self.translations.pgettext(context, message), values)

    def label(self, key: str, **values: object) -> str:
        """A label named by id (``"mention.AE"``): see ``LABEL_IDS``."""
        return self.gettext(LABEL_IDS[key], **values)

    def money(self, amount: Decimal, currency: str) -> str:
        """``€1,451.78`` / ``CHF 4,550.00`` in English, ``1.451,78 €`` in Spanish, ``−€3,000.00`` when negative.

        Always ISO 4217's minor units (CLDR shows RSD without decimals), CLDR's currency
        spacing between a currency code and the digits (which Babel does not apply by
        itself), the minus sign U+2212, and never a negative zero.
        """
        digits = minor_units(currency)
        return format_money(amount, currency, self.locale, digits, digits)

    def number(self, value: Decimal) -> str:
        """A quantity as written: ``10``, ``1.5``, never padded."""
        return format_decimal(value.normalize(), locale=self.locale, decimal_quantization=False)

    def unit_price(self, amount: Decimal, currency: str) -> str:
        """A unit price keeps extra decimals when it has them (``€0.125``)."""
        digits = minor_units(currency)
        return format_money(amount, currency, self.locale, digits, max(digits, -amount.normalize().as_tuple().exponent))

    def rate(self, fraction: Decimal) -> str:
        """A rate as a percentage: ``21%`` / ``21 %``, ``10.5%``."""
        return format_percent(fraction, locale=self.locale, decimal_quantization=False)

    def country(self, code: str) -> str:
        """The country's name in this language: ``ES`` → ``Spain`` / ``España``."""
        return self.locale.territories.get(code, code)

    def date(self, day: datetime.date) -> str:
        return format_date(day, format="long", locale=self.locale)

    def short_date(self, day: datetime.date) -> str:
        return format_date(day, format="medium", locale=self.locale)


def format_money(amount: Decimal, currency: str, locale: Locale | str, least: int | None = None, most: int | None = None) -> str:
    """An amount in the locale's currency format with ``least``–``most`` decimals (default: ISO 4217's).

    See ``Formatter.money``: CLDR currency spacing, U+2212 for negatives, no negative zero.
    """
    digits = minor_units(currency)
    least = digits if least is None else least
    most = least if most is None else most
    # Decimal("1.5") and Decimal("1.50") are one key: with the decimals fixed they read the same.
    return _format_money(amount, currency, str(locale), least, most)


@lru_cache(maxsize=65536)
def _format_money(amount: Decimal, currency: str, locale_id: str, least: int, most: int) -> str:
    """``format_money`` once per value: a page and its PDF, and the rows of a page, repeat amounts."""
    money_format = _money_format(currency, locale_id, least, most)
    if amount.quantize(money_format.quantum) == 0:
        amount = abs(amount)  # -0.001 rounds to zero, which has no sign
    text = money_format.apply(amount, currency)
    text = _currency_spacing(text, money_format.symbol)
    return text.replace("-", MINUS_SIGN).replace(money_format.minus, MINUS_SIGN)


@dataclass(frozen=True)
class _MoneyFormat:
    """A locale's currency pattern with fixed decimals, its symbols looked up once.

    ``apply`` writes an amount as Babel's ``NumberPattern.apply`` does (the same rounding,
    grouping, symbols and affixes), without the lookups that Babel makes for every amount and
    that cost more than the formatting. Where the pattern is one this does not cover (a scale,
    an exponent, significant digits, quotes, the currency's plural name) it is Babel's own.
    """

    pattern: NumberPattern
    locale: Locale
    symbol: str  # the currency's symbol in this locale
    minus: str  # the locale's minus sign
    quantum: Decimal  # 10 ** -most
    least: int
    prefixes: tuple[str, str] | None  # positive, negative, with the symbol in; None: Babel formats
    suffixes: tuple[str, str]
    group: str
    decimal: str

    def apply(self, amount: Decimal, currency: str) -> str:
        if self.prefixes is None:
            return self.pattern.apply(amount, self.locale, currency=currency, currency_digits=False)
        negative = int(amount.is_signed())
        whole, _, fraction = f"{abs(amount).normalize().quantize(self.quantum):f}".partition(".")
        return self.prefixes[negative] + self._grouped(whole) + self._fraction(fraction or "0") + self.suffixes[negative]

    def _grouped(self, whole: str) -> str:
        minimum = self.pattern.int_prec[0]
        if len(whole) < minimum:
            whole = "0" * (minimum - len(whole)) + whole
        size, written = self.pattern.grouping[0], ""
        while len(whole) > size:
            written = self.group + whole[-size:] + written
            whole = whole[:-size]
            size = self.pattern.grouping[1]
        return whole + written

    def _fraction(self, fraction: str) -> str:
        most = -self.quantum.as_tuple().exponent
        if len(fraction) < self.least:
            fraction += "0" * (self.least - len(fraction))
        if most == 0 or (self.least == 0 and int(fraction) == 0):
            return ""
        while len(fraction) > self.least and fraction[-1] == "0":
            fraction = fraction[:-1]
        return self.decimal + fraction


@lru_cache(maxsize=None)
def _money_format(currency: str, locale_id: str, least: int, most: int) -> _MoneyFormat:
    """The locale, its currency pattern with these decimals, the currency's symbol and the locale's
    minus sign: looked up once, not for every amount (Babel's lookups cost more than the formatting)."""
    locale = Locale.parse(locale_id)
    pattern: NumberPattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (least, most)
    symbol = get_currency_symbol(currency, locale=locale)
    symbols = locale.number_symbols["latn"]
    affixes = (*pattern.prefix, *pattern.suffix)
    plain = (
        pattern.scale == 0 and not pattern.exp_prec and "@" not in pattern.pattern and pattern.number_pattern != ""
        and not any("'" in text or "¤¤¤" in text for text in (*affixes, symbols["group"], symbols["decimal"], symbol))
    )  # fmt: skip

    def filled(text: str) -> str:
        return text.replace("¤¤", currency.upper()).replace("¤", symbol)

    return _MoneyFormat(
        pattern=pattern,
        locale=locale,
        symbol=symbol,
        minus=symbols["minusSign"],
        quantum=Decimal(10) ** -most,
        least=least,
        prefixes=(filled(pattern.prefix[0]), filled(pattern.prefix[1])) if plain else None,
        suffixes=(filled(pattern.suffix[0]), filled(pattern.suffix[1])),
        group=symbols["group"],
        decimal=symbols["decimal"],
    )


MINUS_SIGN = "\u2212"  # read as "minus" by screen readers; a hyphen is not
_NO_BREAK_SPACE = "\u00a0"


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR's currencySpacing: a no-break space between a currency code and an adjacent digit.

    The rule inserts it where the symbol's character next to the number is neither a
    symbol nor a space (``CHF``, ``US$`` ends in ``$``: no space) and the number's
    character next to it is a digit: ``CHF4,550.00`` → ``CHF 4,550.00``.
    """
    at = text.find(symbol)
    if at < 0:
        return text
    end = at + len(symbol)
    if end < len(text) and _is_letter_like(symbol[-1]) and text[end].isdigit():
        return text[:end] + _NO_BREAK_SPACE + text[end:]
    if at > 0 and _is_letter_like(symbol[0]) and text[at - 1].isdigit():
        return text[:at] + _NO_BREAK_SPACE + text[at:]
    return text


def _is_letter_like(char: str) -> bool:
    return unicodedata.category(char)[0] not in ("S", "Z")


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    return Locale.parse(_FORMAT_LOCALES.get(language, language))


def catalog_file(language: str) -> resources.abc.Traversable:
    """The ``.po`` file of a shipped language."""
    return resources.files(__package__).joinpath("locale", language, "LC_MESSAGES", f"{DOMAIN}.po")


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.GNUTranslations:
    """The catalog of ``language``, compiled from its ``.po`` file in memory; fuzzy entries are left out."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r} (supported: {', '.join(LANGUAGES)})")
    with catalog_file(language).open("rb") as po:
        return compile_catalog(po, language)


def compile_catalog(po: BinaryIO, language: str) -> gettext.GNUTranslations:
    """A ``.po`` file as gettext reads it, compiled in memory: fuzzy entries are left out."""
    catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def package_templates(autoescape: bool | Callable[[str | None], bool]) -> jinja2.Environment:
    """The templates shipped in ``invoicepub/templates`` (reminder e-mails, new invoice files), with
    gettext on (``enable_gettext``); an undefined name is an error, not an empty string."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("invoicepub", "templates"),
        autoescape=autoescape,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    enable_gettext(environment)
    return environment


def enable_gettext(environment: jinja2.Environment) -> None:
    """Turn on jinja2.ext.i18n the way the catalogs are written: newstyle calls, trimmed blocks.

    The functions themselves come with each render (``template_gettext``), so that one
    environment serves every language.
    """
    environment.add_extension("jinja2.ext.i18n")
    environment.newstyle_gettext = True  # type: ignore[attr-defined]
    environment.policies["ext.i18n.trimmed"] = True


@lru_cache(maxsize=None)
def template_gettext(language: str) -> dict[str, Callable[..., str]]:
    """``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` in ``language``, for a template's context.

    They work as jinja2.ext.i18n's newstyle functions: ``%(name)s`` filled from keyword
    arguments (``num`` is the count), and where the template escapes, the values are
    escaped while the translation, our own text, is not.
    """
    catalog = translations(language)

    @jinja2.pass_context
    def gettext_(context: jinja2.runtime.Context, message: str, /, **values: Any) -> str:
        return _fill_template(context, catalog.gettext(message), values)

    @jinja2.pass_context
    def ngettext_(context: jinja2.runtime.Context, singular: str, plural: str, num: int, /, **values: Any) -> str:
        values.setdefault("num", num)
        return _fill_template(context, catalog.ngettext(singular, plural, num), values)

    @jinja2.pass_context
    def pgettext_(context: jinja2.runtime.Context, msgctxt: str, message: str, /, **values: Any) -> str:
        return _fill_template(context, catalog.pgettext(msgctxt, message), values)

    @jinja2.pass_context
    def npgettext_(context: jinja2.runtime.Context, msgctxt: str, singular: str, plural: str, num: int, /, **values: Any) -> str:
        values.setdefault("num", num)
        return _fill_template(context, catalog.npgettext(msgctxt, singular, plural, num), values)

    return {"gettext": gettext_, "ngettext": ngettext_, "pgettext": pgettext_, "npgettext": npgettext_}


def _fill(text: str, values: dict[str, object]) -> str:
    return text.format(**values) if values else text


def _fill_template(context: jinja2.runtime.Context, text: str, values: dict[str, Any]) -> str:
    if context.eval_ctx.autoescape:
        return Markup(text) % values
    return text % values


@lru_cache(maxsize=None)
def formatter(language: str) -> Formatter:
    return Formatter(language)
