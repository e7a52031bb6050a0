"""Benchmark: `cpdgen compliance` against `cpdgen hours` on a large synthetic repository.

Generates N records (bench/generate.py) with four bodies in cpdgen.yaml
(iet, engineers-australia, ncees, texas-pe with a renewal date), then times,
interleaved round by round:

- fresh processes: `cpdgen hours --format json` and `cpdgen compliance
  --format json` (each validates the repository first, as every computing
  command does);
- in one process, on the validated records: the hours of one year
  (`compute.hours.year_hours`) and every body's compliance
  (`compute.compliance.compliance`), the part the commands do not share.

Prints medians; `--json` for machines.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import generate
from installed import use_this_checkout

SETTINGS = """\
policies:
  - iet
  - engineers-australia
  - ncees
  - {policy: texas-pe, renewal: 2025-06-30}
"""
AS_OF = "2025-10-01"


def cpdgen(root: Path, *args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cpdgen", *args, "--as-of", AS_OF], cwd=root, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1) or (done.returncode == 1 and args[0] != "compliance"):
        raise SystemExit(f"cpdgen {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    if args[0] == "compliance":
        assert len(json.loads(done.stdout)["bodies"]) == 4
    return elapsed


def in_process(root: Path, repeat: int) -> dict[str, float]:
    from cpdgen.compute.compliance import compliance
    from cpdgen.compute.hours import year_hours
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    result = validate_repository(find_repository(root, None))
    assert result.ok, result.errors[:3]
    bodies = [(body.policy, body.terms) for body in result.bodies]
    times: dict[str, list[float]] = {"year_hours (one year, one body)": [], "compliance (four bodies)": []}
    for _ in range(repeat):
        started = time.perf_counter()
        year_hours(result.records, result.policy, 2025)
        times["year_hours (one year, one body)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        compliance(result.records, bodies, date.fromisoformat(AS_OF))
        times["compliance (four bodies)"].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        generate.generate(root, options.n)
        (root / "cpdgen.yaml").write_text(SETTINGS)
        cases = {
            "hours --format json": ("hours", "--format", "json"),
            "compliance --format json": ("compliance", "--format", "json"),
        }
        cpdgen(root, "validate", "-q")  # warm the file cache
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.repeat):
            for name, args in cases.items():
                times[name].append(cpdgen(root, *args))
        compute = in_process(root, options.repeat)
    medians = {name: statistics.median(values) for name, values in times.items()}
    # the ratio within each round (both commands back to back), then its median
    ratio = statistics.median(c / h for c, h in zip(times["compliance --format json"], times["hours --format json"]))
    if options.json:
        print(
            json.dumps(
                {"n": options.n, "repeat": options.repeat, "commands": medians, "ratio": ratio, "compute": compute},
                indent=2,
            )
        )
    else:
        print(f"{options.n} records, medians of {options.repeat} interleaved rounds")
        for name, value in medians.items():
            print(f"  {name:<36}{value:8.3f} s")
        print(f"  compliance / hours (median of the rounds' ratios): {ratio:.2f}x")
        for name, value in compute.items():
            print(f"  {name:<36}{value * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
