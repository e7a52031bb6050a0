"""A submitted declaration freezes its year: every record it covers must
still say what it said at submission (`submitted.digest`), or `validate`
names the records that changed; and a `submitted` block must be one that
`cpdgen declaration submit` would have written (dated after the year,
ready at its digest), or `validate` says what `submit` would have refused.

The digest proves only that the records are unchanged since it was made;
anyone can compute one, so it does not prove that cpdgen made it, nor when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from cpdgen.common.dates import is_iso_date
from cpdgen.compute.checklist import year_status
from cpdgen.compute.digest import (
    DECLARATION_KEY,
    changed_records,
    declaration_records,
    flat,
    record_digests,
    submission_intact,
)
from cpdgen.compute.year import last_day
from cpdgen.loading.documents import inspect_documents
from cpdgen.model.policy import Policy
from cpdgen.model.records import Declaration, Records
from cpdgen.validation.rules import Report

_KIND_WORDS = {
    "activity": "activity",
    "training": "training course",
    "objective": "objective",
    "qualification": "qualification",
    "employment": "employment",
    "declaration": "declaration",
}


def submitted_years(records: Records, report: Report, policy: Policy | None = None) -> None:
    """Every submitted declaration: dated after its year, its records
    unchanged, and (with the `policy`) ready as `submit` requires."""
    if records.unbuilt:  # broken records can't be compared; their own errors come first
        return
    sources = None  # where each record is written, built only if something changed
    for declaration in records.declarations:
        submitted = declaration.submitted
        if not submitted.get("digest") or not submitted.get("date"):
            if submitted:
                # `submit` writes both; without them cpdgen holds the year unsubmitted, silently.
                missing = " and ".join(key for key in ("date", "digest") if not submitted.get(key))
                report(
                    declaration.source,
                    ("submitted",),
                    f"'submitted' has no {missing}, so it is not a submission: `cpdgen declaration submit` writes "
                    f"the whole block; remove it and run `cpdgen declaration submit --year {declaration.year}`",
                )
            continue
        _dated_after_the_year(declaration, report)
        if submission_intact(records, declaration):
            if policy is not None:
                _ready_when_submitted(records, policy, declaration, report)
            continue
        now = record_digests(declaration_records(records, declaration.year, declaration))
        remedy = (
            f"undo the change, or if the submitted {declaration.year} record must change, "
            f"record it with `cpdgen declaration submit --year {declaration.year} --amend`"
        )
        when = f"the {declaration.year} declaration submitted on {submitted.get('date', '(no date)')}"
        if not submitted.get("records"):
            report(
                declaration.source,
                ("submitted",),
                f"records that {when} covers have changed since it was submitted; {remedy}",
            )
            continue
        if sources is None:
            sources = {(kind, record.id): record.source for kind, items in records.items.items() for record in items}
        changes = changed_records(flat(submitted["records"]), now)
        if not changes:
            # The whole no longer matches though no part differs: a covered
            # record was removed together with its line under
            # `submitted.records`, or the block was edited by hand.
            report(
                declaration.source,
                ("submitted", "digest"),
                f"what {when} covers no longer matches its digest, though no record listed under "
                "'submitted.records' differs: a covered record and its line there were removed, or "
                f"'submitted' was edited by hand; {remedy}",
            )
        for change, key in changes:
            kind, record_id = key
            if key == DECLARATION_KEY:
                report(
                    declaration.source, (), f"this declaration's answers have changed since it was submitted; {remedy}"
                )
            elif change == "removed" or key not in sources:
                report(
                    declaration.source,
                    ("submitted", "records", kind, record_id),
                    f"{_KIND_WORDS.get(kind, kind)} '{record_id}', which {when} covers, is gone or no longer in "
                    f"{declaration.year}; {remedy}",
                )
            else:
                source = sources[key]
                verb = "has changed" if change == "changed" else f"now falls in {declaration.year}"
                report(source, (), f"this {_KIND_WORDS.get(kind, kind)} {verb} since {when}; {remedy}")


def _dated_after_the_year(declaration: Declaration, report: Report) -> None:
    """`submit` refuses a year that is not over: a submission (or amendment)
    dated on or before its last day was not made by it."""
    year = declaration.year
    for key in ("date", "amended"):
        value = declaration.submitted.get(key)
        when = _day(value)
        if when is not None and when <= last_day(year):
            what = "submitted" if key == "date" else "amended"
            report(
                declaration.source,
                ("submitted", key),
                f"the {year} declaration says it was {what} on {value}, before the {year} review year ended: "
                f"`cpdgen declaration submit` refuses until 1 January {year + 1}; remove the 'submitted' "
                f"block and run it again",
            )


def _ready_when_submitted(records: Records, policy: Policy, declaration: Declaration, report: Report) -> None:
    """A submission whose records are as it froze them must have been ready
    then as now: `submit` refuses a declaration that is not."""
    inspect: Callable = partial(inspect_documents, Path(report.locate.root))
    missing = year_status(records, policy, declaration.year, inspect).missing_as_answered
    if not missing:
        return
    report(
        declaration.source,
        ("submitted",),
        f"the {declaration.year} declaration says it was submitted, but it is not ready to submit, so "
        f"`cpdgen declaration submit` would have refused it: {'; '.join(missing)}. Remove the 'submitted' "
        f"block, complete the declaration (`cpdgen declaration status --year {declaration.year}`) and submit it",
    )


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and is_iso_date(value) else None
