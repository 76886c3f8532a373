"""``invoices audit``: the release gate that proves, on a real build, that nothing private is public."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_site, mkdocs_build, run_invoices

SITE_URL = "https://example.github.io/invoices/"


def audit(root: Path, *args: str):
    result = run_invoices(root, "audit", *args)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def built_copy(built_sample, tmp_path) -> Path:
    """A private copy of the strictly built sample site (root and site/), free to tamper with."""
    return Path(shutil.copytree(built_sample, tmp_path / "root", ignore=shutil.ignore_patterns(".cache")))


def private_page(root: Path, prefix: str = "i") -> tuple[str, Path]:
    """A private page of the build: its token and its file."""
    folder = sorted((root / "site" / prefix).iterdir())[0]
    return folder.name, folder / "index.html"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rebuilt_with_home_page(tmp_path: Path, extra: str) -> Path:
    """The sample site with ``extra`` added to the public home page, built strictly."""
    root = copy_site(tmp_path / "planted")
    with (root / "docs" / "index.md").open("a", encoding="utf-8") as stream:
        stream.write("\n" + extra + "\n")
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root


def test_a_good_build_passes_and_says_what_it_checked(built_sample):
    result = audit(built_sample)
    assert result.returncode == 0, result.stdout + result.stderr
    site = built_sample / "site"
    private_pages = len(list((site / "i").rglob("*.html"))) + len(list((site / "c").rglob("*.html")))
    tokens = len(list((site / "i").iterdir())) + len(list((site / "c").iterdir()))
    line = result.stdout.strip()
    assert "\n" not in line and line.startswith("audit ok:")
    assert f"{private_pages} private pages carry the robots, referrer and Content-Security-Policy metas" in line
    assert f"none of {tokens} private tokens" in line
    # The same folder named explicitly, relative to the site's root, passes too.
    assert audit(built_sample, "site").returncode == 0


def test_client_names_and_invoice_numbers_on_the_home_page_fail_naming_the_files(tmp_path):
    # 2026-006 is a draft: never published, yet its number is private all the same.
    root = rebuilt_with_home_page(
        tmp_path, "Thanks to Harbour & Finch Ltd. and to CAFÉ OLIVAR, S.L. for invoice 2026-006."
    )
    result = audit(root)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for page in ("index.html", "search/search_index.json"):  # the page and the search index both hold them
        assert f"{page}: holds the client name 'Harbour & Finch Ltd.'" in lines
        assert f"{page}: holds the client name 'Café Olivar, S.L.'" in lines
        assert f"{page}: holds the invoice number '2026-006'" in lines
    assert "audit failed" in result.stderr and "audit ok" not in result.stdout


def test_text_that_only_looks_like_an_invoice_number_passes(tmp_path):
    root = rebuilt_with_home_page(
        tmp_path, "Open since 2026-11-02. Ticket 2026-0041, order 12026-004, file v2026-004.pdf, see 2026-004a."
    )
    result = audit(root)
    assert result.returncode == 0, result.stdout


def test_a_private_url_on_a_public_page_fails_without_printing_the_link(built_sample, tmp_path):
    links = run_invoices(built_sample, "links", "--json")
    assert links.returncode == 0, links.stderr
    url = next(row["url"] for row in json.loads(links.stdout) if row["invoice"])
    token = url.rstrip("/").rsplit("/", 1)[1]
    root = rebuilt_with_home_page(tmp_path, f"Your invoice is [here]({url}).")
    result = audit(root)
    assert result.returncode == 1
    assert f"index.html: holds the private token {token[:8]}… (a private page's address)" in result.stdout.splitlines()
    assert token not in result.stdout + result.stderr  # the log never holds a working link


def test_a_private_page_listed_in_the_sitemap_fails(built_copy):
    token, _ = private_page(built_copy, "c")
    edit(built_copy / "site" / "sitemap.xml", "</urlset>", f"<url><loc>{SITE_URL}c/{token}/</loc></url></urlset>")
    result = audit(built_copy)
    assert result.returncode == 1
    assert f"sitemap.xml: lists the private page c/{token[:8]}…/" in result.stdout.splitlines()


def test_a_private_page_in_the_search_index_fails(built_copy):
    token, _ = private_page(built_copy)
    edit(built_copy / "site" / "search" / "search_index.json", '"docs":[', f'"docs":[{{"location":"i/{token}/","title":"Invoice","text":""}},')
    result = audit(built_copy)
    assert result.returncode == 1
    assert f"search/search_index.json: lists the private page i/{token[:8]}…/" in result.stdout.splitlines()


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ('<meta name="robots" content="noindex, nofollow">', "", 'private page without <meta name="robots" content="noindex, nofollow">'),
        ('<meta name="robots" content="noindex, nofollow">', '<meta name="robots" content="noindex">', 'private page without <meta name="robots"'),
        ('<meta name="referrer" content="no-referrer">', "", 'private page without <meta name="referrer" content="no-referrer">'),
        ('http-equiv="Content-Security-Policy"', 'http-equiv="X-Nothing"', "private page without a Content-Security-Policy <meta>"),
        ("default-src 'self'", "default-src 'self' https://cdn.example.net", "Content-Security-Policy must say default-src 'self'"),
        ("img-src 'self' data:", "img-src 'self' data: https:", "Content-Security-Policy lets img-src load or run more than the site's own files: https:"),
        ("object-src 'none'", "object-src 'self'", "Content-Security-Policy must say object-src 'none', not 'self'"),
        # Own origin only: nothing that lets inline code run, and data: for images only.
        ("img-src 'self' data:", "img-src 'self' data:; script-src 'self' 'unsafe-inline'", "Content-Security-Policy lets script-src load or run more than the site's own files: 'unsafe-inline'"),
        ("img-src 'self' data:", "img-src 'self' data:; script-src 'self' 'sha256-abc='", "Content-Security-Policy lets script-src load or run more than the site's own files: 'sha256-abc='"),
        ("img-src 'self' data:", "img-src 'self' data:; style-src 'self' 'unsafe-inline'", "Content-Security-Policy lets style-src load or run more than the site's own files: 'unsafe-inline'"),
        ("img-src 'self' data:", "img-src 'self' data:; script-src 'self' data:", "Content-Security-Policy lets script-src load or run more than the site's own files: data:"),
    ],
    ids=[
        "no-robots", "robots-index-only", "no-referrer", "no-csp", "csp-cdn", "csp-any-https-image", "csp-objects",
        "csp-inline-script", "csp-script-hash", "csp-inline-style", "csp-data-script",
    ],  # fmt: skip
)
def test_a_private_page_without_its_metas_fails(built_copy, old, new, finding):
    token, page = private_page(built_copy)
    edit(page, old, new)
    result = audit(built_copy)
    assert result.returncode == 1
    assert any(line.startswith(f"i/{token[:8]}…/index.html: {finding}") for line in result.stdout.splitlines()), result.stdout
    assert token not in result.stdout


def test_metas_in_the_body_do_not_count(built_copy):
    token, page = private_page(built_copy)
    edit(page, '<meta name="robots" content="noindex, nofollow">', "")
    edit(page, "</body>", '<meta name="robots" content="noindex, nofollow"></body>')
    result = audit(built_copy)
    assert result.returncode == 1
    assert f"i/{token[:8]}…/index.html: private page without <meta name=\"robots\" content=\"noindex, nofollow\"> in its <head>" in result.stdout


@pytest.mark.parametrize(
    ("tag", "address"),
    [
        ('<script src="https://cdn.example.net/track.js"></script>', "https://cdn.example.net/track.js"),
        ('<link rel="stylesheet" href="//fonts.example.net/font.css">', "//fonts.example.net/font.css"),
        ('<link rel="preconnect" href="https://fonts.example.net">', "https://fonts.example.net"),
        ('<img alt="" src="x.png" srcset="x.png 1x, https://img.example.net/x2.png 2x">', "https://img.example.net/x2.png"),
        ("<div style=\"background: url('https://img.example.net/bg.png')\"></div>", "https://img.example.net/bg.png"),
        ('<style>@import "https://css.example.net/more.css";</style>', "https://css.example.net/more.css"),
        ('<iframe src="http://video.example.net/embed/1"></iframe>', "http://video.example.net/embed/1"),
    ],
    ids=["script", "stylesheet", "preconnect", "srcset", "style-url", "style-import", "iframe"],
)
@pytest.mark.parametrize("where", ["public", "private"])
def test_a_page_loading_from_another_origin_fails(built_copy, tag, address, where):
    if where == "public":
        shown, page = "index.html", built_copy / "site" / "index.html"
    else:
        token, page = private_page(built_copy, "c")
        shown = f"c/{token[:8]}…/index.html"
    edit(page, "</body>", tag + "</body>")
    result = audit(built_copy)
    assert result.returncode == 1
    assert any(line.startswith(f"{shown}: loads {address} from another origin") for line in result.stdout.splitlines()), result.stdout


def test_links_to_other_sites_and_the_sites_own_address_are_not_loads(built_copy):
    page = built_copy / "site" / "index.html"
    edit(page, "</body>", f'<a href="https://elsewhere.example.net/">elsewhere</a><img alt="" src="{SITE_URL}assets/images/favicon.png"></body>')
    result = audit(built_copy)
    assert result.returncode == 0, result.stdout


def test_a_stylesheet_importing_from_another_origin_fails(built_copy):
    sheet = built_copy / "site" / "assets" / "stylesheets" / "invoices.css"
    sheet.write_text('@import url("https://fonts.example.net/css?family=X");\n' + sheet.read_text(encoding="utf-8"), encoding="utf-8")
    result = audit(built_copy)
    assert result.returncode == 1
    assert "assets/stylesheets/invoices.css: loads https://fonts.example.net/css?family=X from another origin (CSS url())" in result.stdout


def test_a_token_in_a_public_asset_fails(built_copy):
    token, _ = private_page(built_copy)
    asset = next((built_copy / "site" / "assets" / "javascripts").glob("bundle.*.min.js"))
    asset.write_text(asset.read_text(encoding="utf-8") + f'\n//# "{token}"\n', encoding="utf-8")
    result = audit(built_copy)
    assert result.returncode == 1
    assert re.search(rf"^assets/javascripts/bundle\.\w+\.min\.js: holds the private token {token[:8]}…", result.stdout, re.M)


@pytest.mark.parametrize("missing", ["nowhere", "invoices"])
def test_a_missing_or_unbuilt_site_folder_is_one_clear_line(built_sample, missing):
    result = audit(built_sample, missing)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("invoices: error: ")
    assert missing in result.stderr
