"""Sealed pages (SPEC §11): each private page and every file beside it as AES-256-GCM ciphertext.

A page's key is derived with HKDF-SHA256 from the site's link key (``INVOICES_SECRET``, or
the local preview key) and the page's private folder (``i/<token>``, ``c/<token>``,
``c/<token>/2025``), under a label of its own: never the token itself, and a new
``link_version`` (a new token) gives a new key. The key travels in the link's fragment,
``#k=<base64url>``, which browsers never send to a server.

A sealed file is ``<its name>.sealed`` in the same folder: one version byte, a 96-bit nonce,
then the ciphertext and its 128-bit tag. The file's own name (``index.html``,
``invoice.pdf``) is authenticated with it, so the host cannot pass one file of a page off as
another. The nonce is an HMAC of the key's nonce half over the name and the content: the same
input gives the same bytes, and different content never shares a nonce (a deterministic,
synthetic nonce). ``overrides/assets/javascripts/sealed.js`` reads the same layout with
WebCrypto.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import posixpath
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .cache import ContentCache

SUFFIX = ".sealed"
PAGE_FILE = "index.html"  # the page itself: sealed as index.html.sealed, beside its shell
VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32  # AES-256
_SALT = b"invoicepub sealed pages v1"
_KEY_LABEL = b"invoicepub page key\x1f"
_NONCE_LABEL = b"invoicepub nonce key"
_AAD_LABEL = b"invoicepub sealed file v1\x1f"


class SealError(ValueError):
    """A sealed file that does not open with its key: a wrong key, or changed bytes."""


def page_key(link_key: str, folder: str) -> bytes:
    """The 256-bit key of the private page whose folder is ``folder`` (``i/<token>``)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=_SALT, info=_KEY_LABEL + folder.encode("utf-8")).derive(
        link_key.encode("utf-8")
    )


def fragment(key: bytes, anchor: str = "") -> str:
    """The link's fragment that carries ``key`` (``#k=…``), then ``&anchor`` for a place on the page."""
    encoded = base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")
    return f"#k={encoded}" + (f"&{anchor}" if anchor else "")


def sealed_name(path: str) -> str:
    """Where the ciphertext of the file at ``path`` is published."""
    return path + SUFFIX


def integrity(script: bytes) -> str:
    """The Subresource Integrity value that pins ``script`` (sha384, as browsers check it)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(script).digest()).decode("ascii")


def _aad(name: str) -> bytes:
    return VERSION + _AAD_LABEL + posixpath.basename(name).encode("utf-8")


def seal(key: bytes, name: str, data: bytes) -> bytes:
    """``data``, the file called ``name`` (only its last part counts), sealed under ``key``."""
    aad = _aad(name)
    nonce_key = hmac.new(key, _NONCE_LABEL, hashlib.sha256).digest()
    nonce = hmac.new(nonce_key, len(aad).to_bytes(4, "big") + aad + data, hashlib.sha256).digest()[:NONCE_BYTES]
    return VERSION + nonce + AESGCM(key).encrypt(nonce, data, aad)


def open_sealed(key: bytes, name: str, blob: bytes) -> bytes:
    """The content of a sealed file; ``SealError`` when it does not open with ``key``."""
    if len(blob) < 1 + NONCE_BYTES + TAG_BYTES or blob[:1] != VERSION:
        raise SealError(f"{name}: not a sealed file of this version")
    nonce, ciphertext = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _aad(name))
    except InvalidTag:
        raise SealError(f"{name}: does not open with its page's key (another secret, or changed bytes)") from None


@dataclass(frozen=True)
class SealJob:
    """A file to seal that is costly to read and write again on every build (a PDF): named by
    its page's key, its name and what names its content (the PDF's own cache key)."""

    page_key: bytes
    name: str
    content_key: str
    content: Callable[[], bytes] = field(compare=False, repr=False)  # read only when not cached

    @property
    def key(self) -> str:
        parts = (VERSION, self.page_key, self.name.encode("utf-8"), self.content_key.encode("utf-8"))
        return hashlib.sha256(b"\x1f".join(len(p).to_bytes(4, "big") + p for p in parts)).hexdigest()


def _seal_job(job: SealJob) -> bytes:
    return seal(job.page_key, job.name, job.content())


class SealedFiles(ContentCache[SealJob, bytes]):
    """Sealed PDFs by their inputs, on disk (``.cache/invoices/sealed``, never published): a warm
    build places each one as a hard link, as it does an unsealed PDF, instead of sealing and
    writing it again."""

    def __init__(self, folder: Path | None = None) -> None:
        # Sealing is quicker than starting a worker process: always in this one.
        super().__init__(folder, _seal_job, suffix=SUFFIX, binary=True, parallel_threshold=sys.maxsize, in_memory=False)
