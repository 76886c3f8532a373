"""Private links: unguessable page paths derived with HMAC-SHA256 from the site's secret.

A client page's token depends on the client's id and ``link_version``; an invoice's on the
same plus its number. Each message is domain-separated, so one token never tells another:
knowing an invoice's URL does not reveal its client page. Tokens carry 128 bits.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_VARIABLE = "INVOICES_SECRET"
# A shorter secret could be found offline from one leaked link by trying candidates.
MIN_SECRET_LENGTH = 32
# Without a secret, links use a random key kept here (never committed): local builds and
# `invoices links` agree with each other, and nobody else can work the links out.
PREVIEW_KEY_FILE = ".cache/invoices/preview-key"

TOKEN_BYTES = 16  # 128 bits
# The files beside a private page, in its folder (SPEC §9): the PDF of a document, of a year's statement.
DOCUMENT_FILE = "document.pdf"
STATEMENT_FILE = "statement.pdf"
CLIENT_PREFIX = "c"
INVOICE_PREFIX = "i"


def _token(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return digest[:TOKEN_BYTES].hex()


def check_secret(secret: str) -> str:
    """The secret, or ValueError when it is too short to keep links unguessable."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{SECRET_VARIABLE} has {len(secret)} characters; it needs at least {MIN_SECRET_LENGTH}. "
            'Make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return secret


def preview_key(root: Path) -> str:
    """The site's local preview key, made at random the first time and kept in ``.cache/invoices/``."""
    path = Path(root) / PREVIEW_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= MIN_SECRET_LENGTH:
            return key
    except (OSError, UnicodeDecodeError):
        pass
    key = secrets.token_urlsafe(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # Readable by its owner only from the moment it exists.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(key + "\n")
        os.replace(temporary, path)
    except OSError:  # a read-only checkout still previews, with links that change every run
        pass
    return key


def client_token(secret: str, client_id: str, link_version: int) -> str:
    return _token(secret, "client", client_id, str(link_version))


def invoice_token(secret: str, client_id: str, link_version: int, number: str) -> str:
    return _token(secret, "invoice", client_id, str(link_version), number)


def page_path(prefix: str, token: str, directory_urls: bool = True) -> str:
    """The page's URL path relative to the site root, as MkDocs will serve it."""
    return f"{prefix}/{token}/" if directory_urls else f"{prefix}/{token}/index.html"


def source_uri(prefix: str, token: str) -> str:
    """The page's virtual source file, relative to ``docs/``."""
    return f"{prefix}/{token}/index.md"


def statement_path(client_path: str, year: int) -> str:
    """A client's statement of ``year``: in the client page's private folder (SPEC §14)."""
    folder = client_path.removesuffix("index.html")
    return f"{folder}{year}/" if folder == client_path else f"{folder}{year}/index.html"


def statement_uri(client_uri: str, year: int) -> str:
    return client_uri.removesuffix("index.md") + f"{year}/index.md"


def absolute(site_url: str | None, path: str) -> str:
    """``path`` joined to ``site_url``; a root-relative path when no site_url is set."""
    if not site_url:
        return "/" + path
    return site_url.rstrip("/") + "/" + path
