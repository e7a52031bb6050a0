"""The fast schema gate (fastjsonschema) and jsonschema must agree.

Large repositories trust the gate's "valid" without asking jsonschema, so a
record the gate passes but jsonschema rejects would slip through. These tests
hold the two to the same verdict on every corpus case, the demo records and
thousands of mutated records.
"""

from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path

import pytest

from cpdgen.loading.files import discover, find_repository, read_text
from cpdgen.loading.yamlparse import parse_yaml
from cpdgen.model.kinds import BY_NAME as BY_KIND
from cpdgen.model.kinds import KINDS
from cpdgen.validation.files import FileChecker
from cpdgen.validation.repository import validate_repository

from helpers.paths import CORPUS, DEMO_RECORDS, PROJECT_ROOT

CASES = sorted(p for p in (CORPUS / "invalid").iterdir() if p.is_dir()) + sorted(
    p for p in (CORPUS / "valid").iterdir() if p.is_dir()
)


def _results(root: Path, fast: bool):
    repo = find_repository(root, root / "records")
    sources, _ = discover(repo)
    checker = FileChecker(repo.root, fast=fast)
    return [checker.check(source) for source in sources]


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fast_and_plain_checks_give_identical_results(case: Path, tmp_path: Path):
    root = tmp_path / "case"
    shutil.copytree(case, root, symlinks=True)
    (root / "records").mkdir(exist_ok=True)
    assert _results(root, fast=True) == _results(root, fast=False)


def test_fast_and_plain_agree_on_the_demo_records():
    assert _results(PROJECT_ROOT, fast=True) == _results(PROJECT_ROOT, fast=False)


# Values of every shape a member might type by mistake.
_WILD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1,
    1.5,
    24,
    25,
    1e9,
    "",
    " ",
    "x",
    "2025-01-01",
    "2025-02-30",
    "20250101",
    "1:30",
    "yes",
    "event",
    "seminar",
    "completed",
    "planned",
    "A1",
    "F9",
    "a1",
    "evidence/none.pdf",
    "/etc/passwd",
    "../x",
    "generate",
    "someone@example.org",
    "not an email",
    "https://example.org/",
    "example.org",
    "https://exa mple.org",
    ".a@example.org",
    "A1\n",
    "A5",
    "nl-test\n",
    "\ufeff",
    "\u200b",
    "0225-03-14",
    "9999-12-31",
    "\u0663",
    [],
    ["A1"],
    ["A1", "A1"],
    ["A1\n"],
    ["B4"],
    [1],
    [None],
    ["x", "y"],
    {},
    {"a": 1},
    {"title": "x"},
]


def _mutations(record: dict, rng: random.Random, count: int):
    """`count` copies of `record`, each with one field set to a wild value,
    removed, or an unknown field added, sometimes one level down."""
    for _ in range(count):
        mutated = copy.deepcopy(record)
        target = mutated
        keys = list(target)
        nested = [k for k in keys if isinstance(target[k], (dict, list)) and target[k]]
        if nested and rng.random() < 0.3:
            inner = target[rng.choice(nested)]
            if isinstance(inner, list):
                index = rng.randrange(len(inner))
                if isinstance(inner[index], dict) and inner[index]:
                    target = inner[index]
                else:
                    inner[index] = rng.choice(_WILD_VALUES)
                    yield mutated
                    continue
            else:
                target = inner
        action = rng.random()
        if action < 0.7 and target:
            target[rng.choice(list(target))] = copy.deepcopy(rng.choice(_WILD_VALUES))
        elif action < 0.85 and target:
            del target[rng.choice(list(target))]
        else:
            target[rng.choice(["titel", "colour", "extra", "notes", "id"])] = copy.deepcopy(rng.choice(_WILD_VALUES))
        yield mutated


def test_fast_and_plain_agree_on_mutated_records():
    result = validate_repository(find_repository(PROJECT_ROOT, DEMO_RECORDS))
    # with the policy's framework: competence codes are judged by both validators alike
    checker = FileChecker(PROJECT_ROOT, fast=True, framework=result.policy.competences)
    assert checker.framework is not None
    rng = random.Random(20261128)
    compared = disagreements = 0
    examples = []
    for kind in KINDS:
        originals = result.records.items[kind.name]
        for record in originals[:10]:
            data = parse_yaml(read_text(PROJECT_ROOT / record.source.file)).data
            data = data[record.source.index] if record.source.index is not None else data
            for mutated in _mutations(data, rng, 60):
                gate_says = checker.gates[kind.name](mutated)
                plain_says = not any(True for _ in checker.validators[kind.name].iter_errors(mutated))
                compared += 1
                if gate_says != plain_says:
                    disagreements += 1
                    examples.append((kind.name, mutated, gate_says, plain_says))
    assert compared > 2000
    assert disagreements == 0, examples[:3]


# ---- `pattern` is ECMA-262's, in both validators ------------------------------

# (pattern, value, ECMA-262 verdict): where Python's `re` would say otherwise.
_PATTERN_TABLE = [
    ("^[A-E][1-5]$", "A1", True),
    ("^[A-E][1-5]$", "A1\n", False),  # `$` is the very end, not "before a final newline"
    ("^[0-9a-f]{64}$", "a" * 64 + "\n", False),
    ("^(?!.*\\.\\.)[^\\s./\\\\-][^\\s\\\\]*$", "nl-test", True),
    ("^(?!.*\\.\\.)[^\\s./\\\\-][^\\s\\\\]*$", "nl-test\n", False),
    ("^(?!.*\\.\\.)[^\\s./\\\\-][^\\s\\\\]*$", "2025/talk", True),
    ("^(?!.*\\.\\.)[^\\s./\\\\-][^\\s\\\\]*$", "a\ufeffb", False),  # U+FEFF is \\s in ECMA-262, not in re
    ("\\S", "\ufeff", False),
    ("\\S", " x ", True),
    ("^[0-9]+$", "\u0663", False),
    ("^\\d+$", "\u0663", False),  # \\d is ASCII only in ECMA-262; re takes Arabic-Indic digits
    ("^\\w+$", "é", False),
    ("^https?://", "https://example.org", True),
]


def _patterned(pattern: str) -> dict:
    return {"type": "object", "properties": {"value": {"type": "string", "pattern": pattern}}}


@pytest.mark.parametrize(("pattern", "value", "verdict"), _PATTERN_TABLE)
def test_patterns_have_ecma_semantics_in_both_validators(pattern: str, value: str, verdict: bool):
    import fastjsonschema

    from cpdgen.validation.schema import patterns_as_formats, schema_validator

    plain = schema_validator(_patterned(pattern)).is_valid({"value": value})
    schema, formats = patterns_as_formats(_patterned(pattern))
    gate = fastjsonschema.compile(schema, formats=formats)
    try:
        gate({"value": value})
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    assert (plain, fast) == (verdict, verdict)


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("activity", {"id": "nl-test\n", "title": "T", "type": "event", "start": "2025-03-14", "hours": 1}),
        ("activity", {"title": "T", "type": "event", "start": "2025-03-14", "hours": 1, "competences": ["A1\n"]}),
        ("activity", {"title": "\ufeff", "type": "event", "start": "2025-03-14", "hours": 1}),
    ],
)
def test_a_trailing_newline_fails_a_record_in_both_validators(kind: str, data: dict, tmp_path: Path):
    checker = FileChecker(tmp_path, fast=True)
    plain = FileChecker(tmp_path)
    assert checker.gates[kind](data) is False
    assert plain.problems(BY_KIND[kind], data, "x")


# ---- cpdgen's formats --------------------------------------------------------


def _format_holds(name: str, value: str) -> bool:
    from cpdgen.validation.schema import format_checks

    check = format_checks(lambda value: None, lambda value: None)[name]
    try:
        check(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("name", "value", "holds"),
    [
        ("email", "jo.bloggs@example.org", True),
        ("email", "siân@例え.jp", True),
        ("email", ".a@x", False),
        ("email", "a..b@x", False),
        ("email", "a.@x", False),
        ("email", "a@x..org", False),
        ("email", "a b@x", False),
        ("email", "a@", False),
        ("email", "a\u00a0b@x", False),
        ("email", "a\u200b@x", False),
        ("uri", "https://example.org/", True),
        ("uri", "https://[::1]:8000/", True),
        ("uri", "mailto:jo@example.org", True),
        ("uri", "https://exa mple.org", False),
        ("uri", "https://example.org/a\tb", False),
        ("uri", "https://", False),
        ("uri", "1http://example.org", False),
        ("text", "Siân", True),
        ("text", "e\u0301", True),
        ("text", "\u200b", False),
        ("text", "\ufeff", False),
        ("text", "\u200b\u2060\u3164", False),
        ("date", "2025-03-14", True),
        ("date", "0225-03-14", False),
        ("date", "9999-12-31", False),
    ],
)
def test_formats(name: str, value: str, holds: bool):
    assert _format_holds(name, value) is holds


# ---- settings and policy files: the gate answers for valid ones --------------


def _settings_cases() -> list[tuple[str, dict]]:
    """(schema, data) of every settings and policy file cpdgen ships or the
    demo has, with a cpdgen.yaml of every top-level setting."""
    from cpdgen.common.resources import builtin_frameworks, builtin_guides, builtin_policies

    def data(path: Path) -> dict:
        return parse_yaml(read_text(path)).data or {}  # as cpdgen reads them

    cases = [("config", data(PROJECT_ROOT / "cpdgen.yaml"))]
    cases.append(("config", {"policies": [{"policy": "texas-pe", "renewal": "2026-06-30", "part_time": 0.6}, "iet"]}))
    cases += [("policy", data(path)) for path in builtin_policies().values()]
    cases += [("framework", data(path)) for path in builtin_frameworks().values()]
    cases += [("guide", data(path)) for path in builtin_guides().values()]
    return cases


def _schema_of(name: str) -> dict:
    from cpdgen.loading import schemas

    return getattr(schemas, f"{name}_schema")()


def test_cpdgens_own_policies_frameworks_and_guides_are_valid():
    """They are read without a schema check at run time (it cost every
    command the import of jsonschema): here is where they are held valid."""
    from cpdgen.validation.schema import format_checks, schema_validator

    def no_paths(value: str) -> None:
        return None

    for name, data in _settings_cases():
        errors = list(schema_validator(_schema_of(name), format_checks(no_paths, no_paths)).iter_errors(data))
        assert errors == [], (name, errors[:1])


def test_the_settings_gates_and_jsonschema_agree_on_mutated_files():
    from cpdgen.validation.schema import format_checks, schema_gate, schema_validator

    def no_paths(value: str) -> None:
        return None

    checks = format_checks(no_paths, no_paths)
    rng = random.Random(20261204)
    compared = disagreements = 0
    examples = []
    for name, data in _settings_cases():
        gate, plain = schema_gate(_schema_of(name), checks), schema_validator(_schema_of(name), checks)
        for mutated in [data, *_mutations(data, rng, 150)]:
            before = copy.deepcopy(mutated)
            gate_says = gate(mutated)
            assert mutated == before, "a gate changed the data it judged"
            plain_says = plain.is_valid(mutated)
            compared += 1
            if gate_says != plain_says:
                disagreements += 1
                examples.append((name, mutated, gate_says, plain_says))
    assert compared > 1500
    assert disagreements == 0, examples[:3]


def test_a_record_gate_never_fills_in_defaults():
    """fastjsonschema fills in a schema's defaults unless told not to: a
    gate that did would make `policies:` alone read as `policy: iet` too."""
    from cpdgen.validation.schema import format_checks, schema_gate

    checks = format_checks(lambda value: None, lambda value: None)
    data: dict = {"policies": ["iet"]}
    assert schema_gate(_schema_of("config"), checks)(data) is True
    assert data == {"policies": ["iet"]}
    record = {"title": "T", "type": "event", "start": "2025-03-14", "hours": 1}
    assert FileChecker(PROJECT_ROOT, fast=True).gates["activity"](record) is True
    assert record == {"title": "T", "type": "event", "start": "2025-03-14", "hours": 1}
