"""What VERI*FACTU costs (SPEC §12), at N invoices (build.py's generated site, every invoice in euros).

Measures, each in its own process:

- ``invoices check`` of the site without ``verifactu:``, then with it and every document
  registered (the chain's huellas recomputed and each record compared with its document);
- ``invoices verifactu register`` writing N records (each validated against the AEAT's XSD);
- ``invoices verifactu send`` of the N records to the tests' stand-in for the AEAT on loopback
  (``tests/aeat_server.py``: TLS with a client certificate, each request checked against the XSDs
  and each huella recomputed there too), asked to wait 0 s between requests;
- a warm ``mkdocs build`` of the same invoices without and with the records (a tax QR code on
  every page and PDF), two sites with their own caches, in alternating pairs; the ratio is the
  median of the pairs'.

Budget: check ≤ 1.3× without records, warm build ≤ 1.10×.

    python benchmarks/verifactu.py 1000 --pairs 3
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import SECRET, TODAY, invoice_data, measured_build, write_project_site

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
import aeat_server  # noqa: E402

NIF = "B12345674"


def command(root: Path, *args: str, **extra: str) -> float:
    env = dict(os.environ, INVOICES_SECRET=SECRET, INVOICES_TODAY=TODAY, **extra)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "invoicepub.cli", *args], cwd=root, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"invoices {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def make_site(root: Path, n: int) -> None:
    clients = max(1, n // 10)
    rng = random.Random(20261207)
    write_project_site(root, [invoice_data(i, clients, rng) for i in range(n)], clients)
    for path in (root / "invoices" / "clients").glob("*.yml"):  # identified clients: complete invoices (F1)
        path.write_text(path.read_text(encoding="utf-8") + "tax_id: IE6388047V\ncountry: IE\n", encoding="utf-8")


def enable(root: Path) -> None:
    business = root / "invoices" / "business.yml"
    text = business.read_text(encoding="utf-8").replace("\ntax_id: ESB98765432\n", f"\ntax_id: ES{NIF}\n", 1)
    business.write_text(text + "\nverifactu:\n  environment: test\n", encoding="utf-8")


def disable(root: Path) -> None:
    business = root / "invoices" / "business.yml"
    business.write_text(business.read_text(encoding="utf-8").split("\nverifactu:\n", 1)[0], encoding="utf-8")


def run(n: int, pairs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-verifactu-") as folder:
        root = Path(folder) / "site"
        root.mkdir()
        make_site(root, n)
        check_plain = min(command(root, "check") for _ in range(3))
        enable(root)
        register = command(root, "verifactu", "register")
        check_registered = min(command(root, "check") for _ in range(3))
        aeat = aeat_server.start(Path(folder) / "certificates")
        aeat.service.wait = 0
        try:
            send = command(
                root, "verifactu", "send",
                VERIFACTU_CERT=base64.b64encode(aeat.certificates.client_p12).decode(),
                VERIFACTU_CERT_PASSWORD=aeat_server.PASSWORD,
                VERIFACTU_URL=aeat.url,
                VERIFACTU_CA=str(aeat.certificates.ca_pem),
            )  # fmt: skip
            requests = len(aeat.service.requests)
            assert aeat.service.problems == [], aeat.service.problems[:3]
        finally:
            aeat.stop()
        # Warm builds of two sites, each with its own caches (a cache keeps only what its last
        # build used): the same invoices without and with the records. One cold build each first.
        plain_root = Path(folder) / "plain"
        shutil.copytree(root, plain_root)
        disable(plain_root)
        measured_build(plain_root)
        measured_build(root)
        plain, registered = [], []
        for _ in range(pairs):
            plain.append(measured_build(plain_root)[0])
            registered.append(measured_build(root)[0])
        ratios = [r / p for p, r in zip(plain, registered)]
        print(f"VERI*FACTU at {n} invoices")
        print(f"  invoices check, no verifactu:        {check_plain:6.2f} s")
        print(f"  invoices check, {n} records:        {check_registered:6.2f} s   ({check_registered / check_plain:.2f}×)")
        print(f"  invoices verifactu register:         {register:6.2f} s   ({register / n * 1000:.2f} ms a record)")
        print(f"  invoices verifactu send:             {send:6.2f} s   ({requests} requests to the stand-in)")
        print(f"  warm build, no records (median):     {statistics.median(plain):6.2f} s")
        print(f"  warm build, records (median):        {statistics.median(registered):6.2f} s   (median of pairs {statistics.median(ratios):.2f}×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000])
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args()
    for n in args.sizes:
        run(n, args.pairs)


if __name__ == "__main__":
    main()
