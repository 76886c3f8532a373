"""How long a sealed page takes to open in Chromium (SPEC §11: under 50 ms).

Builds a sealed site of N invoices for one client (so that its client page is as large as a
busy client's), serves it on loopback and opens an invoice page and the client page with
their full links in Debian's headless Chromium, ``--runs`` times each. ``sealed.js`` marks
the moments it starts, has fetched the ciphertext, has decrypted it, and has shown the page;
the script prints, per page, the median and largest time of the key's import and the fetch
(from this machine's loopback server), of the decryption alone (AES-GCM), and from start to
shown (parsing the page and putting it in place included), and the sealed page's size.

    python benchmarks/sealed_browser.py --invoices 400 --runs 15
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import SECRET, TODAY, invoice_data, write_project_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
MEASURE = """() => {
  const at = (name) => performance.getEntriesByName(name)[0].startTime;
  return [at("sealed:fetched") - at("sealed:start"), at("sealed:decrypted") - at("sealed:fetched"), at("sealed:opened") - at("sealed:start")];
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rng = random.Random(args.invoices)
    invoices = [dict(invoice_data(i, 1, rng), client="client-00000") for i in range(args.invoices)]
    with tempfile.TemporaryDirectory(prefix="bench-sealed-browser-") as temporary:
        root = Path(temporary)
        write_project_site(root, invoices, 1, privacy="sealed")
        env = dict(os.environ, INVOICES_SECRET=SECRET, INVOICES_TODAY=TODAY, NO_MKDOCS_2_WARNING="1", INVOICES_NO_FILES="1")
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "site"))
        http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        command = [sys.executable, "-m", "invoicepub.cli", "links", "--json", "--base", base]
        links = json.loads(subprocess.run(command, cwd=root, env=env, check=True, capture_output=True, text=True).stdout)
        pages = {
            "invoice page": next(r["url"] for r in links if r["invoice"]),
            f"client page ({args.invoices} invoices)": next(r["url"] for r in links if r["invoice"] is None),
        }
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for label, url in pages.items():
                path = url.split("#")[0].removeprefix(base)
                size = (root / "site" / path / "index.html.sealed").stat().st_size
                fetched, decrypted, shown = [], [], []
                for _ in range(args.runs):
                    page = browser.new_page()
                    page.goto(url, wait_until="load")
                    page.wait_for_selector("main .invoice-page")  # the opened page (marks are set as it is shown)
                    f, d, s = page.evaluate(MEASURE)
                    fetched.append(f)
                    decrypted.append(d)
                    shown.append(s)
                    page.close()
                print(
                    f"{label}: {size / 1024:.0f} KiB sealed; key imported and file fetched in {statistics.median(fetched):.1f} ms median "
                    f"({max(fetched):.1f} max), decrypted in {statistics.median(decrypted):.1f} ms ({max(decrypted):.1f} max); "
                    f"shown in {statistics.median(shown):.1f} ms median from start ({max(shown):.1f} max), {args.runs} runs"
                )
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
