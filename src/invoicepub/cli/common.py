"""What every command shares: the one-line error it exits with, the day, the secret and the site it
reads, the address its links are joined to, files written whole or not at all, aligned tables."""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..settings import CONFIG_FILE, SAMPLE_SITE_URL, SiteSettings, is_absolute_url, read_settings
from ..site import Site, load_site, secret_from, today_from


class CommandError(Exception):
    """A one-line error for the user; the command exits 1 and changes nothing."""


@contextlib.contextmanager
def refusing(prefix: str = "") -> Iterator[None]:
    """A ValueError raised inside becomes the command's one-line error, after ``prefix``."""
    try:
        yield
    except ValueError as error:
        raise CommandError(f"{prefix}{error}") from None


def today() -> datetime.date:
    with refusing():
        return today_from(os.environ)


def day_option(value: str | None, option: str, today: datetime.date) -> datetime.date:
    """The day an option names (YYYY-MM-DD), or ``today`` when it is not given."""
    try:
        return datetime.date.fromisoformat(value) if value else today
    except ValueError:
        raise CommandError(f"{option} {value!r} is not a date as YYYY-MM-DD") from None


def secret() -> str | None:
    with refusing():
        return secret_from(os.environ)


def site_settings(root: Path) -> SiteSettings:
    with refusing():
        return read_settings(root)


def load(root: Path) -> Site:
    settings = site_settings(root)
    return load_site(root, secret=secret(), today=today(), directory_urls=settings.use_directory_urls)


def link_base(root: Path, base: str | None = None) -> str:
    """The absolute address links are joined to; a CommandError rather than a link a client cannot open."""
    settings = site_settings(root)
    url = base or settings.site_url
    if not is_absolute_url(url):
        where = "--base" if base else f"site_url in {CONFIG_FILE}"
        shown = f" ({url!r})" if url else " is not set"
        raise CommandError(
            f"{where}{shown}: links must be absolute addresses such as https://you.github.io/invoices/, "
            "or a client could not open them"
        )
    if not base and settings.is_sample_url:
        print(
            f"invoices: warning: site_url in {CONFIG_FILE} is still the sample's ({SAMPLE_SITE_URL}); "
            "set it to your site's address",
            file=sys.stderr,
        )
    return url


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet: a FileExistsError rather than a file overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as stream:
        stream.write(text)


def write_atomically(path: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, newline="") as stream:
        stream.write(text)
        temporary = Path(stream.name)
    os.chmod(temporary, path.stat().st_mode & 0o777)
    os.replace(temporary, path)


def colour_wanted() -> bool:
    """Colour only on a terminal that has it, and never with NO_COLOR set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def print_table(
    rows: list[tuple[str, ...]], right: tuple[int, ...] = (), colour: bool = False, highlight: set[int] = frozenset()
) -> None:
    """Aligned columns; with colour, a bold header and the ``highlight`` rows in red."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        cells = [cell.rjust(width) if i in right else cell.ljust(width) for i, (cell, width) in enumerate(zip(row, widths))]
        line = "  ".join(cells).rstrip()
        if colour and index in highlight:
            line = f"\033[31m{line}\033[0m"
        elif colour and index == 0:
            line = f"\033[1m{line}\033[0m"
        print(line)

