"""Lighthouse on the sample site's private pages: category scores and what a page weighs.

Builds the sample site into a temporary folder, serves it on loopback under /invoices/, and
runs Lighthouse (mobile preset, its default throttling) on the sample's invoices and client
pages, one Chromium run per page. Prints each category's score, the render-blocking
resources, unused CSS and JavaScript, and the bytes transferred, resource by resource.

Lighthouse is a Node tool; install it once beside the project, with no browser download
(it drives Debian's chromium):

    npm install --prefix /tmp/lh lighthouse@12.8.2
    python benchmarks/lighthouse.py --lighthouse /tmp/lh/node_modules/.bin/lighthouse

``--pages N`` limits the run to the first N private pages (invoices first, then clients).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import REPO, SECRET  # noqa: E402

CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
AUDITS = ("render-blocking-resources", "unused-css-rules", "unused-javascript")


def build_sample(root: Path) -> Path:
    """The repository's sample, built as a user builds it; returns the folder served as /."""
    project = root / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".git", ".venv", ".ci", "site", "node_modules", "__pycache__"))
    served = root / "served"
    env = dict(os.environ, INVOICES_SECRET=SECRET, NO_MKDOCS_2_WARNING="1")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(served / "invoices")],
        cwd=project, env=env, check=True,
    )
    return served


def private_links(project: Path, base: str) -> list[dict]:
    env = dict(os.environ, INVOICES_SECRET=SECRET)
    output = subprocess.run(
        [sys.executable, "-c", "from invoicepub.cli import main; main()", "links", "--json", "--base", base],
        cwd=project, env=env, check=True, capture_output=True, text=True,
    ).stdout
    rows = json.loads(output)
    return sorted(rows, key=lambda row: (row["invoice"] is None, row["client"], row["invoice"] or ""))


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/invoices/"


def lighthouse(binary: str, url: str, output: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(
        [binary, url, "--quiet", "--output=json", f"--output-path={output}", f"--chrome-flags={CHROME_FLAGS}"],
        env=env, check=True,
    )
    return json.loads(output.read_text(encoding="utf-8"))


def report(name: str, result: dict) -> None:
    scores = {key: category["score"] for key, category in result["categories"].items()}
    print(f"{name}\n  " + "  ".join(f"{key} {score:.2f}" for key, score in scores.items()))
    audits = result["audits"]
    for key in AUDITS:
        audit = audits[key]
        items = audit.get("details", {}).get("items", [])
        print(f"  {key}: {audit.get('displayValue') or 'none'}")
        for item in items:
            print(f"    {item.get('wastedMs', 0):>5.0f} ms  {item.get('wastedBytes', 0):>6.0f} B  {item['url'].rsplit('/invoices/', 1)[-1]}")
    metrics = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")
    print("  " + "  ".join(f"{key.replace('-', ' ')} {audits[key]['displayValue']}" for key in metrics))
    weight = audits["total-byte-weight"]
    print(f"  transferred: {weight['numericValue'] / 1024:.1f} KiB")
    for item in weight["details"]["items"]:
        print(f"    {item['totalBytes']:>7} B  {item['url'].rsplit('/invoices/', 1)[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "/tmp/lh/node_modules/.bin/lighthouse")
    parser.add_argument("--pages", type=int, default=0, help="only the first N private pages")
    args = parser.parse_args()
    if not Path(args.lighthouse).exists():
        raise SystemExit(f"Lighthouse not found at {args.lighthouse}: npm install --prefix /tmp/lh lighthouse@12.8.2")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as temporary:
        root = Path(temporary)
        served = build_sample(root)
        server, base = serve(served)
        try:
            rows = private_links(root / "project", base)
            if args.pages:
                rows = rows[: args.pages]
            worst: dict[str, float] = {}
            for index, row in enumerate(rows):
                result = lighthouse(args.lighthouse, row["url"], root / f"report-{index}.json")
                report(row["invoice"] and f"invoice {row['invoice']}" or f"client {row['client']}", result)
                for key, category in result["categories"].items():
                    worst[key] = min(worst.get(key, 1.0), category["score"])
            print(f"{len(rows)} pages; lowest: " + "  ".join(f"{key} {score:.2f}" for key, score in worst.items()))
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
