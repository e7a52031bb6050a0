"""`cpdgen serve`: the real server, in-process and as a real program."""

from __future__ import annotations

import gc
import http.client
import io
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from email.message import Message
from pathlib import Path

import pytest

from cpdgen.loading.files import find_repository
from cpdgen.output.serve import HOST, Preview

from helpers.paths import DEMO_RECORDS, PROJECT_ROOT
from helpers.repos import TmpRepo

TODAY = date(2026, 11, 29)
TIMEOUT = 15.0  # seconds to wait for a rebuild to show: generous for a loaded machine
RECORD = "records/activities/2025/2025-01-22-iet-south-wales-nged-ed2.yaml"
PAGE = "activity/2025/2025-01-22-iet-south-wales-nged-ed2.html"
TITLE = "NGED&#39;s RIIO-ED2 plans for South Wales"
SECRET = "secret-marker-7f3a9c"


def _copy_demo(folder: Path) -> TmpRepo:
    made = TmpRepo(folder)
    shutil.copytree(DEMO_RECORDS, made.records)
    shutil.copytree(DEMO_RECORDS.parent / "evidence", made.root / "evidence")
    shutil.copy(DEMO_RECORDS.parent / "cpdgen.yaml", made.root / "cpdgen.yaml")
    made.write("notes.txt", f"{SECRET}\n")
    return made


@pytest.fixture
def demo(tmp_path: Path) -> TmpRepo:
    """A copy of the demo records repository, with a file beside the records
    that must never be served."""
    return _copy_demo(tmp_path / "demo")


class Served:
    def __init__(self, preview: Preview, url: str, out: io.StringIO, err: io.StringIO) -> None:
        self.preview, self.url, self.out, self.err = preview, url, out, err

    def get(self, path: str = "") -> tuple[int, str, Message]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8"), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), exc.headers

    def raw(self, path: str) -> tuple[int, str]:
        """GET `path` exactly as written (no client-side normalising)."""
        port = self.preview.server.server_address[1]
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        try:
            connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", f"{HOST}:{port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    @property
    def port(self) -> int:
        return self.preview.server.server_address[1]

    def exchange(self, request: bytes) -> tuple[int, str]:
        """Send `request` byte for byte on a socket; the status and body of the answer."""
        with socket.create_connection((HOST, self.port), timeout=TIMEOUT) as connection:
            connection.sendall(request)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        assert answer, f"no answer to {request[:80]!r}: the connection was dropped"
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")

    def get_as(self, host: str | None, path: str = "/") -> tuple[int, str]:
        headers = b"" if host is None else b"Host: " + host.format(port=self.port).encode("ascii") + b"\r\n"
        return self.exchange(b"GET " + path.encode("latin-1") + b" HTTP/1.1\r\n" + headers + b"\r\n")

    def wait_for(self, path: str, predicate, what: str) -> tuple[int, str]:
        """Poll `path` until predicate(status, body); fail after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            status, body, _ = self.get(path)
            if predicate(status, body):
                return status, body
            if time.monotonic() > deadline:
                pytest.fail(f"{what}: still {status} after {TIMEOUT} s:\n{body[:2000]}\nstderr:\n{self.err.getvalue()}")
            time.sleep(0.1)


def start(repo: TmpRepo, **kw):
    """Run a Preview of `repo` in a thread; returns (Served, stop)."""
    out, err = io.StringIO(), io.StringIO()
    preview = Preview(
        find_repository(repo.root), repo.root / "output", today=lambda: TODAY, stdout=out, stderr=err, **kw
    )
    preview.bind(0)
    ready: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=preview.run, kwargs={"stop": stop, "ready": ready.put}, daemon=True)
    thread.start()
    try:
        url = ready.get(timeout=60)
    except queue.Empty:
        stop.set()
        pytest.fail(f"the server did not start: {err.getvalue()}")
    return Served(preview, url, out, err), stop, thread


def _stop(stop: threading.Event, thread: threading.Thread) -> None:
    stop.set()
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the server did not stop"
    assert gc.get_freeze_count() == 0  # what the server exempted from collection is given back


@pytest.fixture
def served(demo: TmpRepo):
    """A server of its own, for a test that edits the records."""
    server, stop, thread = start(demo)
    yield server
    _stop(stop, thread)


@pytest.fixture(scope="module")
def reading(tmp_path_factory):
    """One server shared by the tests that only read (starting one takes a moment)."""
    demo = _copy_demo(tmp_path_factory.mktemp("reading") / "demo")
    server, stop, thread = start(demo)
    yield server, demo
    _stop(stop, thread)


def _other_local_address() -> str | None:
    """An address of this machine that is not loopback, if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


# -- serving -------------------------------------------------------------------


def test_binds_loopback_only(reading):
    served, _ = reading
    host, port = served.preview.server.socket.getsockname()[:2]
    assert host == "127.0.0.1"
    assert served.url == f"http://127.0.0.1:{port}/"
    other = _other_local_address()
    if other is not None:  # the same port on another interface of this machine answers nobody
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=2).close()


def test_pages_load_with_their_content(reading):
    served, _ = reading
    status, body, headers = served.get()
    assert status == 200 and "Siân Hughes" in body and headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "no-cache"
    status, body, _ = served.get(PAGE)
    assert status == 200 and TITLE in body
    css = next((served.preview.site / "static").rglob("*.css")).relative_to(served.preview.site).as_posix()
    status, body, headers = served.get(css)
    assert status == 200 and headers["Content-Type"] == "text/css" and body
    assert served.get("no-such-page.html")[0] == 404
    assert served.get("static/")[0] == 404  # no directory listings
    assert served.out.getvalue().startswith("Built ") and served.err.getvalue() == ""


def test_an_edit_shows_after_the_rebuild(served: Served, demo: TmpRepo):
    path = demo.root / RECORD
    path.write_text(path.read_text("utf-8").replace("NGED's RIIO-ED2 plans", "Edited while serving"), "utf-8")
    served.wait_for(PAGE, lambda status, body: "Edited while serving" in body, "the edited title")
    assert served.get(PAGE)[0] == 200
    # Then the whole site: the lists show the new title too, once the build is done.
    served.wait_for("activities/", lambda status, body: "Edited while serving" in body, "the title in the list")
    served.preview.wait_for_build(TIMEOUT, settled=True)
    assert served.out.getvalue().count("Built ") >= 2


def test_an_edited_page_is_up_before_the_whole_site_is_rebuilt(demo: TmpRepo, monkeypatch):
    """An edit of what an activity page shows goes up at once, rendered from
    the last build's plan, and the page is served while the whole site is
    still being built (held here until the test lets it go); an edit of
    anything else waits for that build."""
    import cpdgen.output.build as output_build

    real_build, go = output_build.build, threading.Event()

    def held_build(*args, **kwargs):
        go.wait(TIMEOUT)
        return real_build(*args, **kwargs)

    served, stop, thread = start(demo, verbose=True)
    try:
        monkeypatch.setattr(output_build, "build", held_build)
        _, listed, _ = served.get("activities/year/2025/")
        assert "NGED&#39;s RIIO-ED2 plans" in listed
        path = demo.root / RECORD
        path.write_text(path.read_text("utf-8").replace("NGED's RIIO-ED2 plans", "Up at once"), "utf-8")
        served.wait_for(PAGE, lambda status, body: "Up at once" in body, "the edited page, before the build")
        assert f"Updated {PAGE}; the rest of the site follows" in served.out.getvalue()
        assert served.preview.refreshing or served.preview.unbuilt is not None
        assert "Up at once" not in served.get("activities/year/2025/")[1]  # the lists come with the build
        go.set()
        served.wait_for("activities/year/2025/", lambda status, body: "Up at once" in body, "the title in the list")
        served.preview.wait_for_build(TIMEOUT, settled=True)
        go.clear()
        text = path.read_text("utf-8")
        path.write_text(text.replace("tags: [iet]", "tags: [iet, held-tag]"), "utf-8")  # a tag makes a page: all of it
        time.sleep(1.0)
        assert served.out.getvalue().count("Updated ") == 1 and not served.preview.refreshing
        go.set()
        served.wait_for(PAGE, lambda status, body: "held-tag" in body, "the new tag")
    finally:
        go.set()
        _stop(stop, thread)


@pytest.mark.skipif(shutil.which("sed") is None, reason="needs sed, whose -i saves through a temporary file")
def test_a_save_through_a_temporary_file_goes_up_at_once(demo: TmpRepo, monkeypatch):
    """`sed -i` (like an editor's safe write) writes a new file beside the
    record and renames it over it; the watcher names both. The temporary
    file is gone and played no part: the page still goes up before the
    whole site is built."""
    import cpdgen.output.serve as serve

    monkeypatch.setattr(serve, "WHOLE_SITE_AFTER", 600.0)  # the whole site waits until the test says so
    served, stop, thread = start(demo, verbose=True)
    try:
        subprocess.run(["sed", "-i", "s/NGED's RIIO-ED2 plans/Saved by sed/", str(demo.root / RECORD)], check=True)
        served.wait_for(PAGE, lambda status, body: "Saved by sed" in body, "the page saved through sed -i")
        assert f"Updated {PAGE}; the rest of the site follows" in served.out.getvalue()
        assert served.out.getvalue().count("Built ") == 1  # only the first build: the page went up alone
        assert not [p.name for p in (demo.root / RECORD).parent.iterdir() if p.name.startswith("sed")]
    finally:
        _stop(stop, thread)


def test_edits_in_a_row_go_up_at_once_and_an_undone_one_puts_its_page_back(demo: TmpRepo, monkeypatch):
    """While the saves come (the whole site waits for a pause), each edited
    page goes up; an edit undone puts its page back as the last build had it."""
    import cpdgen.output.serve as serve

    monkeypatch.setattr(serve, "WHOLE_SITE_AFTER", 600.0)  # no pause long enough, until the test says so
    other = "records/activities/2025/2025-02-19-lunch-learn-heat-pumps-lv.yaml"
    other_page = "activity/2025/2025-02-19-lunch-learn-heat-pumps-lv.html"
    served, stop, thread = start(demo, verbose=True)
    try:
        path, second = demo.root / RECORD, demo.root / other
        original = path.read_text("utf-8")
        path.write_text(original.replace("NGED's RIIO-ED2 plans", "First edit"), "utf-8")
        served.wait_for(PAGE, lambda status, body: "First edit" in body, "the first edited page")
        second.write_text(second.read_text("utf-8").replace("Lunch and learn:", "Second edit:"), "utf-8")
        served.wait_for(other_page, lambda status, body: "Second edit:" in body, "the second edited page")
        assert "First edit" in served.get(PAGE)[1]
        path.write_text(original, "utf-8")
        served.wait_for(PAGE, lambda status, body: TITLE in body, "the first page as it was")
        assert "Second edit:" in served.get(other_page)[1]
        assert served.out.getvalue().count("Built ") == 1  # only the first build: no whole site yet
        assert "Second edit:" not in served.get("activities/year/2025/")[1]
        monkeypatch.setattr(serve, "WHOLE_SITE_AFTER", 0.0)
        served.wait_for("activities/year/2025/", lambda status, body: "Second edit:" in body, "the whole site")
        served.preview.wait_for_build(TIMEOUT, settled=True)
        assert served.out.getvalue().count("Built ") == 2
        assert "First edit" not in served.get("activities/year/2025/")[1]
    finally:
        _stop(stop, thread)


def test_a_save_during_the_whole_site_build_stops_it_and_goes_up_at_once(demo: TmpRepo, monkeypatch):
    """The whole-site build that follows an edited page gives way to the
    next save: it stops at its next checkpoint (nothing on disk changed),
    that save's page goes up from the last build's plan, and the whole
    site is built once the saves pause."""
    import cpdgen.output.serve as serve
    import cpdgen.render.site_plan as site_plan

    real_item_pages, go, holding = site_plan._item_pages, threading.Event(), threading.Event()

    def long_plan(site, checkpoint):  # a planning step that takes until the test says so
        while not go.is_set():
            holding.set()
            checkpoint()
            time.sleep(0.01)
        return real_item_pages(site, checkpoint)

    other = "records/activities/2025/2025-02-19-lunch-learn-heat-pumps-lv.yaml"
    other_page = "activity/2025/2025-02-19-lunch-learn-heat-pumps-lv.html"
    served, stop, thread = start(demo, verbose=True)
    try:
        monkeypatch.setattr(serve, "WHOLE_SITE_AFTER", 0.2)
        monkeypatch.setattr(site_plan, "_item_pages", long_plan)
        path, second = demo.root / RECORD, demo.root / other
        path.write_text(path.read_text("utf-8").replace("NGED's RIIO-ED2 plans", "First edit"), "utf-8")
        served.wait_for(PAGE, lambda status, body: "First edit" in body, "the first edited page")
        assert holding.wait(TIMEOUT), "the whole-site build began"
        second.write_text(second.read_text("utf-8").replace("Lunch and learn:", "Second edit:"), "utf-8")
        started = time.monotonic()
        served.wait_for(other_page, lambda status, body: "Second edit:" in body, "the second page, during the build")
        assert time.monotonic() - started < TIMEOUT / 2
        assert served.out.getvalue().count("Built ") == 1, "the held build was stopped, not finished"
        go.set()
        served.wait_for("activities/year/2025/", lambda status, body: "Second edit:" in body, "the whole site")
        served.preview.wait_for_build(TIMEOUT, settled=True)
        assert "First edit" in served.get("activities/year/2025/")[1]
        assert served.out.getvalue().count("Built ") == 2
    finally:
        go.set()
        _stop(stop, thread)


def test_served_pages_carry_the_live_reload_script_and_the_built_files_do_not(served: Served, demo: TmpRepo):
    status, body, _ = served.get(PAGE)
    assert status == 200 and body.count("data-cpdgen-live-reload") == 1
    assert body.index("data-cpdgen-live-reload") < body.rindex("</body>")
    for name in ("", "activities/", "cv.html"):
        assert "data-cpdgen-live-reload" in served.get(name)[1], name
    on_disk = [p.read_text("utf-8") for p in served.preview.site.rglob("*.html")]
    assert on_disk and not [page for page in on_disk if "data-cpdgen-live-reload" in page]
    css = served.get("static/style.css")[1]
    assert "live-reload" not in css  # only pages get it
    status, first, headers = served.get("__cpdgen/build")
    assert status == 200 and first.strip().isdigit() and headers["Content-Type"].startswith("text/plain")
    path = demo.root / RECORD
    path.write_text(path.read_text("utf-8").replace("NGED's RIIO-ED2 plans", "Reloaded title"), "utf-8")
    served.wait_for("__cpdgen/build", lambda status, now: now != first, "a new build number")
    status, body, _ = served.get(PAGE)
    assert "Reloaded title" in body and f'var built = "{served.get("__cpdgen/build")[1]}"' in body


def test_an_open_page_reloads_itself_after_a_rebuild(served: Served, demo: TmpRepo):
    """In a real browser: the page shows the edit without anyone reloading it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.goto(served.url + PAGE)
            page.evaluate("window.__notReloaded = true")
            path = demo.root / RECORD
            path.write_text(path.read_text("utf-8").replace("NGED's RIIO-ED2 plans", "Seen without a reload"), "utf-8")
            page.wait_for_function(
                "() => !window.__notReloaded && document.querySelector('h1').textContent.includes('Seen without a reload')",
                timeout=TIMEOUT * 1000,
            )
        finally:
            browser.close()


def test_a_deleted_output_folder_is_built_again_on_the_next_request(served: Served):
    import shutil

    shutil.rmtree(served.preview.out)
    status, body, _ = served.get(PAGE)
    assert status == 200 and TITLE in body
    assert served.preview.site.is_dir()


def test_settings_and_a_members_own_templates_are_watched(served: Served, demo: TmpRepo):
    settings = demo.root / "cpdgen.yaml"
    settings.write_text(settings.read_text("utf-8").replace("— CPD portfolio", "— Watched settings"), "utf-8")
    served.wait_for("", lambda status, body: "Watched settings" in body, "the new site title")
    demo.write("site_templates/cv.html", "<!DOCTYPE html><title>CV</title><p>member-template-marker</p>\n")
    served.wait_for("cv.html", lambda status, body: "member-template-marker" in body, "the member's template")


def test_invalid_records_show_an_error_page_and_the_site_comes_back(served: Served, demo: TmpRepo):
    path = demo.root / RECORD
    good = path.read_text("utf-8")
    path.write_text(good + 'broken: "never closed\n', "utf-8")
    status, body = served.wait_for(PAGE, lambda status, body: "YAML syntax error" in body, "the YAML error")
    assert status == 500
    end = len(good.splitlines()) + 2  # the line after the unclosed quote
    assert f"<code>{RECORD}:{end}:1:</code> YAML syntax error" in body  # path:line:column: message
    assert TITLE not in body  # not the stale page
    assert served.get()[0] == 500  # every page, the home page too
    assert served.get("activities/")[0] == 500
    assert "YAML syntax error" in served.err.getvalue()

    # A message that quotes the file's text is escaped on the page.
    path.write_text(good.replace("hours: 1.5", 'hours: "<script>alert(1)</script>"'), "utf-8")
    status, body = served.wait_for(PAGE, lambda status, body: "alert(1)" in body, "the schema error")
    assert status == 500 and f"{RECORD}:5:8:" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body

    path.write_text(good, "utf-8")
    status, body = served.wait_for(PAGE, lambda status, body: status == 200, "the site again")
    assert TITLE in body


def test_invalid_at_start_still_serves_then_recovers(demo: TmpRepo):
    path = demo.root / RECORD
    good = path.read_text("utf-8")
    path.write_text(good.replace("hours: 1.5", "hours: lots"), "utf-8")
    server, stop, thread = start(demo)
    try:
        status, body, headers = server.get()
        assert status == 500 and "1 error in the records" in body and f"{RECORD}:5:8:" in body
        assert headers["Cache-Control"] == "no-store" and 'http-equiv="refresh"' in body
        assert not server.preview.site.exists()
        path.write_text(good, "utf-8")
        status, body = server.wait_for("", lambda status, body: status == 200, "the site after the fix")
        assert "Siân Hughes" in body
    finally:
        _stop(stop, thread)


def test_a_crash_in_the_build_is_shown_and_the_server_survives(served: Served, demo: TmpRepo, monkeypatch):
    """The page says a bug happened and where to look; the trace, its
    message and this computer's paths go to the terminal only."""
    import cpdgen.output.build

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom <b>bold</b> in {demo.root}/records")

    monkeypatch.setattr(cpdgen.output.build, "build", broken)
    (demo.root / "cpdgen.yaml").write_text((demo.root / "cpdgen.yaml").read_text("utf-8") + "# touched\n", "utf-8")
    status, body = served.wait_for("", lambda status, body: "internal error" in body, "the internal error")
    assert status == 500 and "the terminal running cpdgen serve" in body
    for leak in ("RuntimeError", "boom", "Traceback", str(demo.root), "site-packages", ".py"):
        assert leak not in body, leak
    assert f"RuntimeError: boom <b>bold</b> in {demo.root}/records" in served.err.getvalue()

    monkeypatch.undo()
    (demo.root / "notes.txt").write_text("touched again\n", "utf-8")
    served.wait_for("", lambda status, body: status == 200, "the site after the crash")


def test_a_refused_build_shows_its_reason_without_this_computers_paths(served: Served, demo: TmpRepo, monkeypatch):
    import cpdgen.output.build
    from cpdgen.common.errors import UserError

    def refused(*args, **kwargs):
        raise UserError(f"cannot write {demo.root}/output/site/x.html: No space left on device")

    monkeypatch.setattr(cpdgen.output.build, "build", refused)
    (demo.root / "notes.txt").write_text("touched\n", "utf-8")
    status, body = served.wait_for("", lambda status, body: "No space left" in body, "the refused build")
    assert status == 500 and "cannot write output/site/x.html: No space left on device" in body
    assert str(demo.root) not in body
    assert f"cannot write {demo.root}/output/site/x.html" in served.err.getvalue()  # the terminal has it whole


def test_a_bug_while_answering_is_a_500_without_details_and_told_on_the_terminal(reading, monkeypatch):
    served, _ = reading
    import cpdgen.output.serve

    def broken(page, build):
        raise RuntimeError("boom while answering")

    monkeypatch.setattr(cpdgen.output.serve, "live_reload", broken)
    status, body = served.get_as("127.0.0.1:{port}", "/cv.html")
    assert status == 500 and "internal error" in body
    assert "boom" not in body and "Traceback" not in body
    assert "RuntimeError: boom while answering" in served.err.getvalue()


# -- who may ask, and what ------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"])
def test_this_computers_names_are_answered(reading, host: str):
    served, _ = reading
    status, body = served.get_as(host)
    assert status == 200 and "Siân Hughes" in body


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example",
        "attacker.example:{port}",  # a DNS name rebound to 127.0.0.1
        "127.0.0.1.attacker.example:{port}",
        "localhost.:{port}",
        "127.0.0.1",  # the port missing: not port 80
        "127.0.0.1:1{port}",
        "[::ffff:127.0.0.1]:{port}",
        "",
        None,  # no Host at all
    ],
)
def test_any_other_host_gets_no_content(reading, host: str | None):
    """DNS rebinding: a page of attacker.example whose name now points at
    127.0.0.1 gets a refusal, never the site (private drafts) or an error page
    quoting records."""
    served, _ = reading
    status, body = served.get_as(host)
    assert status in (400, 421), (host, status)
    assert "Siân Hughes" not in body and "<li>" not in body
    status, body = served.get_as(host, "/__cpdgen/build")
    assert status in (400, 421) and not body.strip().isdigit()


def test_two_host_headers_are_refused(reading):
    served, _ = reading
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nHost: attacker.example\r\n\r\n"
    assert served.exchange(request.encode("ascii"))[0] == 400


def test_the_error_page_of_invalid_records_is_not_shown_to_another_host(served: Served, demo: TmpRepo):
    path = demo.root / RECORD
    path.write_text(path.read_text("utf-8").replace("hours: 1.5", "hours: private-value-4242"), "utf-8")
    served.wait_for("", lambda status, body: "private-value-4242" in body, "the error page")
    status, body = served.get_as("attacker.example:{port}")
    assert status == 421 and "private-value-4242" not in body and RECORD not in body


@pytest.mark.parametrize(
    "path",
    [
        "/%00",
        "/index.html%00.css",
        "/\x00",
        "/%0d%0aSet-Cookie:%20x=1",
        "/%ff",
        "/caf%e9.html",  # Latin-1, not UTF-8
        "/%c3%28",
        "/%zz",
        "/%",
        "/static/../../notes.txt",
        "/./index.html",
        "/activities%2f..%2f..%2fnotes.txt",
        "/%2e%2e%2fnotes.txt",
        "/%5c..%5cnotes.txt",
        "/..\\notes.txt",
        "http://attacker.example/",
        "*",
    ],
)
def test_a_bad_path_is_a_400_not_a_dropped_connection(reading, path: str):
    served, _ = reading
    status, body = served.get_as("127.0.0.1:{port}", path)
    assert status == 400, (path, status)
    assert SECRET not in body and "Siân Hughes" not in body


def test_long_and_odd_but_harmless_paths_are_answered(reading):
    served, _ = reading
    assert served.get_as("127.0.0.1:{port}", "/" + "a" * 5000 + ".html")[0] == 404  # longer than any file name
    assert served.get_as("127.0.0.1:{port}", "/a/" * 2000)[0] == 404  # deeper than any path
    assert served.get_as("127.0.0.1:{port}", "/" + "a" * 70000)[0] == 414  # longer than a request line may be
    assert served.get_as("127.0.0.1:{port}", "/caf%C3%A9.html")[0] == 404
    assert served.get_as("127.0.0.1:{port}", "/?q=%ff")[0] == 200  # a query is not a path


# -- slow and many connections ----------------------------------------------------


def _half_sent(port: int, count: int) -> list[socket.socket]:
    connections = []
    for _ in range(count):
        connection = socket.create_connection((HOST, port), timeout=TIMEOUT)
        connection.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}:{port}\r\n".encode("ascii"))  # no blank line: unfinished
        connections.append(connection)
    return connections


def test_a_stalled_or_trickled_request_is_cut_off(reading, monkeypatch):
    """Nothing sent, or one byte now and then (each read in time, the whole
    request never): both connections are closed after the request timeout."""
    import cpdgen.output.serve

    served, _ = reading
    monkeypatch.setattr(cpdgen.output.serve, "REQUEST_TIMEOUT", 0.5)
    silent = socket.create_connection((HOST, served.port), timeout=TIMEOUT)
    trickle = socket.create_connection((HOST, served.port), timeout=TIMEOUT)
    started = time.monotonic()
    try:
        closed = None
        for byte in b"GET / HTTP/1.1\r\nX-Slow: " + b"x" * 100:
            try:
                trickle.sendall(bytes([byte]))
            except OSError:
                closed = time.monotonic() - started
                break
            time.sleep(0.1)
            if time.monotonic() - started > 5:
                break
        silent.settimeout(5)
        assert silent.recv(100) == b""  # closed by the server, unanswered
        assert closed is not None and closed < 3, "the trickled request was never cut off"
    finally:
        silent.close()
        trickle.close()


def test_half_sent_requests_never_lock_the_member_out(demo: TmpRepo):
    """The real program, with a 256-file limit: 300 connections that never
    finish their request, then a normal one, answered at once; the server
    keeps few files open."""
    proc = _program(demo, "--as-of", "2026-11-29", open_files=256)
    slow: list[socket.socket] = []
    try:
        url = _read_url(proc)
        port = int(url.rstrip("/").rsplit(":", 1)[1])
        slow = _half_sent(port, 300)
        started = time.monotonic()
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            assert response.status == 200 and "Siân Hughes" in response.read().decode("utf-8")
        assert time.monotonic() - started < 5
        open_files = len(os.listdir(f"/proc/{proc.pid}/fd")) if os.path.isdir(f"/proc/{proc.pid}/fd") else 0
        assert open_files < 128, open_files
        pushed_out = sum(1 for connection in slow[:200] if _closed(connection))
        assert pushed_out == 200  # the oldest half-sent ones made room
        proc.terminate()
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        for connection in slow:
            connection.close()
        _end(proc)
    assert proc.returncode == 0 and "Traceback" not in err and "internal error" not in err, err


def _closed(connection: socket.socket) -> bool:
    connection.settimeout(TIMEOUT)
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def test_no_path_leaves_the_site(reading):
    served, _ = reading
    for path in (
        "/../notes.txt",
        "/../../notes.txt",
        "/%2e%2e/%2e%2e/notes.txt",
        "/..%2f..%2fnotes.txt",
        "/static/../../../notes.txt",
        "/..\\..\\notes.txt",
        "//" + "etc/passwd",
    ):
        status, body = served.raw(path)
        assert status in (400, 404), path
        assert SECRET not in body and "root:" not in body, path


def test_symlinks_out_of_the_site_are_not_followed(reading):
    served, demo = reading
    (served.preview.site / "leak.txt").symlink_to(demo.root / "notes.txt")
    (served.preview.site / "repo").symlink_to(demo.root, target_is_directory=True)
    for path in ("/leak.txt", "/repo/notes.txt", "/repo/cpdgen.yaml"):
        status, body = served.raw(path)
        assert status == 404 and SECRET not in body and "policy:" not in body, path


# -- the parts -----------------------------------------------------------------


def test_the_watcher_ignores_what_builds_write(demo: TmpRepo, tmp_path: Path):
    preview = Preview(find_repository(demo.root), demo.root / "output")
    root = str(demo.root)
    for path in (
        "output/site/index.html",
        "output/.cache/site.json",
        "output/.site.building-x1/a.html",
        "output/.site.old-12",
        "output/private/cv.pdf",
    ):
        assert preview.ignored(os.path.join(root, path)), path
    for path in (RECORD, "cpdgen.yaml", "site_templates/base.html", "evidence/2025/x.pdf", "outputs.yaml"):
        assert not preview.ignored(os.path.join(root, path)), path
    elsewhere = Preview(find_repository(demo.root), tmp_path / "out")
    assert elsewhere.ignored(str(tmp_path / "out" / "site" / "index.html"))
    assert not elsewhere.ignored(os.path.join(root, RECORD))


def test_the_watcher_reports_a_save_without_waiting_for_more(demo: TmpRepo, monkeypatch):
    """watchfiles by default waits 1.6 s after a change for more changes
    before it reports them: most of the wait for an edit. A save (an
    editor's write and rename) comes within milliseconds."""
    import watchfiles

    seen: dict = {}

    def watch(*paths, **options):
        seen.update(options)
        yield set()

    monkeypatch.setattr(watchfiles, "watch", watch)
    preview = Preview(find_repository(demo.root), demo.root / "output")
    preview._watch(threading.Event(), threading.Event())
    assert seen["debounce"] <= 100 and seen["step"] <= seen["debounce"]


# -- the real program ----------------------------------------------------------


def _environ() -> dict:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CPDGEN_DEBUG", "FORCE_COLOR")}
    environ["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return environ


def _read_line(proc: subprocess.Popen) -> str:
    """One line of the program's output, in a thread (readline blocks) so a hang fails the test."""
    got: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: got.put(proc.stdout.readline()), daemon=True).start()
    try:
        return got.get(timeout=60)
    except queue.Empty:
        proc.kill()
        pytest.fail(f"nothing printed; stderr: {proc.communicate()[1]}")


def _read_url(proc: subprocess.Popen) -> str:
    line = _read_line(proc)
    while line.startswith("Built "):
        line = _read_line(proc)
    assert line.startswith("Serving http://127.0.0.1:") and line.rstrip().endswith("— Ctrl-C to stop"), line
    return line.split()[1]


def _program(demo: TmpRepo, *args: str, open_files: int | None = None) -> subprocess.Popen:
    """`cpdgen serve --port 0 ARGS`, with at most `open_files` files open if given (ulimit -n)."""
    command = [sys.executable, "-m", "cpdgen", "serve", "--port", "0", *args]
    if open_files is not None:
        command = ["bash", "-c", f'ulimit -n {open_files} && exec "$@"', "bash", *command]
    return subprocess.Popen(
        command,
        cwd=demo.root,
        env=_environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.communicate()


def test_the_program_serves_refuses_a_port_in_use_and_stops_on_ctrl_c(demo: TmpRepo):
    proc = _program(demo, "--as-of", "2026-11-29")
    try:
        url = _read_url(proc)
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            assert response.status == 200 and "Siân Hughes" in response.read().decode("utf-8")
        port = url.rstrip("/").rsplit(":", 1)[1]

        second = subprocess.run(
            [sys.executable, "-m", "cpdgen", "serve", "--port", port],
            cwd=demo.root,
            env=_environ(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert second.stderr.strip().count("\n") == 0 and "in use" in second.stderr, second.stderr
        assert "Traceback" not in second.stderr and second.stdout == ""

        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        _end(proc)
    assert proc.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err


def test_the_program_stops_cleanly_on_sigterm(demo: TmpRepo):
    proc = _program(demo, "--quiet")
    try:
        _read_url(proc)  # printed even with --quiet: it is the one thing the command says
        proc.terminate()
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        _end(proc)
    assert proc.returncode == 0 and err == "" and "Stopped." not in out
    assert not list((demo.root / "output").glob(".site.*"))  # no staging folder left behind


def test_help_does_not_load_the_server():
    code = (
        "import sys\nfrom cpdgen.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='cpdgen')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('watchfiles', 'http.server', 'cpdgen.output.serve') if m in sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_environ(), capture_output=True, text=True, timeout=60)
    assert proc.stderr.strip() == "[]"
