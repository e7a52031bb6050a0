"""Validation: the records repository → records (model) + diagnostics.

loading (files, YAML) → per-file schema checks (`files`) → model records →
cross-record rules (`rules`) → a `ValidationResult` for the reporters.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cpdgen.common.collector import collector_paused
from cpdgen.common.diagnostics import Diagnostic, error
from cpdgen.common.errors import UsageError
from cpdgen.common.parallel import job_count
from cpdgen.common.wording import did_you_mean
from cpdgen.loading.files import MAX_FILE_BYTES, Repository, SourceError, SourceFile, discover, read_bytes
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import PROFILE
from cpdgen.model.policy import Body, Policy
from cpdgen.model.records import Record, Records
from cpdgen.model.settings import Settings
from cpdgen.validation.cache import RecordCache, cache_file, context_digest, file_digest
from cpdgen.validation.files import FileChecker, FileResult
from cpdgen.validation.rules import check_records
from cpdgen.validation.settings import Configuration, load_configuration

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
    # What `revalidate` starts from: the files, each one's verdict, and what was said before any file.
    sources: tuple[SourceFile, ...] = field(default=(), repr=False, compare=False)
    file_results: tuple[FileResult, ...] = field(default=(), repr=False, compare=False)
    before_files: tuple[Diagnostic, ...] = field(default=(), repr=False, compare=False)
    configuration: Configuration | None = field(default=None, repr=False, compare=False)

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
    repo: Repository,
    jobs: int | None = None,
    *,
    check_submitted: bool = True,
    today: date | None = None,
    checkpoint: Checkpoint = lambda: None,
) -> ValidationResult:
    """Every problem of every file. check_submitted=False skips the check that
    submitted years are unchanged (for `declaration submit --amend`, which
    exists to record such changes). `today` (the commands' today, `--as-of`)
    adds warnings of what is recorded as done after it. `checkpoint` is
    called every few hundred files; what it raises ends the run."""
    with collector_paused():  # a fifth of a cold run's time at 10,000 files went to full collections
        return _validate_repository(repo, jobs, check_submitted, today, checkpoint)


def _validate_repository(
    repo: Repository, jobs: int | None, check_submitted: bool, today: date | None, checkpoint: Checkpoint
) -> ValidationResult:
    sources, notes = discover(repo)
    configuration = load_configuration(repo)
    settings, policy = configuration.settings, configuration.policy
    before_files = _before_files(repo, configuration, sources, notes)
    results = check_files(repo, sources, jobs, settings, policy.competences, checkpoint=checkpoint)
    return _assemble(repo, configuration, sources, results, before_files, check_submitted, today)


def _before_files(
    repo: Repository, configuration: Configuration, sources: list[SourceFile], notes: list[Diagnostic]
) -> list[Diagnostic]:
    """What is said before any file's verdict: the settings' problems,
    discovery's warnings, and a missing profile."""
    before = [*configuration.diagnostics, *notes]
    if not any(source.kind is PROFILE for source in sources):
        before.append(
            error(
                repo.relative(repo.records / PROFILE.folder),
                1,
                1,
                "the profile is missing: create it with at least 'name: Your Name'",
            )
        )
    return before


def revalidate(
    repo: Repository,
    previous: ValidationResult,
    changed: Iterable[Path],
    *,
    check_submitted: bool = True,
    today: date | None = None,
) -> ValidationResult | None:
    """As `validate_repository`, for a repository where only the files
    `changed` may differ from when `previous` was made (the preview
    server's watcher names them): those are checked again, every other
    file's verdict is kept, and the cross-record rules run on the whole.
    Other paths are passed over where they can leave no trace but in
    what discovery finds, in the settings and in the path checks: a path
    gone (the temporary file of `sed -i`, or of an editor's safe write,
    which writes a new file and renames it over the record), or a hidden
    name below records/ (an editor's swap file) that is no other name of a
    file. Discovery and the settings are then made again (about 30 ms at
    10,000 files) and must be as they were, whatever the path was (a
    folder of records, a policy file, a link), and every path check is
    asked again, so a file a record names cannot come or go unseen.
    None where that cannot answer: a record file added or removed, any
    other file that is there (a new record, cpdgen.yaml, a policy, an
    evidence file), discovery, the settings or a path check that answer
    otherwise, or where files may share their bytes (a record file that is
    a link, or has other names): a change under one name would not be seen
    under the other. Then validate it all."""
    if previous.configuration is None or any(source.link for source in previous.sources):
        return None
    where = {source.rel: index for index, source in enumerate(previous.sources)}
    indexes = []
    passed_over = False
    for path in changed:
        index = where.get(repo.relative(Path(path)))  # a path outside the repository is no record file
        if index is None:
            if not _may_pass_over(repo, Path(path)):
                return None
            passed_over = True
            continue
        try:
            found = os.lstat(previous.sources[index].location)
        except OSError:
            return None  # removed
        if not stat.S_ISREG(found.st_mode) or found.st_nlink != 1:  # now a link, or another name for the same file
            return None
        indexes.append(index)
    results = list(previous.file_results)
    checker = FileChecker(repo.root, framework=previous.policy.competences)
    if passed_over and not _as_it_was(repo, previous, checker):
        return None
    for index in dict.fromkeys(indexes):
        results[index] = checker.check(previous.sources[index])
    return _assemble(
        repo,
        previous.configuration,
        list(previous.sources),
        results,
        list(previous.before_files),
        check_submitted,
        today,
    )


def _may_pass_over(repo: Repository, path: Path) -> bool:
    """Whether `path`, no record file of the last validation, may be passed
    over (`revalidate`), given that discovery, the settings and the path
    checks are made again."""
    if not path.is_relative_to(repo.root):
        return False
    try:
        found = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True  # gone
    except OSError:
        return False
    rel, records = repo.relative(path), repo.relative(repo.records)
    hidden = rel.startswith(records + "/") and any(part.startswith(".") for part in rel[len(records) + 1 :].split("/"))
    # Another name of a record file (a hard link) would change the record unseen.
    return hidden and not (stat.S_ISREG(found.st_mode) and found.st_nlink > 1)


def _as_it_was(repo: Repository, previous: ValidationResult, checker: FileChecker) -> bool:
    """Whether discovery, the settings and every path check of `previous`
    answer now as they did."""
    assert previous.configuration is not None
    sources, notes = discover(repo)
    configuration = load_configuration(repo)
    if sources != list(previous.sources) or (configuration.settings, configuration.bodies) != (
        previous.configuration.settings,
        previous.configuration.bodies,
    ):
        return False
    if _before_files(repo, configuration, sources, notes) != list(previous.before_files):
        return False
    return all(
        checker.path_check(name, value) == message
        for result in previous.file_results
        for name, value, message in result.path_checks or ()
    )


def edited_records(
    before: ValidationResult, after: ValidationResult, limit: int = 8
) -> list[tuple[Record, Record]] | None:
    """The records `after` holds in place of `before`'s, as (before, after)
    pairs, where `after` was made by `revalidate` from `before` (directly or
    through others) and at most `limit` files were checked again since, each
    still holding as many valid records. None where that is not so: then
    what changed is not known cheaply."""
    if len(before.sources) != len(after.sources) or len(before.file_results) != len(after.file_results):
        return None
    if not all(old is new for old, new in zip(before.sources, after.sources, strict=True)):
        return None
    checked = [(old, new) for old, new in zip(before.file_results, after.file_results, strict=True) if old is not new]
    if len(checked) > limit:
        return None
    pairs: list[tuple[Record, Record]] = []
    for old, new in checked:
        if len(old.records) != len(new.records):
            return None
        pairs += [(a, b) for a, b in zip(old.records, new.records, strict=True) if a != b]
    return pairs


def _assemble(
    repo: Repository,
    configuration: Configuration,
    sources: list[SourceFile],
    results: list[FileResult],
    before_files: list[Diagnostic],
    check_submitted: bool,
    today: date | None,
) -> ValidationResult:
    """The records and every diagnostic, from each file's verdict."""
    policy = configuration.policy
    diagnostics = list(before_files)
    records = Records()
    record_count = 0
    for result in results:
        diagnostics.extend(result.diagnostics)
        record_count += result.record_count
        for record in result.records:
            records.add(result.kind, record)
        records.examples.extend((result.kind, record) for record in result.examples)
        records.unbuilt.extend(result.unbuilt)
        records.unbuilt_references.extend(result.unbuilt_references)
    diagnostics.extend(check_records(records, repo.root, frozen_years=check_submitted, policy=policy, today=today))
    diagnostics.sort(key=lambda d: (d.file, d.line, d.column, d.message))
    return ValidationResult(
        records,
        configuration.settings,
        policy,
        len(sources),
        record_count,
        diagnostics,
        configuration.bodies,
        sources=tuple(sources),
        file_results=tuple(results),
        before_files=tuple(before_files),
        configuration=configuration,
    )


def check_files(
    repo: Repository,
    sources: list[SourceFile],
    jobs: int | None,
    settings: Settings,
    framework: Framework | None = None,
    *,
    checkpoint: Checkpoint = lambda: None,
) -> list[FileResult]:
    """Every file's verdict, in the order of `sources`: from the persistent
    cache (`cpdgen.validation.cache`) where a file's bytes and the paths it
    names still agree with it, else checked afresh, and the cache brought up
    to date."""
    if not repo.use_cache:
        work: list[Work] = [(s, None) for s in sources]
        return [result for result, _, _ in _check_files(work, repo.root, jobs, framework, checkpoint)]
    cache = RecordCache(cache_file(repo), context_digest(repo, policy_files(settings)))
    results: list[FileResult | None] = [None] * len(sources)
    todo: list[tuple[SourceFile, bytes | None]] = []
    where: list[int] = []
    checker = FileChecker(repo.root, framework=framework)
    for index, source in enumerate(sources):
        if index % _CHUNK == 0:
            checkpoint()
        raw: bytes | None = None
        if cache.entries:
            try:
                raw = read_bytes(source.location)
            except SourceError:
                raw = None
            if raw is not None and len(raw) <= MAX_FILE_BYTES:
                entry = cache.lookup(source, file_digest(raw), checker.path_check)
                if entry is not None:
                    try:
                        results[index] = FileResult.from_entry(source.rel, entry)
                        continue
                    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
                        pass  # an entry its builders refuse is checked again
        todo.append((source, raw))
        where.append(index)
    for index, (result, digest, sent) in zip(
        where, _check_files(todo, repo.root, jobs, framework, checkpoint), strict=True
    ):
        results[index] = result
        if digest is not None:
            cache.store(result.rel, sent if sent is not None else result.entry(digest, sources[index].default_id))
    cache.keep_only({source.rel for source in sources})
    # Written in a thread while the records are assembled and checked across files:
    # a cold run's 9 MB at 10,000 files is mostly hashing and writing, which let go of the interpreter.
    cache.save(behind=True)
    return [result for result in results if result is not None]


def policy_files(settings: Settings) -> list[str]:
    """The policy files in the repository that the settings name (none for
    a built-in policy), every one of `policies:` as well as the one `policy:`."""
    names = [choice.name for choice in settings.policies] or [settings.policy]
    return [name for name in names if "/" in name or name.endswith((".yaml", ".yml"))]


Work = tuple[SourceFile, bytes | None]  # a file, and its bytes if already read
Checkpoint = Callable[[], None]  # called at safe points of a long run; what it raises ends the run
# A file's verdict, the digest of the bytes it judged, and its cache entry as a worker sent it.
Checked = tuple[FileResult, bytes | None, tuple | None]


def _check_files(
    work: list[Work],
    root: Path,
    jobs: int | None,
    framework: Framework | None = None,
    checkpoint: Checkpoint = lambda: None,
) -> list[Checked]:
    """Check every file, in `jobs` processes: this one and jobs - 1 workers.
    This process takes its share of the files too rather than sit waiting, so
    two cores give two checkers. Each result comes with the digest of
    the bytes it judged (None where the file could not be read whole)."""
    global _worker_checker
    if not work:
        return []
    count = job_count(jobs, len(work))
    checker = FileChecker(root, framework=framework)
    if count == 1:
        checked = []
        for index, item in enumerate(work):
            if index % _CHUNK == 0:
                checkpoint()
            checked.append(_check_one(checker, item))
        return checked
    # Chunks small enough for the two ends to meet evenly: four a process at least.
    size = max(1, min(_CHUNK, -(-len(work) // (count * 4))))
    chunks = [work[i : i + size] for i in range(0, len(work), size)]
    forking = "fork" in multiprocessing.get_all_start_methods()
    # Forked workers inherit the checker, compiled once here; others build their own.
    _worker_checker = checker if forking else None
    if forking:
        checker.compile()  # once here, for all the forked workers
    context = multiprocessing.get_context("fork" if forking else None)
    try:
        with ProcessPoolExecutor(
            count - 1, mp_context=context, initializer=_init_worker, initargs=(root, checker.fast, framework)
        ) as pool:
            # The workers are fed chunks from the start, two each ahead of their
            # work (a pool takes what it is given at once: given all, this process
            # would have none left to take); this process checks chunks from the
            # end, and between two turns the workers' finished ones into records,
            # so both are busy to the end and little is left to turn after.
            by_chunk: list[list[Checked]] = [[] for _ in chunks]
            fed: dict[int, Future] = {}
            front, back = 0, len(chunks) - 1  # the next chunk to feed, the next to check here
            try:
                while front <= back:
                    while front <= back and len(fed) < 2 * (count - 1):
                        fed[front] = pool.submit(_check_chunk, chunks[front])
                        front += 1
                    for index in [index for index, future in fed.items() if future.done()]:
                        by_chunk[index] = _received(chunks[index], fed.pop(index).result())
                    if front <= back:
                        checkpoint()
                        by_chunk[back] = [_check_one(checker, item) for item in chunks[back]]
                        back -= 1
                for index in sorted(fed):
                    by_chunk[index] = _received(chunks[index], fed[index].result())
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)  # what was fed but not begun is not wanted
                raise
            return [result for chunk in by_chunk for result in chunk]
    finally:
        _worker_checker = None


def _received(chunk: list[Work], sent: bytes) -> list[Checked]:
    """A worker's verdicts on `chunk` as results: workers send plain values
    (the cache's entries), which travel faster than the records themselves."""
    return [
        (FileResult.from_entry(source.rel, entry), digest, entry)
        for (source, _), (entry, digest) in zip(chunk, marshal.loads(sent), strict=True)
    ]


def _check_one(checker: FileChecker, item: Work) -> Checked:
    source, raw = item
    try:
        if raw is None:
            raw = read_bytes(source.location)
    except SourceError:
        return checker.check(source), None, None  # says why it cannot be read
    digest = file_digest(raw) if len(raw) <= MAX_FILE_BYTES else None
    return checker.check(source, raw), digest, None


_worker_checker: FileChecker | None = None


def _init_worker(root: Path, fast: bool, framework: Framework | None) -> None:
    global _worker_checker
    if _worker_checker is None:
        _worker_checker = FileChecker(root, fast=fast, framework=framework)


def _check_chunk(chunk: list[Work]) -> bytes:
    """A chunk's verdicts as `marshal` bytes of plain values: several times
    cheaper to send than pickled records."""
    assert _worker_checker is not None
    out = []
    for item in chunk:
        result, digest, _ = _check_one(_worker_checker, item)
        out.append((result.entry(digest or b"", item[0].default_id), digest))
    return marshal.dumps(out)
