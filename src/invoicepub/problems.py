"""Problems found in the user's files, each tied to a file and a line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Source:
    """Where a record or value was written: a path relative to the site root and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in the user's files, reported as ``path:line: message``."""

    source: Source
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class Problems:
    """Collects every problem of a run so that all of them are reported together."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def add(self, source: Source, message: str) -> None:
        self._items.append(Problem(source, message))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(sorted(self._items))

    def raise_if_any(self) -> None:
        if self._items:
            raise InvoiceError(sorted(self._items))


class InvoiceError(Exception):
    """Raised when the user's files have problems; carries all of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
