#!/usr/bin/env python3
"""`cpdgen serve`: how long from saving a record to the new page.

    python bench/bench_serve.py [--n 10000] [--edits 5] [--gap SECONDS] [--safe-write]

Generates a repository (bench/generate.py), starts cpdgen's preview server
(`cpdgen.output.serve.Preview`, as `cpdgen serve` runs it) on a free
loopback port, waits for its first build, then `--edits` times: waits
until the server is idle (the previous edit's whole site rebuilt), changes
one activity's title on disk and measures, from the write,

- the reload event: the build number that open pages poll
  (`/__cpdgen/build`) has changed (asked by a client process of its own,
  as a browser is, every 10 ms);
- the new page served: the activity's page, fetched over HTTP from
  127.0.0.1, shows the new title;
- the whole site rebuilt: the build after the edited page was put up
  (lists, neighbours, search) is done.

With --gap, each edit comes that many seconds after the last one's page
was served instead (the server not idle: a gap a little over a second
lands the save in the middle of the whole-site build that follows the last
edit, which then gives way to it).

With --safe-write, each save is made as `sed -i` and editors' safe writes
make it: a new file beside the record, renamed over it (the watcher then
names both).

Prints each edit and the medians. Only loopback traffic, bounded in count
and time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import generate
from installed import use_this_checkout

TIMEOUT = 120.0


# The browser's part, in a process of its own as a browser is (polling from a thread
# of the server's process would take the interpreter from the server it measures).
# Reads one job a line (JSON: build URL, page URL, the build number before, the
# title), polls, and answers with the wall-clock times (time.time) it saw them.
CLIENT = r"""
import json, sys, time, urllib.request
def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")
print("ready", flush=True)
for line in sys.stdin:
    job = json.loads(line)
    event = None
    deadline = time.time() + job["timeout"]
    while time.time() < deadline:
        if event is None and int(fetch(job["build"])) != job["before"]:
            event = time.time()
        if event is not None and job["title"] in fetch(job["page"]):
            break
        time.sleep(0.01)
    print(json.dumps({"event": event, "served": time.time()}), flush=True)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--gap", type=float, default=None, help="seconds between edits (default: wait until idle)")
    parser.add_argument(
        "--safe-write", action="store_true", help="save through a temporary file renamed over the record"
    )
    args = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed

    from cpdgen.loading.files import find_repository
    from cpdgen.output.serve import Preview

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        generate(root, args.n, seed=1)
        repo = find_repository(root)
        preview = Preview(repo, root / "output", quiet=True)
        stop = threading.Event()
        ready = threading.Event()
        started = time.perf_counter()
        thread = threading.Thread(
            target=preview.run, kwargs={"port": 0, "stop": stop, "ready": lambda url: ready.set()}, daemon=True
        )
        thread.start()
        if not ready.wait(600):
            raise SystemExit("the first build did not finish in 10 minutes")
        print(f"first build: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        target = sorted((root / "records/activities").rglob("*.yaml"))[3]
        rel = target.relative_to(root / "records/activities").with_suffix("")
        page = next(p for p in (root / "output/site").rglob("*.html") if rel.name in p.name)
        url = preview.url + page.relative_to(root / "output/site").as_posix()
        events, served, settled = [], [], []
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert client.stdin is not None and client.stdout is not None
        assert client.stdout.readline().strip() == "ready"
        try:
            for edit in range(args.edits):
                if args.gap is None:
                    preview.wait_for_build(TIMEOUT, settled=True)  # the last edit's whole site is built
                    time.sleep(0.5)  # and the watcher has settled
                else:
                    time.sleep(args.gap)
                building = preview.refreshing
                before = preview.build_number
                title = f"Edited title number {edit}"
                lines = target.read_text("utf-8").splitlines(keepends=True)
                text = "".join(f"title: {title}\n" if line.startswith("title:") else line for line in lines)
                job = {"build": preview.url + "__cpdgen/build", "page": url, "before": before, "title": title}
                client.stdin.write(json.dumps({**job, "timeout": TIMEOUT}) + "\n")
                written = time.time()
                if args.safe_write:
                    scratch = target.with_name(f"sed{edit:06d}")  # as sed -i names its file
                    scratch.write_text(text, "utf-8")
                    scratch.replace(target)
                else:
                    target.write_text(text, "utf-8")
                seen = json.loads(client.stdout.readline())
                if seen["event"] is None or seen["served"] - written >= TIMEOUT:
                    raise SystemExit(f"edit {edit}: no new page in {TIMEOUT} s")
                event, shown = seen["event"] - written, seen["served"] - written
                if args.gap is None:
                    preview.wait_for_build(TIMEOUT, settled=True)
                whole = time.time() - written
                events.append(event)
                served.append(shown)
                settled.append(whole)
                print(
                    f"edit {edit + 1}: reload event {event:.3f} s, new page served {shown:.3f} s, "
                    + (
                        f"whole site rebuilt {whole:.2f} s" if args.gap is None else f"saved during a build: {building}"
                    ),
                    file=sys.stderr,
                )
        finally:
            client.stdin.close()
            client.wait(30)
            stop.set()
            thread.join(30)
    print(
        f"{args.n:,} records, {args.edits} edits: median reload event {statistics.median(events):.3f} s, "
        f"median new page served {statistics.median(served):.3f} s, max {max(served):.3f} s"
        + (f", median whole site rebuilt {statistics.median(settled):.2f} s" if args.gap is None else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
