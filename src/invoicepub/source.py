"""Reading the user's YAML safely, keeping the line of every key and the text of every scalar.

PyYAML composes the document into nodes (which never runs a tag), and this module turns
the nodes into plain mappings and lists that remember where each value was written.
Numbers with a fraction become ``Decimal`` straight from their source text, so ``1.005``
stays ``1.005``. Duplicate keys, unknown tags and alias bombs are problems, not surprises.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .problems import Problem, Problems, Source

# How many values one file may expand to; a real invoice has a few hundred.
MAX_VALUES = 100_000
MAX_DEPTH = 50

_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_PLAIN_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_timestamps = SafeConstructor()
# libyaml's composer is an order of magnitude faster and gives the same nodes and marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Once ``remember_files()`` is called (``mkdocs serve``, which loads every file again on each
# save): each file's value and problems by its path, with the text they were read from.
_remembered: dict[str, tuple[str, Any, tuple[Problem, ...]]] | None = None


def remember_files() -> None:
    """From now on, read a file again only when its text changed: its value is kept, never changed
    by the readers, and its problems are reported again each time."""
    global _remembered
    if _remembered is None:
        _remembered = {}


class YamlMap(dict):
    """A YAML mapping that remembers its own line, each key's line and each scalar's source text."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.raw: dict[str, str] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A YAML sequence that remembers its own line, each item's line and each scalar's source text."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []
        self.raw: list[str | None] = []


class _TooLarge(Exception):
    pass


class _Converter:
    def __init__(self, source_path: str, problems: Problems) -> None:
        self.path = source_path
        self.problems = problems
        self.count = 0

    def at(self, node: yaml.Node) -> Source:
        return Source(self.path, node.start_mark.line + 1)

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES or depth > MAX_DEPTH:
            raise _TooLarge
        if node.tag not in _ALLOWED_TAGS:
            self.problems.add(self.at(node), f"YAML tag {node.tag!r} is not allowed")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            result = YamlList(node.start_mark.line + 1)
            for item in node.value:
                result.append(self.convert(item, depth + 1))
                result.item_lines.append(item.start_mark.line + 1)
                result.raw.append(item.value if isinstance(item, yaml.ScalarNode) else None)
            return result
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, depth: int) -> YamlMap:
        result = YamlMap(node.start_mark.line + 1)
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                merged.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(self.at(key_node), "a key must be a plain name")
                continue
            key = key_node.value
            if key in result:
                first = result.key_lines[key]
                self.problems.add(self.at(key_node), f"duplicate key {key!r} (first written on line {first})")
                continue
            result[key] = self.convert(value_node, depth + 1)
            result.key_lines[key] = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.ScalarNode):
                result.raw[key] = value_node.value
        # "<<: *defaults" fills in only the keys the mapping does not write itself.
        for merge_node in merged:
            sources = merge_node.value if isinstance(merge_node, yaml.SequenceNode) else [merge_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    self.problems.add(self.at(source), "'<<' must merge a mapping")
                    continue
                extra = self.mapping(source, depth + 1)
                for key, value in extra.items():
                    if key not in result:
                        result[key] = value
                        result.key_lines[key] = extra.key_lines[key]
                        if key in extra.raw:
                            result.raw[key] = extra.raw[key]
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        tag = node.tag
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return _timestamps.construct_yaml_bool(node)
        if tag == _TAG + "int":
            # Octal, hexadecimal and base-60 forms stay text: "0123" is not 83.
            return int(text.replace("_", "")) if _PLAIN_INT.match(text) else text
        if tag == _TAG + "float":
            try:
                number = Decimal(text.replace("_", ""))
            except InvalidOperation:
                return text
            return number if number.is_finite() else text
        if tag == _TAG + "timestamp":
            try:
                return _timestamps.construct_yaml_timestamp(node)
            except ValueError:
                return text
        return text


def remembering() -> bool:
    """Whether ``remember_files()`` was called: the readers may keep what they made of a file's value too."""
    return _remembered is not None


def read_yaml(path: Path, root: Path, problems: Problems) -> Any:
    """Read one YAML file; return its value, or None when it could not be read or is empty.

    Every problem is added to ``problems`` with the file's path relative to ``root``, so a
    caller that gets None has nothing left to report: one fault, one message.
    """
    relative = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.add(Source(relative, 1), f"not UTF-8 text ({error.reason})")
        return None
    except OSError as error:
        problems.add(Source(relative, 1), f"cannot read the file: {error.strerror}")
        return None
    if _remembered is None:
        return _parse(text, relative, problems)
    remembered = _remembered.get(relative)
    if remembered is None or remembered[0] != text:
        found = Problems()
        remembered = _remembered[relative] = (text, _parse(text, relative, found), tuple(found))
    for problem in remembered[2]:
        problems.add(problem.source, problem.message)
    return remembered[1]


def _parse(text: str, relative: str, problems: Problems) -> Any:
    try:
        too_deep = _nesting_over_limit(text)
        if too_deep is not None:
            problems.add(Source(relative, too_deep), f"the YAML nests deeper than {MAX_DEPTH} levels")
            return None
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.add(Source(relative, line), f"YAML syntax error: {error.problem or error.context}")
        return None
    except yaml.YAMLError as error:
        problems.add(Source(relative, 1), f"YAML error: {error}")
        return None
    if node is None:
        problems.add(Source(relative, 1), "the file is empty")
        return None
    converter = _Converter(relative, problems)
    try:
        return converter.convert(node)
    except _TooLarge:
        problems.add(
            Source(relative, node.start_mark.line + 1),
            f"the document expands to more than {MAX_VALUES} values or nests deeper than "
            f"{MAX_DEPTH} levels (too many YAML aliases?)",
        )
        return None


def _nesting_over_limit(text: str) -> int | None:
    """The line where the document first nests deeper than ``MAX_DEPTH``, or None.

    Composing nodes recurses once per level (in C with libyaml, where a 200,000-deep list
    overflows the stack and kills the process), so the depth is checked on the parser's
    events, which come from a loop, before anything is composed. libyaml's scanner refuses
    deep flow nesting by itself, with an error of its own wording; PyYAML's own parser, a
    loop too, then finds the line in our terms.
    """
    try:
        return _first_line_too_deep(text, _Loader)
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
        return _first_line_too_deep(text, yaml.SafeLoader)


def _first_line_too_deep(text: str, loader: type) -> int | None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def yaml_scalar(value: str, always_quote: bool = False) -> str:
    """``value`` written as a YAML scalar: plain when YAML reads it back as the same text, else quoted."""
    if not always_quote:
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def is_date(value: Any) -> bool:
    """A calendar date, not a date with a time of day."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def last_line(node: yaml.Node) -> int:
    """0-based line of the last character of ``node``'s content (ignoring trailing comments)."""
    if isinstance(node, yaml.MappingNode) and node.value:
        return max(last_line(node.value[-1][0]), last_line(node.value[-1][1]))
    if isinstance(node, yaml.SequenceNode) and node.value:
        return last_line(node.value[-1])
    end = node.end_mark
    # An end mark at column 0 belongs to the line before (the node ended with its newline).
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def with_status(text: str, status: str) -> str:
    """A document file's text with ``status: <status>``: the value replaced where it is written, else a
    line added after ``kind:`` (or ``number:``), in the file's own indentation and line endings."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(root, yaml.MappingNode):
        raise ValueError("the document's file is not a mapping")
    lines = text.splitlines(keepends=True)
    pairs = [(key, value) for key, value in root.value if isinstance(key, yaml.ScalarNode)]
    for key_node, value in pairs:
        if key_node.value == "status" and isinstance(value, yaml.ScalarNode):
            line = lines[value.start_mark.line]
            start, end = value.start_mark.column, value.end_mark.column
            lines[value.start_mark.line] = line[:start] + status + line[end:]
            return "".join(lines)
    after_key, after_value = next((k, v) for name in ("kind", "number") for k, v in pairs if k.value == name)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    at = last_line(after_value) + 1
    if at == len(lines) and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    lines.insert(at, " " * after_key.start_mark.column + f"status: {status}" + newline)
    return "".join(lines)
