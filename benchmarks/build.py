"""Build-time benchmark: the project's site against the same invoices written by hand.

Generates N invoices (8 items each, a third with a payment) across N/10 clients in a
temporary site, and the same invoices as plain Markdown pages (an items table and an
inline EPC QR each, out of the navigation) for stock mkdocs-material with its search
plugin. Builds them alternately, each `mkdocs build` in its own process, and prints wall
time, peak RSS of the build process, output size, and the ratio project / baseline.

The project is measured cold (its caches moved away first, as on a new machine) and
warm (the caches of the previous build kept, as on a daily rebuild or under `mkdocs serve`; a
hand-written page's QR code was likewise drawn once, when it was written). Both with its files
(a PDF/A-3b and a UBL e-invoice beside every page, SPEC §9) and without them
(``INVOICES_NO_FILES=1``): a warm build
with files should cost under 10 % more. The warm builds without and with files alternate in
pairs, and the ratio is the median of the pairs'. Every build, the baseline's too, writes a
site folder that does not exist yet, as the publishing job does on its new checkout
(``set_aside``).

`--sealed` measures instead what sealing costs (SPEC §11: under 10 % on a warm build): the
same invoices as a ``privacy: link`` and a ``privacy: sealed`` site, each built cold once,
then warm in alternating pairs; the ratio is the median of the pairs'.

`--profile` then builds once cold and once warm (with files) under cProfile and prints where
the time of the build's own process goes, the 15 functions of largest cumulative time (PDFs
drawn in worker processes show there as the wait for them).

    python benchmarks/build.py 1000 10000 --rounds 3
    python benchmarks/build.py 1000 --rounds 1 --profile
    python benchmarks/build.py 1000 --sealed
"""

from __future__ import annotations

import argparse
import datetime
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import segno

REPO = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-of-at-least-32-characters"  # SPEC §4: 32 or more
TODAY = "2028-12-31"  # after every generated issue and payment date (payments are never in the future)
IBAN = "ES6720859252090330063402"
WARM_PAIRS = 3  # warm builds without and with files per round (--warm-pairs)
DESCRIPTIONS = ["Design", "Illustration", "Layout", "Photography", "Copywriting", "Printing", "Consulting", "Hosting"]


def invoice_data(index: int, clients: int, rng: random.Random) -> dict:
    issued = datetime.date(2024, 1, 1) + datetime.timedelta(days=index * 1000 // max(1, index + 1) + index % 700)
    items = []
    for line in range(8):
        items.append(
            {
                "description": f"{DESCRIPTIONS[line]} — part {index}-{line}",
                "quantity": Decimal(rng.randint(1, 20)),
                "unit_price": Decimal(rng.randint(1000, 20000)) / 100,
                "tax": "21%",
            }
        )
    paid = None
    if index % 3 == 0:
        paid = Decimal(rng.randint(100, 5000)) / 100
    return {"number": f"B-{index:06d}", "client": f"client-{index % clients:05d}", "issued": issued, "items": items, "paid": paid}


def write_project_site(root: Path, invoices: list[dict], clients: int, privacy: str = "link") -> None:
    for part in ("mkdocs.yml", "hooks", "overrides", "docs"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / part)
    (root / "invoices" / "clients").mkdir(parents=True)
    business = (REPO / "invoices" / "business.yml").read_text(encoding="utf-8")
    assert "\nprivacy: link " in business
    (root / "invoices" / "business.yml").write_text(business.replace("\nprivacy: link ", f"\nprivacy: {privacy} ", 1), encoding="utf-8")
    for client in range(clients):
        (root / "invoices" / "clients" / f"client-{client:05d}.yml").write_text(f"name: Client {client} Ltd.\nlanguage: en\n", encoding="utf-8")
    folder = root / "invoices" / "bench"
    folder.mkdir()
    for invoice in invoices:
        lines = [
            f'number: "{invoice["number"]}"',
            f"client: {invoice['client']}",
            f"issued: {invoice['issued'].isoformat()}",
            "items:",
        ]
        for item in invoice["items"]:
            lines += [
                f"  - description: {item['description']}",
                f"    quantity: {item['quantity']}",
                "    unit: h",
                f"    unit_price: {item['unit_price']}",
                f"    tax: {item['tax']}",
            ]
        if invoice["paid"] is not None:
            lines += ["payments:", f"  - date: {invoice['issued'].isoformat()}", f"    amount: {invoice['paid']}", "    method: bank transfer"]
        (folder / f"{invoice['number']}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_baseline_site(root: Path, invoices: list[dict]) -> None:
    """The same invoices written by hand: one Markdown page each, stock Material, search on."""
    docs = root / "docs"
    (docs / "inv").mkdir(parents=True)
    shutil.copy2(REPO / "docs" / "index.md", docs / "index.md")
    (root / "mkdocs.yml").write_text(
        "site_name: Baseline\nsite_url: https://example.github.io/invoices/\n"
        "theme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        "nav:\n  - Home: index.md\nnot_in_nav: |\n  /inv/**\n",
        encoding="utf-8",
    )
    for invoice in invoices:
        rows = []
        subtotal = Decimal(0)
        for item in invoice["items"]:
            net = (item["quantity"] * item["unit_price"]).quantize(Decimal("0.01"))
            subtotal += net
            rows.append(f"| {item['description']} | {item['quantity']} | h | €{item['unit_price']} | 21% | €{net} |")
        tax = (subtotal * Decimal("0.21")).quantize(Decimal("0.01"))
        balance = subtotal + tax - (invoice["paid"] or 0)
        qr = segno.make_qr(
            f"BCD\n002\n1\nSCT\nCAZRES2Z\nEstudio Lumen\n{IBAN}\nEUR{balance:.2f}\n\n\n{invoice['number']}".encode(),
            error="m",
        ).svg_inline(omitsize=True)
        page = [
            f"# Invoice {invoice['number']}",
            "",
            f"Client: {invoice['client']} · Issued {invoice['issued'].isoformat()}",
            "",
            "| Description | Qty | Unit | Unit price | Tax | Amount |",
            "|---|--:|---|--:|--:|--:|",
            *rows,
            "",
            f"**Subtotal** €{subtotal} · **Tax 21 %** €{tax} · **Balance due** €{balance:.2f}",
            "",
            qr,
            "",
        ]
        (docs / "inv" / f"{invoice['number']}.md").write_text("\n".join(page), encoding="utf-8")


def timed_build(root: Path, files: bool = True, profile: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one `mkdocs build` process, with or without the PDFs."""
    elapsed, rss, _ = measured_build(root, files, profile)
    return elapsed, rss


def measured_build(root: Path, files: bool = True, profile: Path | None = None) -> tuple[float, int, float]:
    """``timed_build``'s wall seconds and peak RSS, and the CPU seconds of the build and its workers."""
    env = dict(os.environ, INVOICES_SECRET=SECRET, INVOICES_TODAY=TODAY, NO_MKDOCS_2_WARNING="1")
    env.pop("INVOICES_NO_PDF", None)
    env.pop("INVOICES_NO_FILES", None)
    if not files:
        env["INVOICES_NO_FILES"] = "1"
    profiling = ["-m", "cProfile", "-o", str(profile)] if profile else []
    set_aside(root / "site")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *profiling, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def set_aside(folder: Path) -> None:
    """Move ``folder`` (the last build's site, or the caches before a cold build) out of the way in
    one rename, to be removed with the benchmark's temporary folder: each build writes into a
    folder that does not exist yet, as the publishing job does on its new checkout. Emptying it
    instead, as `mkdocs build` would, makes ext4 look past every inode freed in the last 30
    seconds for each file the build then creates: a cost of building again and again in one
    folder, which grows with the number of files and which no publishing job pays."""
    if folder.is_dir():
        aside = folder.parent.parent / "set-aside"
        aside.mkdir(exist_ok=True)
        folder.rename(aside / f"{folder.parent.name}{folder.name}-{time.monotonic_ns()}")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def print_profile(label: str, path: Path, seconds: float) -> None:
    """The 15 functions of largest cumulative time, less the frames every call passes through
    (the interpreter, click, ``mkdocs build`` itself: each above 90 % of the whole)."""
    stats = pstats.Stats(str(path))
    total = max(entry[3] for entry in stats.stats.values())  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][3], reverse=True)  # type: ignore[attr-defined]
    shown = [(where, entry) for where, entry in rows if entry[3] < 0.9 * total][:15]
    print(f"  profile, {label} ({seconds:.2f} s under cProfile, {total:.2f} s in the build's process), top 15 by cumulative time:")
    print(f"    {'calls':>9} {'own s':>7} {'cum s':>7}  function")
    for (filename, line, function), (_, calls, own, cumulative, _callers) in shown:
        place = filename.replace(str(REPO) + "/", "").replace(sys.prefix + "/", "").replace("lib/python3.11/site-packages/", "")
        print(f"    {calls:>9} {own:7.2f} {cumulative:7.2f}  {place}:{line}({function})")


def profile(root: Path) -> None:
    set_aside(root / ".cache")
    for label in ("cold", "warm"):
        path = root / f"{label}.prof"
        seconds, _ = timed_build(root, profile=path)
        print_profile(label, path, seconds)


def run(n: int, rounds: int, baseline: bool, profiled: bool = False, warm_pairs: int = WARM_PAIRS) -> None:
    rng = random.Random(n)
    clients = max(1, n // 10)
    invoices = [invoice_data(index, clients, rng) for index in range(n)]
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as temporary:
        project_root, baseline_root = Path(temporary, "project"), Path(temporary, "baseline")
        project_root.mkdir()
        baseline_root.mkdir()
        write_project_site(project_root, invoices, clients)
        if baseline:
            write_baseline_site(baseline_root, invoices)
        project_times, baseline_times, project_rss, baseline_rss = [], [], [], []
        cold_times, cold_rss = [], []
        bare_cold, bare_warm = [], []  # without files
        for _ in range(rounds):
            set_aside(project_root / ".cache")
            bare_cold.append(timed_build(project_root, files=False)[0])
            set_aside(project_root / ".cache")
            seconds, rss = timed_build(project_root)
            cold_times.append(seconds)
            cold_rss.append(rss)
            # Warm builds without and with files alternate, in pairs, so that both meet the
            # same machine (a build here varies by ±10 % from one minute to the next).
            for _ in range(warm_pairs):
                bare_warm.append(timed_build(project_root, files=False)[0])
                seconds, rss = timed_build(project_root)
                project_times.append(seconds)
                project_rss.append(rss)
            if baseline:
                seconds, rss = timed_build(baseline_root)
                baseline_times.append(seconds)
                baseline_rss.append(rss)
        print(f"N = {n} invoices, {clients} clients, {rounds} round(s)")
        print(
            f"  project, cold: {statistics.median(cold_times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in cold_times)}), "
            f"peak RSS {max(cold_rss) / 2**20:6.0f} MiB"
        )
        print(
            f"  project, warm: {statistics.median(project_times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in project_times)}), "
            f"peak RSS {max(project_rss) / 2**20:6.0f} MiB, output {folder_size(project_root / 'site') / 2**20:7.1f} MiB"
        )
        pdfs = list((project_root / "site").rglob("document.pdf"))
        print(f"  PDFs: {len(pdfs)}, {statistics.median(p.stat().st_size for p in pdfs) / 1024:.1f} KiB median" if pdfs else "  PDFs: none")
        for label, times in (("cold", bare_cold), ("warm", bare_warm)):
            print(f"  project without files, {label}: {statistics.median(times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        ratios = [p / b for p, b in zip(project_times, bare_warm)]
        print(f"  warm with files / warm without: {statistics.median(ratios):.3f} (per pair: {', '.join(f'{r:.3f}' for r in ratios)})")
        if baseline:
            print(
                f"  baseline     : {statistics.median(baseline_times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in baseline_times)}), "
                f"peak RSS {max(baseline_rss) / 2**20:6.0f} MiB, output {folder_size(baseline_root / 'site') / 2**20:7.1f} MiB"
            )
            for label, times in (("warm", project_times), ("cold", cold_times)):
                ratios = [p / b for p, b in zip(times[warm_pairs - 1 :: warm_pairs] if label == "warm" else times, baseline_times)]
                print(
                    f"  ratio project ({label}) / baseline: {statistics.median(ratios):.2f} "
                    f"(per round: {', '.join(f'{r:.2f}' for r in ratios)})"
                )
            ratios = [p / b for p, b in zip(bare_warm[warm_pairs - 1 :: warm_pairs], baseline_times)]
            print(f"  ratio project (warm, without files) / baseline: {statistics.median(ratios):.2f}")
        if profiled:
            profile(project_root)
        sys.stdout.flush()


def run_sealed(n: int, rounds: int, warm_pairs: int = WARM_PAIRS) -> None:
    """The cost of sealing: the same invoices built as a link site and as a sealed one, warm builds in pairs."""
    rng = random.Random(n)
    clients = max(1, n // 10)
    invoices = [invoice_data(index, clients, rng) for index in range(n)]
    with tempfile.TemporaryDirectory(prefix=f"bench-sealed-{n}-") as temporary:
        roots = {privacy: Path(temporary, privacy) for privacy in ("link", "sealed")}
        for privacy, root in roots.items():
            root.mkdir()
            write_project_site(root, invoices, clients, privacy)
        cold = {privacy: timed_build(root)[0] for privacy, root in roots.items()}
        warm: dict[str, list[float]] = {"link": [], "sealed": []}
        cpu: dict[str, list[float]] = {"link": [], "sealed": []}
        for _ in range(rounds * warm_pairs):
            for privacy, root in roots.items():
                seconds, _, cpu_seconds = measured_build(root)
                warm[privacy].append(seconds)
                cpu[privacy].append(cpu_seconds)
        ratios = [s / l for s, l in zip(warm["sealed"], warm["link"])]
        cpu_ratios = [s / l for s, l in zip(cpu["sealed"], cpu["link"])]
        sealed_files = list((roots["sealed"] / "site").rglob("*.sealed"))
        print(f"N = {n} invoices, {clients} clients: link site against sealed site")
        print(f"  cold: link {cold['link']:.2f} s, sealed {cold['sealed']:.2f} s ({cold['sealed'] / cold['link']:.3f})")
        for privacy, times in warm.items():
            print(f"  warm, {privacy:6}: {statistics.median(times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        print(f"  warm sealed / warm link: {statistics.median(ratios):.3f} (per pair: {', '.join(f'{r:.3f}' for r in ratios)})")
        for privacy, times in cpu.items():
            print(f"  warm, {privacy:6}, CPU: {statistics.median(times):7.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        print(f"  CPU, warm sealed / warm link: {statistics.median(cpu_ratios):.3f} (per pair: {', '.join(f'{r:.3f}' for r in cpu_ratios)})")
        print(f"  sealed files: {len(sealed_files)}, {sum(p.stat().st_size for p in sealed_files) / 2**20:.1f} MiB")
        sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="build only the project's site")
    parser.add_argument("--profile", action="store_true", help="then profile a cold and a warm build")
    parser.add_argument("--warm-pairs", type=int, default=WARM_PAIRS, help="warm builds without and with files per round")
    parser.add_argument("--sealed", action="store_true", help="measure a sealed site against a link site instead")
    args = parser.parse_args()
    for n in args.sizes:
        if args.sealed:
            run_sealed(n, args.rounds, args.warm_pairs)
        else:
            run(n, args.rounds, not args.no_baseline, args.profile, args.warm_pairs)


if __name__ == "__main__":
    main()
