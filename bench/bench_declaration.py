"""Benchmark: the review-year commands on a large synthetic repository.

Generates N records (bench/generate.py), completes and submits the 2025
declaration, then times, interleaved round by round in fresh processes:

- `cpdgen validate` on the repository with the submitted 2025 declaration
  (which checks every covered record against its digest) and on a copy
  without the `submitted` section: the cost of the frozen-year check;
- `cpdgen hours --format json`, `cpdgen declaration status --format json`
  and `cpdgen report activity --format json` for 2025.

Prints medians; `--json` for machines.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate
from installed import use_this_checkout

HERE = Path(__file__).resolve().parent


DECLARATION = """\
year: 2025
monitoring: {agreed: true}
employment_status: {status: employed, professionally_active: true}
employment_history: {display: all}
academic_study: {display: all}
hours: {confirmed: true}
compliance: {statement: met}
supporting_documents: {activity_report: generate}
"""
AS_OF = ("--as-of", "2026-01-20")


def cpdgen(root: Path, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cpdgen", *args, *AS_OF], cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(
            f"cpdgen {' '.join(args)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed

    with tempfile.TemporaryDirectory() as folder:
        submitted = Path(folder) / "submitted"
        generate.generate(submitted, options.n)
        (submitted / "records/declarations/2025.yaml").write_text(DECLARATION)
        cpdgen(submitted, "declaration", "acknowledge")
        cpdgen(submitted, "declaration", "submit")
        unsubmitted = Path(folder) / "unsubmitted"
        shutil.copytree(submitted, unsubmitted)
        path = unsubmitted / "records/declarations/2025.yaml"
        text = path.read_text()
        path.write_text(text[: text.index("submitted:")])

        cases = {
            "validate, 2025 submitted": (submitted, ("validate", "-q")),
            "validate, nothing submitted": (unsubmitted, ("validate", "-q")),
            "hours --format json": (submitted, ("hours", "--format", "json")),
            "declaration status --format json": (submitted, ("declaration", "status", "--format", "json")),
            "report activity --format json": (submitted, ("report", "activity", "--format", "json")),
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.repeat):
            for name, (root, args) in cases.items():
                times[name].append(cpdgen(root, *args))
    medians = {name: statistics.median(values) for name, values in times.items()}
    if options.json:
        print(json.dumps({"n": options.n, "repeat": options.repeat, "median_seconds": medians}, indent=2))
    else:
        print(f"{options.n} records, medians of {options.repeat} interleaved rounds")
        for name, value in medians.items():
            print(f"  {name:<36}{value:7.2f} s")
        ratio = medians["validate, 2025 submitted"] / medians["validate, nothing submitted"]
        print(f"  frozen-year check: {ratio:.2f}x of validate without it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
