"""Sealed pages (SPEC §11), built with the real ``mkdocs``: what the host holds, and what a link opens.

The sealed files are opened here with ``cryptography``'s AES-GCM straight from the layout the
specification of the format gives (a version byte, a 96-bit nonce, ciphertext and tag, the
file's name authenticated), with the keys ``invoices links`` hands out: not with the code
under test.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import SECRET, copy_site, mkdocs_build, run_invoices, seal_site

KEY_IN_LINK = re.compile(r"#k=([A-Za-z0-9_-]{43})(&?)")


def open_sealed(blob: bytes, name: str, key: bytes) -> bytes:
    assert blob[0] == 1
    aad = b"\x01invoicepub sealed file v1\x1f" + name.encode()
    return AESGCM(key).decrypt(blob[1:13], blob[13:], aad)


def key_bytes(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=")


@pytest.fixture(scope="module")
def sealed_links(built_sealed) -> dict[str, tuple[str, bytes]]:
    """Each page's folder (``i/<token>``) → (the number or the client, its key), from ``invoices links``."""
    result = run_invoices(built_sealed, "links", "--json")
    assert result.returncode == 0, result.stderr
    found = {}
    for row in json.loads(result.stdout):
        url = urlsplit(row["url"])
        match = KEY_IN_LINK.fullmatch("#" + url.fragment)
        assert match, row["url"]
        folder = "/".join(url.path.strip("/").split("/")[-2:])
        found[folder] = (row["invoice"] or row["client"], key_bytes(match.group(1)))
    return found


def private_folders(site: Path) -> list[Path]:
    return sorted(p.parent for p in site.glob("[ic]/**/index.html"))


def test_a_sealed_folder_holds_its_shell_and_ciphertext_only(built_sealed):
    site = built_sealed / "site"
    folders = private_folders(site)
    assert len(folders) == 21 + 6  # 15 documents and 6 clients with a page (as the unsealed build) + 6 statements
    for folder in folders:
        names = {p.name for p in folder.iterdir() if p.is_file()}
        assert "index.html.sealed" in names, folder
        assert names - {"index.html"} == {n for n in names if n.endswith(".sealed")}, names
    shell = (folders[0] / "index.html").read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', shell).group(1)
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"] and directives["connect-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert '<meta name="robots" content="noindex, nofollow">' in shell
    assert '<meta name="referrer" content="no-referrer">' in shell
    # One script, of the site, pinned by the hash of the file the site serves; nothing inline.
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", shell, re.S)
    assert len(scripts) == 1 and scripts[0][1] == ""
    src = re.search(r'src="([^"?]+)\?v=[0-9a-f]+"', scripts[0][0]).group(1)
    served = (folders[0] / src).resolve().read_bytes()
    expected = "sha384-" + base64.b64encode(hashlib.sha384(served).digest()).decode()
    assert f'integrity="{expected}"' in scripts[0][0]
    assert "<noscript>" in shell
    assert re.search(r"<title>Sealed page · [^<]+</title>", shell)


def _private_strings(root: Path, keys: list[bytes]) -> dict[bytes, str]:
    """Every private string of the sample, read from its files and worked out by hand, as bytes."""
    found: dict[bytes, str] = {}
    for path in (root / "invoices" / "clients").glob("*.yml"):
        client = yaml.safe_load(path.read_text(encoding="utf-8"))
        for field in ("name", "email", "contact", "tax_id"):
            if client.get(field):
                found[str(client[field]).encode()] = f"client {field}"
    for path in (root / "invoices").glob("20*/*.yml"):
        number = yaml.safe_load(path.read_text(encoding="utf-8"))["number"]
        found[str(number).encode()] = "document number"
    business = yaml.safe_load((root / "invoices" / "business.yml").read_text(encoding="utf-8"))
    for rail in ("bank_transfer", "swiss_qr"):
        iban = business["payment"][rail]["iban"]
        found[iban.encode()] = "IBAN"
        found[iban.replace(" ", "").encode()] = "IBAN"
    # Balances worked out by hand: 2026-004 owes 1,045.75 EUR; 2026-007 4,052.00 CHF.
    for amount in ("1045.75", "1,045.75", "1.045,75", "4052.00", "4,052.00", "4.052,00", "4\u2019052.00"):
        found[amount.encode()] = "amount"
    for key in keys:
        found[base64.urlsafe_b64encode(key).rstrip(b"=")] = "key"
    return found


def _scan(site: Path, strings: dict[bytes, str]) -> list[tuple[str, str]]:
    hits = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        hits += [(path.relative_to(site).as_posix(), what) for text, what in strings.items() if text in data]
    return hits


def test_no_published_file_holds_a_client_number_iban_amount_or_key(built_sealed, sealed_links, tmp_path):
    strings = _private_strings(built_sealed, [key for _, key in sealed_links.values()])
    assert len(strings) > 40
    assert _scan(built_sealed / "site", strings) == []
    # The same scan finds each kind of string where it is planted.
    (tmp_path / "planted.html").write_bytes(b"<p>Harbour Finch Ltd 1.045,75 " + next(iter(strings)) + b"</p>")
    assert _scan(tmp_path, strings)


def _without_keys(data: bytes) -> bytes:
    """A sealed page's text as the unsealed build writes it: no key in links, no ``.sealed`` in file names."""
    data = re.sub(rb"#k=[A-Za-z0-9_-]{43}&(amp;)?", b"#", data)  # a place on the page after the key
    data = re.sub(rb"#k=[A-Za-z0-9_-]{43}", b"", data)
    return data.replace(b".sealed\"", b"\"")


def test_each_link_opens_the_unsealed_page_and_files(built_sealed, built_sample, sealed_links):
    sealed_site, plain_site = built_sealed / "site", built_sample / "site"
    keys = {folder: key for folder, (_, key) in sealed_links.items()}
    opened, pages = 0, 0
    # The documents and client pages with the keys of their links; the statements with the keys
    # their client page links them with (no key of theirs is anywhere else).
    queue = sorted(keys)
    while queue:
        relative = queue.pop(0)
        folder = sealed_site / relative
        for sealed in sorted(folder.glob("*.sealed")):
            name = sealed.name.removesuffix(".sealed")
            content = open_sealed(sealed.read_bytes(), name, keys[relative])
            expected = (plain_site / relative / name).read_bytes()
            if name.endswith(".pdf"):
                assert content == expected, sealed  # the very same PDF, byte for byte
            elif name.endswith(".ics"):  # its lines folded at 75 octets, the link's key making them longer
                unfold = lambda data: data.replace(b"\r\n ", b"")  # noqa: E731
                assert _without_keys(unfold(content)) == unfold(expected), sealed
            else:
                assert _without_keys(content) == expected, sealed
            opened += 1
            if name == "index.html":
                pages += 1
                for href, key in re.findall(rb'href="([^"#]*)#k=([A-Za-z0-9_-]{43})', content):
                    target = posixpath.normpath(posixpath.join(relative, href.decode())).strip("/")
                    if target not in keys:
                        keys[target] = key_bytes(key.decode())
                        queue.append(target)
    assert pages == len(private_folders(sealed_site)) == 27
    assert opened >= 27 + 15  # every page, and at least the PDFs beside the documents


def test_a_changed_byte_or_another_name_does_not_open(built_sealed, sealed_links):
    folder, (_, key) = next(iter(sealed_links.items()))
    blob = (built_sealed / "site" / folder / "index.html.sealed").read_bytes()
    flipped = blob[:40] + bytes([blob[40] ^ 1]) + blob[41:]
    with pytest.raises(Exception):
        open_sealed(flipped, "index.html", key)
    with pytest.raises(Exception):
        open_sealed(blob, "document.pdf", key)  # one file of a page passed off as another
    assert open_sealed(blob, "index.html", key).lstrip().startswith(b"<!doctype html>")


def test_same_input_same_bytes_and_a_change_touches_only_its_own_pages(built_sealed, tmp_path):
    root = tmp_path / "again"
    shutil.copytree(built_sealed, root, ignore=shutil.ignore_patterns("site", ".cache"))
    assert mkdocs_build(root, "--strict").returncode == 0
    before = {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    assert before == {p.relative_to(built_sealed / "site").as_posix(): p.read_bytes() for p in (built_sealed / "site").rglob("*") if p.is_file()}
    # AES-GCM must never see one nonce twice under a key: every sealed file has its own.
    nonces = {path: data[1:13] for path, data in before.items() if path.endswith(".sealed")}
    assert len(set(nonces.values())) == len(nonces)
    invoice = root / "invoices" / "2026" / "2026-004.yml"
    text = invoice.read_text(encoding="utf-8")
    invoice.write_text(text.replace("description: ", "description: Revised ", 1), encoding="utf-8")
    assert mkdocs_build(root, "--strict").returncode == 0
    after = {p.relative_to(root / "site").as_posix(): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    changed = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    links = json.loads(run_invoices(root, "links", "--json").stdout)
    page_of = lambda number: urlsplit(next(r["url"] for r in links if r["invoice"] == number)).path.strip("/")  # noqa: E731
    client = urlsplit(next(r["url"] for r in links if r["client"] == "cafe-olivar" and r["invoice"] is None)).path.strip("/")
    own = ("/".join(page_of("2026-004").split("/")[-2:]), "/".join(client.split("/")[-2:]))
    assert changed, "the description is on the page and in the PDF"
    assert f"{own[0]}/index.html.sealed" in changed and f"{own[0]}/document.pdf.sealed" in changed
    assert all(path.startswith(own) for path in changed), sorted(changed)
    # A changed file is sealed under a new nonce; an unchanged one keeps its bytes, nonce included.
    assert all(after[path][1:13] != before[path][1:13] for path in changed if path.endswith(".sealed") and path in after and path in before)
    # The sealed PDFs are linked from the cache, as unsealed ones are, and the PDFs stay cached.
    sealed_pdfs = list((root / "site").rglob("*.pdf.sealed"))
    assert sealed_pdfs and all(p.stat().st_nlink == 2 for p in sealed_pdfs)
    assert len(list((root / ".cache" / "invoices" / "pdf").glob("*.pdf"))) == len(sealed_pdfs)
    assert len(list((root / ".cache" / "invoices" / "sealed").glob("*.sealed"))) == len(sealed_pdfs)


def test_the_audit_passes_and_catches_each_planted_leak(built_sealed, sealed_links, tmp_path):
    root = tmp_path / "audited"
    shutil.copytree(built_sealed, root, ignore=shutil.ignore_patterns(".cache"))
    result = run_invoices(root, "audit")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sealed files open with their pages' keys" in result.stdout
    # The same site audited without its secret: its files do not open with the preview key.
    unkeyed = run_invoices(root, "audit", secret=None)
    assert unkeyed.returncode == 1 and "another INVOICES_SECRET" in unkeyed.stdout
    folders = list(sealed_links)
    site = root / "site"
    shell = site / folders[0] / "index.html"
    shell.write_text(shell.read_text(encoding="utf-8").replace("</main>", "<p>Vltava Studio s.r.o.</p></main>"), encoding="utf-8")
    (site / folders[1] / "notes.txt").write_text("called on Monday", encoding="utf-8")
    blob = site / folders[2] / "index.html.sealed"
    data = blob.read_bytes()
    blob.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    home = site / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</body>", "<p>1.045,75 €</p></body>"), encoding="utf-8")
    key = base64.urlsafe_b64encode(sealed_links[folders[3]][1]).rstrip(b"=").decode()
    (site / "404.html").write_text((site / "404.html").read_text(encoding="utf-8") + f"<!-- #k={key} -->", encoding="utf-8")
    (site / folders[4] / "index.html.sealed").unlink()
    script = site / "assets" / "javascripts" / "sealed.js"
    script.write_text(script.read_text(encoding="utf-8") + "\n// changed on the host\n", encoding="utf-8")
    result = run_invoices(root, "audit")
    assert result.returncode == 1
    report = result.stdout
    assert re.search(r"the script [./]*assets/javascripts/sealed.js\?v=[0-9a-f]+ is not pinned by its hash", report)
    assert "client name 'Vltava Studio s.r.o.'" in report
    assert "notes.txt: a file in clear in a sealed page's folder" in report
    assert "index.html.sealed: does not open with its page's key" in report
    assert "index.html: holds the amount '1.045,75' of a document" in report
    assert "404.html: holds a sealed page's key" in report
    assert "index.html: sealed page's shell without its ciphertext index.html.sealed beside it" in report
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text, found",
    [
        ("Total: 1,045.75 €", "1,045.75"),
        ("Total: 1.045,75 €", "1.045,75"),
        ("Total: 1\u202f045,75 €", "1\u202f045,75"),
        ("KWD 1,045.235", "1,045.235"),
        ("¥110,000", "110,000"),
        ("110.000 ¥", "110.000"),
        ('{"price": "110000"}', "110000"),
        ("© 2026, 1,045.76 €, 45.75, 10457.5, ¥999", None),
    ],
)
def test_the_audit_reads_amounts_however_they_are_grouped(text, found):
    from decimal import Decimal

    from invoicepub.audit import SealedSite, _amounts_in

    sealed = SealedSite(
        key_of=lambda path: None,
        keys=(),
        ibans=(),
        amounts=frozenset({Decimal("1045.75"), Decimal("1045.235")}),  # EUR and KWD documents
        whole_amounts=frozenset({Decimal("110000")}),  # a JPY document
    )
    assert _amounts_in(text, sealed) == ([f"holds the amount {found!r} of a document"] if found else [])


def test_a_sealed_site_without_the_secret_is_a_preview_that_says_so(tmp_path):
    root = seal_site(copy_site(tmp_path / "preview"))
    result = mkdocs_build(root, secret=None, INVOICES_NO_PDF="1")
    assert result.returncode == 0, result.stderr
    assert "keys come from the local preview key" in result.stderr
    # The preview's links (invoices links, same machine) open its pages.
    rows = json.loads(run_invoices(root, "links", "--json", secret=None).stdout)
    url = urlsplit(rows[0]["url"])
    folder = "/".join(url.path.strip("/").split("/")[-2:])
    key = key_bytes(KEY_IN_LINK.fullmatch("#" + url.fragment).group(1))
    page = open_sealed((root / "site" / folder / "index.html.sealed").read_bytes(), "index.html", key)
    assert b'class="invoice-preview"' in page  # the preview's banner, in the page's language


def test_privacy_with_another_value_is_an_error_at_its_line(site_copy):
    business = site_copy / "invoices" / "business.yml"
    lines = business.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("privacy:"))
    lines[number - 1] = "privacy: secret"
    business.write_text("\n".join(lines) + "\n", encoding="utf-8")
    build = mkdocs_build(site_copy)
    assert build.returncode != 0
    assert f"invoices/business.yml:{number}" in build.stderr and "privacy" in build.stderr and "sealed" in build.stderr
    assert not (site_copy / "site" / "index.html").exists()
    check = run_invoices(site_copy, "check")
    assert check.returncode == 1 and f"invoices/business.yml:{number}: privacy" in check.stdout
    assert "Traceback" not in build.stderr + check.stderr


def test_reminders_and_calendars_carry_the_full_link(built_sealed, sealed_links, site_copy):
    links = json.loads(run_invoices(built_sealed, "links", "--json").stdout)
    link = next(r["url"] for r in links if r["invoice"] == "2026-004")
    assert KEY_IN_LINK.search(link)
    # The reminder of 2026-004 (dry run: printed, not sent) links to the page with its key.
    seal_site(site_copy)
    reminder = run_invoices(site_copy, "remind", today="2026-12-02")
    assert reminder.returncode == 0, reminder.stderr
    assert link in reminder.stdout
    # Its calendar file, opened with that key, links there too.
    folder = "/".join(urlsplit(link).path.strip("/").split("/")[-2:])
    key = sealed_links[folder][1]
    calendar = open_sealed((built_sealed / "site" / folder / "due-date.ics.sealed").read_bytes(), "due-date.ics", key)
    unfolded = calendar.decode().replace("\r\n ", "")
    assert f"URL:{link}" in unfolded


def test_a_link_site_is_untouched(built_sample):
    site = built_sample / "site"
    assert not list(site.rglob("*.sealed"))
    assert not (site / "assets" / "javascripts" / "sealed.js").exists()
    links = json.loads(run_invoices(built_sample, "links", "--json").stdout)
    assert all("#" not in row["url"] for row in links)


def test_each_key_is_derived_from_the_secret_and_the_pages_folder(sealed_links):
    # SPEC §11: HKDF-SHA256 of INVOICES_SECRET, with the page's own label: worked out here from
    # the secret the sample is built with, as README and seal.py describe the derivation.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def derive(secret: str, folder: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"invoicepub sealed pages v1", info=b"invoicepub page key\x1f" + folder.encode())
        return hkdf.derive(secret.encode())

    for folder, (_, key) in sealed_links.items():
        assert key == derive(SECRET, folder)
        assert key != derive(SECRET[::-1], folder)  # another secret, another key


def test_bumping_link_version_changes_token_and_key(site_copy):
    seal_site(site_copy)
    before = {r["invoice"]: urlsplit(r["url"]) for r in json.loads(run_invoices(site_copy, "links", "--json").stdout) if r["client"] == "vltava-studio"}
    client = site_copy / "invoices" / "clients" / "vltava-studio.yml"
    client.write_text(client.read_text(encoding="utf-8") + "link_version: 2\n", encoding="utf-8")
    after = {r["invoice"]: urlsplit(r["url"]) for r in json.loads(run_invoices(site_copy, "links", "--json").stdout) if r["client"] == "vltava-studio"}
    assert before.keys() == after.keys() and len(before) >= 2
    for document, link in before.items():
        assert link.path != after[document].path and link.fragment != after[document].fragment
        # The key is not the token: neither holds the other.
        token, key = link.path.strip("/").split("/")[-1], key_bytes(link.fragment[2:])
        assert bytes.fromhex(token) not in key and key.hex()[:32] != token
    # Every page has a key of its own.
    keys = [link.fragment for link in before.values()]
    assert len(set(keys)) == len(keys)
