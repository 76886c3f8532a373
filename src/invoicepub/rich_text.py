"""User Markdown (an invoice's ``notes``, later an item's ``details``) as HTML that is safe to show.

The rules (SPEC §3, "Text stays text"):

- CommonMark without raw HTML: ``<b>`` or ``<script>`` written in the text is shown as
  that text, never as an element.
- Links only to ``https:``, ``http:`` and ``mailto:``. Anything else (``javascript:``,
  ``data:``, ``vbscript:``, relative paths, protocol-relative ``//host``) is not a link:
  the Markdown is shown as the text it was written as. Links get
  ``rel="nofollow noopener noreferrer"``.
- No images: an image is shown as its alternative text, and nothing is loaded.
- Headings are moved down two levels (``#`` becomes ``<h3>``), since the notes sit
  under the page's own ``<h2>``.

markdown-it-py does the parsing and rendering; nh3 then cleans the result with an explicit
allow-list, a second guard should a parser rule ever let something through. The result is a
``markupsafe.Markup``: the one place where user text becomes HTML a template shows as is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

LINK_SCHEMES = frozenset({"https", "http", "mailto"})
LINK_REL = "nofollow noopener noreferrer"
HEADING_SHIFT = 2

# Everything CommonMark (without raw HTML and images) can produce, and nothing else.
ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "a", "h3", "h4", "h5", "h6"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def allowed_link(url: str) -> bool:
    """Whether ``url`` may be a link: an absolute ``https:``, ``http:`` or ``mailto:`` address."""
    match = _SCHEME.match(url)
    return match is not None and match.group(1).lower() in LINK_SCHEMES


def _render_image(self, tokens, idx, options, env) -> str:
    # No images: the alternative text instead, as text.
    return escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _render_heading_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _render_heading_close(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    return self.renderToken(tokens, idx, options, env)


def _render_link_open(self, tokens, idx, options, env) -> str:
    tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    # markdown-it refuses a link it does not validate: its Markdown stays text.
    md.validateLink = allowed_link  # type: ignore[method-assign]
    md.add_render_rule("image", _render_image)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("link_open", _render_link_open)
    return md


_markdown = _parser()


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if name == "href" and not allowed_link(value):
        return None
    return value


def markdown_to_html(text: str) -> Markup:
    """``text`` (Markdown) as safe HTML; see the module's rules."""
    html = _markdown.render(text)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Markup(cleaned)


def blocks(html: str) -> list[dict[str, Any]]:
    """Safe HTML from ``markdown_to_html`` as plain data for the paper template: a list of
    blocks (``p``, ``heading``, ``quote``, ``pre``, ``hr``, and ``list``: ``ordered``, ``start``
    and ``items``, each item its runs and the lists nested in it), each with its runs of text
    (``strong``, ``em``, ``code``, ``link``, ``break``).

    Only the tags of ``ALLOWED_TAGS`` occur in that HTML; the text is kept as text.
    """
    reader = _BlockReader()
    reader.feed(str(html))
    reader.close()
    return reader.blocks


class _BlockReader(HTMLParser):
    _INLINE = {"strong": "strong", "em": "em", "code": "code"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict[str, Any]] = []
        self._marks: dict[str, int] = {"strong": 0, "em": 0, "code": 0}
        self._link: list[str] = []
        self._lists: list[dict[str, Any]] = []  # the lists open, innermost last
        self._quote = 0
        self._pre: list[str] | None = None
        self._current: dict[str, Any] | None = None  # the block or list item text goes to

    def _open(self, kind: str) -> None:
        if self._quote and kind == "p":
            kind = "quote"
        self._current = {"kind": kind, "runs": []}
        self.blocks.append(self._current)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._INLINE:
            self._marks[self._INLINE[tag]] += 1
        elif tag == "a":
            self._link.append(dict(attrs).get("href") or "")
        elif tag == "br":
            self._runs().append({"text": "", "break": True})
        elif tag in ("p", "h3", "h4", "h5", "h6"):
            if not self._lists:
                self._open("heading" if tag.startswith("h") else "p")
            elif self._current is not None and self._current["runs"]:
                self._current["runs"].append({"text": "", "break": True})  # a loose item's second paragraph
        elif tag in ("ul", "ol"):
            start = dict(attrs).get("start")
            listing = {"kind": "list", "ordered": tag == "ol", "start": int(start) if start and start.isdigit() else 1, "items": [], "runs": []}
            items = self._lists[-1]["items"] if self._lists else None
            (items[-1]["children"] if items else self.blocks).append(listing)
            self._lists.append(listing)
            self._current = None
        elif tag == "li" and self._lists:
            self._current = {"runs": [], "children": []}
            self._lists[-1]["items"].append(self._current)
        elif tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre = []
        elif tag == "hr":
            self.blocks.append({"kind": "hr", "runs": []})
            self._current = None

    def handle_endtag(self, tag: str) -> None:
        if tag in self._INLINE:
            self._marks[self._INLINE[tag]] -= 1
        elif tag == "a" and self._link:
            self._link.pop()
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
            self._current = self._lists[-1]["items"][-1] if self._lists else None
        elif tag == "blockquote":
            self._quote -= 1
        elif tag == "pre" and self._pre is not None:
            self.blocks.append({"kind": "pre", "text": "".join(self._pre).rstrip("\n"), "runs": []})
            self._pre, self._current = None, None
        elif tag in ("p", "h3", "h4", "h5", "h6") and not self._lists:
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self._pre.append(data)
            return
        if not data.strip() and (self._current is None or not self._current["runs"]):
            return  # the newlines between blocks and before a block's text
        run: dict[str, Any] = {"text": re.sub(r"\s+", " ", data)}  # a soft line break is a space
        for mark, depth in self._marks.items():
            if depth:
                run[mark] = True
        if self._link:
            run["link"] = self._link[-1]
        self._runs().append(run)

    def _runs(self) -> list[dict[str, Any]]:
        if self._current is None:
            if self._lists:  # text after a nested list, in the same item
                self._current = self._lists[-1]["items"][-1] if self._lists[-1]["items"] else None
            if self._current is None:
                self._open("p")
        return self._current["runs"]  # type: ignore[index]
