"""The pieces of `cpdgen serve` that need no server (`cpdgen.output.serve`):
which requests are pages, and the error page escapes what it shows. The
server itself, in-process and as a program, is tests/acceptance/cli/test_serve.py."""

from __future__ import annotations

from cpdgen.common.diagnostics import error
from cpdgen.output.serve import Problem, is_page


def test_what_counts_as_a_page():
    assert all(is_page(p) for p in ("/", "/index.html", "/activities/", "/cv.html?x=1", "/years/2025"))
    assert not any(is_page(p) for p in ("/static/site.css", "/feed.xml", "/sitemap.xml", "/favicon.ico"))


def test_the_error_page_escapes_everything():
    page = Problem(errors=(error("records/<a>.yaml", 3, 4, "bad '<img src=x onerror=alert(1)>'"),)).page().decode()
    assert "records/&lt;a&gt;.yaml:3:4:" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img" not in page
    page = Problem(message="cannot write in </p><script>").page().decode()
    assert "&lt;/p&gt;&lt;script&gt;" in page and "<script>" not in page


def test_live_reload_goes_before_the_last_body_end_and_names_the_build():
    from cpdgen.output.serve import BUILD_PATH, live_reload

    page = b"<html><body><p>a</p></body></html>\n"
    served = live_reload(page, 7).decode()
    assert served.startswith("<html><body><p>a</p><script data-cpdgen-live-reload>")
    assert served.endswith("</script>\n</body></html>\n")
    assert '"7"' in served and BUILD_PATH in served
    assert served.replace(served[served.index("<script") : served.index("</script>\n") + 10], "") == page.decode()
    assert live_reload(b"<p>no body end</p>", 1).startswith(b"<p>no body end</p><script")
