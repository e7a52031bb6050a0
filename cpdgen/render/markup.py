"""Markdown fields → safe HTML, for the site and the PDFs alike.

Markdown is rendered first and the result then sanitised with nh3 (Ammonia):
only plain text markup survives. No script, style, iframe, form, image (an
image would be a request to another host), event handler or `javascript:`
URL gets through, whatever the record says; links get rel="noopener ...".
"""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
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


# One converter, reset between texts: building one costs far more than a conversion.
_converter = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")


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
    )
    return Markup(clean)
