"""`cpdgen serve`: the portfolio site on http://127.0.0.1, rebuilt on every save.

Three parts, one `Preview` object:

- the HTTP server (stdlib `ThreadingHTTPServer`), bound to 127.0.0.1 only,
  serving `OUT/site/` and nothing outside it;
- a watcher thread (watchfiles) over the repository root, minus the output
  and `.git/`, that only marks the site out of date;
- the build loop (the thread that calls `run`), which validates and rebuilds
  (incrementally, site only) whenever the site is out of date. A change made
  during a build marks it out of date again, so no save is ever missed.

While the records are invalid, or a build failed, every page request gets an
error page listing the problems instead of the stale site; the next good
build brings the site back. Requests that arrive during a build wait for it,
so they never see the moment the site folder is swapped.

Live reload: every HTML page is served with a small script added before
`</body>` (`live_reload`) that asks `/__cpdgen/build` for the build number
and reloads the page when a rebuild has changed it, as MkDocs and Hugo do.
The script is added by the server, to the bytes it sends: the built files
under OUT/site/ never hold it.
"""

from __future__ import annotations

import errno
import html
import io
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from cpdgen.common.diagnostics import Diagnostic
from cpdgen.common.errors import UserError
from cpdgen.common.wording import plural
from cpdgen.loading.files import Repository
from cpdgen.output.build import CACHE, PRIVATE, SITE

HOST = "127.0.0.1"  # never another interface: the preview may show private drafts
DEFAULT_PORT = 8000
DEBOUNCE_MS = 50  # changes this close together are one save
WATCH_STEP_MS = 20  # how often the watcher looks for more changes of the same save
BUILD_WAIT = 60.0  # seconds a request waits for a running build before it is served anyway
WATCH_READY_WAIT = 10.0  # seconds to wait for the watcher to start before building anyway
ERROR_REFRESH = 2  # seconds between reloads of the error page, so a fix shows by itself
BUILD_PATH = "/__cpdgen/build"  # the build number, asked by the live-reload script
RELOAD_POLL_MS = 500  # how often an open page asks whether a rebuild happened

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
    message: str = ""  # a UserError's words
    trace: str = ""  # an internal error's traceback

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
                "please report it with this trace. The next save tries again."
            )
            body = f"<pre>{html.escape(self.trace)}</pre>"
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


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: Preview

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up (socket.getfqdn), which
        # can take seconds on a machine with slow DNS; the name is known.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        host, self.server_port = self.server_address[:2]
        self.server_name = str(host)

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

    def send_head(self):
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
        if not _inside(os.path.realpath(path), root):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if path.endswith((".html", ".htm")) and os.path.isfile(path) and _inside(os.path.realpath(path), root):
            try:
                with open(path, "rb") as stream:
                    page = stream.read()
            except OSError:
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
        self.build_number = 0  # rebuilds so far: open pages reload when it changes
        self.dirty = threading.Event()  # set: the main loop rebuilds

    def _say(self, text: str) -> None:
        print(text, file=self.stdout or sys.stdout, flush=True)

    def _err(self, text: str) -> None:
        print(text, file=self.stderr or sys.stderr, flush=True)

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
        self.dirty.set()
        deadline = time.monotonic() + BUILD_WAIT
        while not self.site.is_dir() and self.problem is None and time.monotonic() < deadline:
            time.sleep(0.05)
        self.wait_for_build(BUILD_WAIT)

    def wait_for_build(self, timeout: float) -> None:
        with self._idle:
            self._idle.wait_for(lambda: not self._building, timeout)

    # -- building -----------------------------------------------------------

    def rebuild(self) -> None:
        """Validate and build the site; never raises but for an interrupt.
        Afterwards `problem` says why the site cannot be shown, or is None."""
        from cpdgen.output.build import build
        from cpdgen.validation.report import format_text
        from cpdgen.validation.repository import validate_repository

        with self._idle:
            self._building = True
        problem = None
        try:
            result = validate_repository(self.repo)
            if result.errors:
                problem = Problem(errors=tuple(result.errors))
                count = len(result.errors)
                self._err(format_text(result, color=self.color, quiet=True))
                self._err(
                    f"cpdgen: {plural(count, 'error')} in the records (above): the pages show them until they are fixed"
                )
            else:
                summary = build(result, self.repo.root, self.out, self.today(), pdfs=False)
                if not self.quiet:
                    self._say(summary.line())
        except UserError as exc:
            problem = Problem(message=str(exc))
            self._err(f"cpdgen: {exc}")
        except Exception as exc:
            problem = Problem(trace=traceback.format_exc())
            detail = (
                problem.trace
                if self.verbose
                else f"{type(exc).__name__}: {exc} (run with --verbose for the full trace)"
            )
            self._err(f"cpdgen: internal error while building (a bug in cpdgen; the server keeps running): {detail}")
        finally:
            with self._idle:
                self.problem = problem
                self.build_number += 1
                self._building = False
                self._idle.notify_all()

    # -- watching -----------------------------------------------------------

    def ignored(self, path: str) -> bool:
        """Files whose changes do not call for a build: what builds write."""
        own = (self.out / SITE, self.out / PRIVATE, self.out / CACHE, self.repo.root / "output")
        if any(_inside(path, str(folder)) for folder in own):
            return True
        # FolderSwap's staging and old folders beside OUT/site and OUT/private
        return os.path.relpath(path, self.out).split(os.sep)[0].startswith((f".{SITE}.", f".{PRIVATE}."))

    def _watch(self, stop: threading.Event, dirty: threading.Event, watching: threading.Event) -> None:
        from watchfiles import DefaultFilter, watch

        default = DefaultFilter()  # .git/, editor swap files, caches

        def wanted(change, path: str) -> bool:
            return default(change, path) and not self.ignored(path)

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
                    dirty.set()
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
        watcher = threading.Thread(target=self._watch, args=(stop, dirty, watching), name="cpdgen-watch", daemon=True)
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
                if dirty.wait(0.2):
                    dirty.clear()
                    self.rebuild()
        finally:
            stop.set()
            if serving.is_alive():
                server.shutdown()
            server.server_close()
            watcher.join(5)
