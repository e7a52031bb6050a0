"""Record text as markup (`cpdgen.render.markup`): which link addresses are kept."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url, kept", [
    ("https://example.org/", True), ("HTTP://EXAMPLE.ORG", True), ("mailto:jo@example.org", True),
    ("javascript:alert(1)", False), (" JavaScript:alert(1)", False), ("data:text/html,x", False), ("vbscript:x", False),
    ("", False), (None, False),
])  # fmt: skip
def test_safe_url_keeps_web_and_mail_addresses_only(url, kept):
    from cpdgen.render.markup import safe_url

    assert safe_url(url) == (url if kept else None)


@pytest.mark.parametrize("text", [
    "[x](javascript:alert(1))", "[x](data:text/html,x)", "[x](vbscript:msgbox(1))", "[x](java\tscript:alert(1))",
    '<a href="javascript:alert(1)" title="t">x</a>', '<a title="a>b" href="javascript:x">x</a>', "<a>x</a>",
    "[x](javascript:alert('x'))", "[x](javascript:fetch('//e').then(r=>r.text()))", "[x][bad]",
])  # fmt: skip
def test_a_link_whose_address_is_refused_becomes_its_text_alone(text):
    from cpdgen.render.markup import markdown_html

    html = str(markdown_html(f"Before {text} after.\n\n[bad]: javascript:alert(1)"))
    assert html == "<p>Before x after.</p>"


@pytest.mark.parametrize("text, href, title", [
    ("[x](https://example.org/f('a'))", "https://example.org/f('a')", None),
    ('[x](https://example.org/ "Title")', "https://example.org/", "Title"),
    ("[x](https://example.org/ 'Title')", "https://example.org/", "Title"),
    ("[x](<https://example.org/a(b> \"T\")", "https://example.org/a(b", "T"),
    ("[x](https://example.org/(a)(b))", "https://example.org/(a)(b)", None),
])  # fmt: skip
def test_a_kept_link_has_its_whole_address_and_its_title(text, href, title):
    from cpdgen.render.markup import markdown_html

    html = str(markdown_html(f"{text} after"))
    expected_title = f' title="{title}"' if title else ""
    assert html == f'<p><a href="{href}"{expected_title} rel="noopener noreferrer">x</a> after</p>'


def test_an_image_address_with_quotes_leaves_no_text_behind():
    from cpdgen.render.markup import markdown_html

    assert str(markdown_html("a ![i](javascript:alert('x')) b")) == "<p>a  b</p>"
