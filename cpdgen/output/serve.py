"""`cpdgen serve`: the portfolio site on http://127.0.0.1, rebuilt on every save.

Three parts, one `Preview` object:

- the HTTP server (stdlib `ThreadingHTTPServer`), bound to 127.0.0.1 only,
  serving `OUT/site/` and nothing outside it;
- a watcher thread (watchfiles) over the repository root, minus the output
  and `.git/`, that notes which files changed and marks the site out of date;
- the build loop (the thread that calls `run`), which validates and rebuilds
  (incrementally, site only) whenever the site is out of date. A change made
  during a build marks it out of date again, so no save is ever missed.

An edit is answered in two steps. Only the files the watcher named are
validated again (`revalidate`); where the edit is to what an activity or
course page shows and nothing else (`SitePages.item_pages_after`), that
page is rendered from the last build's plan and put up at once. Once no
save has come for WHOLE_SITE_AFTER seconds, the whole site is built as
usual (the lists and neighbours that show it too), while requests are
answered from the site as it is. Any other change is validated and built
whole before the next request is answered.

While the records are invalid, or a build failed, every page request gets an
error page listing the problems instead of the stale site; the next good
build brings the site back. Requests that arrive during a build wait for it
(during the build after an edited page was put up, only a request for a
file missing at that moment waits: the site folder may be being swapped).

Requests are answered only when their Host header names this computer
(127.0.0.1, localhost or [::1], on the served port), so a web page that
rebinds its own DNS name to 127.0.0.1 cannot read the preview; a bad path
(a NUL, `..`, an encoded slash, a percent escape that is not UTF-8) is a 400.
A connection has REQUEST_TIMEOUT seconds to send its request, and at most
MAX_CONNECTIONS are open at once: a new one pushes out the one that has
waited longest for its request, so slow or half-sent requests never lock
the member out. Error pages never show a trace or a path of this computer;
the terminal does.

Live reload: every HTML page is served with a small script added before
`</body>` (`live_reload`) that asks `/__cpdgen/build` for the build number
and reloads the page when a rebuild has changed it, as MkDocs and Hugo do.
The script is added by the server, to the bytes it sends: the built files
under OUT/site/ never hold it.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import html
import io
import os
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cpdgen.common.collector import collector_paused
from cpdgen.common.diagnostics import Diagnostic
from cpdgen.common.errors import UserError
from cpdgen.common.wording import plural
from cpdgen.loading.files import Repository
from cpdgen.output.build import SITE
from cpdgen.output.folders import BuildStopped

if TYPE_CHECKING:
    from cpdgen.render.site import SitePages
    from cpdgen.validation.repository import ValidationResult

HOST = "127.0.0.1"  # never another interface: the preview may show private drafts
DEFAULT_PORT = 8000
DEBOUNCE_MS = 50  # changes this close together are one save
WATCH_STEP_MS = 20  # how often the watcher looks for more changes of the same save
WHOLE_SITE_AFTER = 1.0  # seconds without another save before the whole site follows an edited page
BUILD_WAIT = 60.0  # seconds a request waits for a running build before it is served anyway
WATCH_READY_WAIT = 10.0  # seconds to wait for the watcher to start before building anyway
ERROR_REFRESH = 2  # seconds between reloads of the error page, so a fix shows by itself
BUILD_PATH = "/__cpdgen/build"  # the build number, asked by the live-reload script
RELOAD_POLL_MS = 500  # how often an open page asks whether a rebuild happened
REQUEST_TIMEOUT = 10.0  # seconds a connection has to send its whole request (line and headers), and per read or write
MAX_CONNECTIONS = 64  # open at once; well under a 256-file limit. Beyond it, the longest-waiting half-sent one goes
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")  # what a Host header may name: this computer, never a DNS name

_RELOAD_SCRIPT = (
    "<script data-cpdgen-live-reload>/* cpdgen serve: reloads this page after a rebuild; "
    "never part of the built site */\n"
    '(function () {{ var built = "{build}"; function ask() {{ '
    'fetch("{path}", {{cache: "no-store"}}).then(function (r) {{ return r.text(); }}).then('
    "function (now) {{ if (now.trim() !== built) {{ location.reload(); }} else {{ setTimeout(ask, {poll}); }} }}, "
    "function () {{ setTimeout(ask, {poll} * 4); }}); }} setTimeout(ask, {poll}); }})();</script>\n"
)


def live_reload(html_bytes: bytes, build: int) -> bytes:
    """A served page with the live-reload script added before its last
    </body> (or at its end, when it has none)."""
    script = _RELOAD_SCRIPT.format(build=build, path=BUILD_PATH, poll=RELOAD_POLL_MS).encode("utf-8")
    at = html_bytes.lower().rfind(b"</body>")
    if at < 0:
        return html_bytes + script
    return html_bytes[:at] + script + html_bytes[at:]


@dataclass(frozen=True)
class Problem:
    """Why the site cannot be shown: validation errors, a refused build
    (UserError) or a bug (an exception with its trace)."""

    errors: tuple[Diagnostic, ...] = ()
    message: str = ""  # a UserError's words, paths shown relative to the repository
    trace: str = ""  # an internal error's traceback: for the terminal, never the page

    def page(self) -> bytes:
        if self.errors:
            count = len(self.errors)
            heading = f"{plural(count, 'error')} in the records"
            intro = "Fix and save: this page reloads by itself and shows the site again once the records are valid."
            body = (
                "<ul>\n"
                + "\n".join(
                    f"<li><code>{html.escape(d.location)}</code> {html.escape(d.message)}</li>" for d in self.errors
                )
                + "\n</ul>"
            )
        elif self.trace:
            heading = "cpdgen hit an internal error while building"
            intro = (
                "This is a bug in cpdgen, not a problem with your records. The server keeps running; "
                "the terminal running cpdgen serve shows what happened (with --verbose, the trace to report). "
                "The next save tries again."
            )
            body = ""
        else:
            heading = "The site could not be built"
            intro = "Fix the problem and save any file: this page reloads by itself."
            body = f"<p>{html.escape(self.message)}</p>"
        return _ERROR_PAGE.format(
            refresh=ERROR_REFRESH, heading=html.escape(heading), intro=html.escape(intro), body=body
        ).encode("utf-8")


_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{refresh}">
<title>cpdgen serve: {heading}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }}
h1 {{ color: #a40000; font-size: 1.5rem; }}
li {{ margin: .4rem 0; }}
code, pre {{ font-family: ui-monospace, monospace; background: #f3f3f3; padding: .1rem .3rem; }}
pre {{ padding: 1rem; overflow-x: auto; white-space: pre-wrap; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<p>{intro}</p>
{body}
</main>
</body>
</html>
"""


def is_page(url_path: str) -> bool:
    """Whether a request path asks for an HTML page (not a stylesheet or image)."""
    path = url_path.split("?", 1)[0].split("#", 1)[0]
    last = path.rsplit("/", 1)[-1]
    return last == "" or last.endswith((".html", ".htm")) or "." not in last


def without_local_paths(text: str, root: Path) -> str:
    """A message for a page: the repository's paths relative to it, the home
    folder as ~ (the terminal shows them whole)."""
    for prefix, shown in (
        (f"{root}{os.sep}", ""),
        (str(root), "."),
        (f"{os.path.expanduser('~')}{os.sep}", f"~{os.sep}"),
    ):
        text = text.replace(prefix, shown)
    return text


def allowed_hosts(bound: str, port: int) -> frozenset[str]:
    """The Host headers a request may carry: this computer's names on the
    served port (and without one on port 80), plus the bound address."""
    names = {*LOCAL_NAMES, f"[{bound}]" if ":" in bound else bound}
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(hosts)


def bad_path(path: str) -> str | None:
    """Why a request path cannot name a file of the site (None: it may).
    Browsers never send these; crafted requests do."""
    if not path.startswith("/"):
        return "the path must start with /"
    raw = path.split("?", 1)[0].split("#", 1)[0]
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        return "a % that is not a percent escape"
    if re.search(r"%(2[fF]|5[cC])", raw) or "\\" in raw:
        return "an encoded slash or a backslash"
    try:
        decoded = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return "a percent escape that is not UTF-8"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded):
        return "a control character (such as NUL)"
    if any(part in (".", "..") for part in decoded.split("/")):
        return "a . or .. segment"
    return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _read_page(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return None


class _Server(ThreadingHTTPServer):
    """A thread per connection, at most MAX_CONNECTIONS of them, none
    waiting longer than REQUEST_TIMEOUT for its request."""

    daemon_threads = True
    request_queue_size = 128  # a burst of connections waits to be accepted, not refused
    preview: Preview

    def __init__(self, *args, **kwargs) -> None:
        self._lock = threading.RLock()
        # connection -> when it started waiting for its request (None: being answered)
        self._connections: dict[socket.socket, float | None] = {}
        super().__init__(*args, **kwargs)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (socket.getfqdn), which
        # can take seconds on a machine with slow DNS; the name is known.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        host, self.server_port = self.server_address[:2]
        self.server_name = str(host)
        self.hosts = allowed_hosts(str(host), self.server_port)

    # -- the bound and the timeout ---------------------------------------------

    def process_request(self, request, client_address) -> None:
        with self._lock:
            if len(self._connections) >= MAX_CONNECTIONS:
                waiting = [(since, c) for c, since in self._connections.items() if since is not None]
                if not waiting:  # every one is being answered: this one waits for nobody
                    self._refuse(request)
                    return
                self._drop(min(waiting, key=lambda pair: pair[0])[1])
            self._connections[request] = time.monotonic()
        super().process_request(request, client_address)

    def _refuse(self, request: socket.socket) -> None:
        with contextlib.suppress(OSError):
            request.sendall(b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        self.shutdown_request(request)

    def _drop(self, connection: socket.socket) -> None:
        """End a connection that is still sending its request (its thread then ends)."""
        self._connections.pop(connection, None)
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)

    def waiting(self, connection: socket.socket, since: float | None) -> bool:
        """Note that `connection` waits for a request (since then) or is being
        answered (None); False if it was dropped meanwhile."""
        with self._lock:
            if connection not in self._connections:
                return False
            self._connections[connection] = since
            return True

    def service_actions(self) -> None:
        # serve_forever calls this every poll interval: the reaper of slow requests
        now = time.monotonic()
        with self._lock:
            late = [c for c, since in self._connections.items() if since is not None and now - since > REQUEST_TIMEOUT]
            for connection in late:
                self._drop(connection)

    def shutdown_request(self, request) -> None:
        with self._lock:
            self._connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request, client_address) -> None:
        # A browser closing a connection early is not news; a bug in the handler is, with --verbose.
        if self.preview.verbose:
            super().handle_error(request, client_address)


class _Handler(SimpleHTTPRequestHandler):
    """The stdlib file handler, confined to the site folder (symlinks
    included), without directory listings, and showing the error page while
    the site cannot be built. `directory` is the path of OUT/site, opened
    afresh by every request, so each sees the folder swapped in last."""

    server: _Server
    cache_control = "no-cache"  # a preview: the browser asks for the latest build every time
    timeout = REQUEST_TIMEOUT  # of every read and write on the connection (StreamRequestHandler)

    def handle_one_request(self) -> None:
        self.server.waiting(self.connection, time.monotonic())
        super().handle_one_request()

    def parse_request(self) -> bool:
        """The request line and headers read; then only requests for this
        computer, with a path that can name a file, go further."""
        if not super().parse_request():
            return False
        if not self.server.waiting(self.connection, None):  # pushed out or too slow: its request is cut short
            self.close_connection = True
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            self.send_error(HTTPStatus.BAD_REQUEST, "One Host header is required")
            return False
        if hosts[0].strip().lower() not in self.server.hosts:
            self.send_error(
                HTTPStatus.MISDIRECTED_REQUEST,
                "This preview answers only http://127.0.0.1, localhost or [::1] on its own port",
            )
            return False
        why = bad_path(self.path)
        if why is not None:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad path: {why}")
            return False
        return True

    def send_head(self):
        try:
            return self._send_head()
        except (ConnectionError, TimeoutError):
            raise  # the client went away or stalled: nothing to say (handle_error is quiet)
        except Exception as exc:  # a bug: the terminal says what, the page only that it happened
            self.server.preview.internal_error(f"answering {self.command} {self.path!r}", exc)
            self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "cpdgen hit an internal error: the terminal shows it")
            return None

    def _send_head(self):
        preview = self.server.preview
        if self.path.split("?", 1)[0] == BUILD_PATH:
            return self._send_bytes(str(preview.build_number).encode("ascii"), "text/plain; charset=utf-8")
        preview.wait_for_build(BUILD_WAIT)
        if preview.problem is None and not os.path.isdir(self.directory):
            preview.site_missing()  # output/ was deleted while serving: build it again
        problem = preview.problem
        if problem is not None and is_page(self.path):
            body = problem.page()
            self.send_response(HTTPStatus.INTERNAL_SERVER_ERROR)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.cache_control = "no-store"
            self.end_headers()
            return io.BytesIO(body)
        root = os.path.realpath(self.directory)
        path = self.translate_path(self.path)
        if preview.refreshing and not os.path.exists(path):
            preview.wait_for_build(BUILD_WAIT, settled=True)  # the folder may be being swapped
        if not _inside(os.path.realpath(path), root):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if path.endswith((".html", ".htm")) and os.path.isfile(path) and _inside(os.path.realpath(path), root):
            page = _read_page(path)
            if page is None and preview.refreshing:  # gone between the two renames of a swap: read the new one
                preview.wait_for_build(BUILD_WAIT, settled=True)
                page = _read_page(path)
            if page is None:
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")
                return None
            return self._send_bytes(live_reload(page, preview.build_number), "text/html; charset=utf-8")
        return super().send_head()

    def _send_bytes(self, body: bytes, content_type: str) -> io.BytesIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def log_message(self, format: str, *args) -> None:
        if self.server.preview.verbose:
            super().log_message(format, *args)


class _Superseded(BuildStopped):
    """A save came while the whole site was being built behind edited pages."""


class Preview:
    """The site of one repository, kept built and served while it is edited."""

    def __init__(
        self,
        repo: Repository,
        out: Path,
        *,
        today: Callable[[], date] = date.today,
        quiet: bool = False,
        verbose: bool = False,
        color: bool = False,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.repo = repo
        self.out = Path(out).resolve()  # as the watcher reports paths: the root is resolved too
        self._own_folders = (str(self.out), str(repo.root / "output"))
        self._own = tuple(f"{folder}{os.sep}" for folder in self._own_folders)
        self.today = today
        self.quiet = quiet
        self.verbose = verbose
        self.color = color
        self.stdout = stdout
        self.stderr = stderr
        self.server: _Server | None = None
        self.problem: Problem | None = None
        self._idle = threading.Condition()
        self._building = False
        self.refreshing = False  # building the whole site while requests are answered (`build_unbuilt`)
        self.build_number = 0  # rebuilds so far: open pages reload when it changes
        self.dirty = threading.Event()  # set: the main loop rebuilds
        self._changed: set[str] = set()  # what the watcher saw change since the last rebuild began
        self._changed_lock = threading.Lock()
        self._checked: ValidationResult | None = None  # the last validation, which the next one starts from
        self._built: tuple[ValidationResult, SitePages] | None = None  # what the site on disk was built from
        self._shown: set[str] = set()  # pages put up outside a build since that build
        self._unsettled = False  # a validation froze objects no collection has looked at since
        self._later: object = None  # what a stopped build left, freed after the next page is up
        self.unbuilt: ValidationResult | None = None  # records whose edited pages alone are up
        self._unbuilt_since = 0.0

    def _say(self, text: str) -> None:
        print(text, file=self.stdout or sys.stdout, flush=True)

    def _err(self, text: str) -> None:
        print(text, file=self.stderr or sys.stderr, flush=True)

    def internal_error(self, doing: str, exc: BaseException) -> None:
        """A bug, on the terminal: one line, or the trace with --verbose."""
        detail = (
            "".join(traceback.format_exception(exc))
            if self.verbose
            else f"{type(exc).__name__}: {exc} (run with --verbose for the full trace)"
        )
        self._err(f"cpdgen: internal error {doing} (a bug in cpdgen; the server keeps running): {detail}")

    @property
    def site(self) -> Path:
        return self.out / SITE

    @property
    def url(self) -> str:
        assert self.server is not None, "bind() first"
        return f"http://{HOST}:{self.server.server_address[1]}/"

    # -- the server ---------------------------------------------------------

    def bind(self, port: int = DEFAULT_PORT) -> _Server:
        """Bind 127.0.0.1:port (0: a free port). A port in use is a UserError."""
        handler = partial(_Handler, directory=str(self.site))
        try:
            server = _Server((HOST, port), handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UserError(
                    f"port {port} on {HOST} is in use: stop what uses it, or pick another with "
                    "--port N (--port 0 picks a free one)"
                ) from None
            raise UserError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None
        server.preview = self
        self.server = server
        return server

    def site_missing(self) -> None:
        """Ask the main loop for a build and wait (a while) for the site."""
        self.wait_for_build(BUILD_WAIT, settled=True)  # a swap of the site folder ends first
        if self.site.is_dir():
            return
        self.dirty.set()
        deadline = time.monotonic() + BUILD_WAIT
        while not self.site.is_dir() and self.problem is None and time.monotonic() < deadline:
            time.sleep(0.05)
        self.wait_for_build(BUILD_WAIT)

    def wait_for_build(self, timeout: float, *, settled: bool = False) -> None:
        """Wait for a running build; with settled=True, also until the whole
        site is built for every edit whose page alone was put up."""
        with self._idle:
            self._idle.wait_for(
                lambda: not self._building and not (settled and (self.refreshing or self.unbuilt is not None)), timeout
            )

    # -- building -----------------------------------------------------------

    def note_changes(self, paths: list[str]) -> None:
        """Files that changed (from the watcher): the next rebuild checks them."""
        with self._changed_lock:
            self._changed.update(paths)
            self.dirty.set()

    def rebuild(self) -> None:
        """Validate and build the site; never raises but for an interrupt.
        Afterwards `problem` says why the site cannot be shown, or is None."""
        with self._changed_lock:  # with the flag: a save noted from now on is for the next rebuild
            changed, self._changed = self._changed, set()
            self.dirty.clear()
        with self._idle:
            self._building = True
        self.unbuilt = None
        problem, published = None, False
        try:
            result, whole = self._validate(changed)
            if not result.errors and self._show_edit_now(result):
                # The edited pages are up; the rest once the edits pause (`build_unbuilt`).
                self.unbuilt, self._unbuilt_since = result, time.monotonic()
                self._publish(None)
                published = True
            else:
                problem = self._build_site(result if whole else self._validate_all())
        except Exception as exc:
            problem = self._failed(exc)
        finally:
            if not published:
                self._publish(problem)
        if self._unsettled and not published:  # a validation refused or failed: what it froze is given back
            self._settle_memory()  # (not after a page put up: the collection holds the interpreter from its request)

    def build_unbuilt(self) -> None:
        """Build the whole site for the edits whose pages alone are up,
        answering requests from the site as it is meanwhile; never raises
        but for an interrupt. A save that comes meanwhile stops it (nothing
        on disk changed yet), so that save's page goes up at once; it runs
        again once the saves pause."""
        with self._idle:
            result, self.unbuilt = self.unbuilt, None
            self.refreshing = result is not None
        self._later = None
        if result is None:
            return
        kept = (self._checked, self._built, set(self._shown))

        def superseded() -> None:
            if self.dirty.is_set():
                raise _Superseded

        problem, stopped = None, False
        try:
            problem = self._build_site(self._validate_all(superseded), checkpoint=superseded)
        except _Superseded as superseded_by:
            stopped = True
            # What the stopped build made is freed by the next whole build, not while the save's page goes up:
            # freeing it holds the interpreter (a tenth of a second), and with it the page's request.
            self._later = (superseded_by, self._checked)
            self._checked, self._built, self._shown = kept
            self.unbuilt, self._unbuilt_since = result, time.monotonic()
        except Exception as exc:
            problem = self._failed(exc)
        finally:
            if stopped:
                with self._idle:
                    self.refreshing = False
                    self._idle.notify_all()
            else:
                self._publish(problem)
        if self._unsettled and not stopped:  # stopped: a save waits; the next whole build settles it
            self._settle_memory()

    def _failed(self, exc: Exception) -> Problem:
        """What a refused build (UserError) or a bug says, on the terminal and the pages."""
        if isinstance(exc, UserError):
            self._err(f"cpdgen: {exc}")
            return Problem(message=without_local_paths(str(exc), self.repo.root))
        self._checked = self._built = None  # after a bug, trust nothing kept: validate and build it all
        self.internal_error("while building", exc)
        return Problem(trace="".join(traceback.format_exception(exc)))

    def _build_site(self, result: ValidationResult, checkpoint: Callable[[], None] = lambda: None) -> Problem | None:
        """Build the whole site of `result` (of every file validated: the
        watcher may have missed a change, and a whole build must not carry
        that on), or say why not."""
        from cpdgen.output.build import build
        from cpdgen.validation.report import format_text

        if result.errors:
            count = len(result.errors)
            self._err(format_text(result, color=self.color, quiet=True))
            self._err(
                f"cpdgen: {plural(count, 'error')} in the records (above): the pages show them until they are fixed"
            )
            return Problem(errors=tuple(result.errors))
        self._built = None  # until this build is done, the site on disk is of no one plan
        with collector_paused():  # no full pass holding the interpreter mid-build (the watcher waits for it)
            summary = build(result, self.repo.root, self.out, self.today(), pdfs=False, checkpoint=checkpoint)
        self._shown = set()
        if summary.site is not None:
            self._built = (result, summary.site)
        if not self.quiet:
            self._say(summary.line())
        self._settle_memory()
        return None

    def _settle_memory(self) -> None:
        """After a whole build (or a full validation that led to none):
        collect last build's plan and what validation froze, then exempt
        what is alive now (this build's plan and records, kept for the next
        edit) from later collections. A full collection walks every object
        (0.2-0.3 s at 10,000 records); one landing on an edit doubled its wait."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._unsettled = False

    def _publish(self, problem: Problem | None) -> None:
        """A new state of the site for requests, and a new build number for open pages."""
        with self._idle:
            self.problem = problem
            self.build_number += 1
            self._building = False
            self.refreshing = False
            self._idle.notify_all()

    def _validate(self, changed: set[str]) -> tuple[ValidationResult, bool]:
        """The records validated: only the `changed` files checked again
        where the last validation can answer for the rest, else all; and
        whether it was all."""
        from cpdgen.validation.repository import revalidate

        previous, self._checked = self._checked, None
        if previous is not None and changed:
            result = revalidate(self.repo, previous, [Path(path) for path in changed])
            if result is not None:
                self._checked = result
                return result, False
        return self._validate_all(), True

    def _validate_all(self, checkpoint: Callable[[], None] = lambda: None) -> ValidationResult:
        from cpdgen.validation.repository import validate_repository

        self._checked = None
        self._unsettled = True  # validation freezes what it built (common.collector)
        self._checked = result = validate_repository(self.repo, checkpoint=checkpoint)
        return result

    def _show_edit_now(self, result: ValidationResult) -> bool:
        """Put up the pages of the activities and courses an edit changed,
        re-rendered from the last build's plan, where the edit allows that
        (`SitePages.item_pages_after`); whether it did."""
        from cpdgen.output.build import write_pages_now
        from cpdgen.validation.repository import edited_records

        if self._built is None:
            return False
        before, site = self._built
        changes = edited_records(before, result)
        # With the pages put up for earlier edits since that build: an edit undone puts its page back.
        pages = site.item_pages_after(changes, also=self._shown) if changes is not None else None
        if not pages:
            return False
        try:
            shown = write_pages_now(self.out, [(page.path, site.render(page)) for page in pages])
        except UserError:
            return False  # the build that follows says what went wrong
        if shown:
            self._shown.update(page.path for page in pages)
            if self.verbose:
                self._say("Updated " + ", ".join(page.path for page in pages) + "; the rest of the site follows")
        return shown

    # -- watching -----------------------------------------------------------

    def ignored(self, path: str) -> bool:
        """Files whose changes do not call for a build: what builds write,
        everything below the output folder (site/, private/, .cache/, the
        staging folders beside them) and below output/ at the repository
        root. One prefix test: a build writes thousands of files, each
        reported here while the build runs (a slower test made a save wait
        a tenth of a second behind them)."""
        return path.startswith(self._own) or path in self._own_folders

    def _watch(self, stop: threading.Event, watching: threading.Event) -> None:
        from watchfiles import DefaultFilter, watch

        default = DefaultFilter()  # .git/, editor swap files, caches

        def wanted(change, path: str) -> bool:
            return not self.ignored(path) and default(change, path)

        try:
            # rust_timeout + yield_on_timeout: the first (empty) yield says the watcher is running.
            for changes in watch(
                self.repo.root,
                watch_filter=wanted,
                stop_event=stop,
                # Changes within 50 ms are one save (an editor's write and rename);
                # watchfiles' default waits 1.6 s for more, most of an edit's wait.
                debounce=DEBOUNCE_MS,
                step=WATCH_STEP_MS,
                rust_timeout=100,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                watching.set()
                if changes:
                    if self.verbose:
                        self._say("Changed: " + ", ".join(sorted(self.repo.relative(Path(p)) for _, p in changes)))
                    self.note_changes([path for _, path in changes])
        except Exception as exc:
            self._err(
                f"cpdgen: watching {self.repo.root} for changes failed: {exc}; restart cpdgen serve to see later edits"
            )
        finally:
            watching.set()

    # -- all together -------------------------------------------------------

    def run(
        self, port: int = DEFAULT_PORT, stop: threading.Event | None = None, ready: Callable[[str], None] | None = None
    ) -> None:
        """Bind, build, serve and rebuild on changes until `stop` is set (or
        KeyboardInterrupt, which is raised on after a clean shutdown).
        `ready(url)` is called once the first build is done."""
        stop = stop or threading.Event()
        server = self.server or self.bind(port)
        dirty, watching = self.dirty, threading.Event()
        watcher = threading.Thread(target=self._watch, args=(stop, watching), name="cpdgen-watch", daemon=True)
        serving = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="cpdgen-http", daemon=True
        )
        try:
            watcher.start()
            watching.wait(WATCH_READY_WAIT)
            self.rebuild()
            serving.start()
            if ready is not None:
                ready(self.url)
            while not stop.is_set():
                if dirty.wait(0.05 if self.unbuilt is not None else 0.2):
                    self.rebuild()
                elif self.unbuilt is not None and time.monotonic() - self._unbuilt_since >= WHOLE_SITE_AFTER:
                    self.build_unbuilt()
        finally:
            stop.set()
            if serving.is_alive():
                server.shutdown()
            server.server_close()
            watcher.join(5)
            gc.unfreeze()  # what this server kept is the collector's again
