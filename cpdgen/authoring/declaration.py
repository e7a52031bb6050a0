"""The declaration file of a review year, as the member's answers change:
`start` creates it from the policy's checklist, `acknowledge` records the
reports' digest (checklist item 2), `submit` freezes the year.

Each change sets a few keys in the member's own file through `yamledit`,
keeping every other byte, and writes atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cpdgen.authoring.declaration_file import declaration_template
from cpdgen.authoring.new_record import schema_reference
from cpdgen.authoring.yamledit import update_section
from cpdgen.authoring.yamlwrite import modeline
from cpdgen.common.atomic import write_atomic
from cpdgen.common.errors import UserError
from cpdgen.common.wording import plural
from cpdgen.compute.checklist import DeclarationStatus
from cpdgen.compute.digest import combined_digest, declaration_records, nested, record_digests, reports_digest
from cpdgen.compute.reports import activity_report, planning_report
from cpdgen.compute.year import declaration_for, last_day
from cpdgen.loading import schemas
from cpdgen.loading.files import Repository, SourceError, read_text
from cpdgen.model.documents import GENERATE
from cpdgen.model.kinds import DECLARATION
from cpdgen.model.records import Declaration
from cpdgen.validation.repository import ValidationResult


def declaration_path(repo: Repository, result: ValidationResult, year: int) -> Path:
    """The year's declaration file: where it is, or where `start` puts it."""
    found = declaration_for(result.records, year)
    return repo.root / found.source.file if found else repo.records / DECLARATION.folder / f"{year}.yaml"


def existing_declaration(repo: Repository, result: ValidationResult, year: int) -> Declaration:
    found = declaration_for(result.records, year)
    if found is None:
        path = repo.relative(declaration_path(repo, result, year))
        raise UserError(
            f"there is no declaration for {year} ({path}): `cpdgen declaration start --year {year}` creates it"
        )
    return found


def start(repo: Repository, result: ValidationResult, year: int) -> Path:
    """Create the year's declaration file from the template; never overwrites."""
    path = declaration_path(repo, result, year)
    if path.exists():
        raise UserError(f"{repo.relative(path)} exists already; cpdgen never overwrites it")
    text = declaration_template(
        year,
        result.policy,
        schemas.documented_record_schema("declaration"),
        modeline(schema_reference(repo.relative(path), DECLARATION)),
    )
    write_atomic(path, text, create=True)
    return path


@dataclass(frozen=True)
class Acknowledged:
    path: Path
    activities: int  # activities and courses in the Activity Report
    objectives: int
    planned: int
    submitted: bool  # the year was submitted already: `submit --amend` records the new state


def acknowledge(repo: Repository, result: ValidationResult, year: int, today: date) -> Acknowledged:
    """Record that the year's reports are acknowledged as they stand now."""
    existing = existing_declaration(repo, result, year)
    path = repo.root / existing.source.file
    digest = reports_digest(result.records, year)
    edit(path, repo.relative(path), "reports", {"acknowledged": True, "date": today.isoformat(), "digest": digest})
    activities = activity_report(result.records, result.policy, year)
    planning = planning_report(result.records, year)
    return Acknowledged(
        path,
        len(activities.items),
        len(planning.objectives),
        len(planning.planned),
        bool(existing.submitted.get("digest")),
    )


@dataclass(frozen=True)
class Submitted:
    path: Path
    records: int  # records the submission covers


def submit(
    repo: Repository, result: ValidationResult, status: DeclarationStatus, year: int, today: date, *, amend: bool
) -> Submitted:
    """Record the submission (date, digest of everything it covers, a digest
    per record) unless the declaration is not ready or the year not over."""
    existing = existing_declaration(repo, result, year)
    already = existing.submitted
    if already.get("digest") and not amend:
        raise UserError(
            f"the {year} declaration was submitted on {already.get('date')}; "
            f"`cpdgen declaration submit --year {year} --amend` records changes since"
        )
    if amend and not already.get("digest"):
        raise UserError(f"the {year} declaration has not been submitted yet, so there is nothing to amend")
    if today <= last_day(year):
        raise UserError(
            f"the {year} review year is not over until 31 December {year}; submit it from 1 January {year + 1}"
        )
    if not status.ready:
        lines = "\n".join(f"  - {line}" for line in status.missing)
        raise UserError(
            f"the {year} declaration is not ready to submit:\n{lines}\n"
            f"`cpdgen declaration status --year {year}` shows the checklist"
        )
    digests = record_digests(declaration_records(result.records, year, existing))
    values: dict[str, Any] = {"date": already.get("date", today.isoformat()), "digest": combined_digest(digests)}
    if amend:
        values["amended"] = today.isoformat()
    values["records"] = nested(digests)
    path = repo.root / existing.source.file
    edit(path, repo.relative(path), "submitted", values)
    return Submitted(path, len(digests))


def edit(path: Path, rel: str, section: str, values: dict[str, Any]) -> None:
    """Set `values` in `section` of the file, keeping every other byte, atomically."""
    try:
        text = read_text(path)
        with path.open("rb") as stream:  # read_text drops a byte-order mark; keep it
            bom = stream.read(3) == b"\xef\xbb\xbf"
    except (SourceError, OSError) as exc:
        raise UserError(f"{rel}: cannot read it: {getattr(exc, 'message', exc)}") from None
    edited = update_section(text, section, values, file=rel)
    write_atomic(path, ("\ufeff" if bom else "") + edited)


# ---- the member's answers, one key at a time (`declaration set`, `declaration review`) ----------

# Sections the member does not answer: cpdgen writes them, through these commands.
WRITTEN_BY = {
    "year": "comes from the file's name (declarations/YYYY.yaml)",
    "reports": "is written by `cpdgen declaration acknowledge` (or `review`), which records the reports' digest",
    "submitted": "is written by `cpdgen declaration submit`",
}
_COMMON_FIELDS = ("private", "tags", "extra")  # every record's; not an answer of the checklist

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class AnswerKey:
    """A key of the declaration file a member answers: a leaf of the schema."""

    path: Path_
    shape: str  # boolean, date, choice, text, document
    description: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def answer_keys() -> dict[str, AnswerKey]:
    """Every key `declaration set` takes, by dotted name, from the declaration schema."""
    found: dict[str, AnswerKey] = {}

    def walk(spec: dict[str, Any], path: Path_) -> None:
        for name, sub in spec.get("properties", {}).items():
            here = (*path, name)
            if not path and (name in WRITTEN_BY or name in _COMMON_FIELDS):
                continue
            if sub.get("type") == "object":
                walk(sub, here)
                continue
            if sub.get("type") == "boolean":
                shape = "boolean"
            elif "enum" in sub:
                shape = "choice"
            elif sub.get("format") == "date":
                shape = "date"
            elif sub.get("format") == "document":
                shape = "document"
            else:
                shape = "text"
            found[".".join(here)] = AnswerKey(here, shape, sub.get("description", ""))

    walk(schemas.documented_record_schema("declaration"), ())
    return found


class AnswersRefused(UserError):
    """The answers would not make a valid declaration; nothing was written.
    `problems` are the reasons, each a line (file:line:column: message)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{plural(len(problems), 'problem')}; nothing was written")
        self.problems = problems


def parse_assignments(assignments: list[str], today: date, file: str) -> dict[Path_, Any]:
    """`KEY=VALUE` arguments → {path: value}, each value read as a person
    typed it (`human_input`): yes/no, dates as 14/03/2025, choices by their
    beginning or label; `KEY=` removes the key. `monitoring.agreed=true`
    also dates the agreement today, unless a date is given. AnswersRefused
    lists every argument that cannot be taken."""
    from cpdgen.authoring.human_input import parse_choice, parse_date, parse_yes_no
    from cpdgen.authoring.yamledit import DELETE
    from cpdgen.common.wording import did_you_mean

    keys = answer_keys()
    changes: dict[Path_, Any] = {}
    problems: list[str] = []
    for assignment in assignments:
        name, equals, written = assignment.partition("=")
        name = name.strip()
        if not equals:
            problems.append(f"'{assignment}': write KEY=VALUE, e.g. hours.confirmed=true")
            continue
        section = name.split(".", 1)[0]
        if section in WRITTEN_BY:
            problems.append(f"{name}: not set by hand: {section} {WRITTEN_BY[section]}")
            continue
        key = keys.get(name)
        if key is None:
            hint = did_you_mean(name, keys) or f"; the keys are {', '.join(keys)}"
            problems.append(f"{name}: not a key of a declaration{hint}")
            continue
        value = written.strip()
        try:
            if value == "":
                changes[key.path] = DELETE
            elif key.shape == "boolean":
                changes[key.path] = parse_yes_no(value)
            elif key.shape == "date":
                changes[key.path] = parse_date(value, today)
            elif key.shape == "choice":
                changes[key.path] = parse_choice("declaration", key.dotted, value)
            elif key.shape == "document" and value.lower() == GENERATE:
                changes[key.path] = GENERATE
            else:
                changes[key.path] = written.replace("\\n", "\n") if key.shape == "text" else value
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    if problems:
        raise AnswersRefused([f"{file}: {problem}" for problem in problems])
    agreed = changes.get(("monitoring", "agreed"))
    if ("monitoring", "date") not in changes and isinstance(agreed, bool):
        changes[("monitoring", "date")] = today.isoformat() if agreed else DELETE
    return changes


@dataclass(frozen=True)
class Answered:
    path: Path
    created: bool  # the declaration file did not exist and was made first
    result: ValidationResult  # the repository validated after the write


def answer(repo: Repository, result: ValidationResult, year: int, changes: dict[Path_, Any]) -> Answered:
    """Write answers into the year's declaration (made from the template if
    there is none), through the byte-preserving editor: checked as the file
    would then read (schema, with its positions), written atomically, and
    the repository validated again, the old bytes put back if it brings a
    new error. AnswersRefused says why nothing was kept."""
    from cpdgen.authoring.yamledit import EditError, set_path
    from cpdgen.loading.files import SourceFile
    from cpdgen.validation.files import FileChecker
    from cpdgen.validation.repository import validate_repository

    existing = declaration_for(result.records, year)
    if existing is not None and existing.submitted.get("digest"):
        raise UserError(
            f"the {year} declaration was submitted on {existing.submitted.get('date')}: its answers are frozen "
            f"(edit the file by hand and run `cpdgen declaration submit --year {year} --amend` to change them)"
        )
    path = declaration_path(repo, result, year)
    rel = repo.relative(path)
    created = not path.exists()
    old_bytes = None if created else path.read_bytes()
    if created:
        text = declaration_template(
            year,
            result.policy,
            schemas.documented_record_schema("declaration"),
            modeline(schema_reference(rel, DECLARATION)),
        )
        bom = False
    else:
        try:
            text = read_text(path)
        except SourceError as exc:
            raise UserError(f"{rel}: cannot read it: {exc.message}") from None
        bom = old_bytes is not None and old_bytes.startswith(b"\xef\xbb\xbf")
    try:
        for key_path, value in changes.items():
            text = set_path(text, key_path, value, file=rel)
    except EditError as exc:
        raise AnswersRefused([str(exc)]) from None
    source = SourceFile(str(path), rel, DECLARATION, path.stem)
    checked = FileChecker(repo.root).check_text(source, text)
    errors = [d for d in checked.diagnostics if d.is_error]
    if errors:
        raise AnswersRefused([d.text() for d in errors])
    before = set(result.errors)
    write_atomic(path, ("\ufeff" if bom else "") + text)
    after = validate_repository(repo)
    new = [d for d in after.errors if d not in before]
    if new:
        if old_bytes is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, old_bytes)
        raise AnswersRefused([d.text() for d in new])
    return Answered(path, created, after)


# ---- after a submission: what to upload -------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    title: str  # the body's name for the document type
    path: Path
    size: int
    fits: bool  # under the body's upload limit
    generated: bool  # made by cpdgen from the records (`generate`), not the member's own file


def uploads(repo: Repository, result: ValidationResult, year: int, today: date) -> list[Upload]:
    """The supporting documents of the year's declaration, ready to upload:
    each `generate` one written now (as `cpdgen build` writes it), each file
    the member named as it is, with its size against the body's limit."""
    from cpdgen.compute.documents import fits
    from cpdgen.output.pdfs import write_pdf_file

    found = declaration_for(result.records, year)
    given = found.supporting_documents if found else {}
    listed = []
    for document_type in result.policy.documents.types:
        value = given.get(document_type.key)
        if not value:
            continue
        if value == GENERATE:
            written = write_pdf_file(
                repo, result.records, result.policy, document_type.key, year, None, cwd=repo.root, today=today
            )
            path, size = written.path, written.size
        else:
            path = repo.root / str(value)
            size = path.stat().st_size
        listed.append(Upload(document_type.title, path, size, fits(size, result.policy.documents), value == GENERATE))
    return listed
