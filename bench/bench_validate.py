#!/usr/bin/env python3
"""Benchmark `cpdgen validate` against a bare PyYAML parse of the same files.

Usage::

    python bench/bench_validate.py [--n 10000] [--repeat 5] [--seed 1] [--json] [--keep]

Generates ``--n`` records (bench/generate.py) into a temporary folder, then
for ``--repeat`` rounds times, each as a fresh subprocess of this same
interpreter and interleaved within each round (the order rotates from round
to round so that no command always runs first on a warm or cold cache):

(a) bare parse: walk ``records/``, read every ``*.yaml`` and
    ``yaml.load(text, Loader=yaml.CSafeLoader)`` -- the floor;
(b) ``python -m cpdgen validate --records <tmp>/records --format json``,
    which must exit 0 and report ``"ok": true``;
(c) ``python -m cpdgen --help`` -- start-up cost.

One untimed warm-up round runs first (it also checks each command's
result). Prints the machine and a Markdown table for docs/performance.md;
``--json`` also prints the results as JSON. If ``cpdgen`` cannot be
imported, only (a) is timed and the table says so.

Standard library + PyYAML only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate, kind_counts
from installed import use_this_checkout

try:
    import resource  # Unix only: CPU time of the children
except ImportError:  # pragma: no cover
    resource = None

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


PARSE_CODE = r"""
import os, sys, yaml
Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
n = 0
for dirpath, dirnames, filenames in os.walk(sys.argv[1]):
    dirnames.sort()
    for name in sorted(filenames):
        if name.endswith(".yaml"):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                text = f.read()
            yaml.load(text, Loader=Loader)
            n += 1
print(n)
"""


class BenchError(Exception):
    pass


def machine() -> dict:
    import yaml

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "pyyaml": yaml.__version__,
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)) and hasattr(yaml, "CSafeLoader"),
    }


def child_env() -> dict:
    """Environment for the subprocesses: this checkout importable, no colour."""
    env = dict(os.environ)
    paths = [str(REPO / "src")] if (REPO / "src" / "cpdgen").is_dir() else []
    paths.append(str(REPO))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["NO_COLOR"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _children_cpu() -> float | None:
    if resource is None:
        return None
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float | None, subprocess.CompletedProcess]:
    """Run cmd; return (wall seconds, CPU seconds of it and its children, result)."""
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    c1 = _children_cpu()
    return wall, (None if c0 is None else c1 - c0), proc


def check_parse(proc: subprocess.CompletedProcess, expected: int) -> None:
    if proc.returncode != 0:
        raise BenchError(f"bare parse failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    got = int(proc.stdout.strip() or -1)
    if got != expected:
        raise BenchError(f"bare parse read {got} files, expected {expected}")


def check_validate(proc: subprocess.CompletedProcess) -> dict:
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise BenchError(
            f"cpdgen validate (exit {proc.returncode}) did not print JSON.\n"
            f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr[-3000:]}"
        ) from None
    if proc.returncode != 0 or not isinstance(report, dict) or report.get("ok") is not True:
        errors = report.get("errors", []) if isinstance(report, dict) else []
        first = "\n".join(
            f"  {e.get('file')}:{e.get('line')}:{e.get('column')}: {e.get('message')}" for e in errors[:20]
        )
        raise BenchError(
            f"cpdgen validate failed on generated records: exit {proc.returncode}, "
            f"ok={report.get('ok') if isinstance(report, dict) else None!r}, "
            f"{len(errors)} error(s); first ones:\n{first or proc.stderr[-3000:]}"
        )
    return report


def check_help(proc: subprocess.CompletedProcess) -> None:
    if proc.returncode != 0:
        raise BenchError(f"cpdgen --help failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def cpdgen_importable(env: dict, cwd: Path) -> bool:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('cpdgen.__main__') else 1)",
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc.returncode == 0


def summarise(times: list[float]) -> dict:
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "runs": times}


def bench(n: int, repeat: int, seed: int, keep: bool, log, parse_only: bool = False) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="cpdgen-bench-"))
    try:
        t0 = time.perf_counter()
        generate(tmp, n, seed)
        gen_s = time.perf_counter() - t0
        records = tmp / "records"
        n_files = sum(1 for _ in records.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in records.rglob("*.yaml"))
        log(f"generated {n} records ({n_files} YAML files, {size / 1e6:.1f} MB) in {gen_s:.1f} s at {tmp}")

        env = child_env()
        py = sys.executable
        cmds = {
            "parse": [py, "-c", PARSE_CODE, str(records)],
            "validate": [py, "-m", "cpdgen", "validate", "--records", str(records), "--format", "json"],
            "warm": [py, "-m", "cpdgen", "validate", "--records", str(records), "--format", "json"],
            "help": [py, "-m", "cpdgen", "--help"],
        }
        # "validate" runs cold, as CI runs it: an empty cache folder every time
        # (it writes the cache, as a first run does); "warm" finds the cache of
        # the run before it, all files unchanged.
        fresh = iter(range(1_000_000))
        envs = {
            "validate": lambda: {**env, "CPDGEN_CACHE_DIR": str(tmp / "cache-cold" / str(next(fresh)))},
            "warm": lambda: {**env, "CPDGEN_CACHE_DIR": str(tmp / "cache-warm")},
        }
        have_cpdgen = not parse_only and cpdgen_importable(env, tmp)
        names = ["parse", "validate", "warm", "help"] if have_cpdgen else ["parse"]
        if parse_only:
            log("--parse-only: timing the bare parse only")
        elif not have_cpdgen:
            log("cpdgen is not importable: timing the bare parse only")

        # Warm-up round: untimed, checks every command's result.
        log("warm-up round ...")
        validate_report = None
        for name in names:
            _, _, proc = run(cmds[name], tmp, envs.get(name, lambda: env)())
            if name == "parse":
                check_parse(proc, n_files)
            elif name in ("validate", "warm"):
                validate_report = check_validate(proc)
            else:
                check_help(proc)

        times: dict[str, list[float]] = {k: [] for k in names}
        cpu: dict[str, list[float]] = {k: [] for k in names}
        for r in range(repeat):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                dt_s, cpu_s, proc = run(cmds[name], tmp, envs.get(name, lambda: env)())
                if name == "parse":
                    check_parse(proc, n_files)
                elif name in ("validate", "warm"):
                    check_validate(proc)
                else:
                    check_help(proc)
                times[name].append(dt_s)
                if cpu_s is not None:
                    cpu[name].append(cpu_s)
            log(f"round {r + 1}/{repeat}: " + ", ".join(f"{k} {times[k][-1]:.3f} s" for k in names))

        result = {
            "machine": machine(),
            "n_records": n,
            "kinds": kind_counts(n),
            "yaml_files": n_files,
            "bytes": size,
            "seed": seed,
            "repeat": repeat,
            "cpdgen": have_cpdgen,
            "results": {k: summarise(v) for k, v in times.items()},
            "cpu_median_s": {k: statistics.median(v) for k, v in cpu.items() if v},
        }
        if have_cpdgen:
            for name, key in (("validate", "ratio_validate_parse"), ("warm", "ratio_warm_parse")):
                ratios = [v / p for v, p in zip(times[name], times["parse"])]
                result[key] = {
                    "median": statistics.median(ratios),
                    "min": min(ratios),
                    "max": max(ratios),
                    "runs": ratios,
                }
            result["validate_report"] = {
                "records": validate_report.get("records"),
                "warnings": len(validate_report.get("warnings", [])),
            }
        if keep:
            result["kept_at"] = str(tmp)
        return result
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def markdown(res: dict) -> str:
    m = res["machine"]
    loader = "CSafeLoader, libyaml" if m["libyaml"] else "SafeLoader, pure Python"
    lines = [
        f"{res['n_records']:,} records ({res['yaml_files']:,} YAML files, "
        f"{res['bytes'] / 1e6:.1f} MB), {res['repeat']} interleaved rounds after one "
        f"warm-up, each command a fresh process. Times are wall-clock seconds; CPU is "
        f"user + system time of the process and its children (a parallel validator "
        f"can use more CPU than wall time).",
        "",
        "| Command | Median (s) | Min (s) | CPU, median (s) |",
        "|---|---:|---:|---:|",
    ]
    labels = {
        "parse": f"bare parse: read + `yaml.load` ({loader}) every file — the floor",
        "validate": "`cpdgen validate --format json`, cold (no cache, as CI runs it; writes the cache)",
        "warm": "`cpdgen validate --format json`, warm (the cache of the run before, no file changed)",
        "help": "`cpdgen --help` (start-up)",
    }
    for k in ("parse", "validate", "warm", "help"):
        if k in res["results"]:
            r = res["results"][k]
            c = res["cpu_median_s"].get(k)
            lines.append(
                f"| {labels[k]} | {r['median_s']:.3f} | {r['min_s']:.3f} | {'n/a' if c is None else f'{c:.3f}'} |"
            )
    if "ratio_validate_parse" in res:
        rt = res["ratio_validate_parse"]
        lines.append(
            f"| cold validate / parse (median of per-round ratios) | {rt['median']:.2f}× | {rt['min']:.2f}× | |"
        )
        rt = res["ratio_warm_parse"]
        lines.append(
            f"| warm validate / parse (median of per-round ratios) | {rt['median']:.2f}× | {rt['min']:.2f}× | |"
        )
    else:
        lines.append("| `cpdgen validate` | not run | | |")
    lines += [
        "",
        f"Machine: {m['platform']}, {m['cpu_count']} CPUs, "
        f"{m['python_implementation']} {m['python']}, PyYAML {m['pyyaml']} "
        f"(libyaml {'yes' if m['libyaml'] else 'no'}).",
    ]
    if res.get("validate_report"):
        vr = res["validate_report"]
        lines.append(f"`cpdgen validate` reported ok, {vr['records']} records, {vr['warnings']} warning(s).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=10000, help="records to generate (default 10000)")
    p.add_argument("--repeat", type=int, default=5, help="timed rounds (default 5)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--json", action="store_true", help="also print the results as JSON")
    p.add_argument("--keep", action="store_true", help="keep the generated repository")
    p.add_argument("--parse-only", action="store_true", help="time the bare parse only, even if cpdgen is importable")
    a = p.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed
    if a.n < 0 or a.repeat < 1:
        p.error("--n must be >= 0 and --repeat >= 1")

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    try:
        res = bench(a.n, a.repeat, a.seed, a.keep, log, a.parse_only)
    except BenchError as e:
        print(f"bench_validate: FAILED: {e}", file=sys.stderr)
        return 1
    print(markdown(res))
    if a.json:
        print()
        print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
