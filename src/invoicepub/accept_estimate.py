"""``invoices accept`` (SPEC §8): what accepting an estimate writes. (Its state, open, expired,
accepted or declined, is part of the figures: ``figures.estimate_state``.)

Accepting an open estimate changes one thing in its file —
``status: accepted`` — and writes the invoice that follows from it: the same client, items
(with their details), discount, withholding and notes, copied as the text they are written
in, with ``estimate: NUMBER``, the next invoice number and today's date.

Like ``record_payment``, the estimate's file is edited as text guided by the YAML parser's
positions, so its comments and layout stay as they were.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import yaml

from .figures import ACCEPTED, DECLINED, DRAFT, EXPIRED, estimate_state
from .load import INVOICES_DIR
from .model import ESTIMATE, Ledger
from .numbering import file_name, next_invoice_number
from .source import last_line, with_status, yaml_scalar

# What the invoice copies from the estimate, in this order, as written.
COPIED_KEYS = ("currency", "language", "items", "discount", "withholding", "tax_reason", "notes")


@dataclass(frozen=True)
class Acceptance:
    """The two files ``invoices accept`` writes: the estimate marked accepted, and its invoice."""

    estimate_path: Path  # absolute
    estimate_text: str
    invoice_number: str
    invoice_path: Path  # absolute, a new file
    invoice_text: str


def plan_acceptance(root: Path, ledger: Ledger, number: str, day: datetime.date, today: datetime.date) -> Acceptance:
    """What accepting estimate ``number`` on ``day`` writes; ValueError with one sentence when it cannot be accepted."""
    estimate = next((document for document in ledger.invoices if document.number == number), None)
    if estimate is None:
        raise ValueError(f"no estimate has the number {number!r}")
    if estimate.kind != ESTIMATE:
        raise ValueError(f"{number} is not an estimate ({estimate.source.path} has kind: {estimate.kind})")
    current = estimate_state(estimate, today)
    if current == ACCEPTED:
        followed = [doc.number for doc in ledger.invoices if doc.estimate == number]
        by = f": invoice {followed[0]} follows from it" if followed else ""
        raise ValueError(f"estimate {number} is already accepted{by}")
    if current == DECLINED:
        raise ValueError(f"estimate {number} was declined; write a new estimate if the client has changed their mind")
    if current == DRAFT:
        raise ValueError(f"estimate {number} is a draft; send it (remove status: draft) before it can be accepted")
    if current == EXPIRED or day > estimate.valid_until:
        raise ValueError(
            f"estimate {number} expired on {estimate.valid_until.isoformat()}; "
            "extend its valid_until or write a new estimate before accepting it"
        )
    if day < estimate.issued:
        raise ValueError(f"--date {day.isoformat()} is before the estimate was issued ({estimate.issued.isoformat()})")

    estimate_path = root / estimate.source.path
    text = estimate_path.read_text(encoding="utf-8")
    root_node = yaml.compose(text, Loader=yaml.SafeLoader)
    invoice_number = next_invoice_number(((d.kind, d.number, d.issued) for d in ledger.invoices), day)
    terms = ledger.business.payment_terms_days
    invoice_path = root / INVOICES_DIR / str(day.year) / f"{file_name(invoice_number)}.yml"
    if invoice_path.exists():
        raise ValueError(f"{invoice_path.relative_to(root).as_posix()} already exists")
    header = [
        f"# The invoice that follows from estimate {number}, accepted on {day.isoformat()}.",
        f"number: {yaml_scalar(invoice_number, always_quote=True)}",
        f"client: {yaml_scalar(estimate.client_id)}",
        f"issued: {day.isoformat()}",
        f"due: {(day + datetime.timedelta(days=terms)).isoformat()}",
        f"estimate: {yaml_scalar(number, always_quote=True)}",
    ]
    copied = "".join(_block(text, root_node, key) for key in COPIED_KEYS)
    return Acceptance(
        estimate_path=estimate_path,
        estimate_text=with_status(text, ACCEPTED),
        invoice_number=invoice_number,
        invoice_path=invoice_path,
        invoice_text="\n".join(header) + "\n" + copied,
    )


def _root_pairs(root_node: yaml.Node) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    if not isinstance(root_node, yaml.MappingNode):
        raise ValueError("the estimate file is not a mapping")
    return [(key, value) for key, value in root_node.value if isinstance(key, yaml.ScalarNode)]


def _block(text: str, root_node: yaml.Node, key: str) -> str:
    """The lines that write ``key`` and its value in the file, as they are written ("" when absent)."""
    lines = text.splitlines(keepends=True)
    for key_node, value in _root_pairs(root_node):
        if key_node.value == key:
            block = "".join(lines[key_node.start_mark.line : last_line(value) + 1])
            return block if block.endswith("\n") else block + "\n"
    return ""
