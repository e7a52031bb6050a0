#!/usr/bin/env python3
"""`cpdgen serve`: how long from saving a record to the new page.

    python bench/bench_serve.py [--n 10000] [--edits 5] [--gap SECONDS]

Generates a repository (bench/generate.py), starts cpdgen's preview server
(`cpdgen.output.serve.Preview`, as `cpdgen serve` runs it) on a free
loopback port, waits for its first build, then `--edits` times: waits
until the server is idle (the previous edit's whole site rebuilt), changes
one activity's title on disk and measures, from the write,

- the reload event: the build number that open pages poll
  (`/__cpdgen/build`) has changed;
- the new page served: the activity's page, fetched over HTTP from
  127.0.0.1, shows the new title;
- the whole site rebuilt: the build after the edited page was put up
  (lists, neighbours, search) is done.

With --gap, each edit comes that many seconds after the last one's page
was served instead (the server not idle: a gap a little over a second
lands the save in the middle of the whole-site build that follows the last
edit, which then gives way to it).

Prints each edit and the medians. Only loopback traffic, bounded in count
and time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from generate import generate

TIMEOUT = 120.0


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # 127.0.0.1 only
        return response.read().decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--gap", type=float, default=None, help="seconds between edits (default: wait until idle)")
    args = parser.parse_args(argv)

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
                written = time.perf_counter()
                target.write_text(text, "utf-8")
                event = None
                while time.perf_counter() - written < TIMEOUT:
                    if event is None and int(fetch(preview.url + "__cpdgen/build")) != before:
                        event = time.perf_counter() - written
                    if event is not None and title in fetch(url):
                        break
                    time.sleep(0.01)
                else:
                    raise SystemExit(f"edit {edit}: no new page in {TIMEOUT} s")
                shown = time.perf_counter() - written
                if args.gap is None:
                    preview.wait_for_build(TIMEOUT, settled=True)
                whole = time.perf_counter() - written
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
