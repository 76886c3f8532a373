"""The privacy audit of a built site (SPEC §4): proof, before publishing, that nothing private is public.

``audit_site`` reads a folder written by ``mkdocs build`` and reports every finding as
``path: what`` (``path`` relative to the site folder). It checks that:

* every HTML page under the private folders (``i/`` and ``c/``) carries, in its ``<head>``,
  ``<meta name="robots" content="noindex, nofollow">``, ``<meta name="referrer" content="no-referrer">``
  and a Content-Security-Policy ``<meta>`` that allows the page's own origin only
  (``default-src 'self'``; ``frame-src``, ``object-src``, ``base-uri`` and ``form-action`` ``'none'``;
  no fetch directive naming a host, a scheme or ``*``, only ``data:`` besides ``'self'``);
* no public file (every file outside the private folders) holds a private token, a client's
  name, contact, e-mail or tax id, or an invoice number (drafts included: their numbers are
  private too);
* ``sitemap.xml`` (and ``sitemap.xml.gz``) and ``search/search_index.json`` list no private page;
* no page (public or private) and no stylesheet loads anything from another origin: ``src``
  of scripts, images, frames, media and embeds, ``srcset``, ``<link>`` stylesheets, icons,
  preloads, prefetches, preconnects and manifests, SVG ``href``, and CSS ``url()`` and
  ``@import`` in ``<style>`` blocks, ``style`` attributes and ``.css`` files. A plain
  ``<a href>`` to another site is navigation, not a load. Addresses on ``site_url``'s own
  origin are the site's own.

Where each private detail is looked for, to find every leak without crying wolf:

* Private tokens (the folder names under ``i/`` and ``c/``) are looked for in every public
  file, byte for byte, assets and binaries included: a 32-digit hex token never occurs by chance.
* Names, contacts, e-mails, tax ids and invoice numbers are looked for in the *text* of
  documents: HTML and XML (text and attribute values, entities decoded, via ``html.parser``),
  JSON (every string, decoded), and other text files. They match as whole tokens, whatever the
  case and however the whitespace is laid out: ``2026-004`` is not found inside ``2026-0041``
  or ``12026-004``, and ``Acme`` not inside ``acme.example``.
* Scripts, stylesheets, source maps and binary files (a theme's minified JavaScript is full of
  short numbers and words) are searched for tokens and, with exact case, for client names, but
  not for invoice numbers.
* A detail shorter than four characters (an invoice numbered ``7``, a client called ``Jo``)
  cannot be told apart from ordinary text and is not searched for; the summary says how many
  were left out.

On a sealed site (SPEC §11) the host sees every file, so the private folders are searched
too, and for more:

* a page's folder holds its shell (``index.html``) and sealed files only; each sealed file must
  open with its page's key (proof that it is this site's ciphertext, not text in clear: a
  ciphertext's random bytes are not searched, they would match short details by chance);
* the shell carries the policy with ``script-src 'self'`` and ``connect-src 'self'`` and loads
  its script pinned by the script's real hash (Subresource Integrity);
* each shell has its ``index.html.sealed`` beside it;
* no file holds a page's key (``#k=…``, searched byte for byte, like tokens), an account of
  the business, now or in any committed version of ``business.yml`` (IBANs compact and
  grouped by four, UPI addresses, Pix keys: in documents whatever the case, elsewhere exactly)
  or, in documents, an amount of a document: its total, amount due, balance, payments and
  instalments, whatever the grouping (``1,045.75``, ``1.045,75``, ``1 045,75``, ``1045.75``,
  ``KWD 1,045.235``; in a currency without minor units, ``¥110,000``, from 1,000 up). A
  statement's running balances are sums of these and are not searched for.

Tokens in the output are shortened to their first eight characters, so the log of a
publishing run never holds a working private link.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

from . import links, seal
from .bank_history import ACCOUNT_FIELDS
from .money import minor_units
from .model import Ledger

PRIVATE_FOLDERS = (links.INVOICE_PREFIX, links.CLIENT_PREFIX)
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")
SEARCH_INDEX = "search/search_index.json"
MIN_DETAIL_LENGTH = 4  # shorter details read like ordinary words and numbers
SHORT_TOKEN = 8  # characters of a token shown in the output

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKUP_SUFFIXES = HTML_SUFFIXES | {".xml", ".svg", ".rss", ".atom"}
JSON_SUFFIXES = {".json", ".webmanifest"}
TEXT_SUFFIXES = {".txt", ".ics", ".csv", ".md", ".vcf"}
STYLESHEET_SUFFIXES = {".css"}
MAX_GUNZIPPED = 64 * 1024 * 1024
# An amount as a page, a PDF's text layer or a calendar writes it: digits, maybe grouped by
# three with "," "." "'" or a space, then "," or "." and two decimals.
AMOUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.'\u2019\u00a0\u202f ]\d{3})+|\d+)(?:[.,](\d{1,3}))?(?![\w]|[.,]\d)")
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
SEALED_CSP = {"script-src": {"'self'"}, "connect-src": {"'self'"}}

# What a Content-Security-Policy on a private page must say, and what its fetch directives may allow.
CSP_REQUIRED = {
    "default-src": {"'self'"},
    "frame-src": {"'none'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'none'"},
}
# Own origin only (SPEC §3): no inline script or style, no eval, no nonces or hashes that
# would let inline code run; data: only for images (the QR codes' fallback, a logo).
CSP_SAFE_SOURCES = {"'self'", "'none'"}
CSP_DATA_DIRECTIVES = {"img-src"}

# <link rel> values that make the browser fetch the target (as opposed to naming another page).
LOADING_RELS = {
    "stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon",
    "manifest", "preload", "modulepreload", "prefetch", "prerender", "preconnect", "dns-prefetch",
}  # fmt: skip
# Attributes whose value the browser fetches, per element.
LOADING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
}
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Finding:
    """One thing that must not be published, in the file that holds it."""

    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


@dataclass(frozen=True)
class Detail:
    """A private string: what it is (for the message) and its text."""

    kind: str  # "client name", "invoice number", …
    text: str


@dataclass(frozen=True)
class PrivateDetails:
    """What no public file may hold, taken from the invoices the site was built from."""

    names: tuple[Detail, ...]  # client names: searched in documents and, with exact case, in assets
    details: tuple[Detail, ...]  # contacts, e-mails, tax ids, invoice numbers: documents only
    too_short: int = 0  # details left out as too short to search for


@dataclass(frozen=True)
class SealedSite:
    """What the audit of a sealed site needs besides the private details (SPEC §11)."""

    key_of: Callable[[str], bytes | None]  # the key of the page a path belongs to (Site.key_of)
    keys: tuple[str, ...]  # every page's key as its link writes it (base64url)
    ibans: tuple[Detail, ...]  # the business's accounts (IBANs compact and grouped by four, UPI, Pix)
    amounts: frozenset[Decimal]  # the published documents' amounts in currencies with minor units
    whole_amounts: frozenset[Decimal] = frozenset()  # and in those without (JPY), from 1,000


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    private_pages: int = 0
    public_files: int = 0
    pages: int = 0  # HTML pages checked for loads from another origin
    tokens: int = 0
    details: PrivateDetails | None = None
    sealed_files: int = 0  # on a sealed site: the files that open with their page's key

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        details = self.details or PrivateDetails((), ())
        skipped = f" ({details.too_short} too short to search for)" if details.too_short else ""
        return (
            f"audit ok: {self.private_pages} private pages carry the robots, referrer and Content-Security-Policy "
            f"metas; {self.public_files} public files hold none of {self.tokens} private tokens and "
            f"{len(details.names) + len(details.details)} client names, contacts and invoice numbers{skipped}; "
            f"the sitemap and search index list no private page; none of {self.pages} pages loads from another origin"
            + (
                f"; {self.sealed_files} sealed files open with their pages' keys and no file holds a key, an IBAN or an amount"
                if self.sealed_files
                else ""
            )
        )


def private_details(ledger: Ledger) -> PrivateDetails:
    """Every client's name, contact, e-mail and tax id, and every invoice number (drafts included)."""
    names: dict[str, Detail] = {}
    details: dict[str, Detail] = {}
    short = set()
    candidates = []
    for client in ledger.clients.values():
        candidates.append((names, Detail("client name", client.name)))
        for kind, value in (("client contact", client.contact), ("client e-mail", client.email), ("client tax id", client.tax_id)):
            if value:
                candidates.append((details, Detail(kind, value)))
    for invoice in ledger.invoices:
        candidates.append((details, Detail("invoice number", invoice.number)))
    for target, detail in candidates:
        text = _normal(detail.text)
        if len(text) < MIN_DETAIL_LENGTH:
            short.add(text)
            continue
        if text not in names and text not in details:
            target[text] = Detail(detail.kind, text)
    return PrivateDetails(tuple(names.values()), tuple(details.values()), len(short))


def sealed_site(site) -> SealedSite:
    """What a sealed ``site`` (``site.Site``) must not show in clear: its keys, accounts and amounts."""
    return SealedSite(
        key_of=site.key_of,
        keys=tuple(seal.fragment(key).removeprefix("#k=") for key in site.page_keys.values()),
        ibans=_accounts(site),
        **_amounts(site),
    )


def _accounts(site) -> tuple[Detail, ...]:
    """The business's accounts, as written now and in every committed version (SPEC §13):
    IBANs compact and grouped by four, UPI addresses, Pix keys."""
    payment = site.ledger.business.payment
    values = [getattr(getattr(payment, rail), name, None) for rail, name in ACCOUNT_FIELDS if getattr(payment, rail, None)]
    for _, accounts in site.bank_history.versions if site.bank_history else ():
        values += accounts.values()
    found = []
    for value in (str(v) for v in values if v):
        found.append(Detail("account", value))
        compact = "".join(value.split()).upper()
        if IBAN.fullmatch(compact):
            found += [Detail("IBAN", compact), Detail("IBAN", " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)))]
    return tuple(dict.fromkeys(d for d in found if len(d.text) >= MIN_DETAIL_LENGTH))


def _amounts(site) -> dict[str, frozenset[Decimal]]:
    """Every published document's total, amount due, balance, payments and instalments, as
    ``SealedSite`` takes them: in currencies with minor units (``amounts``), and in those without
    (``whole_amounts``, from 1,000: shorter whole numbers read as ordinary numbers)."""
    fractional, whole = set(), set()
    for entry in site.published:
        figures = entry.figures
        values = [figures.total, figures.amount_due, figures.balance, *(p.amount for p in entry.invoice.payments)]
        values += [i.amount for i in figures.instalments]
        if minor_units(entry.invoice.currency) == 0:
            whole.update(abs(v) for v in values if abs(v) >= 1000)
        else:
            fractional.update(abs(v) for v in values if v)
    return {"amounts": frozenset(fractional), "whole_amounts": frozenset(whole)}


@dataclass
class _Searches:
    """What every file is searched for, made once per audit."""

    tokens: set[str]
    text: _DetailSearch  # in documents: names, contacts, e-mails, tax ids, numbers (and IBANs)
    asset: _DetailSearch  # in scripts, stylesheets and binaries: names (and IBANs), exact case
    site_url: str | None
    own_origin: str | None  # site_url's origin: the site's own
    sealed: SealedSite | None


def audit_site(site_dir: Path, details: PrivateDetails, site_url: str | None = None, sealed: SealedSite | None = None) -> AuditReport:
    """Check the built site in ``site_dir``; the report lists every finding (none: safe to publish).

    ``sealed``: the site is sealed (SPEC §11), and every file is searched, its private folders too.
    """
    site_dir = Path(site_dir)
    report = AuditReport(details=details)
    tokens = _tokens(site_dir)
    report.tokens = len(tokens)
    ibans = sealed.ibans if sealed else ()
    searches = _Searches(
        tokens=tokens,
        text=_DetailSearch(details.names + details.details + ibans, ignore_case=True),
        asset=_DetailSearch(details.names + ibans, ignore_case=False),
        site_url=site_url,
        own_origin=_origin(site_url) if site_url else None,
        sealed=sealed,
    )
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(site_dir).as_posix()
        findings = _audit_file(site_dir, relative, report, searches)
        shown = _shorten_tokens(relative, tokens)
        report.findings += [Finding(shown, _shorten_tokens(what, tokens)) for what in findings]
    return report


def _audit_file(site_dir: Path, relative: str, report: AuditReport, searches: _Searches) -> list[str]:
    """What one file of the built site must not hold or do."""
    private = "/" in relative and relative.split("/", 1)[0] in PRIVATE_FOLDERS
    if private and searches.sealed is not None and not relative.endswith(f"/{seal.PAGE_FILE}"):
        return _sealed_file(site_dir, relative, report, searches.sealed)
    data = (site_dir / relative).read_bytes()
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == ".gz":
        data, suffix = _gunzipped(data), PurePosixPath(relative[: -len(".gz")]).suffix.lower()
    text = data.decode("utf-8", errors="replace")
    page = _Page.read(text) if suffix in MARKUP_SUFFIXES else None
    own_origin = searches.own_origin
    findings: list[str] = []
    if page is not None and suffix in HTML_SUFFIXES:
        report.pages += 1
        findings += _foreign_loads(page, own_origin)
        if private:
            report.private_pages += 1
            findings += _private_metas(page)
            if searches.sealed is not None:
                findings += _shell_problems(site_dir, relative, page)
    elif suffix in STYLESHEET_SUFFIXES:
        findings += _foreign_css(text, own_origin)
    if not private or searches.sealed is not None:
        report.public_files += not private
        findings += _leaks(relative, suffix, text, page, searches)
    return findings


def _sealed_file(site_dir: Path, relative: str, report: AuditReport, sealed: SealedSite) -> list[str]:
    """A file in a sealed page's folder besides its shell: ciphertext that opens with the page's key, or a finding."""
    if not relative.endswith(seal.SUFFIX):
        return ["a file in clear in a sealed page's folder: only the shell and sealed files belong there"]
    name = relative[: -len(seal.SUFFIX)]
    key = sealed.key_of(name)
    if key is None:
        return ["a sealed file of no page this site publishes (built with another INVOICES_SECRET, or left from an old build)"]
    try:
        seal.open_sealed(key, name, (site_dir / relative).read_bytes())
    except seal.SealError:
        return ["does not open with its page's key: built with another INVOICES_SECRET, or changed since"]
    report.sealed_files += 1
    return []


def _shell_problems(site_dir: Path, relative: str, page: _Page) -> list[str]:
    """What a sealed page's shell lacks: the policy's script and connect sources, a pinned script."""
    found = []
    for policy in _policies(page):
        directives = _directives(policy)
        found += [
            f"Content-Security-Policy of a sealed page must say {name} {' '.join(wanted)}"
            for name, wanted in SEALED_CSP.items()
            if {source.lower() for source in directives.get(name, [])} != wanted
        ]
    if not (site_dir / (relative + seal.SUFFIX)).is_file():
        found.append(f"sealed page's shell without its ciphertext {PurePosixPath(relative).name}{seal.SUFFIX} beside it")
    scripts = [attributes for what, attributes in page.scripts]
    if not scripts:
        found.append("sealed page's shell loads no script to open it")
    for attributes in scripts:
        src = attributes.get("src", "").split("?", 1)[0].split("#", 1)[0]
        target = (site_dir / PurePosixPath(relative).parent / src).resolve()
        pinned = target.is_file() and attributes.get("integrity") == seal.integrity(target.read_bytes())
        if not pinned:
            found.append(f"the script {attributes.get('src', '')} is not pinned by its hash (integrity)")
    return found


def _leaks(relative: str, suffix: str, text: str, page: _Page | None, searches: _Searches) -> list[str]:
    """What a public file (any file, on a sealed site) holds that it must not."""
    found = []
    for token in sorted(token for token in searches.tokens if token in text):
        found.append(f"holds the private token {token} (a private page's address)")
    if searches.sealed is not None:
        found += ["holds a sealed page's key" for key in searches.sealed.keys if key in text][:1]
    document = _document_text(suffix, text, page)
    if document is not None:
        found += searches.text.found_in(document)
        if searches.sealed is not None:
            found += _amounts_in(document, searches.sealed)
    else:
        found += searches.asset.found_in(text)
    if relative in SITEMAPS:
        found += _listed_private_pages(_sitemap_locations(text), searches.site_url)
    elif relative == SEARCH_INDEX:
        found += _listed_private_pages(_search_locations(text), searches.site_url)
    return found


def _document_text(suffix: str, text: str, page: _Page | None) -> str | None:
    """The text a reader sees in a document (HTML, XML, JSON, a text file); None for an asset or binary."""
    if page is not None:
        return " ".join(page.chunks)
    if suffix in JSON_SUFFIXES:
        try:
            strings = list(_json_strings(json.loads(text)))
        except ValueError:
            strings = [text]
        return "\n".join(html.unescape(s) for s in strings)
    if suffix in TEXT_SUFFIXES:
        return text
    return None


def _amounts_in(text: str, sealed: SealedSite) -> list[str]:
    """Amounts of documents written in ``text``, however grouped: "1,045.75", "1.045,75", "¥110,000"."""
    found = []
    for match in AMOUNT.finditer(text):
        whole, decimals = re.sub(r"\D", "", match.group(1)), match.group(2)
        if decimals is None:
            hit = Decimal(whole) in sealed.whole_amounts
            # "1,045.235": the last group of three read as a currency's three decimals.
            hit = hit or (match.group(1) != whole and Decimal(f"{whole[:-3]}.{whole[-3:]}") in sealed.amounts)
        else:
            hit = Decimal(f"{whole}.{decimals}") in sealed.amounts
            # "110,000" or "1.045": three digits after the last mark may be a group of thousands.
            hit = hit or (len(decimals) == 3 and Decimal(whole + decimals) in sealed.whole_amounts)
        if hit and match.group(0) not in found:
            found.append(match.group(0))
    return [f"holds the amount {amount!r} of a document" for amount in found]


class _DetailSearch:
    """Finds private details as whole tokens: not inside a longer word, number or dotted name."""

    def __init__(self, details: Iterable[Detail], ignore_case: bool) -> None:
        self.ignore_case = ignore_case
        self.kinds = {self._key(d.text): d for d in details}
        alternatives = sorted((re.escape(key).replace(r"\ ", r"\s+") for key in self.kinds), key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(?<!\w[-./@])(?:" + "|".join(alternatives) + r")(?!\w)(?![-./@]\w)")
            if alternatives
            else None
        )

    def _key(self, text: str) -> str:
        text = WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
        return text.casefold() if self.ignore_case else text

    def found_in(self, text: str) -> list[str]:
        if self.pattern is None:
            return []
        text = unicodedata.normalize("NFC", text)
        if self.ignore_case:
            text = text.casefold()
        seen = []
        for match in self.pattern.finditer(text):
            detail = self.kinds.get(self._key(match.group(0)))
            if detail is not None and detail not in seen:
                seen.append(detail)
        return [f"holds the {d.kind} {d.text!r}" for d in seen]


class _Page(HTMLParser):
    """What the audit needs from an HTML or XML file: its text, its head's metas and what it loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []  # text and attribute values, entities decoded
        self.metas: list[dict[str, str]] = []  # <meta> attributes inside <head>
        self.loads: list[tuple[str, str]] = []  # (what, address) the browser fetches
        self.styles: list[str] = []  # CSS from <style> blocks and style attributes
        self.scripts: list[tuple[str, dict[str, str]]] = []  # ("script", attributes) of each <script src>
        self._in_head = False
        self._head_done = False
        self._in_style = False

    @classmethod
    def read(cls, text: str) -> _Page:
        page = cls()
        page.feed(text)
        page.close()
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.chunks.extend(v for v in values.values() if v)
        if tag == "head" and not self._head_done:
            self._in_head = True
        elif tag == "body":
            self._in_head, self._head_done = False, True
        if tag == "script" and values.get("src"):
            self.scripts.append((tag, values))
        if tag == "meta" and self._in_head:
            self.metas.append({name: value.strip() for name, value in values.items()})
        if tag == "style":
            self._in_style = True
        if "style" in values:
            self.styles.append(values["style"])
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            if name in ("srcset",) and values.get(name):
                self.loads += [(f"<{tag} {name}>", candidate) for candidate in _srcset(values[name])]
            elif values.get(name):
                self.loads.append((f"<{tag} {name}>", values[name]))
        if tag == "link" and values.get("href"):
            rels = set(values.get("rel", "").lower().split())
            if rels & LOADING_RELS:
                self.loads.append((f"<link rel=\"{values.get('rel')}\">", values["href"]))
            if values.get("imagesrcset"):
                self.loads += [("<link imagesrcset>", candidate) for candidate in _srcset(values["imagesrcset"])]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head, self._head_done = False, True
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._in_style:
            self.styles.append(data)


def _private_metas(page: _Page) -> list[str]:
    """What a private page's ``<head>`` lacks of the robots, referrer and CSP metas."""
    found = []
    named = {meta.get("name", "").lower(): meta.get("content", "") for meta in page.metas if meta.get("name")}
    robots = {word.strip().lower() for word in named.get("robots", "").split(",")}
    if not {"noindex", "nofollow"} <= robots:
        found.append('private page without <meta name="robots" content="noindex, nofollow"> in its <head>')
    if named.get("referrer", "").lower() != "no-referrer":
        found.append('private page without <meta name="referrer" content="no-referrer"> in its <head>')
    policies = _policies(page)
    if not policies:
        found.append("private page without a Content-Security-Policy <meta> in its <head>")
    for policy in policies:
        found += _csp_problems(policy)
    return found


def _policies(page: _Page) -> list[str]:
    """The Content-Security-Policy of each such ``<meta>`` in the page's head."""
    return [m.get("content", "") for m in page.metas if m.get("http-equiv", "").lower() == "content-security-policy"]


def _directives(policy: str) -> dict[str, list[str]]:
    """A policy's directives by name, each with its sources; the first of a name counts, as in browsers."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def _csp_problems(policy: str) -> list[str]:
    directives = _directives(policy)
    found = []
    for name, wanted in CSP_REQUIRED.items():
        sources = {s.lower() for s in directives.get(name, [])}
        if sources != wanted:
            shown = " ".join(directives[name]) if name in directives else "nothing"
            found.append(f"Content-Security-Policy must say {name} {' '.join(sorted(wanted))}, not {shown}")
    for name, sources in directives.items():
        if name.endswith("-src") or name == "default-src":
            allowed = CSP_SAFE_SOURCES | ({"data:"} if name in CSP_DATA_DIRECTIVES else set())
            others = [s for s in sources if s.lower() not in allowed]
            if others:
                found.append(f"Content-Security-Policy lets {name} load or run more than the site's own files: {' '.join(others)}")
    return found


def _foreign_loads(page: _Page, own_origin: str | None) -> list[str]:
    found = [f"loads {address} from another origin ({what})" for what, address in page.loads if _foreign(address, own_origin)]
    for css in page.styles:
        found += _foreign_css(css, own_origin)
    return found


def _foreign_css(css: str, own_origin: str | None) -> list[str]:
    found = []
    for match in CSS_URL.finditer(css):
        address = next(group for group in match.groups() if group is not None)
        if _foreign(address, own_origin):
            found.append(f"loads {address} from another origin (CSS {'@import' if match.group(0).startswith('@') else 'url()'})")
    return found


def _foreign(address: str, own_origin: str | None) -> bool:
    """An address on another origin: absolute with a network scheme or protocol-relative, not the site's own."""
    address = address.strip()
    if address.startswith("//"):
        address = "https:" + address
    parts = urlsplit(address)
    if parts.scheme.lower() not in ("http", "https", "ftp", "ws", "wss") or not parts.netloc:
        return False
    return _origin(address) != own_origin


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _srcset(value: str) -> list[str]:
    return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]


def _listed_private_pages(locations: Iterable[str], site_url: str | None) -> list[str]:
    found = []
    base_path = urlsplit(site_url).path if site_url else "/"
    for location in locations:
        location = location.strip()
        if site_url and location.startswith(site_url.rstrip("/") + "/"):
            relative = location[len(site_url.rstrip("/")) + 1 :]
        else:
            path = urlsplit(location).path
            if path.startswith(base_path):
                path = path[len(base_path) :]
            relative = path
        relative = relative.lstrip("/")
        while relative.startswith("./"):
            relative = relative[2:]
        if relative.split("/", 1)[0] in PRIVATE_FOLDERS:
            found.append(f"lists the private page {relative}")
    return found


def _sitemap_locations(text: str) -> list[str]:
    try:
        tree = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return []
    return [element.text or "" for element in tree.iter() if element.tag.rsplit("}", 1)[-1] == "loc"]


def _search_locations(text: str) -> list[str]:
    try:
        index = json.loads(text)
    except ValueError:
        return []
    documents = index.get("docs", []) if isinstance(index, dict) else []
    return [str(d.get("location", "")) for d in documents if isinstance(d, dict)]


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _tokens(site_dir: Path) -> set[str]:
    """The private tokens of this build: the folder names under ``i/`` and ``c/``."""
    tokens = set()
    for folder in PRIVATE_FOLDERS:
        if (site_dir / folder).is_dir():
            tokens.update(p.name for p in (site_dir / folder).iterdir() if p.is_dir())
    return tokens


def _shorten_tokens(text: str, tokens: set[str]) -> str:
    """``text`` with every private token cut to its first characters: no working link in a log."""
    for token in tokens:
        text = text.replace(token, token[:SHORT_TOKEN] + "…")
    return text


def _gunzipped(data: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return stream.read(MAX_GUNZIPPED)
    except (OSError, EOFError):
        return data


def _normal(text: str) -> str:
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
