"""MkDocs hook: publish ``invoices/`` as private pages.

Glue only. The invoice logic lives in the ``invoicepub`` package; this file hands its
results to MkDocs at the right events and nothing else.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import logging
import os
import shutil
import sys
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url, normalize_url

from invoicepub import bank_history, calendar, einvoice, i18n, paper, redraw, seal, source
from invoicepub.load import INVOICES_DIR
from invoicepub.pdf import PDF_FOLDER, PdfCache, Theme
from invoicepub.problems import InvoiceError
from invoicepub.qr import QrCache
from invoicepub.readings import DiskReadings
from invoicepub.site import ClientEntry, InvoiceEntry, Site, StatementEntry, load_site_from_environment
from invoicepub.views import DOCUMENT_TEMPLATES, client_page, client_title, invoice_page, invoice_title, statement_page, statement_title, tax_qr_request

log = logging.getLogger("mkdocs.hooks.invoices")

# The site loaded by on_config, and the private page behind each virtual source file.
_site: Site | None = None
_pages: dict[str, InvoiceEntry | ClientEntry] = {}
# Under `mkdocs serve`, problems are shown on the pages instead of stopping the server.
_serving = False
_problems: list[str] = []
# QR drawings by content: kept in memory across `serve` rebuilds and on disk between builds.
_qr_cache: QrCache | None = None
QR_CACHE_DIR = ".cache/invoices/qr"
# PDFs by content, likewise, and the PDFs this build writes beside their pages.
_pdf_cache: PdfCache | None = None
_pdf_files: list[tuple[str, paper.PdfJob]] = []
PDF_CACHE_DIR = ".cache/invoices/pdf"
# SPEC §11: on a sealed site each private page is published as this shell beside its
# ciphertext, opened in the browser by one script of the site, pinned by its hash.
SHELL_TEMPLATE = "sealed.html"
SEALED_SCRIPT = "assets/javascripts/sealed.js"
_shell: jinja2.Template | None = None
_shells: dict[str, str] = {}  # the shell drawn for each depth of folder (its base_url)
# Sealed PDFs and sealed pages by their inputs, placed as hard links like PDFs: creating a
# file costs a hundred times what linking one does.
_sealed_files: seal.SealedFiles | None = None
_sealed_pages: seal.SealedFiles | None = None
SEALED_CACHE_DIR = ".cache/invoices/sealed"
SEALED_PAGES_CACHE_DIR = ".cache/invoices/sealed-pages"
_sealed_script_integrity = ""
# Calendar events by their inputs, in one file.
_event_cache: calendar.EventCache | None = None
EVENT_CACHE_FILE = ".cache/invoices/calendar.json"
# The readings of the document files, kept by one build for the next (not under serve: it keeps them in memory).
READINGS_FILE = ".cache/invoices/readings.pickle"
# Templates compiled by one build for the next (serve's too), in a folder named by what compiling them depends on.
TEMPLATE_CACHE_DIR = ".cache/invoices/templates"
# Set to 1 to build without PDFs, a quicker preview; INVOICES_NO_FILES=1 leaves out the e-invoice
# XML as well (all the files of SPEC §9), the benchmark's "without files".
NO_PDF_VARIABLE = "INVOICES_NO_PDF"
NO_FILES_VARIABLE = "INVOICES_NO_FILES"
_pdfs_offered = False  # this build draws PDFs and links its pages to them
# Under `mkdocs serve`: the site the last build drew and what its pages read besides (the
# frame); the private folders this build moves back from the last one instead of drawing them
# again (redraw.py: those of the clients none of whose inputs changed), held aside meanwhile.
_drawn: tuple[Site, str] | None = None
_frame = ""
_held: redraw.HeldFolders | None = None
_keeping: frozenset[str] = frozenset()


def _without_pdfs() -> bool:
    return os.environ.get(NO_PDF_VARIABLE) == "1" or _without_files()


def _without_files() -> bool:
    return os.environ.get(NO_FILES_VARIABLE) == "1"


def _sealed() -> bool:
    return _site is not None and _site.sealed


def on_startup(*, command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"
    if _serving:  # each save rebuilds the site: read again only the files that changed, draw again only what they change
        source.remember_files()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Load and check every invoice before MkDocs reads a page: a bad file stops the build.
    global _site, _qr_cache, _pdf_cache
    _pages.clear()
    _problems.clear()
    root = Path(config.config_file_path).parent
    try:
        kept = None if _serving else DiskReadings(root / READINGS_FILE)
        _site = load_site_from_environment(root, directory_urls=config.use_directory_urls, kept=kept)
    except (InvoiceError, ValueError) as error:
        problems = [str(p) for p in error.problems] if isinstance(error, InvoiceError) else [str(error)]
        if not _serving:
            raise PluginError(f"{len(problems)} problem(s) in {INVOICES_DIR}/:\n" + "\n".join(problems)) from None
        # Keep serving the last good invoices, with the problems on every page, until the files are fixed.
        for problem in problems:
            log.error(problem)
        _problems.extend(problems)
        if _site is None:
            return config
    # SPEC §13: the bank-change warnings need git's history of business.yml; say when it is short.
    note = bank_history.state_note(_site.bank_history)
    if note is not None:
        (log.warning if note[0] == "warning" else log.info)(note[1])
    for warning in _site.unregistered_warnings():  # SPEC §12: a published document without its record
        log.warning(warning)
    if _site.preview:
        log.warning(
            "INVOICES_SECRET is not set: building a local preview whose private links are not the published ones"
            + ("; the sealed pages' keys come from the local preview key" if _site.sealed else "")
        )
        if config.strict:
            # A strict build is a publishing build: stop before any preview page is written.
            raise PluginError("INVOICES_SECRET is required for a strict (publishing) build")
    if _qr_cache is None:
        _qr_cache = QrCache(root / QR_CACHE_DIR)
    _qr_cache.prepare(
        [qr.request for entry in _site.published if entry.ways for qr in entry.ways.qr_codes]
        + [request for entry in _site.published if (request := tax_qr_request(_site, entry)) is not None]
    )
    if _pdf_cache is None:
        _pdf_cache = PdfCache(root / PDF_CACHE_DIR)
    global _sealed_files, _sealed_pages, _event_cache
    if _event_cache is None:
        _event_cache = calendar.EventCache(root / EVENT_CACHE_FILE)
    if _sealed_files is None:
        _sealed_files, _sealed_pages = seal.SealedFiles(root / SEALED_CACHE_DIR), seal.SealedFiles(root / SEALED_PAGES_CACHE_DIR)
    _choose_kept_folders(config)
    return config


def _choose_kept_folders(config: MkDocsConfig) -> None:
    # Under `mkdocs serve`: the private folders whose pages read what the last build's read,
    # moved aside before MkDocs empties the site's folder.
    global _frame, _keeping, _held
    _keeping = frozenset()
    if not _serving:
        return
    _frame = _frame_of(config)
    if _drawn is None or _drawn[1] != _frame or _problems:
        return
    if _held is None:  # beside the site's folder: on its file system, so that a folder moves in one rename
        _held = redraw.HeldFolders(Path(config.site_dir).with_name(Path(config.site_dir).name + ".held"))
        atexit.register(_held.discard)
    _keeping = redraw.unchanged_folders(_drawn[0], _site)
    try:
        _held.hold(Path(config.site_dir), {page.folder.split("/", 1)[0] for client in _drawn[0].clients for page in client.pages})
    except OSError as error:  # the pages are drawn again instead
        log.debug(f"cannot keep the last build's private folders: {error}")
        _keeping = frozenset()


def _frame_of(config: MkDocsConfig) -> str:
    # What every private page reads besides the site: the configuration, the theme's overrides,
    # the public pages (the navigation), this hook and the build's switches.
    digest = hashlib.sha256(Path(config.config_file_path).read_bytes())
    digest.update(repr((config.site_url, os.environ.get(NO_PDF_VARIABLE), os.environ.get(NO_FILES_VARIABLE))).encode())
    for folder in (config.docs_dir, config.theme.custom_dir, Path(__file__).parent):
        for path in sorted(Path(folder).rglob("*")) if folder else ():
            status = path.stat()
            digest.update(f"{path}\0{status.st_mtime_ns}\0{status.st_size}\0".encode())
    return digest.hexdigest()


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    # One virtual page per published invoice, per client and per year of a client's account,
    # kept out of the navigation.
    if _site is None:
        return files
    if not _sealed():  # only a sealed site opens its pages with a script
        script = files.get_file_from_path(SEALED_SCRIPT)
        if script is not None:
            files.remove(script)
    # The paper templates are read where they are (pdf.py), not published.
    if config.theme.custom_dir:
        paper_folder = Path(config.theme.custom_dir).resolve() / PDF_FOLDER
        candidates = [f for f in files if f.src_uri.startswith(f"{PDF_FOLDER}/") and f.abs_src_path]
        for file in [f for f in candidates if Path(f.abs_src_path).resolve().is_relative_to(paper_folder)]:
            files.remove(file)
    for entry in _pages_of(_site):
        _pages[entry.uri] = entry
        if entry.folder not in _keeping:  # serve: a kept folder is placed as the last build left it
            files.append(File.generated(config, entry.uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
    # Due dates as calendar files, beside their private pages.
    beside = calendar.calendar_files(_site, site_url=config.site_url, cache=_event_cache)
    # E-invoices (UBL XML), beside the pages of the invoices that can have one.
    if not _without_files():
        beside += einvoice.einvoice_files(_site)
    for path, content in beside:
        if path.rpartition("/")[0] not in _keeping:
            files.append(_beside_page(config, path, content))
    return files


def _template_cache_folder(env: jinja2.Environment, root: Path) -> Path:
    """Where this environment's compiled templates are kept between builds. Jinja checks each one
    against its template's text; the folder's name holds the rest of what the compiled code
    depends on (Jinja's and MarkupSafe's versions, Python's, escaping, extensions, syntax), and
    the folders of other settings are removed."""
    settings = (
        version("jinja2"), version("markupsafe"), sys.version, env.autoescape, sorted(env.extensions), env.optimized,
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
    )  # fmt: skip
    folders = root / TEMPLATE_CACHE_DIR
    folder = folders / hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    if not folder.is_dir():
        for other in folders.glob("*") if folders.is_dir() else ():
            shutil.rmtree(other, ignore_errors=True)
        folder.mkdir(parents=True)
    return folder


def _pages_of(site: Site) -> tuple[InvoiceEntry | ClientEntry | StatementEntry, ...]:
    return (*site.published, *site.clients, *(page for client in site.clients for page in client.statements))


def _beside_page(config: MkDocsConfig, path: str, content: bytes) -> File:
    # A file in a page's private folder; on a sealed site, only its ciphertext (SPEC §11).
    if _sealed():
        return File.generated(config, seal.sealed_name(path), content=seal.seal(_site.key_of(path), path, content))
    return File.generated(config, path, content=content)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Private pages are drawn by their templates; their meta keeps them out of search and the sitemap.
    entry = _pages.get(page.file.src_uri)
    if entry is None:
        return markdown
    if isinstance(entry, InvoiceEntry):
        title, template, language = invoice_title(entry), DOCUMENT_TEMPLATES[entry.invoice.kind], entry.invoice.language
    elif isinstance(entry, StatementEntry):
        title, template, language = statement_title(entry), "statement.html", entry.client.language
    else:
        title, template, language = client_title(entry), "client.html", entry.client.language
    page.meta.update(
        title=title,
        template=template,
        language=language,
        private=True,
        search={"exclude": True},
    )
    return ""


def on_env(env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    # Text stays text (SPEC §3): every template, ours and Material's, escapes what it shows.
    # No template is compiled before this event, so each one is compiled with escaping on.
    env.autoescape = True
    # A build reads each template once: no template changes while it runs (under serve, the
    # next build makes a new environment), so Jinja need not look at its file again per page.
    env.auto_reload = False
    i18n.enable_gettext(env)
    # Each build (a new process, or under serve a new environment) compiles a template only when
    # its text changed since the last build compiled it.
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(_template_cache_folder(env, Path(config.config_file_path).parent)))
    # An override that changes a theme partial for private pages only includes the theme's
    # own partial for every other page as "theme/<name>".
    custom_dir = Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None
    theme_dirs = [d for d in config.theme.dirs if custom_dir is None or Path(d).resolve() != custom_dir]
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({"theme": jinja2.FileSystemLoader(theme_dirs)})])
    # Labels come from the catalogs (SPEC §10): {% trans %} and _() find the page language's
    # functions in each page's context (on_page_context); a page without one, in the site's.
    env.globals.update(i18n.template_gettext(_site_language(config)))
    # Links to private pages and files beside them: on a sealed site a page's link carries its
    # key and a file is fetched as its ciphertext (SPEC §11); otherwise the theme's `url`.
    env.filters["page_url"] = _page_url
    env.filters["file_url"] = _file_url
    global _shell, _sealed_script_integrity
    if _sealed():
        script = files.get_file_from_path(SEALED_SCRIPT)  # the file the site publishes: docs/ may override the theme's
        if script is None:
            raise PluginError(f"privacy: sealed needs {SEALED_SCRIPT} from the project's overrides/ (theme: custom_dir: overrides)")
        _shell = env.get_template(SHELL_TEMPLATE)
        _shells.clear()
        _sealed_script_integrity = seal.integrity(Path(script.abs_src_path).read_bytes())
    # PDFs (SPEC §9), named by their inputs; those not cached are drawn in worker processes
    # from the page templates while the pages are built.
    global _pdfs_offered
    _pdf_files.clear()
    _pdfs_offered = _site is not None and custom_dir is not None and not _without_pdfs()
    if _pdfs_offered:
        _pdf_files.extend(paper.pdf_jobs(_site, _qr_cache, Theme.of(custom_dir), skip=_keeping))
        _pdf_cache.prepare(job for _, job in _pdf_files)
    return env


@event_priority(-100)  # after every plugin: Material's search rewrites page.content in this event
def on_page_context(context: dict, *, page: Page, config: MkDocsConfig, nav) -> dict:
    # A page's body, its table of contents and the site's copyright line are HTML that
    # Markdown or the site's owner made: shown as they are, not escaped a second time.
    page.content = Markup(page.content) if page.content is not None else None
    _markup_titles(page.toc)
    if config.copyright and not isinstance(config.copyright, Markup):
        config.copyright = Markup(config.copyright)
    context["invoice_problems"] = list(_problems)
    context.update(i18n.template_gettext(page.meta.get("language") or _site_language(config)))
    entry = _pages.get(page.file.src_uri)
    if isinstance(entry, InvoiceEntry):
        view = invoice_page(_site, entry, _qr_cache)
        # A build without PDFs (INVOICES_NO_PDF) offers none, one without files no XML either.
        if not _pdfs_offered:
            view = replace(view, pdf_path="")
        if _without_files():
            view = replace(view, einvoice_path="", no_einvoice_reason="")
        context["invoice"] = view
    elif isinstance(entry, ClientEntry):
        context["client"] = client_page(_site, entry)
    elif isinstance(entry, StatementEntry):
        view = statement_page(_site, entry)
        context["statement"] = view if _pdfs_offered else replace(view, pdf_path="")
    return context


@jinja2.pass_context
def _page_url(context, path: str) -> str:
    page, _, _ = path.partition("#")
    return normalize_url(page, page=context.get("page"), base=context.get("base_url", "")) + (_site.fragment(path) if _site else "")


@jinja2.pass_context
def _file_url(context, path: str) -> str:
    return normalize_url(seal.sealed_name(path) if _sealed() else path, page=context.get("page"), base=context.get("base_url", ""))


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    # SPEC §11: a sealed site publishes the page as ciphertext beside a shell that opens it.
    entry = _pages.get(page.file.src_uri)
    if entry is None or not _sealed():
        return output
    page_file = f"{entry.folder}/{seal.PAGE_FILE}"
    data = output.encode("utf-8")
    job = seal.SealJob(_site.key_of(entry.folder), page_file, hashlib.sha256(data).hexdigest(), lambda: data)
    _sealed_pages.prepare((job,))
    _place(_sealed_pages, job, Path(config.site_dir) / seal.sealed_name(page_file))
    return _shell_at(get_relative_url(".", page.url), page, config)


def _shell_at(base_url: str, page: Page, config: MkDocsConfig) -> str:
    # Every shell at one depth is the same page (SPEC §11: nothing of its own in it): drawn once.
    if base_url not in _shells:
        _shells[base_url] = _shell.render(
            config=config,
            page=page,
            base_url=base_url,
            lang_code=_site_language(config),
            sealed_file=seal.sealed_name(seal.PAGE_FILE),
            script_integrity=_sealed_script_integrity,
            script_version=hashlib.sha256(_sealed_script_integrity.encode()).hexdigest()[:12],
            **i18n.template_gettext(_site_language(config)),
        )
    return _shells[base_url]


def _markup_titles(links) -> None:
    # Python-Markdown gives each heading's title already escaped ("Q&amp;A").
    for link in links:
        link.title = Markup(link.title)
        _markup_titles(link.children)


def on_post_build(*, config: MkDocsConfig) -> None:
    # Serve: the pages and files placed from the last build asked for nothing; what they were made of stays cached.
    pruning = not _problems and not _keeping
    # Stop the QR workers; drop drawings no page shows any more (paid invoices, old balances).
    if _qr_cache is not None:
        _qr_cache.close()
        if pruning:
            _qr_cache.prune()
    if _sealed_pages is not None and pruning:
        _sealed_pages.prune()  # the sealed pages of this build only
    # Each PDF beside its page, as the last step: the pages were built while the workers drew.
    if _pdf_cache is not None:
        try:
            if _sealed():
                _place_sealed_pdfs(Path(config.site_dir))
            else:
                for path, job in _pdf_files:
                    _place(_pdf_cache, job, Path(config.site_dir) / path)  # a hard link to the cached file where it can
        finally:
            _pdf_cache.close()
        # A build without PDFs (INVOICES_NO_PDF) used none: it must not empty the cache of the next one.
        if _pdf_files and pruning:
            _pdf_cache.prune()
            if _sealed():
                _sealed_files.prune()
    if _serving:
        _keep_folders(Path(config.site_dir))


def _keep_folders(site_dir: Path) -> None:
    # Serve: the folders not drawn again back as the last build left them; this build's site is the one drawn.
    global _drawn
    if _held is not None:
        _held.restore(site_dir, _keeping)
    # A page that shows problems is no page to keep: the next build draws every page again.
    _drawn = (_site, _frame) if _site is not None and not _problems else None


def _place_sealed_pdfs(site_dir: Path) -> None:
    # SPEC §11: only each PDF's ciphertext, sealed once and then linked from the cache like a PDF.
    jobs = [(path, pdf, seal.SealJob(_site.key_of(path), path, pdf.key, functools.partial(_pdf_cache.get, pdf))) for path, pdf in _pdf_files]
    _sealed_files.prepare(sealed for _, _, sealed in jobs)
    for path, pdf, sealed in jobs:
        _pdf_cache.keep(pdf)  # the PDF stays cached: a new key or link site draws nothing again
        _place(_sealed_files, sealed, site_dir / seal.sealed_name(path))


def _place(cache, job, target: Path) -> None:
    # Into its page's folder, made only when it is not there yet (making a folder costs as much as a file).
    try:
        cache.place(job, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        cache.place(job, target)


def on_build_error(*, error: Exception) -> None:
    global _drawn
    _drawn = None  # serve: the next build draws every page again
    # A failed build skips on_post_build: stop the QR and PDF workers here, or they outlive the build.
    if _qr_cache is not None:
        _qr_cache.cancel()
    if _pdf_cache is not None:
        _pdf_cache.cancel()


def _site_language(config: MkDocsConfig) -> str:
    language = config.theme.get("language")
    return language if language in i18n.LANGUAGES else "en"


def on_serve(server, *, config: MkDocsConfig, builder):
    # Rebuild when an invoice, a client or the business file changes.
    server.watch(str(Path(config.config_file_path).parent / INVOICES_DIR))
    return server
