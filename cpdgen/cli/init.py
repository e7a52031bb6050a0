"""`cpdgen init [DIR]`: start a records repository. Never overwrites a file."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from cpdgen.cli import Options, echo_problems, global_options
from cpdgen.common.errors import ExitCode, UsageError
from cpdgen.common.wording import plural


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

    root = directory if directory is not None else options.cwd
    if not root.is_absolute():
        root = options.cwd / root
    if root.exists() and not root.is_dir():
        raise UsageError(f"{directory}: not a folder")
    shown = _shown(root, options.cwd)
    if not existing:
        scaffold.refuse_non_empty(root, shown, directory)
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

    from cpdgen.loading.install import install_source

    install = scaffold.ci_install(install_source())
    done = scaffold.init_repository(root, name, body, options.today, install)
    _report(shown, done.created, done.skipped, options, placeholder, in_git=(root / ".git").exists())
    if not options.quiet and ".github/workflows/cpd.yml" in done.created and install.note:
        click.echo(f"{'Note' if install.reachable else 'Warning'}: {install.note}.")
    if done.problems:
        click.echo(f"\ncpdgen validate finds {plural(len(done.problems), 'problem')} in {shown}:", err=True)
        echo_problems(done.problems, indent="  ")
        raise SystemExit(ExitCode.FAILED)


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _non_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise click.BadParameter("give a value, not a blank")
    if not value.isprintable():  # a line break or control character would break the files it goes into
        raise click.BadParameter("give it on one line, without control characters")
    return value


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
        "make the example records your own, or delete them (they say example: true and count towards nothing)",
        "cpdgen new activity        # record CPD as you go",
        "cpdgen validate            # check everything",
        (
            "git add . && git commit -m 'CPD records'"
            if in_git
            else "git init && git add . && git commit -m 'CPD records'"
        ),
        (
            "pre-commit install         # check every commit"
            if shutil.which("pre-commit")
            else "pip install pre-commit && pre-commit install   # check every commit (pipx: pipx inject cpdgen pre-commit)"
        ),
    ]
    click.echo("Next steps:")
    for step in steps:
        click.echo(f"  {step}")
