"""`cpdgen schema`: the shipped JSON Schemas written into a folder, and usable
there on their own. The quality of the schemas themselves is
tests/project/test_schemas.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from cpdgen.cli import cli

from helpers.failures import full_disk_at, unwritable
from helpers.paths import DEMO_RECORDS, PROJECT_ROOT
from helpers.repos import run_in
from helpers.schemas import SCHEMA_FILES, SCHEMAS


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


# --- cpdgen schema --out ----------------------------------------------------


def invoke(args: list[str], cwd: Path):
    return run_in(cwd, *args)


def test_schema_out_writes_every_schema_identical_to_the_shipped_ones(tmp_path: Path):
    out = tmp_path / "exported"
    result = invoke(["schema", "--out", str(out)], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    written = {p.name for p in out.iterdir()}
    assert written == SCHEMA_FILES
    for name in SCHEMA_FILES:
        text = (out / name).read_text("utf-8")
        assert text == (SCHEMAS / name).read_text("utf-8"), f"{name} differs from schemas/{name}"
        schema = json.loads(text)
        jsonschema.Draft7Validator.check_schema(schema)
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    # It says what it wrote, one path a line.
    listed = {Path(line).name for line in result.stdout.splitlines()}
    assert listed == SCHEMA_FILES
    for line in result.stdout.splitlines():
        assert Path(line).parent == out


def test_schema_out_relative_to_the_current_folder_and_outside_a_repository(tmp_path: Path):
    result = invoke(["schema", "--out", "nested/dir"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "nested" / "dir").iterdir()} == SCHEMA_FILES


def test_schema_default_is_the_repository_roots_schemas_folder(tmp_path: Path):
    root = tmp_path / "member"
    (root / "records" / "activities" / "2025").mkdir(parents=True)
    (root / "cpdgen.yaml").write_text("policy: iet\n", "utf-8")
    result = invoke(["schema"], cwd=root / "records" / "activities" / "2025")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (root / "schemas").iterdir()} == SCHEMA_FILES
    assert not (root / "records" / "activities" / "2025" / "schemas").exists()


def test_schema_default_outside_a_repository_is_the_current_folder(tmp_path: Path):
    result = invoke(["schema"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "schemas").iterdir()} == SCHEMA_FILES


def test_schema_out_overwrites_stale_copies(tmp_path: Path):
    out = tmp_path / "exported"
    out.mkdir()
    (out / "activity.schema.json").write_text("{}", "utf-8")
    assert invoke(["schema", "--out", str(out)], cwd=tmp_path).exit_code == 0
    assert (out / "activity.schema.json").read_text("utf-8") == (SCHEMAS / "activity.schema.json").read_text("utf-8")


def test_schema_quiet_writes_but_prints_nothing(tmp_path: Path):
    result = invoke(["schema", "--quiet", "--out", str(tmp_path / "q")], cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert {p.name for p in (tmp_path / "q").iterdir()} == SCHEMA_FILES


def test_schema_out_pointing_at_a_file_is_misuse(tmp_path: Path):
    target = tmp_path / "a-file"
    target.write_text("x", "utf-8")
    result = invoke(["schema", "--out", str(target)], cwd=tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def _one_line_refusal(result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cpdgen: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_schema_out_at_a_device_is_misuse():
    result = invoke(["schema", "--out", "/dev/null"], cwd=Path.cwd())
    _one_line_refusal(result, 2, "/dev/null is not a folder")


def test_schema_out_under_a_file_names_the_file(tmp_path: Path):
    (tmp_path / "a-file").write_text("x", "utf-8")
    result = invoke(["schema", "--out", "a-file/sub"], cwd=tmp_path)
    _one_line_refusal(result, 1, f"{tmp_path / 'a-file'} is not a folder", "nothing was changed")
    assert (tmp_path / "a-file").read_text("utf-8") == "x"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
@pytest.mark.parametrize("out", ["/proc", "/proc/cpdgen-schemas"])
def test_schema_out_in_proc_is_refused(tmp_path: Path, out: str):
    _one_line_refusal(invoke(["schema", "--out", out], cwd=tmp_path), 1, "/proc takes no new files")


def test_schema_out_in_a_read_only_folder_is_refused_and_nothing_is_left(tmp_path: Path, monkeypatch):
    unwritable(monkeypatch)
    result = invoke(["schema", "--out", "new/schemas"], cwd=tmp_path)
    _one_line_refusal(result, 1, "Permission denied", "nothing was changed")
    assert not (tmp_path / "new" / "schemas").exists()


def test_schema_out_replaces_the_whole_set_or_none(tmp_path: Path, monkeypatch):
    """A write that fails part way (a full disk at the fourth file) leaves
    every stale copy as it was: never a mixture of old and new schemas."""
    out = tmp_path / "exported"
    out.mkdir()
    for name in SCHEMA_FILES:
        (out / name).write_text("{}\n", "utf-8")
    full_disk_at(monkeypatch, 4)
    result = invoke(["schema", "--out", str(out)], cwd=tmp_path)
    _one_line_refusal(result, 1, "No space left on device", "nothing was changed")
    assert {p.name: p.read_text("utf-8") for p in out.iterdir()} == dict.fromkeys(SCHEMA_FILES, "{}\n")


def test_schema_help():
    result = CliRunner().invoke(cli, ["schema", "--help"])
    assert result.exit_code == 0 and "--out" in result.stdout


def test_schema_real_process(tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "cpdgen", "schema", "--out", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    for name in SCHEMA_FILES:
        assert (tmp_path / "out" / name).read_bytes() == (SCHEMAS / name).read_bytes()


def test_exported_schemas_work_on_their_own(tmp_path: Path):
    """Another tool, given only the exported folder, can check records: the
    cross-file $refs resolve by file name, with no network."""
    out = tmp_path / "exported"
    assert invoke(["schema", "--out", str(out)], cwd=tmp_path).exit_code == 0
    exported = {p.name: json.loads(p.read_text("utf-8")) for p in out.glob("*.schema.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT7)) for name, schema in exported.items()
    )

    def errors(schema_name: str, data) -> list[str]:
        validator = jsonschema.Draft7Validator({"$ref": schema_name}, registry=registry)
        return [e.message for e in validator.iter_errors(data)]

    activity_file = next(iter(sorted((DEMO_RECORDS / "activities").rglob("*.yaml"))))
    # BaseLoader: dates stay strings, as YAML-aware editors see them.
    data = yaml.load(activity_file.read_text("utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(data, dict), activity_file
    data["hours"] = 1.5  # BaseLoader read it as a string
    assert errors("activity.schema.json", data) == []
    assert errors("activity.schema.json", {**data, "colour": "red"}), "unknown fields must be errors"
    profile = yaml.load((DEMO_RECORDS / "profile.yaml").read_text("utf-8"), Loader=yaml.BaseLoader)
    assert errors("profile.schema.json", {"name": profile["name"]}) == []
    assert errors("profile.schema.json", {}) != []  # name is required
    assert errors("config.schema.json", {"policy": "iet"}) == []
    assert errors("config.schema.json", {"polcy": "iet"}) != []
