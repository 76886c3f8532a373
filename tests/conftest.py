"""Shared fixtures: copies of the real site in temporary folders, built with the real ``mkdocs``."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITE_PARTS = ("mkdocs.yml", "hooks", "overrides", "docs", "invoices")
TODAY = "2026-11-23"
SECRET = "test-secret-for-the-sample-site-0123456789"  # at least 32 characters (SPEC §4)


def token(*parts: str) -> str:
    """A private page's token under SECRET, worked out here apart from links.py (SPEC §4)."""
    return hmac.new(SECRET.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with its one ``old`` made ``new``: the broken copy of a file a test of an error needs."""
    assert text.count(old) == 1, f"{old!r} is not in the text once"
    return text.replace(old, new)


def check_output(root: Path) -> list[str]:
    """What ``invoices check`` prints of a site it refuses: it exits 1, with no traceback."""
    result = run_invoices(root, "check")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stdout.splitlines()


def copy_site(target: Path, with_invoices: bool = True) -> Path:
    """A copy of this repository's site (config, hook, templates, public docs and sample data)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        if part == "invoices" and not with_invoices:
            continue
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def environment(secret: str | None = SECRET, today: str = TODAY, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("INVOICES_SECRET", "INVOICES_TODAY")}
    env["INVOICES_TODAY"] = today
    env["NO_MKDOCS_2_WARNING"] = "1"
    if secret is not None:
        env["INVOICES_SECRET"] = secret
    env.update(extra)
    return env


def mkdocs_build(
    root: Path, *args: str, secret: str | None = SECRET, today: str = TODAY, engine: str = "mkdocs", **extra: str
) -> subprocess.CompletedProcess:
    """Run the real ``mkdocs build`` (or ``engine``'s, such as ProperDocs) in ``root``; the site goes
    to ``root/site``. ``extra``: more environment."""
    return subprocess.run(
        [sys.executable, "-m", engine, "build", *args],
        cwd=root,
        env=environment(secret, today, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_invoices(root: Path, *args: str, secret: str | None = SECRET, today: str = TODAY, **extra: str) -> subprocess.CompletedProcess:
    """Run the installed ``invoices`` command in ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "invoicepub.cli", *args],
        cwd=root,
        env=environment(secret, today, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    """The sample site built once, strictly, with a secret and a fixed today; returns the site root."""
    root = copy_site(tmp_path_factory.mktemp("sample"))
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root


def seal_site(root: Path) -> Path:
    """Make the site at ``root`` sealed (SPEC §11): ``privacy: sealed`` in its business.yml."""
    business = root / "invoices" / "business.yml"
    text = business.read_text(encoding="utf-8")
    assert "\nprivacy: link " in text
    business.write_text(text.replace("\nprivacy: link ", "\nprivacy: sealed ", 1), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def built_sealed(tmp_path_factory) -> Path:
    """The sample site made sealed, built once like ``built_sample`` (same secret, same today)."""
    root = seal_site(copy_site(tmp_path_factory.mktemp("sealed")))
    result = mkdocs_build(root, "--strict")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def site_copy(tmp_path) -> Path:
    return copy_site(tmp_path / "site-root")


# SPEC §12: the sample business registering its invoices with the AEAT's test environment.
VERIFACTU_NIF = "B12345674"  # passes its check digit (python-stdnum es.nif); the sample's own does not
CLIENT_NIF = "A58818501"
FOREIGN_CLIENTS = ("alpenblick", "chai-works", "vltava-studio", "sabia-cafe")  # invoiced in CHF, INR, CZK, BRL


def verifactu_site(root: Path, since: str | None = None) -> Path:
    """Make the site at ``root`` a VERI*FACTU one: a valid NIF, ``verifactu: environment: test``, the
    Spanish client's NIF made valid, the invoices in other currencies than euros taken out, and the
    credit note given its ``rectification``."""
    business = root / "invoices" / "business.yml"
    text = business.read_text(encoding="utf-8")
    assert "\ntax_id: ESB98765432\n" in text
    text = text.replace("\ntax_id: ESB98765432\n", f"\ntax_id: ES{VERIFACTU_NIF}\n", 1)
    text += "\nverifactu:\n  environment: test\n" + (f"  since: {since}\n" if since else "")
    business.write_text(text, encoding="utf-8")
    client = root / "invoices" / "clients" / "cafe-olivar.yml"
    client.write_text(client.read_text(encoding="utf-8").replace("tax_id: B46123456", f"tax_id: {CLIENT_NIF}"), encoding="utf-8")
    for path in sorted((root / "invoices").rglob("*.yml")):
        text = path.read_text(encoding="utf-8")
        if any(f"\nclient: {name}\n" in text for name in FOREIGN_CLIENTS):
            path.unlink()
        elif "\nkind: credit_note\n" in text and "rectification:" not in text:
            path.write_text(text.replace("\nkind: credit_note\n", "\nkind: credit_note\nrectification: R1\n", 1), encoding="utf-8")
    return root
