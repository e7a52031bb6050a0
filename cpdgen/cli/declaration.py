"""`cpdgen declaration status|start|acknowledge|submit`: the annual CPD
Declaration, item by item, as the professional body will judge it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from cpdgen.cli import Options, global_options, year_option
from cpdgen.cli.report import output_option, write_pdf_file
from cpdgen.common.errors import UserError


@click.group(short_help="The annual CPD Declaration: status, start, acknowledge, pdf, submit.")
def declaration() -> None:
    """The annual CPD Declaration: status, start, acknowledge, pdf, submit."""


@declaration.command(short_help="The checklist: what is complete, what is missing.")
@year_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text, json (the SPEC contract), or csv (the checklist items, for a spreadsheet).",
)
@global_options
@click.pass_obj
def status(options: Options, year: int | None, output_format: str) -> None:
    """The checklist of a review year: each item Mandatory or Optional,
    complete or not, and what is missing. Exit status 0 when ready to submit
    (or submitted), 1 when not."""
    from cpdgen.render.text import status_text

    year = options.year(year)
    repo, result = options.checked()
    computed = _evaluate(repo, result, year)
    if output_format == "json":
        data = {
            "year": year,
            "ready": computed.ready,
            "hours": computed.hours.as_data(),
            "items": [{k: v for k, v in item.as_data().items() if k != "title"} for item in computed.items],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif output_format == "csv":
        from cpdgen.render.tables import to_csv
        from cpdgen.render.text import checklist_table

        click.echo(to_csv(checklist_table(computed)), nl=False)
    else:
        file = repo.relative(_declaration_path(repo, result, year))
        click.echo(status_text(computed, result.policy, file, today=options.today, color=options.color()))
    raise SystemExit(0 if computed.ready or computed.submitted else 1)


@declaration.command(short_help="Create the year's declaration file from a template.")
@year_option
@global_options
@click.pass_obj
def start(options: Options, year: int | None) -> None:
    """Create the declaration file of a review year from a template (the
    checklist as commented sections). Never overwrites a file."""
    from cpdgen.authoring.declaration_file import declaration_template
    from cpdgen.authoring.new_record import schema_reference
    from cpdgen.authoring.yamlwrite import modeline
    from cpdgen.common.atomic import write_atomic
    from cpdgen.loading import schemas
    from cpdgen.model.kinds import DECLARATION

    year = options.year(year)
    repo, result = options.checked()
    path = _declaration_path(repo, result, year)
    if path.exists():
        raise UserError(f"{repo.relative(path)} exists already; cpdgen never overwrites it")
    text = declaration_template(
        year,
        result.policy,
        schemas.documented_record_schema("declaration"),
        modeline(schema_reference(repo.relative(path), DECLARATION)),
    )
    write_atomic(path, text, create=True)
    click.echo(
        f"Created {repo.relative(path)}: fill it in; `cpdgen declaration status --year {year}` shows what is left."
    )


@declaration.command(short_help="Acknowledge the year's reports (checklist item 2).")
@year_option
@global_options
@click.pass_obj
def acknowledge(options: Options, year: int | None) -> None:
    """Acknowledge that the year's CPD Activity and Planning Reports are up to
    date (checklist item 2): records the date and a digest of the reports, so
    a later change to them shows."""
    from cpdgen.compute.digest import reports_digest
    from cpdgen.compute.reports import activity_report, planning_report

    year = options.year(year)
    # A submitted year may be re-acknowledged on the way to `submit --amend`.
    repo, result = options.checked(check_submitted=False)
    existing = _existing_declaration(repo, result, year)
    digest = reports_digest(result.records, year)
    path = repo.root / existing.source.file
    _edit(
        path,
        repo.relative(path),
        "reports",
        {"acknowledged": True, "date": options.today.isoformat(), "digest": digest},
    )
    activities = activity_report(result.records, result.policy, year)
    planning = planning_report(result.records, year)
    if not options.quiet:
        click.echo(
            f"Acknowledged the {year} reports ({len(activities.items)} activities and courses, "
            f"{len(planning.objectives)} objectives, {len(planning.planned)} planned) in {repo.relative(path)}."
        )
        if existing.submitted.get("digest"):
            click.echo(
                f"The {year} declaration was submitted: `cpdgen declaration submit --year {year} --amend` records this."
            )


@declaration.command(short_help="The declaration as a PDF (a draft until submitted).")
@year_option
@output_option
@global_options
@click.pass_obj
def pdf(options: Options, year: int | None, output: Path | None) -> None:
    """Write the CPD Declaration of a review year as a PDF: the checklist,
    the hours, the statements and both reports as appendices, with the
    year's records as an embedded JSON file. Until the declaration is
    submitted every page says DRAFT. Default:
    output/private/cpd-declaration-YYYY.pdf (or -o FILE)."""
    from cpdgen.compute.documents import DECLARATION_PDF

    year = options.year(year)
    repo, result = options.checked()
    write_pdf_file(options, repo, result, DECLARATION_PDF, year, output)


@declaration.command(short_help="Submit a ready declaration and freeze its year.")
@year_option
@click.option("--amend", is_flag=True, help="Record changes to an already submitted year as the submitted state.")
@global_options
@click.pass_obj
def submit(options: Options, year: int | None, amend: bool) -> None:
    """Submit the declaration: refused, with the list of what is missing,
    unless it is ready; then records `submitted` (date, digest of everything
    it covers), after which `cpdgen validate` reports any change to the year,
    and writes the final PDF to output/private/cpd-declaration-YYYY.pdf."""
    from cpdgen.compute.digest import combined_digest, declaration_records, nested, record_digests
    from cpdgen.compute.year import last_day

    year = options.year(year)
    repo, result = options.checked(check_submitted=not amend)
    existing = _existing_declaration(repo, result, year)
    already = existing.submitted
    if already.get("digest") and not amend:
        raise UserError(
            f"the {year} declaration was submitted on {already.get('date')}; "
            f"`cpdgen declaration submit --year {year} --amend` records changes since"
        )
    if amend and not already.get("digest"):
        raise UserError(f"the {year} declaration has not been submitted yet, so there is nothing to amend")
    if options.today <= last_day(year):
        raise UserError(
            f"the {year} review year is not over until 31 December {year}; submit it from 1 January {year + 1}"
        )
    computed = _evaluate(repo, result, year)
    if not computed.ready:
        lines = "\n".join(f"  - {line}" for line in computed.missing)
        raise UserError(
            f"the {year} declaration is not ready to submit:\n{lines}\n`cpdgen declaration status --year {year}` shows the checklist"
        )
    digests = record_digests(declaration_records(result.records, year, existing))
    values = {"date": already.get("date", options.today.isoformat()), "digest": combined_digest(digests)}
    if amend:
        values["amended"] = options.today.isoformat()
    values["records"] = nested(digests)
    path = repo.root / existing.source.file
    _edit(path, repo.relative(path), "submitted", values)
    if not options.quiet:
        verb = "Amended the submission of" if amend else "Submitted"
        click.echo(f"{verb} the {year} declaration ({len(digests)} records covered) in {repo.relative(path)}.")
        click.echo(f"The {year} records are now frozen: `cpdgen validate` reports any change to them.")
    _final_pdf(options, year)


def _final_pdf(options: Options, year: int) -> None:
    """After a submission: the declaration PDF as submitted (no DRAFT)."""
    from cpdgen.compute.documents import DECLARATION_PDF

    try:
        repo, result = options.checked()
        write_pdf_file(options, repo, result, DECLARATION_PDF, year, None)
    except UserError as exc:
        raise UserError(
            f"the {year} declaration is submitted, but its PDF was not written: {exc}; "
            f"`cpdgen declaration pdf --year {year}` writes it"
        ) from None


# ---- shared steps ---------------------------------------------------------------------------------


def _evaluate(repo, result, year: int):
    from cpdgen.compute.checklist import year_status
    from cpdgen.loading.documents import inspect_documents

    return year_status(result.records, result.policy, year, lambda paths: inspect_documents(repo.root, paths))


def _declaration_path(repo, result, year: int) -> Path:
    from cpdgen.compute.year import declaration_for
    from cpdgen.model.kinds import DECLARATION

    found = declaration_for(result.records, year)
    return repo.root / found.source.file if found else repo.records / DECLARATION.folder / f"{year}.yaml"


def _existing_declaration(repo, result, year: int):
    from cpdgen.compute.year import declaration_for

    found = declaration_for(result.records, year)
    if found is None:
        path = repo.relative(_declaration_path(repo, result, year))
        raise UserError(
            f"there is no declaration for {year} ({path}): `cpdgen declaration start --year {year}` creates it"
        )
    return found


def _edit(path: Path, rel: str, section: str, values: dict) -> None:
    """Set `values` in `section` of the file, keeping every other byte, atomically."""
    from cpdgen.authoring.yamledit import update_section
    from cpdgen.common.atomic import write_atomic
    from cpdgen.loading.files import SourceError, read_text

    try:
        text = read_text(path)
        with path.open("rb") as stream:  # read_text drops a byte-order mark; keep it
            bom = stream.read(3) == b"\xef\xbb\xbf"
    except (SourceError, OSError) as exc:
        raise UserError(f"{rel}: cannot read it: {getattr(exc, 'message', exc)}") from None
    edited = update_section(text, section, values, file=rel)
    write_atomic(path, ("\ufeff" if bom else "") + edited)
