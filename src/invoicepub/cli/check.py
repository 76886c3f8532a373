"""``invoices check``: validate every file under invoices/ and note what the pages will warn of."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import bank_history
from ..einvoice import eligibility
from ..model import CREDIT_NOTE, ESTIMATE, INVOICE

from . import common


HELP = "validate every file under invoices/"
DESCRIPTION = "Validate every file under invoices/; print each problem as path:line: message."


def run(root: Path, args: argparse.Namespace) -> int:
    site = common.load(root)
    invoices = [entry for entry in site.entries if entry.invoice.kind == INVOICE]
    drafts = sum(1 for entry in invoices if not entry.invoice.published)
    open_count = sum(1 for entry in site.published if entry.figures.is_open)
    others = "".join(
        f", {count} {name}"
        for kind, name in ((ESTIMATE, "estimate(s)"), (CREDIT_NOTE, "credit note(s)"))
        if (count := sum(1 for entry in site.entries if entry.invoice.kind == kind))
    )
    print(
        f"ok: {len(invoices)} invoices ({drafts} draft){others}, {len(site.ledger.clients)} clients, "
        f"{open_count} open"
    )
    # Notes, not errors: an invoice without an e-invoice is still a valid invoice (SPEC §9).
    business = site.ledger.business
    for entry in site.published:
        if entry.invoice.kind == ESTIMATE:
            continue
        reasons = eligibility.missing(business, entry.client, entry.invoice)
        if reasons:
            kind = "credit note" if entry.invoice.kind == CREDIT_NOTE else "invoice"
            print(f"note: {entry.invoice.source}: {kind} {entry.invoice.number} has no e-invoice (XML): {eligibility.explain(reasons)}")
    for warning in site.unregistered_warnings():
        print(f"warning: {warning}")
    # SPEC §13: a changed account is how invoice fraud starts; the pages warn of these too.
    note = bank_history.state_note(site.bank_history)
    if note is not None:
        print(f"{note[0]}: {note[1]}")
    if site.bank_history is not None:
        for change in bank_history.recent_changes(site.bank_history, site.today, business.bank_change_notice_days):
            print(f"warning: {bank_history.describe(change)}")
    return 0

