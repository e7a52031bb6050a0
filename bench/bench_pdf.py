"""Benchmark: the declaration PDF for review years of 20, 100 and 500 activities.

For each size, generates a synthetic repository (bench/generate.py) whose
2025 review year holds about that many completed activities and courses,
with a complete 2025 declaration, then times:

- in one process, as `cpdgen build` renders: building the HTML of the
  declaration (with both reports as appendices) and printing it with
  WeasyPrint, `--repeat` times after one untimed warm-up (fonts, imports);
- `cpdgen declaration pdf` as a fresh process (start-up, validation,
  WeasyPrint import and the render), `--repeat` times (at most 3).

Wall times suffer on a shared machine; the CPU time of the in-process render
is the steadier figure.

Prints medians, pages and bytes as a Markdown table; `--json` for machines.

    python bench/bench_pdf.py [--sizes 20 100 500] [--repeat 5] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import generate
from bench_declaration import DECLARATION  # a complete 2025 declaration
from installed import use_this_checkout

HERE = Path(__file__).resolve().parent


YEAR = 2025
TODAY = date(2026, 1, 20)
# generate.py spreads records over 11 years, ~90 % of them activities or courses
RECORDS_PER_ITEM = 11 / 0.9


def loaded(root: Path):
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    result = validate_repository(find_repository(root))
    if result.errors:
        raise SystemExit(f"{root}: the generated records are invalid: {result.errors[:3]}")
    return result


def year_items(root: Path) -> int:
    from cpdgen.compute.year import completed_items

    return len(completed_items(loaded(root).records, YEAR))


def make_repository(folder: Path, wanted: int) -> tuple[Path, int, int]:
    """A repository with about `wanted` completed items in 2025: (root, items, n)."""
    n = max(20, round(wanted * RECORDS_PER_ITEM))
    for _ in range(4):  # the share per year varies a little with n: correct the estimate
        root = folder / f"n{n}"
        generate.generate(root, n)
        (root / "records/declarations/2025.yaml").write_text(DECLARATION)
        items = year_items(root)
        if abs(items - wanted) <= max(2, wanted // 50):
            break
        n = max(20, round(n * wanted / max(items, 1)))
    return root, items, n


def time_in_process(root: Path, repeat: int, appendices: bool = False) -> dict:
    """The draft declaration (the year is not submitted), or with
    `appendices` the same declaration with both reports as appendices, as
    a submitted one carries them."""
    from cpdgen.compute.documents import DECLARATION_PDF
    from cpdgen.output.pdfs import pdf_maker

    result = loaded(root)

    def make():
        maker = pdf_maker(result.records, result.policy, root, TODAY)
        if appendices:
            plain = maker.context
            maker.context = lambda *args: {**plain(*args), "appendices": True}
        return maker

    maker = make()
    data = maker.render(maker.job(DECLARATION_PDF, YEAR))  # warm-up: imports, fonts
    html_times, render_times, cpu_times = [], [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        maker = make()
        job = maker.job(DECLARATION_PDF, YEAR)
        built = time.perf_counter()
        data = maker.render(job)
        done = time.perf_counter()
        html_times.append(built - started)
        render_times.append(done - built)
        cpu_times.append(time.process_time() - cpu)
    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    return {
        "html_median": statistics.median(html_times),
        "render_median": statistics.median(render_times),
        "total_median": statistics.median(h + r for h, r in zip(html_times, render_times)),
        "render_min": min(render_times),
        "cpu_median": statistics.median(cpu_times),
        "pages": pages,
        "bytes": len(data),
    }


def time_process(root: Path, repeat: int) -> dict:
    times = []
    for _ in range(max(1, min(repeat, 3))):
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cpdgen",
                "declaration",
                "pdf",
                "--year",
                str(YEAR),
                "--as-of",
                TODAY.isoformat(),
                "-o",
                str(root / "declaration.pdf"),
            ],
            cwd=root,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"cpdgen declaration pdf failed:\n{done.stdout}{done.stderr}")
    return {"process_median": statistics.median(times), "process_min": min(times)}


def machine() -> str:
    import os
    from importlib.metadata import version

    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"CPython {platform.python_version()}; WeasyPrint {version('weasyprint')}, pydyf {version('pydyf')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100, 500])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for wanted in options.sizes:
            root, items, n = make_repository(Path(folder), wanted)
            row = {"wanted": wanted, "items": items, "records": n}
            row.update(time_in_process(root, options.repeat))
            full = time_in_process(root, options.repeat, appendices=True)
            row.update({f"full_{key}": value for key, value in full.items()})
            row.update(time_process(root, options.repeat))
            rows.append(row)
            print(
                f"  {items} items: {row['total_median']:.2f} s in process, {row['process_median']:.2f} s as a command",
                file=sys.stderr,
            )

    print(f"Machine: {machine()}; {time.strftime('%Y-%m-%d')}; medians of {options.repeat} runs\n")
    print(
        "| activities and courses in 2025 | records in the repository | pages | bytes | HTML (s) | WeasyPrint (s) "
        "| in process (s) | CPU in process (s) | `cpdgen declaration pdf` (s) "
        "| with the appendices: pages | in process (s) | CPU (s) | draft ÷ with appendices, CPU |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['items']} | {row['records']} | {row['pages']} | {row['bytes']:,} | {row['html_median']:.2f} "
            f"| {row['render_median']:.2f} | {row['total_median']:.2f} | {row['cpu_median']:.2f} | {row['process_median']:.2f} "
            f"| {row['full_pages']} | {row['full_total_median']:.2f} | {row['full_cpu_median']:.2f} "
            f"| {row['cpu_median'] / row['full_cpu_median']:.2f} |"
        )
    if options.json:
        print(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
