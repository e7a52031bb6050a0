"""The installed program: build the wheel, install it into a fresh virtual
environment, and run it away from the source checkout.

The wheel must carry the top-level schemas/ and site_templates/ inside the
package (cpdgen/_data/...), and an installed cpdgen must find them there,
not in a source tree that happens to be on the path.

Offline-friendly: the virtual environment sees the packages of the
environment running the tests (a .pth file naming its site-packages) for
cpdgen's dependencies, and the wheel is installed with --no-deps
--ignore-installed so the venv gets its own copy of cpdgen. Not
--system-site-packages: that shows the base interpreter's packages, which a
newcomer's fresh virtual environment does not have. Building needs hatchling: used from this interpreter when installed,
otherwise pip fetches it into an isolated build environment.
"""

from __future__ import annotations

import email
import hashlib
import importlib.util
import json
import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo

SCHEMA_NAMES = sorted(p.name for p in (PROJECT_ROOT / "schemas").glob("*.schema.json"))
TEMPLATE_FILES = sorted(
    p.relative_to(PROJECT_ROOT / "site_templates").as_posix()
    for p in (PROJECT_ROOT / "site_templates").rglob("*")
    if p.is_file() and "__pycache__" not in p.parts
)
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""


def _clean_env() -> dict[str, str]:
    """The environment of a user's shell: no source checkout on the path."""
    drop = {
        "PYTHONPATH",
        "PYTHONHOME",
        "GITHUB_ACTIONS",
        "NO_COLOR",
        "CPDGEN_JOBS",
        "CPDGEN_DEBUG",
        "VIRTUAL_ENV",
        "PIP_REQUIRE_VIRTUALENV",
    }
    return {k: v for k, v in os.environ.items() if k not in drop}


def _run(args: list, cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout
    )


def _make_venv(root: Path) -> Path:
    """A new virtual environment at `root` that sees the packages of the one
    running the tests (cpdgen's dependencies, wherever they were installed),
    after its own; returns its python. The paths go in a .pth file as plain
    lines, so the running environment's own .pth files (an editable
    install's path to this checkout) are not read."""
    proc = _run([sys.executable, "-m", "venv", root], cwd=root.parent)
    assert proc.returncode == 0, proc.stderr
    python = root / BIN / f"python{EXE}"
    proc = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root.parent)
    assert proc.returncode == 0, proc.stderr
    running = [path for path in site.getsitepackages() if os.path.isdir(path)]
    (Path(proc.stdout.strip()) / "running-tests-packages.pth").write_text("\n".join(running) + "\n", "utf-8")
    return python


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    args = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "-w",
        out,
    ]
    if importlib.util.find_spec("hatchling") is not None:
        args.append("--no-build-isolation")
    proc = _run([*args, PROJECT_ROOT], cwd=out)
    assert proc.returncode == 0, f"building the wheel failed:\n{proc.stdout}\n{proc.stderr}"
    wheels = list(out.glob("cpdgen-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "env"
    python = _make_venv(root)
    proc = _run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--ignore-installed",
            "--no-index",
            "--disable-pip-version-check",
            wheel,
        ],
        cwd=root.parent,
    )
    assert proc.returncode == 0, f"installing the wheel failed:\n{proc.stdout}\n{proc.stderr}"
    return root


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder that is neither the checkout nor a records repository."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


@pytest.fixture
def member(tmp_path: Path) -> TmpRepo:
    made = TmpRepo(tmp_path / "member")
    made.write("cpdgen.yaml", "policy: iet\n")
    made.write("records/profile.yaml", "name: Jo Bloggs\n")
    made.write(
        "records/activities/2025/lecture.yaml", "title: IET lecture\ntype: event\nstart: 2025-03-14\nhours: 1.5\n"
    )
    made.write(
        "records/training/2025/course.yaml",
        "title: Functional safety course\nstart: 2025-05-01\nend: 2025-05-02\nhours: 14\n",
    )
    return made


# --- the wheel --------------------------------------------------------------


def test_wheel_carries_the_schemas_and_templates_inside_the_package(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert "cpdgen/_data/schemas/activity.schema.json" in names
        for name in SCHEMA_NAMES:
            member = f"cpdgen/_data/schemas/{name}"
            assert member in names, member
            assert archive.read(member) == (PROJECT_ROOT / "schemas" / name).read_bytes(), member
        assert TEMPLATE_FILES, "site_templates/ is empty in the checkout"
        for rel in TEMPLATE_FILES:
            assert f"cpdgen/_data/site_templates/{rel}" in names, rel
        assert any(n.startswith("cpdgen/_data/site_templates/") for n in names)


def test_wheel_has_the_package_and_nothing_of_the_project_around_it(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for module in (
        "cpdgen/__init__.py",
        "cpdgen/__main__.py",
        "cpdgen/cli/__init__.py",
        "cpdgen/cli/validate.py",
        "cpdgen/common/resources.py",
        "cpdgen/output/build.py",
        "cpdgen/authoring/scaffold.py",
    ):
        assert module in names, module
    top = {n.split("/")[0] for n in names}
    assert top == {"cpdgen", next(t for t in top if t.endswith(".dist-info"))}, top
    assert not any(n.startswith(("cpdgen/records/", "cpdgen/tests/")) for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_wheel_metadata_entry_point_and_dependencies(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        info = next(n.split("/")[0] for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert metadata["Name"] == "cpdgen"
    import cpdgen

    assert metadata["Version"] == cpdgen.__version__
    requires = " ".join(metadata.get_all("Requires-Dist") or []).lower()
    for dependency in ("pyyaml", "jsonschema", "click"):
        assert dependency in requires, dependency
    assert "cpdgen = cpdgen.cli:main" in entry_points


# --- installed and run elsewhere ----------------------------------------------


def test_installed_cpdgen_validates_a_repository_from_another_folder(venv: Path, member: TmpRepo, elsewhere: Path):
    proc = _run([venv / BIN / f"cpdgen{EXE}", "validate", "--records", member.records], cwd=elsewhere)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "3 records in 3 files: all valid"
    assert "Traceback" not in proc.stderr


def test_installed_cpdgen_builds_the_site_and_a_pdf_from_its_own_templates(
    venv: Path, member: TmpRepo, elsewhere: Path
):
    out = elsewhere / "built"
    proc = _run(
        [
            venv / BIN / f"cpdgen{EXE}",
            "--records",
            member.records,
            "build",
            "--site-only",
            "--out",
            out,
            "--as-of",
            "2026-11-28",
        ],
        cwd=elsewhere,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Built ") and (out / "site" / "static" / "style.css").is_file()
    assert "<main" in (out / "site" / "index.html").read_text("utf-8")
    pdf = elsewhere / "report.pdf"
    proc = _run(
        [
            venv / BIN / f"cpdgen{EXE}",
            "--records",
            member.records,
            "report",
            "activity",
            "--format",
            "pdf",
            "--year",
            "2025",
            "-o",
            pdf,
            "--as-of",
            "2026-11-28",
        ],
        cwd=elsewhere,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_installed_cpdgen_reports_invalid_records(venv: Path, member: TmpRepo, elsewhere: Path):
    member.write(
        "records/activities/2025/bad.yaml", "title: Bad\ntype: event\nstart: 2025-02-30\nhours: 1\ncolour: red\n"
    )
    proc = _run(
        [venv / BIN / f"cpdgen{EXE}", "--records", member.records, "validate", "--format", "json"], cwd=elsewhere
    )
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["records"] == 4
    assert {e["file"] for e in data["errors"]} == {"records/activities/2025/bad.yaml"}
    assert len(data["errors"]) == 2


def test_installed_cpdgen_finds_its_data_in_site_packages(venv: Path, elsewhere: Path):
    code = (
        "import json, sysconfig, cpdgen, cpdgen.common.resources as r\n"
        "print(json.dumps({'package': cpdgen.__file__, 'schemas': str(r.schemas_dir()),"
        " 'templates': str(r.templates_dir()), 'purelib': sysconfig.get_paths()['purelib']}))"
    )
    proc = _run([venv / BIN / f"python{EXE}", "-c", code], cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    found = {key: Path(value).resolve() for key, value in json.loads(proc.stdout).items()}
    site_packages = found["purelib"]
    assert site_packages.is_relative_to(venv.resolve())
    for key in ("package", "schemas", "templates"):
        assert found[key].is_relative_to(site_packages), f"{key}: {found[key]} is not in {site_packages}"
        assert not found[key].is_relative_to(PROJECT_ROOT.resolve()), f"{key} comes from the source checkout"
    assert found["schemas"] == site_packages / "cpdgen" / "_data" / "schemas"
    assert found["templates"] == site_packages / "cpdgen" / "_data" / "site_templates"
    assert sorted(p.name for p in found["schemas"].glob("*.schema.json")) == SCHEMA_NAMES


def test_installed_cpdgen_exports_the_shipped_schemas(venv: Path, elsewhere: Path):
    proc = _run([venv / BIN / f"python{EXE}", "-m", "cpdgen", "schema", "--out", "exported"], cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (elsewhere / "exported").iterdir()) == SCHEMA_NAMES
    for name in SCHEMA_NAMES:
        assert (elsewhere / "exported" / name).read_bytes() == (PROJECT_ROOT / "schemas" / name).read_bytes()


def test_installed_cpdgen_version_and_misuse(venv: Path, elsewhere: Path):
    import cpdgen

    proc = _run([venv / BIN / f"cpdgen{EXE}", "--version"], cwd=elsewhere)
    assert proc.returncode == 0 and cpdgen.__version__ in proc.stdout
    proc = _run([venv / BIN / f"cpdgen{EXE}", "validate"], cwd=elsewhere)
    assert proc.returncode == 2
    assert "no records repository" in proc.stderr and "Traceback" not in proc.stderr


# --- every module imports on its own ------------------------------------------


def _modules() -> list:
    found = []
    for path in sorted((PROJECT_ROOT / "cpdgen").rglob("*.py")):
        parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        found.append(pytest.param(name, id=name))
    return found


@pytest.mark.parametrize("module", _modules())
def test_every_module_imports_on_its_own(module: str):
    """In a fresh interpreter, each module can be the first one imported
    (no import cycles that depend on who imports what first)."""
    env = {**_clean_env(), "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


# --- the install routes the README names, from this repository --------------------------------------


def _venv_with(tmp_path: Path, *source: str | Path) -> Path:
    root = tmp_path / "env"
    args = [_make_venv(root), "-m", "pip", "install", "--no-deps", "--ignore-installed",
            "--disable-pip-version-check"]  # fmt: skip
    if importlib.util.find_spec("hatchling") is not None:
        args.append("--no-build-isolation")
    proc = _run([*args, *source], cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, f"installing {source} failed:\n{proc.stdout}\n{proc.stderr}"
    return root


def _init_spec(venv: Path, tmp_path: Path) -> tuple[str, str]:
    """`cpdgen init` with that installation: the workflow's CPDGEN_SPEC and what init said."""
    import yaml

    proc = _run([venv / BIN / f"cpdgen{EXE}", "init", "m", "--name", "Jo"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    workflow = yaml.safe_load((tmp_path / "m/.github/workflows/cpd.yml").read_text("utf-8"))
    return workflow["env"]["CPDGEN_SPEC"], proc.stdout


def _direct_url(venv: Path) -> dict:
    found = {
        path.resolve()
        for pattern in ("lib*/python*/site-packages/cpdgen-*.dist-info/direct_url.json",
                        "Lib/site-packages/cpdgen-*.dist-info/direct_url.json")
        for path in venv.glob(pattern)
    }  # fmt: skip
    assert len(found) == 1, found
    found = next(iter(found))
    return json.loads(found.read_text("utf-8"))


@pytest.mark.skipif(not (PROJECT_ROOT / ".git").exists(), reason="not a git checkout")
def test_pip_install_from_a_git_url_and_init_pins_that_commit(tmp_path: Path):
    """`pip install git+file:///path/to/cpdgen` (a git URL, as from GitHub):
    the workflow `init` writes installs the same commit, and says that CI
    cannot reach a repository on this computer."""
    commit = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    venv = _venv_with(tmp_path, f"git+{PROJECT_ROOT.as_uri()}")
    assert _direct_url(venv)["vcs_info"]["commit_id"] == commit.stdout.strip()
    spec, said = _init_spec(venv, tmp_path)
    assert spec == f"cpdgen @ git+{PROJECT_ROOT.as_uri()}@{commit.stdout.strip()}"
    assert "Warning: cpdgen was installed from a git repository on this computer" in said


def test_pip_install_from_the_folder_and_from_a_built_wheel(tmp_path: Path, wheel: Path):
    """`pip install .` (and `pipx install .`, which records the same) and the
    wheel `python -m build` makes: each installs a working cpdgen, and init
    names its source in the workflow."""
    (tmp_path / "folder").mkdir()
    folder = _venv_with(tmp_path / "folder", PROJECT_ROOT)
    assert _direct_url(folder)["url"] == PROJECT_ROOT.as_uri()
    spec, said = _init_spec(folder, tmp_path / "folder")
    assert spec.startswith("cpdgen @ ") and ("Warning:" in said or "Note:" in said)
    (tmp_path / "wheel").mkdir()
    from_wheel = _venv_with(tmp_path / "wheel", wheel)
    spec, said = _init_spec(from_wheel, tmp_path / "wheel")
    archive = _direct_url(from_wheel)["archive_info"]
    if archive.get("hash") or archive.get("hashes"):  # pip 20.1 to 23.0 (Debian 12's) record no hash of a local wheel
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        assert spec == f"cpdgen @ {wheel.as_uri()}#sha256={digest}"
    else:
        assert spec == f"cpdgen @ {wheel.as_uri()}"
    assert f"commit the file to the repository (e.g. ci/{wheel.name})" in said
