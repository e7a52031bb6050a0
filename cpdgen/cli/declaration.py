"""`cpdgen declaration status|start|acknowledge|submit`: the annual CPD
Declaration, item by item, as the professional body will judge it."""

from __future__ import annotations

import json

import click

from cpdgen.cli import Options, global_options, year_option
from cpdgen.cli.report import output_option, write_pdf_file
from cpdgen.common.errors import ExitCode, UserError
from cpdgen.common.wording import plural


@click.group(short_help="The annual CPD Declaration: review, status, set, acknowledge, pdf, submit.")
def declaration() -> None:
    """The annual CPD Declaration: `review` walks it item by item; `status`
    shows the checklist; `set` answers without prompts; `start`,
    `acknowledge`, `pdf` and `submit` do one step each."""


@declaration.command(short_help="Walk the checklist item by item, and submit.")
@year_option
@global_options
@click.pass_obj
def review(options: Options, year: int | None) -> None:
    """Walk the year's CPD Declaration item by item, as the body's "Start CPD
    Review" does: what each item means and needs, the questions (monitoring,
    employment status, which employment and study to show, the hours, the
    compliance statement, the supporting documents), the CPD Activity and
    Planning Reports before acknowledging them, then the draft summary and
    the offer to submit. Every answer is written at once into
    records/declarations/YYYY.yaml (made from the template if there is none),
    keeping the rest of the file, and checked; Ctrl-C stops with every answer
    so far kept. Enter keeps the answer shown in [brackets]."""
    from cpdgen.cli.declaration_review import run_review

    run_review(options, options.year(year))


class _SetCommand(click.Command):
    """`declaration set`, whose help lists the keys, read from the schema only when asked."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from cpdgen.authoring.declaration import WRITTEN_BY, answer_keys

        with formatter.section("Keys"):
            formatter.write_dl([(key.dotted, key.description) for key in answer_keys().values()])
        formatter.write_paragraph()
        formatter.write_text(
            "Not set by hand: " + "; ".join(f"{section} {owner}" for section, owner in WRITTEN_BY.items()) + "."
        )


@declaration.command("set", cls=_SetCommand, short_help="Answer checklist items without prompts: KEY=VALUE...")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@year_option
@global_options
@click.pass_obj
def set_(options: Options, year: int | None, assignments: tuple[str, ...]) -> None:
    """Set answers in the year's declaration file, e.g.

    \b
      cpdgen declaration set monitoring.agreed=yes hours.confirmed=yes \\
        compliance.statement=met employment_status.status=employed

    KEYs are the file's dotted keys (listed below); values are read as typed anywhere else (yes/no, 14/03/2025,
    not met); KEY= removes a key. monitoring.agreed=yes also dates the
    agreement today. The file is made from the template if there is none.
    Everything is checked first, as the file would then read: any problem is
    reported as file:line:column and nothing is written."""
    from cpdgen.authoring import declaration as declaration_file

    year = options.year(year)
    repo, result = options.checked_declaration()
    rel = repo.relative(declaration_file.declaration_path(repo, result, year))
    try:
        changes = declaration_file.parse_assignments(list(assignments), options.today, rel)
        done = declaration_file.answer(repo, result, year, changes)
    except declaration_file.AnswersRefused as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise UserError(f"nothing was written to {rel}") from None
    if not options.quiet:
        made = " (made from the template)" if done.created else ""
        click.echo(f"Set {', '.join('.'.join(path) for path in changes)} in {rel}{made}.")
        computed = _evaluate(repo, done.result, year)
        open_items = [f"{i.number}. {i.title}" for i in computed.items if i.mandatory and not i.complete]
        if computed.ready:
            click.echo(f"Ready to submit: `cpdgen declaration submit --year {year}`.")
        elif open_items:
            click.echo(f"Still to do: {'; '.join(open_items)} (`cpdgen declaration status --year {year}`).")


@declaration.command(short_help="The checklist: what is complete, what is missing.")
@year_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text, json (a stable contract: docs/cli.md), or csv (the checklist items, for a spreadsheet).",
)
@global_options
@click.pass_obj
def status(options: Options, year: int | None, output_format: str) -> None:
    """The checklist of a review year: each item Mandatory or Optional,
    complete or not, and what is missing. Exit status 0 when ready to submit
    (or submitted), 1 when not."""
    from cpdgen.render.text import status_text

    year = options.year(year)
    repo, result = options.checked_declaration()
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
        from cpdgen.authoring.declaration import declaration_path

        file = repo.relative(declaration_path(repo, result, year))
        click.echo(status_text(computed, result.policy, file, today=options.today, color=options.color()))
    raise SystemExit(ExitCode.OK if computed.ready or computed.submitted else ExitCode.FAILED)


@declaration.command(short_help="Create the year's declaration file from a template.")
@year_option
@global_options
@click.pass_obj
def start(options: Options, year: int | None) -> None:
    """Create the declaration file of a review year from a template (the
    checklist as commented sections). Never overwrites a file."""
    from cpdgen.authoring import declaration as declaration_file

    year = options.year(year)
    repo, result = options.checked_declaration()
    path = declaration_file.start(repo, result, year)
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
    from cpdgen.authoring import declaration as declaration_file

    year = options.year(year)
    # A submitted year may be re-acknowledged on the way to `submit --amend`.
    repo, result = options.checked_declaration(check_submitted=False)
    done = declaration_file.acknowledge(repo, result, year, options.today)
    if not options.quiet:
        click.echo(
            f"Acknowledged the {year} reports "
            f"({plural(done.activities, 'activity or course', 'activities and courses')}, "
            f"{plural(done.objectives, 'objective')}, {done.planned} planned) in {repo.relative(done.path)}."
        )
        if done.submitted:
            click.echo(
                f"The {year} declaration was submitted: `cpdgen declaration submit --year {year} --amend` records this."
            )


@declaration.command(short_help="The declaration as a PDF (a draft until submitted).")
@year_option
@output_option
@global_options
@click.pass_obj
def pdf(options: Options, year: int | None, output: str | None) -> None:
    """Write the CPD Declaration of a review year as a PDF: the checklist,
    the hours, the statements and both reports as appendices, with the
    year's records as an embedded JSON file. Until the declaration is
    submitted every page says DRAFT. Default:
    output/private/cpd-declaration-YYYY.pdf (or -o FILE)."""
    from cpdgen.compute.documents import DECLARATION_PDF

    year = options.year(year)
    repo, result = options.checked_declaration()
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
    from cpdgen.authoring import declaration as declaration_file

    year = options.year(year)
    repo, result = options.checked_declaration(check_submitted=not amend)
    done = declaration_file.submit(repo, result, _evaluate(repo, result, year), year, options.today, amend=amend)
    if not options.quiet:
        verb = "Amended the submission of" if amend else "Submitted"
        click.echo(
            f"{verb} the {year} declaration ({plural(done.records, 'record')} covered) in {repo.relative(done.path)}."
        )
        click.echo(f"The {year} records are now frozen: `cpdgen validate` reports any change to them.")
    _final_pdf(options, year)
    what_to_upload(options, year)


def what_to_upload(options: Options, year: int) -> None:
    """After a submission, plainly: the files to upload, where, how big."""
    from cpdgen.authoring.declaration import uploads
    from cpdgen.compute.documents import DECLARATION_PDF, generated_file

    repo, result = options.checked_declaration()
    policy = result.policy
    listed = uploads(repo, result, year, options.today)
    limit = f"{policy.documents.max_bytes:,} bytes"
    if not listed:
        click.echo(
            f"Item 8 names no supporting document, so there is nothing to upload; {policy.named} sees only "
            "what its own form holds. To upload the equivalent reports: "
            f"`cpdgen declaration set supporting_documents.activity_report=generate supporting_documents.planning_report=generate --year {year}`."
        )
    else:
        guide = policy.guide
        click.echo("")
        click.echo(guide.upload if guide and guide.upload else f"Upload to {policy.named}'s form, one file per type:")
        width = max(len(upload.title) for upload in listed)
        for upload in listed:
            shown = _shown(upload.path, options)
            click.echo(f"  {upload.title:<{width}}  {shown}  {upload.size:,} bytes")
        too_big = [upload for upload in listed if not upload.fits]
        if too_big:
            for upload in too_big:
                click.echo(
                    f"cpdgen: warning: {upload.title} is {upload.size:,} bytes: the limit is under {limit}", err=True
                )
        else:
            click.echo(f"Each is under {policy.named}'s limit of {limit}.")
    declaration_pdf = repo.root / "output" / generated_file(DECLARATION_PDF, year)
    click.echo(f"Keep {_shown(declaration_pdf, options)}: it is your record of this submission.")


def _shown(path, options: Options) -> str:
    try:
        return str(path.resolve().relative_to(options.cwd.resolve()))
    except ValueError:
        return str(path)


def _final_pdf(options: Options, year: int) -> None:
    """After a submission: the declaration PDF as submitted (no DRAFT)."""
    from cpdgen.compute.documents import DECLARATION_PDF

    try:
        repo, result = options.checked_declaration()
        write_pdf_file(options, repo, result, DECLARATION_PDF, year, None)
    except UserError as exc:
        raise UserError(
            f"the {year} declaration is submitted, but its PDF was not written: {exc}; "
            f"`cpdgen declaration pdf --year {year}` writes it"
        ) from None


def _evaluate(repo, result, year: int):
    """The year's checklist, its supporting documents read from disk."""
    from functools import partial

    from cpdgen.compute.checklist import year_status
    from cpdgen.loading.documents import inspect_documents

    return year_status(result.records, result.policy, year, partial(inspect_documents, repo.root))
