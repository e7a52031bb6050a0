"""Site build speed: cpdgen against Pelican and Hugo on the same content.

    python bench/bench_site.py [--n 1000 10000] [--runs 3] [--keep DIR]

For each size, a synthetic records repository is generated (bench/generate.py)
and its public activities and training courses are exported as Markdown
articles (title, date, category = type, tags, body = description and
outcomes) for Pelican and for Hugo, each with pagination of 20 like cpdgen.
Then, in one run and interleaved round by round:

- cpdgen cold: `cpdgen build --site-only` with no previous output;
- cpdgen one changed: the same after editing one record's title;
- Pelican cold: `pelican content -o out -s pelicanconf.py` (its default theme);
- Hugo cold: `hugo` (Debian's package) with a minimal theme of the same pages.

Medians of --runs rounds are printed as a Markdown table for
docs/performance.md; the ratios are taken within each round, then their
median. Needs `pelican` (PyPI) and `hugo` on PATH; a missing
tool is reported and left out.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate
from installed import use_this_checkout

AS_OF = "2026-06-01"

HUGO_CONFIG = """baseURL = "http://example.org/"
title = "Bench"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[pagination]
  pagerSize = 20
paginate = 20
[taxonomies]
  tag = "tags"
  category = "categories"
"""
HUGO_BASEOF = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }} · {{ .Params.hours }} h</p>{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1><ol>{{ range (.Paginate .Pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2 January 2006" }}</li>{{ end }}</ol>
{{ with .Paginator }}{{ if .HasPrev }}<a href="{{ .Prev.URL }}">newer</a>{{ end }}{{ if .HasNext }}<a href="{{ .Next.URL }}">older</a>{{ end }}{{ end }}{{ end }}
"""
PELICAN_CONF = """AUTHOR = "Bench"
SITENAME = "Bench"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_PAGINATION = 20
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
RELATIVE_URLS = True
LOAD_CONTENT_CACHE = False
"""


def export_articles(repo: Path) -> list[tuple[str, str]]:
    """(file name, Markdown with Pelican-style metadata) for each public CPD item."""
    from cpdgen.compute.public import PublishRules, public_view
    from cpdgen.loading.files import find_repository
    from cpdgen.validation.repository import validate_repository

    result = validate_repository(find_repository(repo))
    view = public_view(result.records, PublishRules())
    articles = []
    for number, item in enumerate(view.cpd_items):
        body = "\n\n".join(text for text in (item.description, item.outcomes) if text)
        articles.append(
            (f"a{number:05d}", item.title, item.end.isoformat(), item.category, list(item.tags), item.hours, body)
        )
    return articles


def write_pelican(folder: Path, articles) -> None:
    content = folder / "content"
    content.mkdir(parents=True)
    (folder / "pelicanconf.py").write_text(PELICAN_CONF)
    for name, title, day, category, tags, _hours, body in articles:
        meta = f"Title: {title}\nDate: {day}\nCategory: {category}\nTags: {', '.join(tags)}\nSlug: {name}\n"
        (content / f"{name}.md").write_text(meta + "\n" + body + "\n", encoding="utf-8")


def write_hugo(folder: Path, articles) -> None:
    content = folder / "content" / "activities"
    content.mkdir(parents=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "baseof.html").write_text(HUGO_BASEOF)
    (layouts / "single.html").write_text(HUGO_SINGLE)
    (layouts / "list.html").write_text(HUGO_LIST)
    (layouts / "taxonomy.html").write_text(HUGO_LIST)
    (layouts / "term.html").write_text(HUGO_LIST)
    for name, title, day, category, tags, hours, body in articles:
        front = (
            "---\n"
            f"title: {title!r}\n"
            f"date: {day}\n"
            f"categories: [{category!r}]\n"
            f"tags: [{', '.join(repr(t) for t in tags)}]\n"
            f"hours: {hours}\n"
            "---\n"
        )
        (content / f"{name}.md").write_text(front + "\n" + body + "\n", encoding="utf-8")


def timed(command: list[str], cwd: Path, env=None) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - started


def change_one_record(repo: Path, round_number: int) -> None:
    target = sorted((repo / "records" / "activities").rglob("*.yaml"))[round_number % 7]
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [f"title: Changed in round {round_number}\n" if line.startswith("title:") else line for line in lines]
    target.write_text("".join(lines), encoding="utf-8")


def clear(folder: Path, trash: Path) -> None:
    """Move an output folder out of the way. Deleting 11,000 files right
    before a build slows the build's own writes on this machine (the disk
    discards the freed blocks meanwhile), for whichever tool comes next; the
    trash is deleted once all timings are taken."""
    if folder.exists():
        trash.mkdir(exist_ok=True)
        folder.rename(trash / f"{len(list(trash.iterdir()))}")


def bench(n: int, runs: int, root: Path) -> dict[str, list[float]]:
    repo = root / f"repo-{n}"
    for folder in (repo, root / f"pelican-{n}", root / f"hugo-{n}"):
        shutil.rmtree(folder, ignore_errors=True)  # a kept folder of an earlier run
    generate(repo, n, seed=1)
    articles = export_articles(repo)
    pelican_dir, hugo_dir = root / f"pelican-{n}", root / f"hugo-{n}"
    write_pelican(pelican_dir, articles)
    write_hugo(hugo_dir, articles)
    cpdgen = [sys.executable, "-m", "cpdgen", "build", "--site-only", "--as-of", AS_OF, "--quiet"]
    times: dict[str, list[float]] = {"cpdgen cold": [], "cpdgen one changed": [], "cpdgen nothing changed": []}
    tools = {"pelican": shutil.which("pelican"), "hugo": shutil.which("hugo")}
    for name, found in tools.items():
        if found:
            times[f"{name} cold"] = []
        else:
            print(f"{name} not found: left out", file=sys.stderr)
    # cpdgen's cache of checked records goes in the bench folder: cleared
    # with the output for the cold build, kept for the two builds after it.
    env = {**os.environ, "CPDGEN_CACHE_DIR": str(root / f"record-cache-{n}")}
    for round_number in range(runs):
        clear(repo / "output", root / "trash")
        clear(root / f"record-cache-{n}", root / "trash")
        times["cpdgen cold"].append(timed(cpdgen, repo, env))
        times["cpdgen nothing changed"].append(timed(cpdgen, repo, env))
        change_one_record(repo, round_number)
        times["cpdgen one changed"].append(timed(cpdgen, repo, env))
        if tools["pelican"]:
            clear(pelican_dir / "output", root / "trash")
            times["pelican cold"].append(
                timed([tools["pelican"], "content", "-o", "output", "-s", "pelicanconf.py", "-q"], pelican_dir)
            )
        if tools["hugo"]:
            clear(hugo_dir / "public", root / "trash")
            times["hugo cold"].append(timed([tools["hugo"], "--quiet"], hugo_dir))
        print(
            f"n={n} round {round_number + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items() if v),
            file=sys.stderr,
        )
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    args = parser.parse_args(argv)
    use_this_checkout()  # this checkout's cpdgen, compiled as installed
    root = args.keep or Path(tempfile.mkdtemp(prefix="cpdgen-bench-site-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "\n| records | "
        + " | ".join(["cpdgen cold", "cpdgen one changed", "cpdgen nothing changed", "pelican cold", "hugo cold"])
        + " | Pelican ÷ cpdgen cold | cpdgen one changed ÷ Hugo cold |"
    )
    print("|---" * 8 + "|")
    for n in args.n:
        times = bench(n, args.runs, root)
        shutil.rmtree(root / "trash", ignore_errors=True)
        med = {k: statistics.median(v) for k, v in times.items() if v}
        # Ratios within each round (the commands ran back to back), then their median.
        nan = [float("nan")] * args.runs
        ratio_p = statistics.median(p / c for p, c in zip(times.get("pelican cold", nan), times["cpdgen cold"]))
        ratio_h = statistics.median(c / h for c, h in zip(times["cpdgen one changed"], times.get("hugo cold", nan)))
        cells = [
            f"{med[k]:.2f} s" if k in med else "n/a"
            for k in ("cpdgen cold", "cpdgen one changed", "cpdgen nothing changed", "pelican cold", "hugo cold")
        ]
        print(f"| {n:,} | " + " | ".join(cells) + f" | {ratio_p:.1f}× | {ratio_h:.2f} |")
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
