"""Drawing payment payloads as QR codes in inline SVG (segno), each code drawn once.

Choosing a QR code's mask (ISO/IEC 18004 §7.8.3) is most of the cost of a build with
thousands of open invoices: ``qr_mask`` scores the candidates with numpy, and drawings
are cached by their content: in memory for
`mkdocs serve`, and on disk between builds (``.cache/invoices/qr`` under the site root).
A cold build draws the missing codes in worker processes on every core while the build
goes on with other work. The SVG carries no text: the page gives each code its text
alternative.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import segno

from .qr_mask import best_mask

# Bump when the drawing changes, so that old cached drawings are not reused.
DRAWING_VERSION = "1"
# Below this many missing codes, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class QrRequest:
    """One code to draw: the exact text and the rail's error level and size limit."""

    payload: str
    error: str = "M"
    max_version: int = 40

    @property
    def key(self) -> str:
        text = "\x1f".join((DRAWING_VERSION, segno.__version__, self.error, str(self.max_version), self.payload))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw(request: QrRequest) -> str:
    """An inline ``<svg>`` of the payload, UTF-8 bytes at exactly the given error level.

    The SVG has a viewBox and no fixed size, so the stylesheet decides how large it is.
    """
    data = request.payload.encode("utf-8")
    code = segno.make_qr(data, error=request.error, boost_error=False, mode="byte", mask=0)
    mask = best_mask(code)
    if mask != 0:
        code = segno.make_qr(data, error=request.error, boost_error=False, mode="byte", mask=mask)
    if code.version > request.max_version:
        raise ValueError(f"payload needs QR version {code.version}, over the rail's limit of {request.max_version}")
    return code.svg_inline(border=4, omitsize=True, svgclass="invoice-qr__code", lineclass=None)


class QrCache:
    """Drawings by content, in memory and (when given a folder) on disk."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else None
        self._memory: dict[str, str] = {}
        self._used: set[str] = set()
        self._pending: dict[str, Future] = {}
        self._pool: ProcessPoolExecutor | None = None

    def svg(self, request: QrRequest) -> str:
        key = request.key
        self._used.add(key)
        drawing = self._memory.get(key)
        if drawing is None and key in self._pending:
            drawing = self._pending.pop(key).result()
            self._store(key, drawing)
        if drawing is None:
            drawing = self._read(key)
            if drawing is None:
                drawing = draw(request)
                self._write(key, drawing)
            self._memory[key] = drawing
        return drawing

    def prepare(self, requests: Iterable[QrRequest]) -> None:
        """Start drawing every code not cached yet, in worker processes when there are many.

        Returns at once; ``svg`` waits for a code only if it is asked for before it is ready.
        Call ``close`` when the build is done.
        """
        missing: dict[str, QrRequest] = {}
        for request in requests:
            key = request.key
            if key in self._memory or key in missing or key in self._pending:
                continue
            drawing = self._read(key)
            if drawing is not None:
                self._memory[key] = drawing
            else:
                missing[key] = request
        if len(missing) < PARALLEL_THRESHOLD or (os.cpu_count() or 1) < 2:
            drawings = map(draw, missing.values())
            for key, drawing in zip(missing, drawings):
                self._store(key, drawing)
            return
        if self._pool is None:
            # "spawn": the build may run inside `mkdocs serve`, whose threads must not be forked.
            self._pool = ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn"))
        for key, request in missing.items():
            self._pending[key] = self._pool.submit(draw, request)

    def close(self) -> None:
        """Wait for the drawings still under way, keep them, and stop the worker processes."""
        for key, future in list(self._pending.items()):
            self._store(key, future.result())
        self._pending.clear()
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def prune(self) -> None:
        """Forget drawings that the last build did not use (old balances), in memory and on disk."""
        for key in set(self._memory) - self._used:
            del self._memory[key]
        if self.folder and self.folder.is_dir():
            for path in self.folder.glob("*.svg"):
                if path.stem not in self._used:
                    path.unlink(missing_ok=True)
        self._used.clear()

    def _store(self, key: str, drawing: str) -> None:
        self._memory[key] = drawing
        self._write(key, drawing)

    def _read(self, key: str) -> str | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / f"{key}.svg").read_text(encoding="utf-8")
        except OSError:
            return None

    def _write(self, key: str, drawing: str) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.tmp"
            temporary.write_text(drawing, encoding="utf-8")
            os.replace(temporary, self.folder / f"{key}.svg")
        except OSError:  # a read-only checkout still builds, just without the disk cache
            pass
