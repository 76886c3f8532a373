"""Languages (SPEC §10): the gettext catalogs, the templates that use them, and pages in all eight languages.

The messages a catalog must hold are extracted here, in memory, with Babel from the same
mapping file (babel.cfg) as `pybabel extract`; expected translations and formats below are
written by hand from the .po files and CLDR's conventions, not computed by the code under test.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from conftest import REPO, SECRET, copy_site, mkdocs_build, run_invoices, write_files
from invoicepub.fields import LANGUAGES as FIELD_LANGUAGES
from invoicepub.i18n import LANGUAGES, compile_catalog, formatter

LOCALE = REPO / "src" / "invoicepub" / "locale"
SHIPPED = ("en", "es", "ca", "de", "fr", "it", "pt", "nl")
TEMPLATE_DIRS = (REPO / "overrides", REPO / "src" / "invoicepub" / "templates")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def read_catalog(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def extracted_messages() -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """Every message of the code and templates, keyed by (context, msgid), as `pybabel extract` finds them."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, "babel.cfg")
    messages = {}
    for _file, _line, message, _comments, context in extract_from_dir(str(REPO), method_map, options_map):
        key = message if isinstance(message, str) else message[0]
        messages[(context, key)] = message
    return messages


def placeholders(text: str) -> list[str]:
    return sorted(percent or brace for percent, brace in PLACEHOLDER.findall(text))


def catalog_problems(catalog: Catalog, messages: dict) -> list[str]:
    """What keeps a catalog from being shipped: a missing, empty, fuzzy or extra message, a wrong placeholder."""
    problems = []
    if catalog.fuzzy:
        problems.append("the header is fuzzy")
    for (context, key), message in messages.items():
        entry = catalog.get(message if isinstance(message, str) else message[0], context)
        if entry is None:
            problems.append(f"missing: {key!r}")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if isinstance(message, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms for {catalog.num_plurals}: {key!r}")
        for string in strings:
            if not string or not string.strip():
                problems.append(f"empty: {key!r}")
            elif placeholders(string) != placeholders(key):
                problems.append(f"placeholders {placeholders(string)} for {placeholders(key)}: {key!r}")
    for entry in catalog:
        if entry.id and (entry.context, entry.id if isinstance(entry.id, str) else entry.id[0]) not in messages:
            problems.append(f"not in the code or templates any more: {entry.id!r}")
    return problems


@pytest.fixture(scope="module")
def messages():
    return extracted_messages()


# --- the catalogs -----------------------------------------------------------------------------


def test_the_shipped_languages_are_the_catalogs_in_the_package():
    # The eight of SPEC §10 at least; a ninth catalog added to the folder is a ninth language.
    catalogs = tuple(sorted(path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/messages.po")))
    assert LANGUAGES == FIELD_LANGUAGES == catalogs
    assert set(SHIPPED) <= set(LANGUAGES)
    assert not list(LOCALE.rglob("*.mo")), "compiled catalogs are made when loaded, never kept beside their source"


@pytest.mark.parametrize("language", LANGUAGES)  # every catalog in the folder, a new one included
def test_every_catalog_translates_every_message(language, messages):
    assert len(messages) > 100
    assert catalog_problems(read_catalog(language), messages) == []


# The plural rules of CLDR as Babel 2.19 carries them (CLDR 47), written out by hand. CLDR 46
# gave Spanish, Catalan, Italian, French and Portuguese a third form, "many", for a round
# million and more ("1 millón de días"); the next change of CLDR fails here, one language a line.
PLURAL_RULES = {
    "en": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "nl": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    "ca": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    "it": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
    "fr": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
    "pt": "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_states_the_plural_rule_of_the_locked_babel(language):
    assert language in PLURAL_RULES, f"write {language}'s plural rule into PLURAL_RULES from CLDR"
    babel_rule = get_plural(language).plural_forms
    assert babel_rule == PLURAL_RULES[language], (
        f"Babel {importlib.metadata.version('babel')} counts {language} plurals as {babel_rule!r}, not as the catalogs were "
        f"written for ({PLURAL_RULES[language]!r}): CLDR changed; update Plural-Forms and each plural's forms"
    )
    assert read_catalog(language).plural_forms == babel_rule, f"the {language} catalog's Plural-Forms header is not {babel_rule!r}"


def test_the_catalog_check_finds_what_is_wrong(messages):
    catalog = read_catalog("de")
    catalog.delete("Subtotal")
    catalog.get("Total").string = ""
    catalog.get("Tax {rate}").string = "USt. {satz}"
    catalog.get("Invoice {number}").flags.add("fuzzy")
    days = next(key for context, key in messages if key.startswith("%(count)s day after"))
    catalog.get(days).string = ("%(count)s Tag nach dem Rechnungsdatum",)
    catalog.add("Obsolete label", "Veraltet")
    problems = catalog_problems(catalog, messages)
    assert "missing: 'Subtotal'" in problems
    assert "empty: 'Total'" in problems
    assert "placeholders ['satz'] for ['rate']: 'Tax {rate}'" in problems
    assert "fuzzy: 'Invoice {number}'" in problems
    assert f"1 plural forms for 2: {days!r}" in problems
    assert "not in the code or templates any more: 'Obsolete label'" in problems


def test_fuzzy_entries_are_never_used():
    po = (
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Subtotal"\nmsgstr "Teilsumme"\n\nmsgid "Total"\nmsgstr "Gesamtbetrag"\n'
    )
    translations = compile_catalog(io.BytesIO(po.encode()), "de")
    assert translations.gettext("Total") == "Gesamtbetrag"
    assert translations.gettext("Subtotal") == "Subtotal"  # the English source, not a guess


def test_plurals_follow_each_language():
    # French counts 0 and 1 as singular; German and Spanish only 1.
    one_day = ("%(count)s day after the issue date", "%(count)s days after the issue date")
    assert formatter("fr").translations.ngettext(*one_day, 0) == "%(count)s jour après la date d'émission"
    assert formatter("de").translations.ngettext(*one_day, 0) == "%(count)s Tage nach dem Rechnungsdatum"
    assert formatter("es").translations.ngettext(*one_day, 1) == "%(count)s día después de la fecha de emisión"
    assert formatter("es").translations.ngettext(*one_day, 30) == "%(count)s días después de la fecha de emisión"
    # A round million takes CLDR's "many" form, which reads as the plural when written in digits.
    assert formatter("es").translations.ngettext(*one_day, 1_000_000) == "%(count)s días después de la fecha de emisión"
    assert formatter("fr").translations.ngettext(*one_day, 2_000_000) == "%(count)s jours après la date d'émission"
    assert formatter("it").translations.ngettext(*one_day, 1_000_000).startswith("%(count)s giorni ")
    assert formatter("pt").translations.ngettext(*one_day, 0).startswith("%(count)s dia ")
    assert formatter("pt").translations.ngettext(*one_day, 2).startswith("%(count)s dias ")


def test_tax_mentions_read_as_each_country_writes_them():
    mentions = {language: formatter(language).label("mention.AE") for language in SHIPPED}
    assert mentions["de"].startswith("Steuerschuldnerschaft des Leistungsempfängers")
    assert mentions["fr"].startswith("Autoliquidation")
    assert mentions["nl"].startswith("BTW verlegd")
    assert mentions["es"].startswith("Inversión del sujeto pasivo")
    assert mentions["it"].startswith("Inversione contabile")
    assert mentions["pt"].startswith("IVA – autoliquidação")
    assert mentions["ca"].startswith("Inversió del subjecte passiu")
    for key in ("mention.E", "mention.K", "mention.G", "mention.O", "no_einvoice.withholding", "download_pdf", "download_xml"):
        texts = {formatter(language).label(key) for language in SHIPPED}
        assert len(texts) == len(SHIPPED), key  # each language has its own wording


def test_dates_numbers_and_money_follow_the_locale():
    nbsp, narrow = "\u00a0", "\u202f"
    german, french = formatter("de"), formatter("fr")
    assert german.money(Decimal("4550"), "CHF") == f"4.550,00{nbsp}CHF"
    assert french.money(Decimal("4550"), "CHF") == f"4{narrow}550,00{nbsp}CHF"
    assert german.money(Decimal("-1451.78"), "EUR") == f"\u22121.451,78{nbsp}€"
    assert french.money(Decimal("-1451.78"), "EUR") == f"\u22121{narrow}451,78{nbsp}€"
    assert german.date(datetime.date(2026, 12, 2)) == "2. Dezember 2026"
    assert french.date(datetime.date(2026, 12, 2)) == "2 décembre 2026"
    assert german.short_date(datetime.date(2026, 11, 20)) == "20.11.2026"
    assert german.number(Decimal("1.5")) == "1,5" and french.rate(Decimal("0.21")) == f"21{nbsp}%"
    # Portuguese is Portugal's: the euro after the amount, a space between thousands.
    assert formatter("pt").money(Decimal("1451.78"), "EUR") == f"1{nbsp}451,78{nbsp}€"
    assert formatter("pt").date(datetime.date(2026, 12, 2)) == "2 de dezembro de 2026"


def test_an_unsupported_language_names_the_shipped_ones(site_copy):
    path = site_copy / "invoices" / "clients" / "harbour-finch.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("language: en\n", "language: sv\n"), encoding="utf-8")
    result = run_invoices(site_copy, "check")
    assert result.returncode == 1
    line = next(line for line in result.stdout.splitlines() if "harbour-finch.yml" in line)
    assert line.endswith("language: unsupported language 'sv' (supported: ca, de, en, es, fr, it, nl, pt)"), line


# --- templates --------------------------------------------------------------------------------

# Attributes people read or hear: their text is a label too.
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "data-label", "label"}


class _LiteralText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in READ_ATTRIBUTES and value and _has_letters(value)]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _has_letters(data):
            self.found.append(data.strip())


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _literal_source(source: str) -> str:
    """The template with every Jinja tag, expression and comment replaced by "0": what it says by itself."""
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    parts, in_jinja, in_trans, previous = [], False, False, None
    for _line, kind, value in environment.lex(environment.preprocess(source)):
        if previous == "block_begin" and kind == "name" and value in ("trans", "endtrans"):
            in_trans = value == "trans"
        if kind != "whitespace":
            previous = kind
        if kind == "data" and not in_trans:  # a {% trans %} block's text is a message
            parts.append(value)
            in_jinja = False
        elif not in_jinja:
            parts.append("0")
            in_jinja = True
    return "".join(parts)


def labels_outside_the_catalogs(source: str, suffix: str) -> list[str]:
    """Text a template shows that no catalog translates: letters outside {% trans %}, _() and variables."""
    literal = _literal_source(source)
    if suffix == ".html":
        parser = _LiteralText()
        parser.feed(literal)
        parser.close()
        return parser.found
    if suffix in (".yml", ".yaml"):
        # Only comments speak to people; a commented-out field (`# discount: 10%`) is YAML.
        comments = [line.partition("#")[2].strip() for line in literal.splitlines() if "#" in line]
        return [text for text in comments if _has_letters(text) and not re.match(r"[a-z_]+:", text)]
    return [line.strip() for line in literal.splitlines() if _has_letters(line)]


def template_files() -> list[Path]:
    return sorted(p for folder in TEMPLATE_DIRS for p in folder.rglob("*") if p.suffix in (".html", ".txt", ".yml"))


@pytest.mark.parametrize("path", template_files(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_templates_hold_no_label_outside_the_catalogs(path):
    assert labels_outside_the_catalogs(path.read_text(encoding="utf-8"), path.suffix) == []


@pytest.mark.parametrize(
    "source, suffix, found",
    [
        ('<th scope="col">{{ _("Date") }}</th><th scope="col">Amount</th>', ".html", ["Amount"]),
        ('<button aria-label="Close">{{ icon }}</button>', ".html", ["Close"]),
        ('<td data-label="{{ _("Unit") }}">{{ row.unit }}</td><p>{% trans %}Notes{% endtrans %}</p>', ".html", []),
        ("{% trans %}Kind regards,{% endtrans %}\nBest wishes,\n{{ business }}\n", ".txt", ["Best wishes,"]),
        ("due: {{ due }}  # {{ _('due date') }}\n# Fill in the items\n# notes: {{ thanks }}\n", ".yml", ["Fill in the items"]),
    ],
)
def test_the_template_check_finds_a_planted_label(source, suffix, found):
    assert labels_outside_the_catalogs(source, suffix) == found


# --- pages in every language ------------------------------------------------------------------

CLIENTS = {
    "en": ("Thames Print Ltd.", "London", "GB", "Brand guidelines", "Print proofs"),
    "es": ("Ferretería Turia, S.L.", "València", "ES", "Diseño del catálogo", "Pruebas de imprenta"),
    "ca": ("Taller Mediterrani, S.L.", "Barcelona", "ES", "Disseny del catàleg", "Proves d'impremta"),
    "de": ("Kraftwerk Medien GmbH", "Berlin", "DE", "Gestaltung des Jahresberichts", "Druckfreigaben"),
    "fr": ("Atelier Lumière SARL", "Lyon", "FR", "Création de la charte graphique", "Épreuves d'impression"),
    "it": ("Studio Navigli S.r.l.", "Milano", "IT", "Progettazione del catalogo", "Bozze di stampa"),
    "pt": ("Tejo Criativo, Lda.", "Lisboa", "PT", "Design do catálogo", "Provas de impressão"),
    "nl": ("Grachten Ontwerp B.V.", "Rotterdam", "NL", "Ontwerp van de huisstijl", "Drukproeven"),
}


def page_path(kind: str, *parts: str) -> str:
    import hashlib
    import hmac

    token = hmac.new(SECRET.encode(), "\x1f".join((kind, *parts)).encode(), hashlib.sha256).hexdigest()[:32]
    return f"{kind[0]}/{token}/"


def invoice_number(language: str) -> str:
    return f"2026-1{SHIPPED.index(language):02d}"


@pytest.fixture(scope="module")
def languages_site(tmp_path_factory) -> Path:
    """The sample business with one client per shipped language, each with a partly paid invoice."""
    root = copy_site(tmp_path_factory.mktemp("languages"))
    files = {}
    for language, (name, city, country, first, second) in CLIENTS.items():
        files[f"invoices/clients/lang-{language}.yml"] = f"""
            name: {name}
            contact: Alex Moreno
            email: accounts@{language}.example
            address: |
              Main Street 1
              {city}
            country: {country}
            language: {language}
            """
        # 2 × 2275.00 − 10 % = 4095.00; + 455.00 = 4550.00; 0 % tax; 550.00 paid → 4000.00 due.
        files[f"invoices/2026/lang-{language}.yml"] = f"""
            number: "{invoice_number(language)}"
            client: lang-{language}
            issued: 2026-11-02
            items:
              - description: {first}
                quantity: 2
                unit: h
                unit_price: 2275.00
                discount: 10%
              - description: {second}
                unit_price: 455.00
            payments:
              - date: 2026-11-20
                amount: 550.00
                method: SEPA
                reference: TX-{language.upper()}
            """
    write_files(root, files)
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root


def read_page(root: Path, path: str) -> str:
    return (root / "site" / path / "index.html").read_text(encoding="utf-8")


class _Shown(HTMLParser):
    """Text a reader sees or hears: text nodes outside scripts, and labelling attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.cell_labels: list[str] = []  # what a stacked table cell shows before its value on a phone
        self.lang = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if "data-label" in attributes:
            self.cell_labels.append(attributes["data-label"])
        if tag in ("script", "style", "svg"):
            self._skip += 1
        self.texts += [_fold(v) for k, v in attrs if k in READ_ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(_fold(data))


def _fold(text: str) -> str:
    """Runs of spaces and newlines as one space; no-break spaces are part of the text (``4 550,00 €``)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def shown(html: str) -> _Shown:
    parser = _Shown()
    parser.feed(html)
    return parser


def _pattern(text: str) -> re.Pattern:
    """A message as it may appear on a page: its placeholders filled with anything."""
    parts = re.split(r"%\(\w+\)[sd]|\{\w*\}", _fold(text))
    return re.compile("^" + "(.+?)".join(re.escape(part) for part in parts) + "$", re.S)


def _strings(language: str) -> list[str]:
    strings = []
    for entry in read_catalog(language):
        if entry.id:
            strings += list(entry.string) if isinstance(entry.string, tuple) else [entry.string]
    return strings


def english_labels(html: str, language: str) -> list[str]:
    """Texts of the page that are an English label, and not also what this language's catalog says."""
    # A message that is only placeholders and punctuation ("%(label)s: %(url)s") names nothing.
    english = [_pattern(text) for text in _strings("en") if _has_letters(PLACEHOLDER.sub("", text))]
    own = [_pattern(text) for text in _strings(language)]
    found = []
    for text in shown(html).texts:
        for candidate in {text, text.partition(": ")[0], text.rstrip(":")}:
            if any(p.match(candidate) for p in english) and not any(p.match(candidate) for p in own):
                found.append(text)
    return found


@pytest.mark.parametrize("language", SHIPPED)
def test_pages_in_every_language_show_no_english_label(languages_site, language):
    invoice = read_page(languages_site, page_path("invoice", f"lang-{language}", "1", invoice_number(language)))
    client = read_page(languages_site, page_path("client", f"lang-{language}", "1"))
    for html in (invoice, client):
        assert shown(html).lang == language
        cell_labels = set(shown(html).cell_labels)
        assert cell_labels and cell_labels <= set(_strings(language)), cell_labels - set(_strings(language))
        if language != "en":
            assert english_labels(html, language) == []
    # The check itself: the English page is full of what it looks for.
    if language == "en":
        assert {"Subtotal", "Payment history", "Balance due"} <= set(english_labels(invoice, "de"))


def test_a_german_and_a_french_invoice_in_their_formats(languages_site):
    german = shown(read_page(languages_site, page_path("invoice", "lang-de", "1", "2026-103"))).texts
    french = shown(read_page(languages_site, page_path("invoice", "lang-fr", "1", "2026-104"))).texts
    nbsp, narrow = "\u00a0", "\u202f"
    assert "Rechnung 2026-103" in german and "Facture 2026-104" in french
    assert f"4.550,00{nbsp}€" in german and f"4{narrow}550,00{nbsp}€" in french  # the subtotal
    assert f"4.000,00{nbsp}€" in german and f"4{narrow}000,00{nbsp}€" in french  # the balance
    assert "2. Dezember 2026" in german and "2 décembre 2026" in french  # issued + 30 days
    assert "Teilweise bezahlt" in german and "Partiellement payée" in french
    assert "Zwischensumme" in german and "Sous-total" in french


@pytest.mark.browser
@pytest.mark.parametrize("language", ["de", "fr"])
def test_german_and_french_invoices_fit_a_phone(languages_site, language, tmp_path):
    """At 375 px nothing scrolls sideways, long German words included; screenshots in $INVOICES_SCREENSHOTS."""
    browsing = pytest.importorskip("browsing")
    with browsing.served(languages_site / "site") as url, browsing.launched() as browser, browsing.page_opener(browser, url) as open_page:
        for kind, parts in (("invoice", (f"lang-{language}", "1", invoice_number(language))), ("client", (f"lang-{language}", "1"))):
            page = open_page(page_path(kind, *parts), width=375, height=812)
            assert page.evaluate("document.documentElement.lang") == language
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, (language, kind)
            browsing.save_screenshot(page, f"{kind}-{language}-phone")
