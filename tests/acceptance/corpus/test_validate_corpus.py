"""`cpdgen validate --format json` over a corpus of small records repositories.

Each case is a folder under `tests/corpus/invalid/` or `tests/corpus/valid/`
holding the repository files it needs and an `expect.yaml`:

    about: what the case shows (one sentence)
    errors:                      # exactly these, no more, no fewer
      - at: records/activities/2025/talk.yaml:1:1     # file:line:column
        message: "unknown field 'titel'"              # substring, or a list of them
        absent: "remove the quotes"                   # optional: must NOT be in the message
    warnings: [...]              # same shape; default: none
    records: 4                   # valid cases: the record count reported
    profile: false               # do not add the default records/profile.yaml
    setup: big_file              # a function below prepares what a corpus
                                 # cannot hold (symbolic links, a 1 MB file)
    xfail: why                   # a known bug in cpdgen: the case states the
                                 # right behaviour and is a strict xfail

The test copies the case into a fresh repository (the `repo` fixture: a
`cpdgen.yaml` with `policy: iet` and a profile `name: Jo Bloggs`, either
replaced by the case's own), runs the real command line and compares the
diagnostics as a multiset: a message reported twice fails too. It also checks
that validating wrote nothing and never printed a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from helpers.paths import CORPUS

INVALID = CORPUS / "invalid"
VALID = CORPUS / "valid"
EXPECT = "expect.yaml"
_EXPECT_KEYS = {"about", "errors", "warnings", "records", "profile", "setup", "xfail"}


# --------------------------------------------------------------------------- setups
# What a corpus in git cannot hold reliably: symbolic links, a file over 1 MB.


def _symlink(target: Path | str, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError) as exc:  # pragma: no cover - e.g. Windows without privilege
        pytest.skip(f"cannot make symbolic links here: {exc}")


def _setup_symlinks_out(root: Path) -> None:
    outside = root.parent / "outside" / "secret.pdf"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_bytes(b"%PDF-1.4\n")
    _symlink(outside, root / "evidence/2025/linked.pdf")
    _symlink(root / "evidence/2025/nowhere.pdf", root / "evidence/2025/dangling.pdf")


def _setup_record_symlink_out(root: Path) -> None:
    outside = root.parent / "outside" / "activity.yaml"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text("title: Elsewhere\ntype: event\nstart: 2025-03-14\nhours: 1\n", "utf-8")
    _symlink(outside, root / "records/activities/2025/linked.yaml")


def _setup_big_file(root: Path) -> None:
    head = b"title: Big\ntype: event\nstart: 2025-03-14\nhours: 1\ndescription: "
    body = head + b"x" * (1_000_000 - len(head)) + b"\n"
    assert len(body) == 1_000_001
    (root / "records/activities/2025/big.yaml").write_bytes(body)


def _setup_symlink_inside(root: Path) -> None:
    _symlink("certificate.pdf", root / "evidence/2025/alias.pdf")


def _setup_links_nowhere(root: Path) -> None:
    folder = root / "records/activities/2025"
    _symlink("loop-b.yaml", folder / "loop-a.yaml")
    _symlink("loop-a.yaml", folder / "loop-b.yaml")
    _symlink("missing.yaml", folder / "dangling.yaml")


def _setup_evidence_fifo(root: Path) -> None:
    (root / "evidence").mkdir(parents=True, exist_ok=True)
    os.mkfifo(root / "evidence/pipe.pdf")


SETUPS = {
    "links_nowhere": _setup_links_nowhere,
    "evidence_fifo": _setup_evidence_fifo,
    "symlinks_out": _setup_symlinks_out,
    "record_symlink_out": _setup_record_symlink_out,
    "big_file": _setup_big_file,
    "symlink_inside": _setup_symlink_inside,
}


# --------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    column: int
    parts: tuple[str, ...]  # substrings the message must hold
    absent: tuple[str, ...] = ()  # substrings it must not hold

    def matches(self, actual: dict) -> bool:
        message = actual["message"]
        return (
            (actual["file"], actual["line"], actual["column"]) == (self.file, self.line, self.column)
            and all(part in message for part in self.parts)
            and not any(part in message for part in self.absent)
        )

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: " + " ... ".join(self.parts)
        return text + (f"   [without: {' / '.join(self.absent)}]" if self.absent else "")


def _strings(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _expected(items) -> list[Expected]:
    found = []
    for item in items or []:
        assert set(item) <= {"at", "message", "absent"}, f"unknown keys in {item}"
        file, line, column = item["at"].rsplit(":", 2)
        parts = _strings(item["message"])
        assert parts and all(isinstance(part, str) and part for part in parts), item
        found.append(Expected(file, int(line), int(column), parts, _strings(item.get("absent"))))
    return found


def load_expect(case: Path) -> dict:
    spec = yaml.safe_load((case / EXPECT).read_text("utf-8"))
    assert isinstance(spec, dict), f"{case / EXPECT}: not a mapping"
    unknown = set(spec) - _EXPECT_KEYS
    assert not unknown, f"{case / EXPECT}: unknown keys {sorted(unknown)}"
    assert spec.get("setup") in (None, *SETUPS), f"{case / EXPECT}: unknown setup {spec.get('setup')}"
    return spec


def _match(expected: list[Expected], actual: list[dict]) -> tuple[list[Expected], list[dict]]:
    """Pair each expected diagnostic with a distinct actual one (a bipartite
    matching, so overlapping substrings cannot steal each other's partner).
    Returns what is left unpaired on either side."""
    partner: dict[int, int] = {}  # actual index -> expected index

    def place(e: int, seen: set[int]) -> bool:
        for a, diagnostic in enumerate(actual):
            if a in seen or not expected[e].matches(diagnostic):
                continue
            seen.add(a)
            if a not in partner or place(partner[a], seen):
                partner[a] = e
                return True
        return False

    unmatched = [expected[e] for e in range(len(expected)) if not place(e, set())]
    extra = [actual[a] for a in range(len(actual)) if a not in partner]
    return unmatched, extra


def assert_diagnostics(kind: str, expected: list[Expected], actual: list[dict]) -> None:
    missing, extra = _match(expected, actual)
    if missing or extra:
        lines = [f"{kind} differ from expect.yaml"]
        lines += [f"  missing:    {item}" for item in missing]
        lines += [f"  unexpected: {d['file']}:{d['line']}:{d['column']}: {d['message']}" for d in extra]
        lines += ["  all reported:"] + [f"    {d['file']}:{d['line']}:{d['column']}: {d['message']}" for d in actual]
        pytest.fail("\n".join(lines), pytrace=False)


# --------------------------------------------------------------------------- running a case


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path below `root` with what it is: folders, links (target),
    files (size, modification time, SHA-256)."""
    seen: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        folder = Path(dirpath)
        for name in dirnames + filenames:
            path = folder / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                seen[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                seen[rel] = ("dir",)
            elif not path.is_file():  # a FIFO made by a setup: reading it would block
                seen[rel] = ("special", path.stat().st_mode)
            else:
                stat = path.stat()
                seen[rel] = ("file", stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return seen


def materialise(case: Path, spec: dict, root: Path) -> None:
    """The case's files over the fixture repository (its own cpdgen.yaml and
    profile.yaml win), then the case's setup."""
    for source in sorted(case.rglob("*")):
        rel = source.relative_to(case)
        if rel.as_posix() == EXPECT or source.is_dir():
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if spec.get("profile") is False:
        (root / "records/profile.yaml").unlink()
    if spec.get("setup"):
        SETUPS[spec["setup"]](root)


def run_case(case: Path, repo) -> tuple[object, dict, dict]:
    spec = load_expect(case)
    materialise(case, spec, repo.root)
    before = snapshot(repo.root)
    result = repo.run("validate", "--format", "json")
    after = snapshot(repo.root)
    output = result.output + (result.stderr or "")
    assert "Traceback" not in output, output
    assert "internal error" not in output, output
    assert after == before, "cpdgen validate changed files: " + ", ".join(
        sorted(rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel))
    )
    report = json.loads(result.stdout)
    assert set(report) == {"ok", "records", "errors", "warnings"}, report
    for diagnostic in report["errors"] + report["warnings"]:
        assert set(diagnostic) == {"file", "line", "column", "message"}, diagnostic
    return result, report, spec


def _params(folder: Path) -> list:
    params = []
    for case in sorted(path for path in folder.iterdir() if path.is_dir()):
        reason = load_expect(case).get("xfail")
        marks = [pytest.mark.xfail(reason=" ".join(reason.split()), strict=True)] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", _params(INVALID))
def test_invalid_case(case: Path, repo) -> None:
    result, report, spec = run_case(case, repo)
    assert result.exit_code == 1, result.output
    assert report["ok"] is False
    assert spec.get("errors"), "an invalid case must expect errors"
    assert_diagnostics("errors", _expected(spec["errors"]), report["errors"])
    assert_diagnostics("warnings", _expected(spec.get("warnings")), report["warnings"])


@pytest.mark.parametrize("case", _params(VALID))
def test_valid_case(case: Path, repo) -> None:
    result, report, spec = run_case(case, repo)
    assert not spec.get("errors"), "a valid case expects no errors"
    assert report["errors"] == [], report["errors"]
    assert result.exit_code == 0, result.output
    assert report["ok"] is True
    assert_diagnostics("warnings", _expected(spec.get("warnings")), report["warnings"])
    if "records" in spec:
        assert report["records"] == spec["records"]


def test_corpus_size_and_shape() -> None:
    invalid = [case for case in INVALID.iterdir() if case.is_dir()]
    valid = [case for case in VALID.iterdir() if case.is_dir()]
    assert len(invalid) >= 35
    assert len(valid) >= 5
    for case in invalid + valid:
        spec = load_expect(case)
        assert spec.get("about"), f"{case.name}: say what the case shows"
        _expected(spec.get("errors"))
        _expected(spec.get("warnings"))
    # Files the corpus must not carry: they are made by the setups above.
    for path in CORPUS.rglob("*"):
        assert not path.is_symlink(), path
        assert path.stat().st_size < 100_000, path


@pytest.mark.parametrize("case", _params(INVALID))
def test_every_problem_is_one_line_of_text(case: Path, repo) -> None:
    """Each problem is exactly one `path:line:column: severity: message` line
    (editors and CI parse them), and the summary closes the output."""
    if load_expect(case).get("xfail"):
        pytest.skip("a known bug")
    spec = load_expect(case)
    materialise(case, spec, repo.root)
    lines = repo.run("validate", "--format", "text").stdout.splitlines()
    pattern = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): \S.*$")
    assert lines and re.fullmatch(r"\d+ records? in \d+ files?: .+", lines[-1]), lines[-1:]
    for line in lines[:-1]:
        assert pattern.fullmatch(line), line


def test_json_output_matches_text_output(repo) -> None:
    """The text form reports the same diagnostics as `path:line:column: ...`."""
    case = INVALID / "enum-near-miss"
    materialise(case, load_expect(case), repo.root)
    report = json.loads(repo.run("validate", "--format", "json").stdout)
    text = repo.run("validate", "--format", "text").output
    for d in report["errors"]:
        assert f"{d['file']}:{d['line']}:{d['column']}: error: {d['message']}" in text
