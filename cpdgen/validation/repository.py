"""Validation: the records repository → records (model) + diagnostics.

loading (files, YAML) → per-file schema checks (`files`) → model records →
cross-record rules (`rules`) → a `ValidationResult` for the reporters.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cpdgen.common.diagnostics import Diagnostic, error
from cpdgen.common.errors import UsageError
from cpdgen.common.parallel import job_count
from cpdgen.common.wording import did_you_mean
from cpdgen.loading.files import Repository, SourceFile, discover
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import PROFILE
from cpdgen.model.policy import Body, Policy
from cpdgen.model.records import Records
from cpdgen.model.settings import Settings
from cpdgen.validation.files import FileChecker, FileResult
from cpdgen.validation.rules import check_records
from cpdgen.validation.settings import load_configuration

# From this many files on, compiling the fast schema gate (about 60 ms) pays.
FAST_GATE_THRESHOLD = 300
_CHUNK = 250


@dataclass
class ValidationResult:
    records: Records
    settings: Settings
    policy: Policy
    files: int
    record_count: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    bodies: tuple[Body, ...] = ()  # every body cpdgen.yaml names, the first being `policy`

    def body(self, name: str | None) -> Body:
        """The body of policy `name` (its id, or as cpdgen.yaml names it);
        None: the first. Raises UsageError for a body not listed."""
        bodies = self.bodies or (Body(self.policy),)
        if name is None:
            return bodies[0]
        for body in bodies:
            if name in (body.policy.id, body.name):
                return body
        ids = [body.policy.id for body in bodies]
        raise UsageError(
            f"--policy: cpdgen.yaml lists no policy '{name}'{did_you_mean(name, ids)}; it lists: {', '.join(ids)}"
        )

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_repository(
    repo: Repository, jobs: int | None = None, *, check_submitted: bool = True, today: date | None = None
) -> ValidationResult:
    """Every problem of every file. check_submitted=False skips the check that
    submitted years are unchanged (for `declaration submit --amend`, which
    exists to record such changes). `today` (the commands' today, `--as-of`)
    adds warnings of what is recorded as done after it."""
    sources, notes = discover(repo)
    configuration = load_configuration(repo)
    settings, policy = configuration.settings, configuration.policy
    diagnostics = [*configuration.diagnostics, *notes]
    if not any(source.kind is PROFILE for source in sources):
        diagnostics.append(
            error(
                repo.relative(repo.records / PROFILE.folder),
                1,
                1,
                "the profile is missing: create it with at least 'name: Your Name'",
            )
        )

    records = Records()
    record_count = 0
    for result in _check_files(sources, repo.root, jobs, policy.competences):
        diagnostics.extend(result.diagnostics)
        record_count += result.record_count
        for record in result.records:
            records.add(result.kind, record)
        records.examples.extend((result.kind, record) for record in result.examples)
        records.unbuilt.extend(result.unbuilt)
        records.unbuilt_references.extend(result.unbuilt_references)
    diagnostics.extend(check_records(records, repo.root, frozen_years=check_submitted, policy=policy, today=today))
    diagnostics.sort(key=lambda d: (d.file, d.line, d.column, d.message))
    return ValidationResult(records, settings, policy, len(sources), record_count, diagnostics, configuration.bodies)


def _check_files(
    sources: list[SourceFile], root: Path, jobs: int | None, framework: Framework | None = None
) -> list[FileResult]:
    """Check every file, in `jobs` processes: this one and jobs - 1 workers.
    This process takes its share of the files too rather than sit waiting, so
    two cores give two checkers, and the workers' results are unpickled here
    only once its own share is done."""
    global _worker_checker
    count = job_count(jobs, len(sources))
    checker = FileChecker(root, fast=len(sources) >= FAST_GATE_THRESHOLD, framework=framework)
    if count == 1:
        return [checker.check(source) for source in sources]
    size = min(_CHUNK, -(-len(sources) // count))
    chunks = [sources[i : i + size] for i in range(0, len(sources), size)]
    forking = "fork" in multiprocessing.get_all_start_methods()
    # Forked workers inherit the checker, compiled once here; others build their own.
    _worker_checker = checker if forking else None
    context = multiprocessing.get_context("fork" if forking else None)
    try:
        with ProcessPoolExecutor(
            count - 1, mp_context=context, initializer=_init_worker, initargs=(root, checker.fast, framework)
        ) as pool:
            mine = {index for index in range(len(chunks)) if index % count == 0}
            futures = {
                index: pool.submit(_check_chunk, chunk) for index, chunk in enumerate(chunks) if index not in mine
            }
            done = {index: [checker.check(source) for source in chunks[index]] for index in sorted(mine)}
            return [
                result
                for index in range(len(chunks))
                for result in (done[index] if index in mine else futures[index].result())
            ]
    finally:
        _worker_checker = None


_worker_checker: FileChecker | None = None


def _init_worker(root: Path, fast: bool, framework: Framework | None) -> None:
    global _worker_checker
    if _worker_checker is None:
        _worker_checker = FileChecker(root, fast=fast, framework=framework)


def _check_chunk(chunk: list[SourceFile]) -> list[FileResult]:
    assert _worker_checker is not None
    return [_worker_checker.check(source) for source in chunk]
