"""Things made once by their content: in memory, on disk between builds, in worker processes.

A request is a frozen value that holds everything its result depends on and names it by
``key`` (a hash of that content). ``ContentCache`` keeps each result in memory (for
`mkdocs serve`) and in a folder (``.cache/invoices/<kind>`` under the site root, for the next
build), and makes the missing ones in worker processes on every core while the build goes on
with other work. QR drawings (``qr``) and PDFs (``pdf``) are made this way.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Protocol, TypeVar, Union


@lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """This package's files (code, catalogs, templates): what a result made from it is also named
    by, so that a new release (a corrected translation) makes it again."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Request(Protocol):
    @property
    def key(self) -> str: ...


R = TypeVar("R", bound=Request)
V = TypeVar("V", bound=Union[str, bytes])


class ContentCache(Generic[R, V]):
    """Results of ``make`` by their request's key, in memory and (when given a folder) on disk.

    ``make`` must be a module-level function: worker processes are spawned and import it.
    ``resolve`` turns a request into what ``make`` takes, in this process and only for a result
    not cached yet: a request named by its inputs builds its costly content only when needed.
    """

    def __init__(
        self,
        folder: Path | None,
        make: Callable[[Any], V],
        *,
        suffix: str,
        binary: bool,
        parallel_threshold: int,
        resolve: Callable[[R], Any] = lambda request: request,
        in_memory: bool = True,
    ) -> None:
        self.folder = Path(folder) if folder else None
        self.make = make
        self.resolve = resolve
        self.suffix = suffix
        self.binary = binary
        # Below this many missing results, starting worker processes costs more than it saves.
        self.parallel_threshold = parallel_threshold
        # With a folder, results that are only placed as files (PDFs) need not stay in memory:
        # ``in_memory=False`` keeps their keys only, and the bytes on disk.
        self.in_memory = in_memory or self.folder is None
        self._memory: dict[str, V] = {}
        self._on_disk: set[str] = set()
        self._used: set[str] = set()
        self._pending: dict[str, Future] = {}
        self._pool: ProcessPoolExecutor | None = None

    def get(self, request: R) -> V:
        """The result of ``request``: from memory, a worker, the disk, or made now."""
        key = request.key
        self._used.add(key)
        result = self._memory.get(key)
        if result is None and key in self._pending:
            result = self._pending.pop(key).result()
            self._store(key, result)
        if result is None:
            result = self._read(key)
            if result is None:
                result = self.make(self.resolve(request))
                self._write(key, result)
            self._remember(key, result)
        return result

    def keep(self, request: R) -> None:
        """Count ``request``'s result as used by this build without reading it: ``prune`` keeps it."""
        self._used.add(request.key)

    def place(self, request: R, target: Path) -> None:
        """Put the result of ``request`` at ``target``: a hard link to the cached file where the
        file system allows it (nothing copied), else the bytes written.

        ``target`` is removed first, so a file linked by an earlier build is never written
        through; cached files are only ever replaced whole (``_write``), never changed in place.
        """
        if request.key in self._on_disk and request.key not in self._pending:
            self._used.add(request.key)
            result = None  # linked below; read only should linking fail
        else:
            result = self.get(request)
        target.unlink(missing_ok=True)
        if self.folder is not None:
            try:
                os.link(self.folder / f"{request.key}{self.suffix}", target)
                return
            except OSError:  # another file system, a read-only or missing cache file: write it
                pass
        if result is None:
            self._on_disk.discard(request.key)
            result = self.get(request)
        if isinstance(result, bytes):
            target.write_bytes(result)
        else:
            target.write_text(result, encoding="utf-8")

    def prepare(self, requests: Iterable[R]) -> None:
        """Start making every result not cached yet, in worker processes when there are many.

        Returns at once; ``get`` waits for a result only if it is asked for before it is ready.
        Call ``close`` when the build is done.
        """
        missing: dict[str, R] = {}
        for request in requests:
            key = request.key
            if key in self._memory or key in self._on_disk or key in missing or key in self._pending:
                continue
            if not self.in_memory and (self.folder / f"{key}{self.suffix}").is_file():  # type: ignore[operator]
                self._on_disk.add(key)
                continue
            result = self._read(key)
            if result is not None:
                self._memory[key] = result
            else:
                missing[key] = request
        if len(missing) < self.parallel_threshold or (os.cpu_count() or 1) < 2:
            for key, request in missing.items():
                self._store(key, self.make(self.resolve(request)))
            return
        if self._pool is None:
            # "spawn": the build may run inside `mkdocs serve`, whose threads must not be forked.
            self._pool = ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=multiprocessing.get_context("spawn"))
        for key, request in missing.items():
            self._pending[key] = self._pool.submit(self.make, self.resolve(request))

    def close(self) -> None:
        """Wait for the results still under way, keep them, and stop the worker processes.

        Safe to call again; the workers are stopped even when making one failed.
        """
        try:
            for key, future in list(self._pending.items()):
                self._store(key, future.result())
        finally:
            self._pending.clear()
            self._stop(cancel=False)

    def cancel(self) -> None:
        """Stop the worker processes without keeping the results still queued (a failed build)."""
        self._pending.clear()
        self._stop(cancel=True)

    def _stop(self, *, cancel: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=cancel)

    def prune(self) -> None:
        """Forget results that the last build did not use (old balances, changed invoices), in memory and on disk."""
        for key in set(self._memory) - self._used:
            del self._memory[key]
        self._on_disk &= self._used
        if self.folder and self.folder.is_dir():
            for path in self.folder.glob(f"*{self.suffix}"):
                if path.name[: -len(self.suffix)] not in self._used:
                    path.unlink(missing_ok=True)
        self._used.clear()

    def _store(self, key: str, result: V) -> None:
        self._write(key, result)
        self._remember(key, result)

    def _remember(self, key: str, result: V) -> None:
        if self.in_memory:
            self._memory[key] = result
        elif self.folder is not None and (self.folder / f"{key}{self.suffix}").is_file():
            self._on_disk.add(key)
        else:  # the disk refused it (a read-only checkout): memory it is
            self._memory[key] = result

    def _read(self, key: str) -> V | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}{self.suffix}"
        try:
            return path.read_bytes() if self.binary else path.read_text(encoding="utf-8")  # type: ignore[return-value]
        except OSError:
            return None

    def _write(self, key: str, result: V) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.{os.getpid()}.tmp"
            if isinstance(result, bytes):
                temporary.write_bytes(result)
            else:
                temporary.write_text(result, encoding="utf-8")
            os.replace(temporary, self.folder / f"{key}{self.suffix}")
        except OSError:  # a read-only checkout still builds, just without the disk cache
            pass
