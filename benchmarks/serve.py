"""How long `mkdocs serve` takes to show an edited invoice, on a site of N invoices.

Generates the same site as build.py, starts `mkdocs serve` on a free loopback port, waits
for an invoice page, edits that invoice's file, and times until the page shows the edit; then
the same for an edit to that invoice's client.

    python benchmarks/serve.py 1000 --edits 3
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import SECRET, TODAY, invoice_data, write_project_site  # noqa: E402


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if text in fetch(url).replace("\xa0", " "):
            return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"{url} did not show {text!r} within {timeout} s")


def timed_edits(url: str, path: Path, old: str, new: str, marker: str, edits: int) -> list[float]:
    """Seconds from each edit of ``path`` (its first ``old`` made ``new`` with a numbered marker)
    until ``url`` shows that marker."""
    original = path.read_text(encoding="utf-8")
    delays = []
    for edit in range(edits):
        shown = marker.format(edit)
        path.write_text(original.replace(old, new.format(shown), 1), encoding="utf-8")
        delays.append(wait_for(url, shown, timeout=120))
    return delays


def summary(delays: list[float]) -> str:
    return f"median {statistics.median(delays):.2f} s (runs: {', '.join(f'{d:.2f}' for d in delays)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.n)
    clients = max(1, args.n // 10)
    invoices = [invoice_data(index, clients, rng) for index in range(args.n)]
    with tempfile.TemporaryDirectory(prefix="serve-") as temporary:
        root = Path(temporary)
        write_project_site(root, invoices, clients)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = dict(os.environ, INVOICES_SECRET=SECRET, INVOICES_TODAY=TODAY, NO_MKDOCS_2_WARNING="1")
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            target = invoices[args.n // 2]
            token = hmac.new(SECRET.encode(), "\x1f".join(["invoice", target["client"], "1", target["number"]]).encode(), hashlib.sha256).hexdigest()[:32]
            url = f"http://127.0.0.1:{port}/invoices/i/{token}/"
            first = wait_for(url, target["number"], timeout=600)
            print(f"N = {args.n}: first build served after {first:.1f} s")
            invoice_file = root / "invoices" / "bench" / f"{target['number']}.yml"
            delays = timed_edits(url, invoice_file, "description: Design", "description: {} Design", "Edited line {}", args.edits)
            print(f"  edit → page shows it: {summary(delays)}")
            # A client's file: its name is on each of its pages; the other clients' pages are kept.
            client_file = root / "invoices" / "clients" / f"{target['client']}.yml"
            delays = timed_edits(url, client_file, "name: ", "name: {} ", "Renamed {} Ltd.", args.edits)
            print(f"  client edit → its invoice page shows it: {summary(delays)}")
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
