"""Private links: unguessable page paths derived with HMAC-SHA256 from the site's secret.

A client page's token depends on the client's id and ``link_version``; an invoice's on the
same plus its number. Each message is domain-separated, so one token never tells another:
knowing an invoice's URL does not reveal its client page. Tokens carry 128 bits.
"""

from __future__ import annotations

import hashlib
import hmac

SECRET_VARIABLE = "INVOICES_SECRET"
# Used when no secret is set: a local preview whose links are never the published ones.
PREVIEW_SECRET = "invoices-local-preview-not-for-publishing"

TOKEN_BYTES = 16  # 128 bits
CLIENT_PREFIX = "c"
INVOICE_PREFIX = "i"


def _token(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return digest[:TOKEN_BYTES].hex()


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


def absolute(site_url: str | None, path: str) -> str:
    """``path`` joined to ``site_url``; a root-relative path when no site_url is set."""
    if not site_url:
        return "/" + path
    return site_url.rstrip("/") + "/" + path
