"""`cpdgen init [DIR]`: start a records repository. Never overwrites a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cpdgen.cli import Options, global_options

# Present in a folder that is still "empty" for init: a fresh `git init`.
_IGNORED_IN_EMPTY = {".git"}


@click.command(short_help="Start a records repository; never overwrites a file.")
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(path_type=Path))
@click.option("--name", help="Your name, as it should appear (default: asked on a terminal, else a placeholder).")
@click.option("--body", help="Your professional body (default: IET).")
@click.option(
    "--existing",
    is_flag=True,
    help="Allow a folder that has files already: add only the missing files, overwriting none.",
)
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for the name and body (default: when input is a terminal).",
)
@global_options
@click.pass_obj
def init(
    options: Options,
    directory: Path | None,
    name: str | None,
    body: str | None,
    existing: bool,
    interactive: bool | None,
) -> None:
    """Start a records repository in DIR (default: the current folder).

    Writes the settings, a profile to fill in, one example record of each
    kind, the JSON Schemas for editors (with VS Code settings), a pre-commit
    hook and a GitHub Actions workflow running `cpdgen validate`, and a
    README. It never overwrites a file: it refuses a folder that has files in
    it, unless --existing, and then writes only the files that are missing.
    """
    from cpdgen.authoring import scaffold
    from cpdgen.common.atomic import FileExistsUserError, write_atomic
    from cpdgen.common.errors import UsageError, UserError
    from cpdgen.loading.files import Repository
    from cpdgen.validation.repository import validate_repository

    root = directory if directory is not None else options.cwd
    if not root.is_absolute():
        root = options.cwd / root
    if root.exists() and not root.is_dir():
        raise UsageError(f"{directory}: not a folder")
    shown = _shown(root, options.cwd)
    if root.is_dir() and not existing:
        present = sorted(entry.name for entry in root.iterdir() if entry.name not in _IGNORED_IN_EMPTY)
        if present:
            listed = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise UsageError(
                f"{shown} is not empty ({listed}); to add the missing files of a records repository "
                "to it, overwriting none, run: cpdgen init --existing" + ("" if directory is None else f" {directory}")
            )

    if interactive is None:
        interactive = _is_terminal()
    if interactive:
        if name is None:
            name = click.prompt("Your name", err=True, value_proc=_non_blank)
        if body is None:
            body = click.prompt(
                "Your professional body", default=scaffold.DEFAULT_BODY, err=True, value_proc=_non_blank
            )
    placeholder = name is None
    name = _non_blank(name) if name is not None else scaffold.PLACEHOLDER_NAME
    body = _non_blank(body) if body is not None else scaffold.DEFAULT_BODY

    created: list[str] = []
    skipped: list[tuple[str, str]] = []
    for planned in scaffold.plan(name, body, options.today):
        target = root / planned.path
        reason = _reason_to_skip(root, planned)
        if reason:
            skipped.append((planned.path, reason))
            continue
        try:
            write_atomic(target, planned.text, create=True)
        except FileExistsUserError:
            skipped.append((planned.path, "exists"))
            continue
        except OSError as exc:
            raise UserError(f"cannot write {_shown(target, options.cwd)}: {exc.strerror or exc}") from None
        created.append(planned.path)

    _report(shown, created, skipped, options, placeholder, in_git=(root / ".git").exists())
    result = validate_repository(Repository(root, root / "records"))
    if result.errors:
        click.echo(f"\ncpdgen validate finds {len(result.errors)} problem(s) in {shown}:", err=True)
        for problem in result.errors:
            click.echo(f"  {problem.file}:{problem.line}:{problem.column}: error: {problem.message}", err=True)
        raise SystemExit(1)


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _non_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise click.BadParameter("give a value, not a blank")
    if not value.isprintable():  # a line break or control character would break the files it goes into
        raise click.BadParameter("give it on one line, without control characters")
    return value


def _reason_to_skip(root: Path, planned) -> str | None:
    """Why a planned file is not written, or None. Existing files are never
    replaced; nor is a profile added beside one written .yml; nor are examples
    added to a kind that has records already."""
    from cpdgen.loading.files import PROFILE_FILES
    from cpdgen.model.kinds import BY_NAME, YAML_SUFFIXES

    if (root / planned.path).exists() or (root / planned.path).is_symlink():
        return "exists"
    if planned.kind == "profile" and any((root / "records" / name).exists() for name in PROFILE_FILES):
        return "a profile exists"
    if planned.is_example:
        folder = root / "records" / BY_NAME[planned.kind].folder
        if folder.is_dir() and any(path.suffix in YAML_SUFFIXES for path in folder.rglob("*")):
            return f"{BY_NAME[planned.kind].plural} exist, no example needed"
    return None


def _shown(path: Path, cwd: Path) -> str:
    """The folder as the member can `cd` to it: relative when it is below the
    current folder, else the absolute path (never a climb of ../..)."""
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive (Windows)
        return str(path)
    if relative == ".":
        return "the current folder"
    return str(path) if relative.startswith("..") else relative


def _report(
    shown: str, created: list[str], skipped: list[tuple[str, str]], options: Options, placeholder: bool, *, in_git: bool
) -> None:
    if options.quiet:
        return
    schemas = [path for path in created if path.startswith("schemas/")]
    listed = [path for path in created if not path.startswith("schemas/")]
    if created:
        click.echo(f"Created in {shown}:")
        for path in listed:
            click.echo(f"  {path}")
        if schemas:
            click.echo(f"  schemas/ ({len(schemas)} JSON Schemas, for editors)")
    else:
        click.echo(f"Nothing to create in {shown}: every file is there already.")
    if skipped:
        click.echo("Skipped, nothing overwritten:")
        for path, reason in skipped:
            click.echo(f"  {path} ({reason})")
    steps = []
    if shown != "the current folder":
        steps.append(f"cd {shown}")
    if placeholder:
        steps.append("put your name in records/profile.yaml (it says 'Your Name')")
    else:
        steps.append("complete records/profile.yaml")
    steps += [
        "edit or delete the example records (tagged example)",
        "cpdgen new activity        # record CPD as you go",
        "cpdgen validate            # check everything",
        (
            "git add . && git commit -m 'CPD records'"
            if in_git
            else "git init && git add . && git commit -m 'CPD records'"
        ),
        "pre-commit install         # check every commit",
    ]
    click.echo("Next steps:")
    for step in steps:
        click.echo(f"  {step}")
