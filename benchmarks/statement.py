"""A long-standing client: one client with 2,000 documents over ten years (SPEC §14).

Writes a site whose only client has 1,800 invoices (three items each, every one paid, most of
them within the month, the last few still open) and 200 credit notes, from 2017 to 2026, and
builds it cold (caches emptied) with `mkdocs build` in its own process. Prints the build's wall
time and peak RSS, the client page's weight, and the weight of the largest and the sum of the
statement pages (pages of one year, SPEC §14).

`--source` builds with another checkout's hooks, templates and package (its `src` is put first
on PYTHONPATH): the same data before and after a change.

    python benchmarks/statement.py --rounds 3
    python benchmarks/statement.py --rounds 3 --source /tmp/before
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-of-at-least-32-characters"
TODAY = "2026-12-31"
INVOICES, CREDIT_NOTES = 1800, 200
FIRST = datetime.date(2017, 1, 2)


def write_site(root: Path, source: Path) -> None:
    for part in ("mkdocs.yml", "hooks", "overrides", "docs"):
        origin = source / part
        (shutil.copytree if origin.is_dir() else shutil.copy2)(origin, root / part)
    (root / "invoices" / "clients").mkdir(parents=True)
    shutil.copy2(source / "invoices" / "business.yml", root / "invoices" / "business.yml")
    (root / "invoices" / "clients" / "longstanding.yml").write_text("name: Longstanding Client Ltd.\nlanguage: en\n", encoding="utf-8")
    folder = root / "invoices" / "docs"
    folder.mkdir()
    span = (datetime.date(2026, 12, 20) - FIRST).days
    for index in range(INVOICES):
        issued = FIRST + datetime.timedelta(days=index * span // INVOICES)
        lines = [f'number: "L-{index:05d}"', "client: longstanding", f"issued: {issued.isoformat()}", "items:"]
        for line in range(3):
            lines += [f"  - description: Service {index}-{line}", f"    quantity: {1 + line}", f"    unit_price: {100 + index % 50}.{line}0", "    tax: 21%"]
        if index < INVOICES - 5:  # the last five are still open
            paid = issued + datetime.timedelta(days=20)
            lines += ["payments:", f"  - date: {min(paid, datetime.date(2026, 12, 30)).isoformat()}", "    amount: 10.00"]
        (folder / f"L-{index:05d}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for index in range(CREDIT_NOTES):
        corrected = index * (INVOICES // CREDIT_NOTES)
        issued = FIRST + datetime.timedelta(days=corrected * span // INVOICES + 3)
        (folder / f"CN-{index:05d}.yml").write_text(
            "\n".join([
                f'number: "CN-{index:05d}"', "kind: credit_note", f'corrects: "L-{corrected:05d}"', "reason: A line was billed twice.",
                "client: longstanding", f"issued: {issued.isoformat()}", "items:", "  - description: Service billed twice",
                "    unit_price: 5.00", "    tax: 21%",
            ]) + "\n",
            encoding="utf-8",
        )


def build(root: Path, source: Path, files: bool) -> tuple[float, int]:
    env = dict(os.environ, INVOICES_SECRET=SECRET, INVOICES_TODAY=TODAY, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(source / "src"))
    env.pop("INVOICES_NO_FILES", None)
    if not files:
        env["INVOICES_NO_FILES"] = "1"
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "site", ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed in {root}:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss * 1024


def weights(site: Path) -> tuple[int, list[int]]:
    """The client page's size, and each statement page's (a year's page in the client's folder)."""
    (client,) = [page for page in site.glob("c/*/index.html")]
    years = sorted(client.parent.glob("*/index.html"))
    return client.stat().st_size, [page.stat().st_size for page in years]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", type=Path, default=REPO, help="the checkout whose code builds the site")
    args = parser.parse_args()
    source = args.source.resolve()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_site(root, source)
        print(f"{INVOICES} invoices and {CREDIT_NOTES} credit notes of one client, 2017–2026; code from {source}")
        for files in (False, True):
            timings = [build(root, source, files) for _ in range(args.rounds)]
            seconds = statistics.median(t for t, _ in timings)
            peak = max(rss for _, rss in timings)
            client, years = weights(root / "site")
            label = "with files   " if files else "without files"
            print(
                f"  cold build {label}: {seconds:6.1f} s (median of {args.rounds}; {', '.join(f'{t:.1f}' for t, _ in timings)}), "
                f"peak RSS {peak / 2**20:.0f} MiB; client page {client / 1024:.0f} KiB"
                + (f"; {len(years)} statement pages, largest {max(years) / 1024:.0f} KiB, all {sum(years) / 1024:.0f} KiB" if years else "")
            )


if __name__ == "__main__":
    main()
