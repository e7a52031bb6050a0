"""What `cpdgen init` writes: a records repository, as data.

`plan()` returns every file of a new repository (path and text) from the
member's name and professional body; the command writes the ones missing.
Pure, apart from reading cpdgen's own schemas.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cpdgen import __version__
from cpdgen.authoring import new_record
from cpdgen.authoring.yamlwrite import dump_document, modeline
from cpdgen.common.diagnostics import Diagnostic
from cpdgen.common.errors import UsageError
from cpdgen.common.resources import builtin_policies, schemas_dir
from cpdgen.loading.files import PROFILE_FILES, Repository
from cpdgen.loading.install import InstallSource
from cpdgen.model.kinds import BY_NAME, CONFIG_SCHEMA_FILE, KINDS, PROFILE, YAML_SUFFIXES

PLACEHOLDER_NAME = "Your Name"
DEFAULT_BODY = "IET"

# The schemas are written to schemas/; modelines and editor settings point there.
SCHEMAS = new_record.SCHEMAS


@dataclass(frozen=True)
class PlannedFile:
    path: str  # relative to the new repository's root, POSIX
    text: str
    kind: str | None = None  # the record kind of an example record, else None

    @property
    def is_example(self) -> bool:
        return self.kind is not None and self.kind != PROFILE.name


def plan(name: str, body: str, today: date, install: CiInstall | None = None) -> list[PlannedFile]:
    """Every file of a new records repository, in the order they are listed;
    `install` says how the workflow installs cpdgen (default: from PyPI)."""
    files = [
        PlannedFile("cpdgen.yaml", settings_text(name, body)),
        PlannedFile(f"records/{PROFILE.folder}", profile_text(name, body), PROFILE.name),
    ]
    for kind_name, data, comment in examples(today):
        path = new_record.record_path(kind_name, data)
        files.append(PlannedFile(path, new_record.render(kind_name, data, path, comment=comment), kind_name))
    files += [
        PlannedFile("README.md", readme_text(name)),
        PlannedFile(".gitignore", GITIGNORE),
        PlannedFile(".pre-commit-config.yaml", PRE_COMMIT_CONFIG),
        PlannedFile(".github/workflows/cpd.yml", workflow_text(install)),
        PlannedFile(".vscode/settings.json", vscode_settings_text()),
        PlannedFile(".vscode/extensions.json", VSCODE_EXTENSIONS),
        PlannedFile("evidence/README.md", EVIDENCE_README),
    ]
    files += [PlannedFile(f"{SCHEMAS}/{schema_name}", text) for schema_name, text in schema_files().items()]
    return files


def schema_files() -> dict[str, str]:
    """The schemas exactly as shipped (what `cpdgen schema` writes)."""
    return {path.name: path.read_text("utf-8") for path in sorted(schemas_dir().glob("*.schema.json"))}


# --- settings and profile -----------------------------------------------------


def _is_iet(body: str) -> bool:
    lowered = body.lower()
    return lowered.strip() == "iet" or "(iet)" in lowered or "engineering and technology" in lowered


def settings_text(name: str, body: str) -> str:
    lines = [
        modeline(f"{SCHEMAS}/{CONFIG_SCHEMA_FILE}"),
        "# Settings of this records repository; every one is optional.\n",
        "#\n",
        "# The CPD policy the annual declaration is checked against.\n",
    ]
    if not _is_iet(body):
        lines.append(f"# Shipped: {', '.join(builtin_policies())}; check {body}'s own rules, which may differ.\n")
    lines += [
        "# Several bodies, instead of policy: (cpdgen compliance, docs/policies.md):\n",
        "#   policies: [iet, engineers-ireland, {policy: texas-pe, renewal: 2026-06-30}]\n",
        "policy: iet\n",
        "\n",
        "# The portfolio site (cpdgen build):\n",
        "# site:\n",
        f"#   title: {name} - CPD portfolio\n",
        "#   base_url: https://example.org/cpd/\n",
        "#   publish:\n",
        "#     reflections: false   # true shows reflections on the public site\n",
        "#     evidence: false      # true publishes evidence files\n",
    ]
    return "".join(lines)


def profile_text(name: str, body: str) -> str:
    path = f"records/{PROFILE.folder}"
    header = modeline(new_record.schema_reference(path, PROFILE)) + (
        "# You: the one profile of this repository. Contact details and membership\n"
        "# numbers stay private: they never appear on the public site.\n"
    )
    data = {"name": name, "memberships": [{"body": body}]}
    hints = (
        "\n"
        "# More you may fill in (your editor completes the field names):\n"
        "# post_nominals: CEng MIET\n"
        "# headline: Chartered electrical engineer\n"
        "# registrations:\n"
        "#   - title: CEng\n"
        "#     body: Engineering Council\n"
        "#     since: 2020-01-31\n"
        "# email: you@example.org\n"
        "# location: Cardiff, UK\n"
        "# bio: |\n"
        "#   A paragraph or two about you (Markdown).\n"
    )
    return dump_document(data, header=header) + hints


# --- example records -------------------------------------------------------------


def examples(today: date) -> list[tuple[str, dict, str]]:
    """One example record of each kind: (kind, data, comment). Each says
    `example: true`, so it counts towards nothing (no hours, report, site page
    or declaration) until the member makes it their own."""
    year = today.year
    note = (
        "An example {kind}. It counts towards nothing while it says example: true;\n"
        "make it your own (edit it, and delete that line) or delete the file."
    )
    return [
        (
            "activity",
            {
                "title": "Example: IET webinar on grid-forming inverters",
                "type": "event",
                "start": today.isoformat(),
                "hours": 1.5,
                "provider": "IET",
                "mode": "online",
                "description": "What it was, in a few lines (Markdown).\n",
                "outcomes": "- What you learned.\n- What surprised you.\n",
                "reflection": "How you applied it, and what you will do next.\n",
                "competences": ["A1", "B2"],
                "example": True,
            },
            note.format(kind="CPD activity")
            + f"\ntype is one of {', '.join(new_record.choices('activity', 'type'))}."
            + "\nMake the next one with: cpdgen new activity",
        ),
        (
            "training",
            {
                "title": "Example: functional safety foundation course",
                "start": (today + timedelta(days=30)).isoformat(),
                "hours": 7,
                "status": "booked",
                "provider": "Example Training Ltd",
                "mode": "in-person",
                "description": "A course you have booked: it counts once it is completed.\n",
                "example": True,
            },
            note.format(kind="training course") + "\nMake the next one with: cpdgen new training",
        ),
        (
            "qualification",
            {
                "title": "Example: BEng Electrical and Electronic Engineering",
                "institution": "Example University",
                "level": "Level 6 (BEng)",
                "start": f"{year - 8}-09-20",
                "end": f"{year - 5}-07-01",
                "status": "completed",
                "grade": "First Class Honours",
                "example": True,
            },
            note.format(kind="qualification") + "\nMake the next one with: cpdgen new qualification",
        ),
        (
            "employment",
            {
                "employer": "Example Engineering Ltd",
                "role": "Electrical Engineer",
                "start": f"{year - 3}-01-06",
                "location": "Cardiff, UK",
                "employment_type": "full-time",
                "responsibilities": "What the role covers (Markdown).\n",
                "example": True,
            },
            note.format(kind="job") + " No end: the current job.\nMake the next one with: cpdgen new employment",
        ),
        (
            "objective",
            {
                "title": "Example: become competent in functional safety",
                "description": "The development need, and why (Markdown).\n",
                "competences": ["B2"],
                "created": today.isoformat(),
                "target": f"{year + 1}-12-31",
                "priority": "medium",
                "status": "in-progress",
                "actions": [
                    {"title": "Take a functional safety foundation course", "target": f"{year + 1}-06-30"},
                    {"title": "Apply it on a live design", "target": f"{year + 1}-12-31"},
                ],
                "example": True,
            },
            note.format(kind="CPD objective")
            + "\nActivities and courses refer to it by id (its file name without .yaml),"
            + "\nand actions list the ids of the activities that carried them out."
            + "\nMake the next one with: cpdgen new objective",
        ),
    ]


# --- the repository's own files ------------------------------------------------------

GITIGNORE = "# Generated by cpdgen build: the site and the PDFs.\noutput/\n"

PRE_COMMIT_CONFIG = """\
# Checks the records before every commit. Install the hook once per clone:
#   pre-commit install
# A local hook: it runs the cpdgen you run by hand (it must be on PATH), so it
# needs no network. The whole repository is checked once, because a change to
# one record can break a rule that spans files (references, evidence paths).
repos:
  - repo: local
    hooks:
      - id: cpdgen-validate
        name: cpdgen validate
        entry: cpdgen validate
        language: system
        files: ^(records/|evidence/|cpdgen\\.yaml$)
        pass_filenames: false
        require_serial: true
"""


@dataclass(frozen=True)
class CiInstall:
    """How the workflow installs cpdgen: `pip install "$CPDGEN_SPEC"`."""

    spec: str  # a pip requirement
    reachable: bool  # CI can install it as written
    where: str  # where it comes from, in words, for the workflow's comment
    note: str | None = None  # what `init` says about it


_REMOTE = ("https://", "http://", "ssh://", "git://")


def _remote_git(url: str) -> str | None:
    """A git URL pip can fetch from CI (scp-like git@host:path as ssh://), or None."""
    if url.startswith(_REMOTE):
        return url
    if re.fullmatch(r"[\w.-]+@[\w.-]+:[^/].*", url):  # git@github.com:me/cpdgen.git
        user_host, _, path = url.partition(":")
        return f"ssh://{user_host}/{path}"
    return None


def ci_install(source: InstallSource) -> CiInstall:
    """The spec CI installs cpdgen with: the source the running cpdgen was
    installed from (PEP 610), pinned to its commit or hash where it has one,
    and whether CI can reach it."""
    direct = source.direct_url
    version = source.version
    unreachable = "CI cannot reach it: put a source CI can reach in CPDGEN_SPEC at the top of .github/workflows/cpd.yml"
    if direct is None:
        if not source.installed:
            return CiInstall(
                f"cpdgen=={version}",
                False,
                "a source tree, not an installation",
                "cpdgen runs from a source tree here, not from an installation: "
                + unreachable
                + ' (e.g. "cpdgen @ git+https://github.com/OWNER/cpdgen@COMMIT")',
            )
        return CiInstall(
            f"cpdgen=={version}",
            True,
            "a package index",
            f"cpdgen was installed from a package index: CI installs cpdgen=={version} from PyPI; if yours is "
            "another index, set CPDGEN_SPEC (or PIP_INDEX_URL) in .github/workflows/cpd.yml",
        )
    url = str(direct.get("url", ""))
    subdirectory = direct.get("subdirectory")
    fragment = f"#subdirectory={subdirectory}" if subdirectory else ""
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id")
        asked = vcs.get("requested_revision")
        spec = f"cpdgen @ git+{url}@{commit}{fragment}" if commit else f"cpdgen @ git+{url}{fragment}"
        where = (
            f"the git repository {url}" + (f" ({asked})" if asked else "") + (f", commit {commit}" if commit else "")
        )
        if url.startswith(_REMOTE):
            return CiInstall(spec, True, where)
        return CiInstall(
            spec, False, where, f"cpdgen was installed from a git repository on this computer ({url}): {unreachable}"
        )
    archive = direct.get("archive_info")
    if isinstance(archive, dict):
        hashes = archive.get("hashes")
        if not isinstance(hashes, dict):
            hashes = {}
        # "hash" (PEP 610 as first written), "hashes" (pip 23.1 on, which may write only it), or none (older pips)
        digest = archive.get("hash") or (f"sha256={hashes['sha256']}" if hashes.get("sha256") else "")
        pinned = f"#{digest}" if digest and not fragment else fragment
        spec = f"cpdgen @ {url}{pinned}"
        name = url.rsplit("/", 1)[-1]
        if url.startswith(("https://", "http://")):
            return CiInstall(spec, True, f"the archive {url}")
        return CiInstall(
            spec,
            False,
            f"the archive {url}",
            f"cpdgen was installed from {name} on this computer: {unreachable}, or commit the file "
            f'to the repository (e.g. ci/{name}) and set CPDGEN_SPEC: "./ci/{name}"',
        )
    # a folder: pip install ., pipx install ., pip install -e .
    editable = " (editable)" if isinstance(direct.get("dir_info"), dict) and direct["dir_info"].get("editable") else ""
    remote = _remote_git(source.git_origin) if source.git_origin else None
    if remote and source.git_commit:
        dirty = "; its uncommitted changes are not in that commit" if source.git_dirty else ""
        return CiInstall(
            f"cpdgen @ git+{remote}@{source.git_commit}{fragment}",
            True,
            f"the folder {url}{editable}, a checkout of {remote} at commit {source.git_commit}",
            f"cpdgen was installed from a checkout of {remote}: CI installs the same commit, {source.git_commit[:12]}{dirty}",
        )
    return CiInstall(
        f"cpdgen @ {url}{fragment}",
        False,
        f"the folder {url}{editable}",
        f"cpdgen was installed from a folder on this computer ({url}): {unreachable}"
        ' (e.g. "cpdgen @ git+https://github.com/OWNER/cpdgen@COMMIT")',
    )


def workflow_text(install: CiInstall | None = None) -> str:
    """The GitHub Actions workflow; `install` says how it installs cpdgen (default: from PyPI)."""
    install = install or ci_install(InstallSource(__version__, None))
    comment = "\n".join(
        [
            '  # How CI installs cpdgen (pip install "$CPDGEN_SPEC"): the source the cpdgen that ran',
            f"  # `cpdgen init` came from: {install.where}.",
            "  # Change it when you upgrade cpdgen, so CI judges the records as your desk does."
            + (
                ""
                if install.reachable
                else "\n  # CI cannot reach it as written: replace it with a source CI can reach."
            ),
        ]
    )
    return WORKFLOW.replace("@INSTALL_COMMENT@", comment).replace("@SPEC@", json.dumps(install.spec))


WORKFLOW = """\
# Checks the CPD records on every push and pull request, with annotations
# on the lines at fault.
#
# Publishing the portfolio site to GitHub Pages is opt-in (the publish job
# below builds the site with `cpdgen build --site-only`; the private PDFs are
# never made here). To turn it on:
#   1. Settings > Pages > Build and deployment > Source: GitHub Actions.
#   2. Settings > Secrets and variables > Actions > Variables:
#      add CPDGEN_PUBLISH with the value true.
# The site then follows every push to the default branch, and "Run workflow"
# (Actions tab) publishes it on demand. Nothing private is ever put on the site.
name: CPD records

env:
@INSTALL_COMMENT@
  CPDGEN_SPEC: @SPEC@

on:
  push:
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$CPDGEN_SPEC"
      - run: cpdgen validate --format github

  publish:
    needs: validate
    if: >-
      vars.CPDGEN_PUBLISH == 'true'
      && github.event_name != 'pull_request'
      && github.ref == format('refs/heads/{0}', github.event.repository.default_branch)
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    concurrency:
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$CPDGEN_SPEC"
      - run: cpdgen build --site-only
      - uses: actions/configure-pages@v5
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output/site
      - id: deployment
        uses: actions/deploy-pages@v4
"""


def vscode_settings_text() -> str:
    """Editor settings: which schema judges which files (for VS Code's YAML
    extension; the modelines do the same for any yaml-language-server editor)."""
    mapping: dict[str, list[str]] = {}
    for kind in KINDS:
        if kind.single:
            patterns = [f"records/{kind.folder.rsplit('.', 1)[0]}{suffix}" for suffix in YAML_SUFFIXES]
        else:
            patterns = [f"records/{kind.folder}/**/*{suffix}" for suffix in YAML_SUFFIXES]
        mapping[f"./{SCHEMAS}/{kind.schema_file}"] = patterns
    mapping[f"./{SCHEMAS}/{CONFIG_SCHEMA_FILE}"] = ["cpdgen.yaml"]
    return json.dumps({"yaml.schemas": mapping}, indent=2) + "\n"


VSCODE_EXTENSIONS = '{\n  "recommendations": ["redhat.vscode-yaml"]\n}\n'

EVIDENCE_README = """\
# Evidence

Certificates, notes and other supporting documents. Refer to them from a
record by their path from the repository root, e.g.

```yaml
evidence:
  - evidence/2025/certificate.pdf
```

Evidence stays off the public site unless `cpdgen.yaml` publishes it.
"""


def readme_text(name: str) -> str:
    return README.replace("@NAME@", name)


README = """\
# CPD records of @NAME@

Continuing Professional Development records, kept as YAML files in git and
checked by cpdgen.

## Every day

```sh
cpdgen new activity        # record an activity (asks for the details)
cpdgen validate            # check every record
```

Or give the details at once:

```sh
cpdgen new activity --title "IET lecture: grid forming" --type event \\
  --start 2025-03-14 --hours 1.5 --provider IET
```

A spreadsheet log comes in with `cpdgen import csv log.csv` (try
`--dry-run` first).

## What is where

| path | what |
|---|---|
| `records/profile.yaml` | you |
| `records/activities/` | CPD activities, a folder per year |
| `records/training/` | training courses |
| `records/qualifications/` | academic study |
| `records/employment/` | your employment history |
| `records/objectives/` | CPD planning: objectives and their actions |
| `records/declarations/` | one CPD declaration per review year |
| `evidence/` | certificates and supporting documents |
| `schemas/` | the file format, for your editor (`cpdgen schema` refreshes it) |
| `output/` | generated, not kept in git |

The records created with this repository are examples: each says
`example: true`, and counts towards nothing (no hours, report, site page or
declaration) while it does. Make one your own by editing it and deleting that
line, or delete it; `cpdgen validate` lists those that remain.

Every record file starts with a `# yaml-language-server: $schema=...` line:
editors with YAML support (VS Code with the Red Hat YAML extension, and
others using the yaml-language-server) complete field names and check
values as you type.

## Checks

- Before every commit, once `pre-commit install` has been run in this
  folder (`.pre-commit-config.yaml`; pre-commit itself comes with
  `pip install pre-commit`, or `pipx inject cpdgen pre-commit`).
- On every push, on GitHub (`.github/workflows/cpd.yml`), which can also
  publish your portfolio site to GitHub Pages: see the comments in that file.
"""


# --- writing a new repository -----------------------------------------------------------------

# Present in a folder that is still "empty" for init: a fresh `git init`.
IGNORED_IN_EMPTY = {".git"}


def refuse_non_empty(root: Path, shown: str, directory: Path | None) -> None:
    """`init` starts a repository in an empty folder (or adds to one with --existing)."""
    if not root.is_dir():
        return
    present = sorted(entry.name for entry in root.iterdir() if entry.name not in IGNORED_IN_EMPTY)
    if present:
        listed = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise UsageError(
            f"{shown} is not empty ({listed}); to add the missing files of a records repository "
            "to it, overwriting none, run: cpdgen init --existing" + ("" if directory is None else f" {directory}")
        )


@dataclass(frozen=True)
class Initialised:
    created: list[str]  # paths written, relative to the root
    skipped: list[tuple[str, str]]  # (path, why not written)
    problems: list[Diagnostic]  # what `cpdgen validate` finds afterwards (in files that were there before)


def init_repository(root: Path, name: str, body: str, today: date, install: CiInstall | None = None) -> Initialised:
    """Write every file of a new records repository that is missing, as one
    change (removed again if it brings a new problem), and validate."""
    from cpdgen.authoring.transaction import WouldBeInvalid, create_validated
    from cpdgen.validation.repository import validate_repository

    repo = Repository(root, root / "records")
    files: list[tuple[Path, str]] = []
    created: list[str] = []
    skipped: list[tuple[str, str]] = []
    for planned in plan(name, body, today, install):
        reason = _reason_to_skip(root, planned)
        if reason:
            skipped.append((planned.path, reason))
        else:
            files.append((root / planned.path, planned.text))
            created.append(planned.path)
    try:
        create_validated(repo, files)
    except WouldBeInvalid as exc:
        return Initialised([], skipped, exc.problems)
    return Initialised(created, skipped, validate_repository(repo).errors)


def _reason_to_skip(root: Path, planned: PlannedFile) -> str | None:
    """Why a planned file is not written, or None. Existing files are never
    replaced; nor is a profile added beside one written .yml; nor are examples
    added to a kind that has records already."""
    if (root / planned.path).exists() or (root / planned.path).is_symlink():
        return "exists"
    if planned.kind == "profile" and any((root / "records" / name).exists() for name in PROFILE_FILES):
        return "a profile exists"
    if planned.is_example and planned.kind is not None:
        kind = BY_NAME[planned.kind]
        folder = root / "records" / kind.folder
        if folder.is_dir() and any(path.suffix in YAML_SUFFIXES for path in folder.rglob("*")):
            return f"{kind.plural} exist, no example needed"
    return None
