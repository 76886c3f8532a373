"""Appending a payment to an invoice file (``invoices pay``) without touching anything else.

The new entry is inserted as text right after the last line of the last payment (or a new
``payments:`` list is added at the end of the file), at the indentation the file already
uses. Every other byte of the file — comments, blank lines, key order, quoting — stays
as it was. Round-trip YAML libraries re-attach a trailing comment to the wrong entry,
which is why this works on the text, guided by the YAML parser's positions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import yaml

from .source import last_line, yaml_scalar


@dataclass(frozen=True)
class NewPayment:
    date: datetime.date
    amount_text: str  # exactly as the user typed it, e.g. "200.00"
    method: str | None = None
    reference: str | None = None


def _entry_lines(payment: NewPayment, dash_indent: int, key_indent: int) -> list[str]:
    fields = [("date", payment.date.isoformat()), ("amount", payment.amount_text)]
    if payment.method:
        fields.append(("method", yaml_scalar(payment.method)))
    if payment.reference:
        fields.append(("reference", yaml_scalar(payment.reference)))
    lines = []
    for index, (key, value) in enumerate(fields):
        if index == 0:
            lines.append(" " * dash_indent + "-" + " " * (key_indent - dash_indent - 1) + f"{key}: {value}")
        else:
            lines.append(" " * key_indent + f"{key}: {value}")
    return lines


def append_payment(text: str, payment: NewPayment) -> str:
    """The file's text with ``payment`` appended to its ``payments`` list."""
    Decimal(payment.amount_text)  # the caller has checked it; never write a non-number
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ValueError("the invoice file is not a mapping")
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    payments_key = payments_value = None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "payments":
            payments_key, payments_value = key, value
    items_node = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "items"), None)
    base = root.start_mark.column

    if isinstance(payments_value, yaml.SequenceNode) and not payments_value.value and payments_value.flow_style:
        # "payments: []": the empty list becomes a block list holding the new entry.
        start, end = payments_value.start_mark, payments_value.end_mark
        if start.line != end.line:
            raise ValueError("'payments' is an empty [flow] list over several lines; write it as 'payments:' to use this command")
        line = lines[start.line]
        comment = line[end.column :].strip()  # a trailing "# none yet" stays on the key's line
        lines[start.line] = line[: start.column].rstrip() + (f" {comment}" if comment else "") + newline
        dash_indent, key_indent = _list_indents(items_node, lines, base)
        insert_at = start.line + 1
        new = _entry_lines(payment, dash_indent, key_indent)
    elif payments_value is not None and isinstance(payments_value, yaml.SequenceNode) and payments_value.value:
        if payments_value.flow_style:
            raise ValueError("'payments' is written as a [flow] list; write it as a block list to use this command")
        first = payments_value.value[0]
        dash_indent = lines[first.start_mark.line].index("-", 0)
        key_indent = first.start_mark.column
        insert_at = last_line(payments_value) + 1
        new = _entry_lines(payment, dash_indent, key_indent)
    elif payments_value is not None and isinstance(payments_value, yaml.ScalarNode) and payments_value.value == "":
        dash_indent, key_indent = _list_indents(items_node, lines, base)
        insert_at = payments_key.start_mark.line + 1
        new = _entry_lines(payment, dash_indent, key_indent)
    elif payments_value is None:
        dash_indent, key_indent = _list_indents(items_node, lines, base)
        insert_at = len(lines)
        new = [" " * base + "payments:"] + _entry_lines(payment, dash_indent, key_indent)
    else:
        raise ValueError("'payments' must be a list to append a payment to it")

    if insert_at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    lines[insert_at:insert_at] = [line + newline for line in new]
    return "".join(lines)


def _list_indents(items_node: yaml.Node | None, lines: list[str], base: int) -> tuple[int, int]:
    """Dash and key indentation of a block list, copied from the file's ``items`` list."""
    if isinstance(items_node, yaml.SequenceNode) and items_node.value and not items_node.flow_style:
        first = items_node.value[0]
        return lines[first.start_mark.line].index("-"), first.start_mark.column
    return base + 2, base + 4
