"""Markdown fields → safe HTML, for the site and the PDFs alike.

Markdown is rendered first and the result then sanitised with nh3 (Ammonia):
only plain text markup survives. No script, style, iframe, form, image (an
image would be a request to another host), event handler or `javascript:`
URL gets through, whatever the record says; links get rel="noopener ...".
A link whose address is refused becomes its text alone (an `<a>` without
`href` is not a link, and `rel` on it is invalid HTML).

Python-Markdown reads `[text](address "title")` with one change: a title
starts only after a space, as CommonMark has it, so that a quote inside an
address (`javascript:alert('x')`, `f('a')`) does not end the link early and
leave the rest of the address on the page as text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import IMAGE_LINK_RE, LINK_RE, ImageInlineProcessor, LinkInlineProcessor
from markupsafe import Markup

_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def safe_url(url: str | None) -> str | None:
    """`url` if it is a web or mail address (the schemes Markdown links may
    use too), else None: a `javascript:` or `data:` link never reaches a page."""
    if not url:
        return None
    scheme, colon, _ = url.strip().partition(":")
    return url if colon and scheme.lower() in _URL_SCHEMES else None


def _link_parts(data: str, start: int) -> tuple[str, str | None, int] | None:
    """The address, title and end of an inline link's `(...)` whose text
    starts at `start` (after the opening bracket): brackets are counted, and
    a quote opens a title only after a space and when only spaces follow its
    closing quote before the link's ")". None when the link never closes."""
    depth = 1
    for pos in range(start, len(data)):
        char = data[pos]
        if char in "'\"" and pos > start and data[pos - 1].isspace():
            close = data.find(char, pos + 1)
            rest = re.compile(r"\s*\)").match(data, close + 1) if close != -1 else None
            if rest is not None:
                return data[start:pos], data[pos + 1 : close], rest.end()
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return data[start:pos], None, pos + 1
    return None


def _address(processor: LinkInlineProcessor, data: str, index: int) -> tuple[str, str | None, int, bool]:
    """`LinkInlineProcessor.getLink` with titles as `_link_parts` reads them."""
    opening = processor.RE_LINK.match(data, pos=index)
    parts = _link_parts(data, opening.end()) if opening and not opening.group(1) else None
    if parts is None:  # `(<address> "title")`, or not closed: as Markdown reads it
        return LinkInlineProcessor.getLink(processor, data, index)
    href, title, end = parts
    if title is not None:
        title = processor.RE_TITLE_CLEAN.sub(" ", processor.unescape(title.strip()))
    return processor.unescape(href).strip(), title, end, True


class _Link(LinkInlineProcessor):
    getLink = _address


class _Image(ImageInlineProcessor):
    getLink = _address


class _LinkTitles(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(_Link(LINK_RE, md), "link", 160)  # the names and places of Markdown's own
        md.inlinePatterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)


# One converter, reset between texts: building one costs far more than a conversion.
_converter = markdown.Markdown(extensions=["sane_lists", "tables", _LinkTitles()], output_format="html")

# nh3 writes attributes as name="value" with `"` escaped, and never nests <a>.
_ANCHOR = re.compile(r'<a((?: [a-z]+="[^"]*")*)>(.*?)</a>', re.S)


def _keep_address(element: str, attribute: str, value: str) -> str | None:
    """No address with a space or a control character in it: it is no URL
    (Markdown turns a tab into spaces: `java\tscript:` would be kept as a
    relative address)."""
    if attribute == "href" and any(char.isspace() or ord(char) < 32 for char in value):
        return None
    return value


def _unlink(match: re.Match[str]) -> str:
    return match[0] if ' href="' in match[1] else match[2]


@lru_cache(maxsize=65536)  # the same text often recurs (lists, templates of a member's own)
def markdown_html(text: str | None) -> Markup:
    """`text` (Markdown, from a record) as sanitised HTML, ready to insert."""
    if not text:
        return Markup("")
    html = _converter.reset().convert(text)
    # Headings inside a record sit below the page's own h1/h2.
    html = html.replace("<h1", "<h3").replace("</h1>", "</h3>").replace("<h2", "<h4").replace("</h2>", "</h4>")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_keep_address,
    )
    return Markup(_ANCHOR.sub(_unlink, clean))
