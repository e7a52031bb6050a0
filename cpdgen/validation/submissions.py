"""A submitted declaration freezes its year: every record it covers must
still say what it said at submission (`submitted.digest`), or `validate`
names the records that changed."""

from __future__ import annotations

from cpdgen.compute.digest import (
    DECLARATION_KEY,
    changed_records,
    declaration_records,
    flat,
    record_digests,
    submission_intact,
)
from cpdgen.model.records import Records
from cpdgen.validation.rules import Report

_KIND_WORDS = {
    "activity": "activity",
    "training": "training course",
    "objective": "objective",
    "qualification": "qualification",
    "employment": "employment",
    "declaration": "declaration",
}


def submitted_years(records: Records, report: Report) -> None:
    if records.unbuilt:  # broken records can't be compared; their own errors come first
        return
    sources = None  # where each record is written, built only if something changed
    for declaration in records.declarations:
        submitted = declaration.submitted
        if not submitted.get("digest"):
            continue
        if submission_intact(records, declaration):
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
        for change, key in changed_records(flat(submitted["records"]), now):
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
