#!/usr/bin/env python3
"""The first full build on all cores, and peak memory at scale.

Usage::

    python bench/bench_build.py pdfs [--runs 3]
    python bench/bench_build.py memory [--n 10000 40000]

`pdfs`: the demo member (records/, evidence/, cpdgen.yaml of this checkout)
copied to a temporary folder, then round by round, back to back, its first
full `cpdgen build` (no output/, an empty record cache) in one process
(`CPDGEN_JOBS=1`) and on all cores (the default). Prints the medians and
the median of the per-round ratios.

`memory`: for each size, generates a repository (bench/generate.py) and
runs `cpdgen validate` and `cpdgen build --site-only`, cold (no output, an
empty record cache) and warm (the cache of the run before), each as a fresh
process, and prints each one's peak resident set size (the largest of the
process and the workers it waited for, from `wait4`).

Standard library only (and this checkout's cpdgen).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from installed import use_this_checkout

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-29"


def env_with(cache: Path, **more: str) -> dict:
    env = {**os.environ, "CPDGEN_CACHE_DIR": str(cache), "NO_COLOR": "1", **more}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run(command: list[str], cwd: Path, env: dict) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed ({code}):\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def pdfs(runs: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="cpdgen-bench-build-"))
    try:
        demo = root / "demo"
        demo.mkdir()
        for name in ("records", "evidence"):
            shutil.copytree(REPO / name, demo / name)
        shutil.copy(REPO / "cpdgen.yaml", demo / "cpdgen.yaml")
        command = [sys.executable, "-m", "cpdgen", "build", "--as-of", AS_OF, "--quiet"]
        times: dict[str, list[tuple[float, float]]] = {"one process": [], "all cores": []}
        for round_number in range(runs):
            order = list(times) if round_number % 2 == 0 else list(reversed(times))
            for name in order:
                shutil.rmtree(demo / "output", ignore_errors=True)
                cache = root / f"cache-{round_number}-{name.replace(' ', '-')}"
                jobs = {"CPDGEN_JOBS": "1"} if name == "one process" else {}
                wall, cpu, _ = run(command, demo, env_with(cache, **jobs))
                times[name].append((wall, cpu))
            print(
                f"round {round_number + 1}: "
                + ", ".join(
                    f"{name} {values[-1][0]:.2f} s (CPU {values[-1][1]:.2f} s)" for name, values in times.items()
                ),
                file=sys.stderr,
            )
        ratios = [p[0] / s[0] for p, s in zip(times["all cores"], times["one process"], strict=True)]
        print(
            f"machine: {os.cpu_count()} cores; the demo member's first `cpdgen build` (site and 7 PDFs), {runs} rounds"
        )
        print("\n| | median wall (s) | median CPU (s) |\n|---|---:|---:|")
        for name, values in times.items():
            print(
                f"| {name} | {statistics.median(v[0] for v in values):.2f} | {statistics.median(v[1] for v in values):.2f} |"
            )
        print(f"| all cores ÷ one process (median of per-round ratios) | **{statistics.median(ratios):.2f}** | |")
        print("rounds: " + ", ".join(f"{r:.2f}" for r in ratios))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def memory(sizes: list[int]) -> int:
    root = Path(tempfile.mkdtemp(prefix="cpdgen-bench-memory-"))
    try:
        print("\n| records | command | wall (s) | CPU (s) | peak RSS (MiB) |\n|---:|---|---:|---:|---:|")
        for n in sizes:
            repo = root / f"repo-{n}"
            generate(repo, n, seed=1)
            cache = root / f"cache-{n}"
            validate = [sys.executable, "-m", "cpdgen", "validate", "--quiet"]
            build = [sys.executable, "-m", "cpdgen", "build", "--site-only", "--as-of", AS_OF, "--quiet"]
            steps = [
                ("validate, cold", validate, True),
                ("validate, warm", validate, False),
                ("build --site-only, cold", build, True),
                ("build --site-only, warm, nothing changed", build, False),
            ]
            for label, command, cold in steps:
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
                    shutil.rmtree(repo / "output", ignore_errors=True)
                wall, cpu, rss = run(command, repo, env_with(cache))
                print(f"| {n:,} | `{label}` | {wall:.2f} | {cpu:.2f} | {rss} |", flush=True)
            shutil.rmtree(repo, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="what", required=True)
    commands.add_parser("pdfs").add_argument("--runs", type=int, default=3)
    commands.add_parser("memory").add_argument("--n", type=int, nargs="+", default=[10000, 40000])
    args = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed
    return pdfs(args.runs) if args.what == "pdfs" else memory(args.n)


if __name__ == "__main__":
    sys.exit(main())
