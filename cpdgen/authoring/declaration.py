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
from cpdgen.compute.checklist import DeclarationStatus
from cpdgen.compute.digest import combined_digest, declaration_records, nested, record_digests, reports_digest
from cpdgen.compute.reports import activity_report, planning_report
from cpdgen.compute.year import declaration_for, last_day
from cpdgen.loading import schemas
from cpdgen.loading.files import Repository, SourceError, read_text
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
