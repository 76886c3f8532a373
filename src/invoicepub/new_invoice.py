"""Writing the next invoice file for a client (``invoices new``).

The file starts as a draft with one placeholder item, so that the site still builds
and nothing is published until the owner fills it in and removes ``status: draft``.
"""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass
from pathlib import Path

from .load import INVOICES_DIR
from .model import Ledger
from .numbering import next_number

TEMPLATE = string.Template(
    """\
# Invoice $number — $client_name
# Fill in the items, then delete the "status: draft" line to publish it.
number: "$number"
client: $client
issued: $issued
due: $due            # $terms days after the issue date
status: draft
currency: $currency
${withholding_line}\
items:
  # One entry per line of the invoice. quantity defaults to 1; unit, discount and tax are optional.
  - description: Describe the work
    quantity: 1
    unit: h
    unit_price: 0.00
    tax: $tax
    # discount: 10%
# notes: "Thank you!"
"""
)


@dataclass(frozen=True)
class NewInvoice:
    number: str
    path: Path  # absolute
    text: str


def plan_new_invoice(
    root: Path, ledger: Ledger, client_id: str, today: datetime.date, number: str | None = None
) -> NewInvoice:
    """The file ``invoices new`` would write; ValueError for an unknown client or a taken number."""
    client = ledger.clients.get(client_id)
    if client is None:
        known = ", ".join(sorted(ledger.clients)) or "none yet"
        raise ValueError(f"unknown client {client_id!r} (clients: {known})")
    taken = {invoice.number for invoice in ledger.invoices}
    if number is None:
        number = next_number(((invoice.number, invoice.issued) for invoice in ledger.invoices), today)
    elif number in taken:
        raise ValueError(f"invoice number {number!r} already exists")
    previous = sorted(
        (invoice for invoice in ledger.invoices if invoice.client_id == client_id), key=lambda invoice: invoice.issued
    )
    last = previous[-1] if previous else None
    tax = _percent_text(last.items[0].tax_rate) if last else "0%"
    withholding = f"withholding: {_percent_text(last.withholding_rate)}\n" if last and last.withholding_rate else ""
    terms = ledger.business.payment_terms_days
    text = TEMPLATE.substitute(
        number=number,
        client=client_id,
        client_name=client.name,
        issued=today.isoformat(),
        due=(today + datetime.timedelta(days=terms)).isoformat(),
        terms=terms,
        currency=client.currency,
        withholding_line=withholding,
        tax=tax,
    )
    path = Path(root) / INVOICES_DIR / str(today.year) / f"{_file_name(number)}.yml"
    if path.exists():
        raise ValueError(f"{path.relative_to(root).as_posix()} already exists")
    return NewInvoice(number=number, path=path, text=text)


def _percent_text(fraction) -> str:
    percent = (fraction * 100).normalize()
    return f"{percent:f}%"


def _file_name(number: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "-", number).strip("-.") or "invoice"

