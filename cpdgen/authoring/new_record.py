"""New records: which fields `cpdgen new KIND` asks for, the record's file
name, its YAML text, and writing it (`prepare`, then `write`).

Every field's option, help text, allowed values and default come from the
kind's JSON Schema, so a field added to a schema is offered here without a
change to this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from cpdgen.authoring.human_input import parse_competences, parse_date, split_list
from cpdgen.authoring.yamlwrite import dump_document, modeline
from cpdgen.common.errors import UsageError, UserError
from cpdgen.loading import schemas
from cpdgen.loading.files import PROFILE_FILES, Repository
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import BY_NAME, Kind

RECORDS = "records"
SCHEMAS = "schemas"

# The kinds `cpdgen new` makes. Declarations belong to `cpdgen declaration`.
NEW_KINDS: tuple[str, ...] = ("activity", "training", "qualification", "employment", "objective", "profile")

# Asked for on a terminal, in this order (required fields are always asked;
# tests hold this table to that). Other fields are set with options.
PROMPTED: dict[str, tuple[str, ...]] = {
    "activity": ("title", "type", "start", "end", "hours", "provider", "status"),
    "training": ("title", "start", "end", "hours", "provider", "status"),
    "qualification": ("title", "institution", "level", "status", "start", "end"),
    "employment": ("employer", "role", "start", "end", "location"),
    "objective": ("title", "priority", "target"),
    "profile": ("name", "post_nominals", "headline"),
}

# What each kind is, in the help of `cpdgen new`.
DESCRIBED: dict[str, str] = {
    "activity": "a CPD activity",
    "training": "a training course",
    "qualification": "a qualification (academic study)",
    "employment": "a job in the employment history",
    "objective": "a CPD objective (planning)",
    "profile": "the profile, when there is none",
}

# What a blank answer means, where it means something.
BLANK_MEANS: dict[tuple[str, str], str] = {
    ("activity", "end"): "the same day as start",
    ("training", "end"): "the same day as start",
    ("employment", "end"): "the current job",
}

# Filled in when not given: the day an objective was set is the day it is written.
TODAY_FIELDS: dict[str, tuple[str, ...]] = {"objective": ("created",)}

_SKIPPED = {"id", "extra"}  # the file name gives the id; extra is free-form
SLUG_LENGTH = 60


@dataclass(frozen=True)
class Field:
    """One top-level field of a kind, as an option and a prompt."""

    name: str  # as in the file: "accredited_by"
    shape: str  # text, date, number, integer, choice, list, flag, items
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    choice_help: tuple[str, ...] = ()  # the schema's enumDescriptions, if any
    default: Any = None  # the schema's default (not written when chosen)
    item_field: str | None = None  # shape "items": the one field each item is made from

    @property
    def option(self) -> str:
        name = self.item_field and _singular(self.name) or self.name
        return "--" + name.replace("_", "-")

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def fields(kind_name: str) -> list[Field]:
    """The fields of a kind that can be given as options, in schema order."""
    schema = schemas.documented_record_schema(kind_name)  # a property's own description wins
    required = set(schema.get("required", ()))
    found = []
    for name, sub in schema["properties"].items():
        if name in _SKIPPED:
            continue
        made = _field(name, sub, name in required)
        if made is not None:
            found.append(made)
    return found


def _field(name: str, sub: dict, required: bool) -> Field | None:
    help_text = sub.get("description", "")
    kind = sub.get("type")
    if kind == "boolean":
        return Field(name, "flag", required, help_text)
    if kind == "string" and "enum" in sub:
        return Field(
            name,
            "choice",
            required,
            help_text,
            tuple(sub["enum"]),
            tuple(sub.get("enumDescriptions", ())),
            sub.get("default"),
        )
    if kind == "string":
        return Field(name, "date" if sub.get("format") == "date" else "text", required, help_text)
    if kind in ("number", "integer"):
        return Field(name, kind, required, help_text)
    if kind == "array":
        items = sub.get("items", {})
        if items.get("type") == "string":
            return Field(name, "list", required, help_text)
        item_required = items.get("required", [])
        if items.get("type") == "object" and len(item_required) == 1:
            (only,) = item_required
            if items["properties"][only].get("type") == "string":
                return Field(name, "items", required, help_text, item_field=only)
    return None  # nested objects and the like: written by hand


def choices(kind_name: str, field_name: str) -> tuple[str, ...]:
    """The allowed values of a choice field, from its schema."""
    return next(f.choices for f in fields(kind_name) if f.name == field_name)


def prompted_fields(kind_name: str) -> list[Field]:
    by_name = {f.name: f for f in fields(kind_name)}
    return [by_name[name] for name in PROMPTED[kind_name]]


# --- values ---------------------------------------------------------------


class OptionError(UsageError):
    """A value given for an option that cannot be read (a date that is not one)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option, self.reason = option, message


def read_values(kind_name: str, values: dict[str, Any], today: date, framework: Framework | None) -> dict[str, Any]:
    """Option values as a person typed them, read as `human_input` reads
    everything typed: dates (14/03/2025, today), competence codes ([B2, E3],
    checked against the policy's framework). OptionError names the option."""
    by_name = {f.name: f for f in fields(kind_name)}
    read = dict(values)
    for name, value in values.items():
        field = by_name.get(name)
        if field is None or value in (None, (), ""):
            continue
        try:
            if field.shape == "date":
                read[name] = parse_date(value, today)
            elif name == "competences":
                read[name] = tuple(parse_competences(value, framework))
        except ValueError as exc:
            raise OptionError(field.option, str(exc)) from None
    return read


def build_record(kind_name: str, values: dict[str, Any], today: date | None = None) -> dict:
    """The record from field values (None / empty: not given), in schema
    order, with fields such as an objective's `created` filled in when
    `today` is given."""
    order = list(schemas.record_schema(kind_name)["properties"])
    by_name = {f.name: f for f in fields(kind_name)}
    data: dict[str, Any] = {}
    for name, value in values.items():
        field = by_name.get(name)
        if value is None or value == () or value == [] or value is False or value == "":
            continue
        if field is not None and field.shape == "items":
            value = [{field.item_field: item} for item in split_list(value)]
        elif field is not None and field.shape == "list":
            value = parse_competences(value) if name == "competences" else split_list(value)
        data[name] = value
    if today is not None:
        for name in TODAY_FIELDS.get(kind_name, ()):
            data.setdefault(name, today.isoformat())
    return {name: data[name] for name in sorted(data, key=lambda n: order.index(n) if n in order else len(order))}


def missing_required(kind_name: str, data: dict) -> list[Field]:
    return [f for f in fields(kind_name) if f.required and f.name not in data]


# --- file names -------------------------------------------------------------


def title_slug(text: str, fallback: str) -> str:
    """A file-name-friendly form of `text`: lower case ASCII letters, digits
    and hyphens, at most SLUG_LENGTH characters, cut at a word boundary."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = folded.replace("&", " and ").replace("'", "")
    words = re.findall(r"[a-z0-9]+", folded)
    made = ""
    for word in words:
        candidate = f"{made}-{word}" if made else word
        if len(candidate) > SLUG_LENGTH:
            break
        made = candidate
    if not made and words:
        made = words[0][:SLUG_LENGTH]
    return made or fallback


def record_path(kind_name: str, data: dict, records: str = RECORDS) -> str:
    """Where a new record goes, relative to the repository root, e.g.
    records/activities/2025/2025-03-14-iet-lecture.yaml: dated kinds in a
    folder per year, named by date and title; the others by their title."""
    kind = BY_NAME[kind_name]
    if kind.single:
        return f"{records}/{kind.folder}"
    if kind_name in ("activity", "training"):
        start = data["start"]
        name = f"{start[:4]}/{start}-{title_slug(data['title'], kind_name)}"
    elif kind_name == "employment":
        name = title_slug(f"{data['employer']} {data['role']}", kind_name)
    elif kind_name == "declaration":
        name = str(data["year"])
    else:
        name = title_slug(data["title"], kind_name)
    return f"{records}/{kind.folder}/{name}.yaml"


def named_by_title(kind_name: str, data: dict) -> bool:
    """Whether `record_path` names the record by words of its title; not
    when the title has no Latin letter or digit (講演会, Доклад): its name is
    the kind's then, the same for every such record."""
    kind = BY_NAME[kind_name]
    if kind.single or kind_name == "declaration":
        return True
    text = f"{data['employer']} {data['role']}" if kind_name == "employment" else data["title"]
    return bool(title_slug(text, ""))


def free_record_path(kind_name: str, data: dict, taken: Callable[[str], bool], records: str = RECORDS) -> str:
    """`record_path`, numbered (…-activity-2.yaml, -3, …) past the paths
    `taken` says are in use when the title gives the record no name of its
    own; a record named by its title keeps its name (a file there is the
    same record, or one to refuse)."""
    base = path = record_path(kind_name, data, records)
    number = 1
    while not named_by_title(kind_name, data) and taken(path):
        number += 1
        path = numbered(base, number)
    return path


def numbered(path: str, number: int) -> str:
    """The n-th alternative name for a path taken already: x.yaml → x-2.yaml."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}-{number}{dot}{suffix}"


def schema_reference(rel_path: str, kind: Kind | str) -> str:
    """The modeline's path from a file (repo-relative) to its kind's schema
    in the repository's schemas/ folder."""
    schema_file = kind if isinstance(kind, str) else kind.schema_file
    depth = len(PurePosixPath(rel_path).parts) - 1
    return "../" * depth + f"{SCHEMAS}/{schema_file}"


def render(kind_name: str, data: dict, rel_path: str, *, comment: str = "") -> str:
    """The YAML text of a new record file: the modeline, optional comment
    lines, then the fields."""
    header = modeline(schema_reference(rel_path, BY_NAME[kind_name]))
    if comment:
        header += "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    return dump_document(data, header=header)


# --- checking before writing ---------------------------------------------------


def check(kind_name: str, data: dict, rel_path: str, root) -> list[tuple[tuple, str]]:
    """Problems with a record before it is written, as validation would find
    them in the file (schema with the repository-aware path checks against
    `root`, then the record's own value rules). Each as (path, message)."""
    kind = BY_NAME[kind_name]
    default_id = None if kind.single else rel_path.split("/", 2)[2].rsplit(".", 1)[0]
    return [(problem.path, problem.message) for problem in _checker(Path(root)).problems(kind, data, default_id)]


@lru_cache(maxsize=4)
def _checker(root: Path):
    """One checker per repository: `import` checks every row with it."""
    from cpdgen.validation.files import FileChecker

    return FileChecker(root)


def check_value(kind_name: str, name: str, value: Any) -> list[str]:
    """Problems with one field's value on its own (for a prompt's answer)."""
    from cpdgen.validation.schema import schema_validator
    from cpdgen.validation.schema_messages import translate

    sub = schemas.record_schema(kind_name)["properties"][name]
    validator = schema_validator({"type": "object", "properties": {name: sub}})
    return [problem.message for error in validator.iter_errors({name: value}) for problem in translate(error)]


# --- writing ---------------------------------------------------------------------


@dataclass(frozen=True)
class NewRecord:
    """A record about to be written: where, and its file's text."""

    kind: str
    rel: str  # relative to the repository root
    data: dict
    text: str


def refuse_second_profile(repo: Repository, kind_name: str) -> None:
    """A repository has one profile: `new profile` only when there is none."""
    if kind_name != "profile":
        return
    existing = [name for name in PROFILE_FILES if (repo.records / name).exists()]
    if existing:
        raise UserError(
            f"{repo.relative(repo.records / existing[0])} exists already: edit it (a repository has one profile)"
        )


def prepare(repo: Repository, kind_name: str, values: dict[str, Any], today: date) -> NewRecord:
    """The record `values` make, checked as validation would check its file;
    UsageError naming the options at fault, UserError when its file exists."""
    by_name = {f.name: f for f in fields(kind_name)}
    data = build_record(kind_name, values, today)
    missing = missing_required(kind_name, data)
    if missing:
        listed = ", ".join(f.option for f in missing)
        raise UsageError(
            f"new {kind_name}: missing {listed} (give {'it' if len(missing) == 1 else 'them'} as options, "
            "or add --interactive to be asked)"
        )
    rel = free_record_path(kind_name, data, lambda path: _in_use(repo.root / path), repo.relative(repo.records))
    problems = check(kind_name, data, rel, repo.root)
    if problems:
        lines = [f"  {_option_of(path, by_name)}: {message}" for path, message in problems]
        raise UsageError(f"new {kind_name}: nothing written, the values are not valid:\n" + "\n".join(lines))
    if (repo.root / rel).exists():
        raise UserError(f"{rel} exists already; cpdgen never overwrites a file (edit it, or give another title)")
    return NewRecord(kind_name, rel, data, render(kind_name, data, rel))


def _in_use(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _option_of(path: tuple, by_name: dict[str, Field]) -> str:
    if path and path[0] in by_name:
        return by_name[path[0]].option
    return "record"


def write(repo: Repository, record: NewRecord) -> Path:
    """Write the record's file, keeping it only if the repository stays
    valid (WouldBeInvalid otherwise, with nothing left behind)."""
    from cpdgen.authoring.transaction import create_validated

    target = repo.root / record.rel
    create_validated(repo, [(target, record.text)])
    return target


def has_schemas_folder(repo: Repository, kind_name: str) -> bool:
    """Whether the repository has the schema its new files' modelines name."""
    return (repo.root / SCHEMAS / f"{kind_name}.schema.json").is_file()
