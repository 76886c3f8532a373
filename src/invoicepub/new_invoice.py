"""Writing the next invoice file for a client (``invoices new``).

The file starts as a draft with one placeholder item, so that the site still builds
and nothing is published until the owner fills it in and removes ``status: draft``.
The defaults of ``business.yml`` and the client's file (tax, withholding) are written
into it explicitly: the file is the record, and a later change of defaults never
changes an invoice already written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from .fields import percentage
from .i18n import formatter, package_templates, template_gettext
from .load import INVOICES_DIR
from .model import Ledger
from .numbering import file_name, next_invoice_number
from .source import yaml_scalar

# The new file is YAML, written from a template whose comments are in the client's language.
_templates = package_templates(autoescape=False)  # YAML, not HTML: values are quoted for YAML by yaml_scalar instead


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
        number = next_invoice_number(((document.kind, document.number, document.issued) for document in ledger.invoices), today)
    elif number in taken:
        raise ValueError(f"invoice number {number!r} already exists")
    defaults = client.defaults.over(ledger.business.defaults)
    terms = ledger.business.payment_terms_days
    fmt = formatter(client.language)
    text = _templates.get_template("new-invoice.yml").render(
        **template_gettext(client.language),
        number_text=number,
        client_name=client.name,
        terms=terms,
        number=yaml_scalar(number, always_quote=True),
        client=yaml_scalar(client_id),
        issued=today.isoformat(),
        due=(today + datetime.timedelta(days=terms)).isoformat(),
        currency=client.currency,
        tax=defaults.tax or "0%",
        # A 0 % default (a foreign client's) writes no withholding line at all.
        withholding=defaults.withholding if defaults.withholding and percentage(defaults.withholding, None) else None,
        placeholder=yaml_scalar(fmt.gettext("Describe the work")),
        thanks=yaml_scalar(fmt.gettext("Thank you!"), always_quote=True),
    )
    path = Path(root) / INVOICES_DIR / str(today.year) / f"{file_name(number)}.yml"
    if path.exists():
        raise ValueError(f"{path.relative_to(root).as_posix()} already exists")
    return NewInvoice(number=number, path=path, text=text)
