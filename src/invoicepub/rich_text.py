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
