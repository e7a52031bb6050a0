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


def test_the_hosts_answered_are_this_computers_names_on_the_port():
    from cpdgen.output.serve import allowed_hosts

    hosts = allowed_hosts("127.0.0.1", 8000)
    assert hosts == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "[::1]:8000" in allowed_hosts("::1", 8000)  # an IPv6 address in brackets, as a Host header has it
    assert "192.0.2.7:8000" in allowed_hosts("192.0.2.7", 8000)  # a bound address of the member's choosing
    assert {"localhost", "127.0.0.1"} <= allowed_hosts("127.0.0.1", 80)  # port 80 may be left out
    assert "localhost" not in hosts


def test_bad_paths_are_named_and_good_ones_pass():
    from cpdgen.output.serve import bad_path

    for good in ("/", "/index.html", "/activity/2025/a-b.html", "/caf%C3%A9.html", "/cv.html?q=%ff", "/a%20b"):
        assert bad_path(good) is None, good
    reasons = {
        "/%00": "control character",
        "/a\x7fb": "control character",
        "/%ff": "not UTF-8",
        "/%zz": "not a percent escape",
        "/a%2Fb": "encoded slash",
        "/a%5cb": "encoded slash",
        "/a\\b": "backslash",
        "/static/../x": ". or ..",
        "/./x": ". or ..",
        "/%2e%2e/x": ". or ..",
        "x": "start with /",
    }
    for path, reason in reasons.items():
        why = bad_path(path)
        assert why is not None and reason in why, (path, why)


def test_a_refusal_on_the_page_shows_paths_relative_to_the_repository(tmp_path):
    from cpdgen.output.serve import without_local_paths

    root = tmp_path / "cpd"
    assert without_local_paths(f"cannot write {root}/output/site/a.html", root) == "cannot write output/site/a.html"
    assert without_local_paths(f"{root} is not a folder", root) == ". is not a folder"
