"""The docs: file-format.md is generated from the schemas and must match them;
the guides show what cpdgen really does."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cpdgen.authoring import scaffold
from cpdgen.model.kinds import CONFIG_SCHEMA_FILE, KINDS
from cpdgen.render.file_format import file_format_markdown

from helpers.paths import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
GUIDES = ("getting-started.md", "file-format.md", "ci-and-pre-commit.md", "publishing.md")


def test_file_format_md_is_what_the_schemas_generate_now():
    committed = (DOCS / "file-format.md").read_text("utf-8")
    assert committed == file_format_markdown(), (
        "docs/file-format.md is out of date with schemas/: run `python docs/generate.py` and commit the result"
    )


def _load_generate():
    spec = importlib.util.spec_from_file_location("generate_docs", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generate_script_writes_and_checks(tmp_path: Path, capsys):
    generate = _load_generate()
    generate.TARGET = tmp_path / "file-format.md"
    assert generate.main(["--check"]) == 1  # missing
    assert generate.main([]) == 0
    assert generate.TARGET.read_text("utf-8") == file_format_markdown()
    assert generate.main(["--check"]) == 0
    generate.TARGET.write_text(file_format_markdown().replace("| `title` |", "| `titel` |", 1), "utf-8")
    assert generate.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_generate_script_check_passes_on_the_committed_file():
    proc = subprocess.run(
        [sys.executable, str(DOCS / "generate.py"), "--check"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def _walk(node: dict, schemas: dict, file: str):
    """(property name, its resolved schema) at any depth, following $refs."""
    if "$ref" in node:
        target_file, _, pointer = node["$ref"].partition("#")
        target = schemas[target_file or file]
        for step in filter(None, pointer.split("/")):
            target = target[step]
        yield from _walk({**target, **{k: v for k, v in node.items() if k != "$ref"}}, schemas, target_file or file)
        return
    for name, sub in node.get("properties", {}).items():
        yield name, sub, file
        yield from _walk(sub, schemas, file)
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], schemas, file)


def _resolved(node: dict, schemas: dict, file: str) -> tuple[str, dict]:
    while "$ref" in node:
        target_file, _, pointer = node["$ref"].partition("#")
        file = target_file or file
        target = schemas[file]
        for step in filter(None, pointer.split("/")):
            target = target[step]
        node = target
    return file, node


def test_every_field_and_every_allowed_value_is_documented():
    schemas = {p.name: json.loads(p.read_text("utf-8")) for p in (PROJECT_ROOT / "schemas").glob("*.schema.json")}
    text = file_format_markdown()
    documents = [(schemas[k.schema_file]["definitions"][k.name], k.schema_file) for k in KINDS]
    documents.append((schemas[CONFIG_SCHEMA_FILE], CONFIG_SCHEMA_FILE))
    seen_enums = 0
    for node, file in documents:
        for name, sub, sub_file in _walk(node, schemas, file):
            assert f"| `{name}` |" in text, f"{file}: {name} is not in file-format.md"
            values_file, values = _resolved(sub, schemas, sub_file)
            _, items = _resolved(values.get("items", {}), schemas, values_file)
            for value in values.get("enum", []) + items.get("enum", []):
                assert f"`{value}`" in text, f"{file}: {name} value {value}"
                seen_enums += 1
    assert seen_enums > 30  # the walk does reach the enums
    for kind in KINDS:
        assert f"## {kind.name.capitalize()}" in text


@pytest.mark.parametrize("name", GUIDES)
def test_guides_exist_and_their_relative_links_resolve(name: str):
    text = (DOCS / name).read_text("utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
        assert (DOCS / target).exists(), f"{name} links to {target}, which does not exist"


def test_readme_links_to_the_guides():
    readme = (PROJECT_ROOT / "README.md").read_text("utf-8")
    for name in GUIDES:
        assert f"docs/{name}" in readme, name
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", readme):
        assert (PROJECT_ROOT / target).exists(), target


def test_ci_guide_shows_the_hook_init_writes():
    guide = (DOCS / "ci-and-pre-commit.md").read_text("utf-8")
    hooks = scaffold.PRE_COMMIT_CONFIG[scaffold.PRE_COMMIT_CONFIG.index("repos:") :]
    assert hooks in guide
    assert "cpdgen validate --format github" in guide and "cpdgen validate --format github" in scaffold.workflow_text()


def test_getting_started_documents_shell_completion_for_each_shell():
    guide = (DOCS / "getting-started.md").read_text("utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_CPDGEN_COMPLETE={shell}_source cpdgen" in guide


def test_publishing_says_what_build_makes_and_how_it_is_published():
    guide = (DOCS / "publishing.md").read_text("utf-8")
    assert "Coming in a later release" not in guide
    assert "cpdgen build --site-only" in guide and "cpdgen build --site-only" in scaffold.workflow_text()
    assert "output/site" in guide and "CPDGEN_PUBLISH" in guide
    assert "CPDGEN_PUBLISH" in scaffold.workflow_text() and "output/site" in scaffold.workflow_text()
