"""``invoices links``: the private links to share, as a table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import links

from . import common


HELP = "list the private links to share"
DESCRIPTION = "Print every client page URL and every published invoice URL (drafts are not published)."


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list of {client, invoice, url}")
    parser.add_argument("--base", metavar="URL", help="join the links to this address instead of site_url, e.g. http://127.0.0.1:8000/invoices/ for mkdocs serve")


def run(root: Path, args: argparse.Namespace) -> int:
    site = common.load(root)
    site_url = common.link_base(root, args.base)
    if site.preview:
        print(
            f"invoices: warning: {links.SECRET_VARIABLE} is not set; these are local preview links, "
            "not the published ones",
            file=sys.stderr,
        )
    rows = []
    for client_entry in site.clients:
        rows.append({"client": client_entry.client.id, "invoice": None, "url": site.link(site_url, client_entry.path)})
        documents = (*client_entry.invoices, *client_entry.estimates, *client_entry.credit_notes)
        for entry in sorted(documents, key=lambda e: e.invoice.number):
            rows.append({"client": client_entry.client.id, "invoice": entry.invoice.number, "url": site.link(site_url, entry.path)})
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    table = [("CLIENT", "INVOICE", "URL")] + [(r["client"], r["invoice"] or "(client page)", r["url"]) for r in rows]
    common.print_table(table, colour=common.colour_wanted())
    return 0

