"""Readings of document files kept on disk from one build for the next (``.cache/invoices/readings``).

Reading a document file (its YAML parsed, each field checked, its ``Invoice`` made) is most of
what loading a site costs. A reading depends on the file's text, on the business and the
clients it is read against, on the day (see ``load._read_kept``), and on this package's code
and the libraries it reads with. So a build keeps each reading that found no problem by the
file's path, with digests of its text and of the client it names, in one file marked with a
digest of the rest; the next build reads again only the files whose text or client changed, and
every file once the business, the code or a library changed.

The file is a pickle. The site's own builds write it, in the folder of the site's other
caches, which only those who can change the site's files and its build can write; a file that
cannot be read back is set aside and written anew.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, requires, version
from pathlib import Path
from typing import Any

from .cache import code_fingerprint
from .load import Reading
from .model import Business, Client

FORMAT = 1  # of the file itself


class DiskReadings:
    """``load.KeptReadings`` in one file: read once when loading starts, written once at its end."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._key = ""
        self._clients: dict[str, bytes] = {}  # a digest of each client
        self._before: dict[str, tuple[bytes, bytes | None, Reading]] = {}
        self._now: dict[str, tuple[bytes, bytes | None, Reading]] = {}
        self._changed = False

    def against(self, business: Business | None, clients: dict[str, Client]) -> None:
        self._key = _key(business)
        self._clients = {client_id: _digest(client) for client_id, client in clients.items()}
        self._before = self._read()
        self._now = {}
        self._changed = False

    def get(self, path: str, text: bytes) -> Reading | None:
        before = self._before.get(path)
        if before is None or before[0] != hashlib.sha256(text).digest():
            return None
        if before[1] != self._clients.get(before[2].client_id or ""):
            return None  # its client changed
        self._now[path] = before
        return before[2]

    def keep(self, path: str, text: bytes, reading: Reading) -> None:
        self._now[path] = (hashlib.sha256(text).digest(), self._clients.get(reading.client_id or ""), reading)
        self._changed = True

    def save(self) -> None:
        if not self._changed and self._now.keys() == self._before.keys():
            return  # the file holds these readings already
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False) as stream:
            pickle.dump((FORMAT, self._key), stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(self._now, stream, protocol=pickle.HIGHEST_PROTOCOL)
            temporary = Path(stream.name)
        os.replace(temporary, self.path)
        self._before, self._changed = dict(self._now), False

    def _read(self) -> dict[str, tuple[bytes, bytes | None, Reading]]:
        """The kept readings, when they were made against the same business, code and
        libraries: the file's first record says what, the second (read only then) holds them."""
        try:
            with self.path.open("rb") as stream:
                if pickle.load(stream) != (FORMAT, self._key):
                    return {}
                readings = pickle.load(stream)
        except Exception:  # noqa: BLE001 (no file, or one cut short: unpickling raises many kinds)
            return {}
        return readings if isinstance(readings, dict) else {}


def _digest(value: Any) -> bytes:
    return hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).digest()


def _key(business: Business | None) -> str:
    """A digest of what every reading depends on besides its own file's text, its client and the day."""
    digest = hashlib.sha256(_digest(business))
    digest.update(code_fingerprint().encode())
    digest.update(repr((sys.version, _library_versions())).encode())
    return digest.hexdigest()


def _library_versions() -> tuple[tuple[str, Any], ...]:
    """The version of each library this package requires (a new PyYAML or Babel may read differently)."""
    try:
        required = requires("invoicepub") or []
    except PackageNotFoundError:
        required = []
    names = sorted({match.group(0).lower() for line in required if (match := re.match(r"[A-Za-z0-9._-]+", line))})
    versions = []
    for name in names:
        try:
            versions.append((name, version(name)))
        except PackageNotFoundError:
            versions.append((name, None))
    return tuple(versions)
