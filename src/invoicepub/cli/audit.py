"""``invoices audit``: the privacy audit of a built site, before it is published."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..audit import audit_site, private_details, sealed_site
from ..load import load_ledger
from ..model import SEALED

from . import common
from .common import CommandError


HELP = "check a built site before publishing it"
DESCRIPTION = (
    "The privacy audit of a built site: private pages carry the robots, referrer and "
    "Content-Security-Policy metas; no public file holds a client name, an invoice number or a private link; "
    "the sitemap and search index list no private page; no page loads from another origin. "
    "Prints each finding as path: what and exits 1 on any."
)


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site_dir", nargs="?", default="site", metavar="SITE_DIR", help="the built site, relative to the site's root (default: site)")


def run(root: Path, args: argparse.Namespace) -> int:
    site_dir = root / args.site_dir
    if not site_dir.is_dir():
        raise CommandError(f"no built site at {args.site_dir}: run mkdocs build first, or name the folder it wrote")
    if not (site_dir / "index.html").is_file():
        raise CommandError(f"{args.site_dir} is not a built site: it has no index.html")
    site_url = common.site_settings(root).site_url
    ledger = load_ledger(root, common.today())
    # A sealed site (SPEC §11) is audited with its pages' keys: the build's secret, or the preview key.
    sealed = sealed_site(common.load(root)) if ledger.business.privacy == SEALED else None
    report = audit_site(site_dir, private_details(ledger), site_url, sealed)
    for finding in report.findings:
        print(finding)
    if report.findings:
        print(f"invoices: audit failed: {len(report.findings)} finding(s) in {args.site_dir}; do not publish it", file=sys.stderr)
        return 1
    print(report.summary())
    return 0

