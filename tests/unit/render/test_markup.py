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
