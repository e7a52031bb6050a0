"""The quality of the JSON Schemas themselves (schemas/): valid draft-07,
every $ref resolves, every property described, every object closed but
`extra`, and the fields exactly the file format as specified.

The field lists below are the file format as it is specified, written out by
hand on purpose (docs/file-format.md is generated from the schemas, so it
cannot be the check): a field added, renamed or dropped in a schema without
this statement of the format changing must fail here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from helpers.schemas import SCHEMA_FILES, SCHEMAS


def load(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text("utf-8"))


def test_the_project_ships_exactly_the_expected_schemas():
    assert {p.name for p in SCHEMAS.glob("*.schema.json")} == SCHEMA_FILES


# --- schema quality -----------------------------------------------------------

_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items")
_SCHEMA_SINGLES = (
    "items",
    "additionalItems",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
)


def walk(node, path: str = "#") -> Iterator[tuple[str, dict]]:
    """Every subschema in a schema document (not following $refs)."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key in _SCHEMA_MAPS:
        for name, sub in node.get(key, {}).items():
            yield from walk(sub, f"{path}/{key}/{name}")
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            for i, sub in enumerate(node[key]):
                yield from walk(sub, f"{path}/{key}/{i}")
    for key in _SCHEMA_SINGLES:
        if isinstance(node.get(key), dict):
            yield from walk(node[key], f"{path}/{key}")


def resolve(file: str, node: dict) -> tuple[str, dict]:
    """Follow a node's $ref chain (within and across the schema files)."""
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        target_file, _, pointer = ref.partition("#")
        file = target_file or file
        assert (file, pointer) not in seen, f"$ref cycle at {ref}"
        seen.add((file, pointer))
        target = load(file)
        for step in filter(None, pointer.split("/")):
            target = target[step.replace("~1", "/").replace("~0", "~")]
        node = target
    return file, node


def effective(file: str, node: dict) -> dict:
    """A node with its $ref target's keywords underneath its own (how
    editors present a property)."""
    _, target = resolve(file, node)
    return {**target, **node} if "$ref" in node else node


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_schema_is_valid_draft_07(name: str):
    schema = load(name)
    assert schema.get("$schema") == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_ref_resolves(name: str):
    for _path, node in walk(load(name)):
        if "$ref" in node:
            resolve(name, node)  # raises KeyError / FileNotFoundError when dangling


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_property_has_a_description(name: str):
    missing = []
    for path, node in walk(load(name)):
        for prop, sub in node.get("properties", {}).items():
            if (
                not isinstance(effective(name, sub).get("description"), str)
                or not effective(name, sub)["description"].strip()
            ):
                missing.append(f"{path}/properties/{prop}")
        if node.get("type") == "object" and "properties" in node and not node.get("description"):
            missing.append(path)
    assert missing == [], f"{name}: no description at {missing}"


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_every_object_is_closed_except_extra(name: str):
    """Unknown fields are errors (typos must not pass silently), except under
    `extra:`, the free-form mapping. A map (e.g. policy caps by category) is
    closed by giving its values a schema and its keys `propertyNames`."""
    open_objects = []
    for path, node in walk(load(name)):
        is_object = node.get("type") == "object" or "properties" in node
        if not is_object or path.endswith("/extra"):
            continue
        closed_map = isinstance(node.get("additionalProperties"), dict) and "propertyNames" in node
        if node.get("additionalProperties") is not False and not closed_map:
            open_objects.append(path)
    assert open_objects == [], f"{name}: objects without additionalProperties: false at {open_objects}"


def test_extra_is_a_free_form_mapping_everywhere():
    extra = load("common.schema.json")["definitions"]["extra"]
    assert extra["type"] == "object"
    assert extra.get("additionalProperties", True) is not False
    for kind in SPEC_FIELDS:
        _, definition = record(kind)
        _, target = resolve(f"{kind}.schema.json", definition["properties"]["extra"])
        assert target is extra or target == extra, kind


# The file format, field by field. Every record may carry private, tags and extra;
# records of kinds whose files may hold a list also carry an id.
COMMON = {"private", "tags", "extra"}
ID = {"id"}
# What `cpdgen init` writes as examples (spec section 7): every kind it writes one of.
EXAMPLE = {"example"}
CPD_ITEM = {
    "title", "start", "end", "hours", "status", "provider", "location", "mode",
    "description", "outcomes", "reflection", "competences", "objectives", "evidence",
}  # fmt: skip
SPEC_FIELDS: dict[str, set[str]] = {
    "activity": CPD_ITEM | {"type"} | COMMON | ID | EXAMPLE,
    "training": CPD_ITEM | {"certificate", "accredited_by"} | COMMON | ID | EXAMPLE,
    "qualification": {"title", "institution", "level", "subject", "start", "end", "status", "grade", "evidence"}
    | COMMON
    | ID
    | EXAMPLE,
    "employment": {
        "employer",
        "role",
        "start",
        "end",
        "location",
        "employment_type",
        "responsibilities",
        "achievements",
    }
    | COMMON
    | ID
    | EXAMPLE,
    "objective": {"title", "description", "competences", "created", "target", "priority", "status", "actions", "review"}
    | COMMON
    | ID
    | EXAMPLE,
    "profile": {
        "name",
        "post_nominals",
        "memberships",
        "registrations",
        "headline",
        "bio",
        "email",
        "phone",
        "location",
        "links",
    }
    | COMMON,  # fmt: skip
    "declaration": {
        "year",
        "monitoring",
        "reports",
        "employment_status",
        "employment_history",
        "academic_study",
        "hours",
        "compliance",
        "supporting_documents",
        "submitted",
    }
    | COMMON,  # fmt: skip
}
SPEC_REQUIRED: dict[str, set[str]] = {
    "activity": {"title", "type", "start", "hours"},
    "training": {"title", "start", "hours"},
    "qualification": {"title", "institution", "status"},
    "employment": {"employer", "role", "start"},
    "objective": {"title"},
    "profile": {"name"},
    "declaration": {"year"},
}
# Nested objects: (kind, path of property names / "items") -> fields.
SPEC_NESTED: dict[tuple[str, tuple[str, ...]], set[str]] = {
    ("objective", ("actions", "items")): {"title", "target", "status", "done_on", "activities"},
    ("profile", ("memberships", "items")): {"body", "number", "grade", "since"},
    ("profile", ("registrations", "items")): {"title", "body", "number", "since"},
    ("profile", ("links", "items")): {"label", "url"},
    ("declaration", ("monitoring",)): {"agreed", "date"},
    ("declaration", ("reports",)): {"acknowledged", "date", "digest"},
    ("declaration", ("employment_status",)): {"status", "professionally_active", "comments"},
    ("declaration", ("employment_history",)): {"display"},
    ("declaration", ("academic_study",)): {"display"},
    ("declaration", ("hours",)): {"confirmed"},
    ("declaration", ("compliance",)): {"statement", "comments", "out_of_employment"},
    ("declaration", ("compliance", "out_of_employment")): {"from", "to"},
    ("declaration", ("supporting_documents",)): {"planning_report", "activity_report", "cv"},
    # The format's {date, digest}; cpdgen adds what it writes itself beside them: one
    # digest per covered record (so validate can name what changed) and the
    # date of the last `submit --amend`.
    ("declaration", ("submitted",)): {"date", "digest", "records", "amended"},
}
SPEC_NESTED_REQUIRED: dict[tuple[str, tuple[str, ...]], set[str]] = {
    ("objective", ("actions", "items")): {"title"},
}
SPEC_ENUMS: dict[tuple[str, tuple[str, ...]], list[str]] = {
    ("activity", ("type",)): ["work-experience", "volunteering", "event", "self-study", "training"],
    ("activity", ("status",)): ["completed", "planned"],
    ("activity", ("mode",)): ["in-person", "online", "self-paced"],
    ("training", ("status",)): ["completed", "booked", "planned"],
    ("training", ("mode",)): ["in-person", "online", "self-paced"],
    ("qualification", ("status",)): ["in-progress", "completed", "withdrawn"],
    ("objective", ("priority",)): ["high", "medium", "low"],
    ("objective", ("status",)): ["not-started", "in-progress", "achieved", "deferred", "cancelled"],
    ("objective", ("actions", "items", "status")): ["planned", "in-progress", "done", "cancelled"],
    ("declaration", ("employment_status", "status")): [
        "employed",
        "self-employed",
        "unemployed",
        "career-break",
        "retired",
        "student",
    ],  # fmt: skip
    ("declaration", ("employment_history", "display")): ["all", "review-year", "none"],
    ("declaration", ("academic_study", "display")): ["all", "review-year", "none"],
    ("declaration", ("compliance", "statement")): ["met", "not-met"],
}
SPEC_DEFAULTS: dict[tuple[str, tuple[str, ...]], str] = {
    ("activity", ("status",)): "completed",
    ("objective", ("actions", "items", "status")): "planned",
}


def record(kind: str) -> tuple[str, dict]:
    file = f"{kind}.schema.json"
    return file, load(file)["definitions"][kind]


def at(kind: str, steps: tuple[str, ...]) -> tuple[str, dict]:
    """The (resolved) schema at a path of property names / "items"."""
    file, node = record(kind)
    for step in steps:
        file, node = resolve(file, node)
        node = node["items"] if step == "items" else node["properties"][step]
    file, target = resolve(file, node)
    return file, {**target, **node} if "$ref" in node else target


def test_spec_lists_cover_every_kind():
    from cpdgen.model.kinds import KINDS

    assert set(SPEC_FIELDS) == {kind.name for kind in KINDS}
    assert {f"{kind}.schema.json" for kind in SPEC_FIELDS} | {
        "common.schema.json",
        "config.schema.json",
        "policy.schema.json",
        "framework.schema.json",
        "guide.schema.json",
    } == SCHEMA_FILES


@pytest.mark.parametrize("kind", sorted(SPEC_FIELDS))
def test_record_fields_are_exactly_the_spec(kind: str):
    _, definition = record(kind)
    assert set(definition["properties"]) == SPEC_FIELDS[kind]


@pytest.mark.parametrize("kind", sorted(SPEC_REQUIRED))
def test_required_fields_are_exactly_the_spec(kind: str):
    _, definition = record(kind)
    assert set(definition.get("required", [])) == SPEC_REQUIRED[kind]


@pytest.mark.parametrize(("kind", "steps"), sorted(SPEC_NESTED), ids=lambda v: v if isinstance(v, str) else ".".join(v))
def test_nested_fields_are_exactly_the_spec(kind: str, steps: tuple[str, ...]):
    _, node = at(kind, steps)
    assert set(node["properties"]) == SPEC_NESTED[(kind, steps)]
    # The spec stars few nested fields; those it stars must be required.
    assert SPEC_NESTED_REQUIRED.get((kind, steps), set()) <= set(node.get("required", []))


@pytest.mark.parametrize(("kind", "steps"), sorted(SPEC_ENUMS), ids=lambda v: v if isinstance(v, str) else ".".join(v))
def test_enum_values_are_exactly_the_spec(kind: str, steps: tuple[str, ...]):
    _, node = at(kind, steps)
    assert node["enum"] == SPEC_ENUMS[(kind, steps)]


@pytest.mark.parametrize(
    ("kind", "steps"), sorted(SPEC_DEFAULTS), ids=lambda v: v if isinstance(v, str) else ".".join(v)
)
def test_documented_defaults(kind: str, steps: tuple[str, ...]):
    _, node = at(kind, steps)
    assert node.get("default") == SPEC_DEFAULTS[(kind, steps)]


MINIMAL = {
    "activity": {"title": "x", "type": "event", "start": "2025-01-01", "hours": 1},
    "training": {"title": "x", "start": "2025-01-01", "hours": 1},
    "qualification": {"title": "x", "institution": "y", "status": "completed"},
    "employment": {"employer": "x", "role": "y", "start": "2020-01-01"},
    "objective": {"title": "x"},
}


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_list_files_need_an_id_per_record(kind: str):
    """A file holds one record, or a list of records each with an id (docs/file-format.md)."""
    registry = Registry().with_resources(
        (name, Resource.from_contents(load(name), default_specification=DRAFT7)) for name in SCHEMA_FILES
    )
    validator = jsonschema.Draft7Validator({"$ref": f"{kind}.schema.json"}, registry=registry)
    assert list(validator.iter_errors(MINIMAL[kind])) == []
    assert list(validator.iter_errors([{**MINIMAL[kind], "id": "a"}, {**MINIMAL[kind], "id": "b"}])) == []
    without_id = list(validator.iter_errors([{**MINIMAL[kind], "id": "a"}, MINIMAL[kind]]))
    assert without_id and all("'id' is a required property" in e.message for e in without_id)
    assert list(validator.iter_errors({**MINIMAL[kind], "titel": "typo"})) != []


def _inlined_by_referencing(ref: str, documented: bool) -> dict:
    """What `cpdgen.loading.schemas` makes of `ref`, resolved instead by the
    `referencing` library (which jsonschema uses): the oracle for cpdgen's
    own resolution of the shipped schemas' `$ref`s."""
    registry = Registry().with_resources(
        (name, Resource.from_contents(load(name), default_specification=DRAFT7)) for name in SCHEMA_FILES
    )

    def inline(node, resolver):
        if isinstance(node, dict):
            if "$ref" in node:
                resolved = resolver.lookup(node["$ref"])
                target = inline(resolved.contents, resolved.resolver)
                return {**target, **{k: v for k, v in node.items() if k != "$ref"}} if documented else target
            return {k: inline(v, resolver) if k not in ("enum", "const", "default") else v for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item, resolver) for item in node]
        return node

    return inline({"$ref": ref}, registry.resolver())


@pytest.mark.parametrize("documented", [False, True])
@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_cpdgens_own_ref_resolution_agrees_with_the_referencing_library(name: str, documented: bool):
    from cpdgen.loading import schemas

    make = schemas.documented if documented else schemas.inlined
    refs = [name] + [f"{name}#/definitions/{key}" for key in load(name).get("definitions", {})]
    for ref in refs:
        assert make(ref) == _inlined_by_referencing(ref, documented), ref


def test_a_ref_that_leads_nowhere_is_a_bug_named_as_such():
    from cpdgen.loading import schemas

    with pytest.raises(RuntimeError, match="names no schema file"):
        schemas.inlined("nosuch.schema.json#/definitions/x")
    with pytest.raises(RuntimeError, match="leads nowhere"):
        schemas.inlined("common.schema.json#/definitions/no-such-definition")
