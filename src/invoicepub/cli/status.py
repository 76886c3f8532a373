"""``invoices status``: the open invoices, most urgent first, and the totals per currency."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from ..money import plain
from ..report import status_report

from . import common


HELP = "list open invoices, most urgent first"
DESCRIPTION = "List open invoices (due, partially paid, overdue) with balances and totals per currency."


def run(root: Path, args: argparse.Namespace) -> int:
    site = common.load(root)
    report = status_report(site)
    if not report.open_invoices:
        print("no open invoices")
        return 0
    table = [("NUMBER", "CLIENT", "STATUS", "DUE", "DAYS OVERDUE", "BALANCE")]
    overdue_rows = set()
    for index, entry in enumerate(report.open_invoices, start=1):
        figures = entry.figures
        if figures.days_overdue:
            overdue_rows.add(index)
        table.append(
            (
                entry.invoice.number,
                entry.client.name,
                figures.status,
                (figures.next_due or entry.invoice.due).isoformat(),
                str(figures.days_overdue) if figures.days_overdue else "",
                f"{plain(figures.balance, entry.invoice.currency)} {entry.invoice.currency}",
            )
        )
    common.print_table(table, right=(4, 5), colour=common.colour_wanted(), highlight=overdue_rows)
    print()
    for currency in sorted(report.outstanding):
        overdue = report.overdue.get(currency, Decimal(0))
        print(
            f"total {currency}: {plain(report.outstanding[currency], currency)} outstanding, "
            f"{plain(overdue, currency)} overdue"
        )
    return 0

