"""Checking one record file: read, parse, schema-validate, build the records.

This is the per-file half of validation, independent of every other file,
so it can run in worker processes for large repositories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdgen.common.diagnostics import Diagnostic, Severity, error
from cpdgen.loading import schemas
from cpdgen.loading.files import SourceError, SourceFile, decode_text, read_bytes
from cpdgen.loading.paths import check_repo_path
from cpdgen.loading.yamlparse import Document, YAMLFileError, parse_yaml
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import KINDS, Kind
from cpdgen.model.records import BUILDERS, Record, Source
from cpdgen.validation.record_rules import check_record_values
from cpdgen.validation.rules import Reference, references_of
from cpdgen.validation.schema import FormatChecks, check_document, format_checks, record_gate, record_validator
from cpdgen.validation.schema_messages import SchemaProblem, describe_value, translate

# A path check a record needed: (format name, value, the message it gave or None).
PathCheck = tuple[str, str, str | None]


@dataclass
class FileResult:
    rel: str
    kind: str
    records: list[Record] = field(default_factory=list)  # the valid ones, built
    examples: list[Record] = field(
        default_factory=list
    )  # valid, built, and `example: true`: they count towards nothing
    unbuilt: list[tuple[str, str, Source]] = field(default_factory=list)  # the others' ids
    unbuilt_references: list[tuple[Source, Reference]] = field(default_factory=list)  # and what they name
    diagnostics: list[Diagnostic] = field(default_factory=list)
    record_count: int = 0  # records the file holds, valid or not
    # What the built records were made of, in order: (filled data, id, index in a list file, is an example).
    built: list[tuple[dict, str | None, int | None, bool]] = field(default_factory=list)
    # Every check of a path on disk the verdict depended on, and its answer.
    path_checks: set[PathCheck] = field(default_factory=set)

    def entry(self, digest: bytes, default_id: str) -> tuple:
        """This result as plain values (see `cpdgen.validation.cache`)."""
        return (
            digest,
            self.kind,
            default_id,
            tuple(sorted(self.path_checks, key=lambda check: (check[0], check[1]))),
            self.record_count,
            tuple((d.file, d.line, d.column, d.message, d.severity.value) for d in self.diagnostics),
            tuple(self.built),
            tuple((kind, record_id, where.index) for kind, record_id, where in self.unbuilt),
            tuple((where.index, reference) for where, reference in self.unbuilt_references),
        )

    @classmethod
    def from_entry(cls, rel: str, entry: tuple) -> FileResult:
        """The result an `entry` was made from: the records are built again
        by the model's own builders, from the same data."""
        _, kind, _, checks, count, diagnostics, built, unbuilt, references = entry
        result = cls(rel, kind, record_count=count, path_checks=set(checks), built=list(built))
        build = BUILDERS[kind]
        for data, record_id, index, example in built:
            record = build(data, record_id, Source(rel, index))
            (result.examples if example else result.records).append(record)
        result.unbuilt = [(name, record_id, Source(rel, index)) for name, record_id, index in unbuilt]
        result.unbuilt_references = [
            (Source(rel, index), (tuple(path), tuple(kinds), target)) for index, (path, kinds, target) in references
        ]
        result.diagnostics = [
            Diagnostic(file, line, column, message, Severity(severity))
            for file, line, column, message, severity in diagnostics
        ]
        return result


class FileChecker:
    """Validates record files of one repository (paths are checked against
    its root). Build one per process; it holds the compiled validators.

    With `fast` (the default), each record first goes through a compiled
    yes/no gate of its kind (see `cpdgen.validation.schema.record_gate`,
    2-5 ms to compile, each when first needed); jsonschema, imported only
    then, explains the ones it rejects. Without, jsonschema judges them all
    (the tests hold the two to the same verdicts).
    """

    def __init__(self, root: Path, *, fast: bool = True, framework: Framework | None = None):
        self.root = root
        self.fast = fast
        self.framework = framework  # the policy's competence framework: the codes records may use
        self._checks: set[PathCheck] | None = None  # the path checks of the file being checked
        self._validators: dict | None = None
        self._gates: _Gates | None = None

    @property
    def validators(self) -> dict:
        # Built on first use: a run whose records all pass their gates never needs them.
        if self._validators is None:
            checks = self._format_checks()
            self._validators = {kind.name: record_validator(kind.name, checks) for kind in KINDS}
        return self._validators

    @property
    def gates(self) -> _Gates:
        """Each kind's gate, compiled when first asked for."""
        if self._gates is None:
            self._gates = _Gates(self._format_checks())
        return self._gates

    def compile(self) -> None:
        """Build now rather than on first use what checks each record (for
        forked workers to inherit): every kind's gate if `fast`, else the
        validators."""
        if self.fast:
            for kind in KINDS:
                self.gates[kind.name]  # the lookup compiles it
        else:
            self.validators  # noqa: B018 - the property builds them

    def _format_checks(self):
        return format_checks(self._logged("repo-path"), self._logged("document"), self.framework)

    def _logged(self, name: str):
        def check(value: str) -> None:
            message = self.path_check(name, value)
            if self._checks is not None:
                self._checks.add((name, value, message))
            if message is not None:
                raise ValueError(message)

        return check

    def path_check(self, name: str, value: str) -> str | None:
        """What the `name` format check says of `value` now: None, or its message."""
        try:
            (check_repo_path if name == "repo-path" else check_document)(self.root, value)
        except ValueError as exc:
            return str(exc)
        return None

    def problems(self, kind: Kind, data: dict, default_id: str | None, scalar=lambda path: None) -> list[SchemaProblem]:
        """What is wrong with one record's data: its schema, then its own
        value rules. `scalar` gives a value's text as written, for messages.
        Also used on records about to be written (`cpdgen new`, `import`)."""
        problems: list[SchemaProblem] = []
        if not self.fast or not self.gates[kind.name](data):
            schema_errors = sorted(
                self.validators[kind.name].iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
            )
            # A value of the wrong type also fails its enum, pattern...: say it once;
            # and one of the wrong shape is not also told it is not one of a list.
            mistyped = {tuple(e.absolute_path) for e in schema_errors if e.validator == "type"}
            misshapen = {tuple(e.absolute_path) for e in schema_errors if e.validator == "pattern"}
            for schema_error in schema_errors:
                where = tuple(schema_error.absolute_path)
                if schema_error.validator == "format" and where in misshapen:
                    continue
                if schema_error.validator == "type" or where not in mistyped:
                    problems.extend(translate(schema_error, scalar))
        problems.extend(check_record_values(kind, data, scalar, default_id))
        return problems

    def check(self, source: SourceFile, raw: bytes | None = None) -> FileResult:
        """The verdict on one file (whose bytes, if already read, are `raw`)."""
        try:
            if raw is None:
                raw = read_bytes(source.location)
            text = decode_text(raw, source.location)
        except SourceError as exc:
            result = FileResult(source.rel, source.kind.name)
            result.diagnostics.append(error(source.rel, exc.line, exc.column, exc.message))
            return result
        return self.check_text(source, text)

    def check_text(self, source: SourceFile, text: str) -> FileResult:
        """As `check`, of `text` as the file would hold it (an edit not yet
        written is judged with the positions it would have)."""
        self._checks = set()
        try:
            result = self._check_text(source, text)
            result.path_checks = self._checks
        finally:
            self._checks = None
        return result

    def _check_text(self, source: SourceFile, text: str) -> FileResult:
        result = FileResult(source.rel, source.kind.name)
        try:
            document = parse_yaml(text)
        except YAMLFileError as exc:
            problem = exc.problem
            result.diagnostics.append(error(source.rel, problem.line, problem.column, problem.message))
            return result
        for problem in document.problems:
            result.diagnostics.append(error(source.rel, problem.line, problem.column, problem.message))

        data = document.data
        kind = source.kind
        if data is None:
            result.diagnostics.append(
                error(
                    source.rel,
                    1,
                    1,
                    f"the file is empty: write {kind.a} record here (fields as in schemas/{kind.schema_file})",
                )
            )
        elif isinstance(data, list):
            if not kind.list_files:
                line, column = document.locate(())
                result.diagnostics.append(
                    error(source.rel, line, column, f"{kind.a} file holds one record (a mapping of fields), not a list")
                )
                return result
            for index, item in enumerate(data):
                self._check_record(source, document, item, Source(source.rel, index), None, result)
        elif isinstance(data, dict):
            self._check_record(source, document, data, Source(source.rel), source.default_id, result)
        else:
            result.diagnostics.append(
                error(
                    source.rel,
                    1,
                    1,
                    f"expected {kind.a} record (a mapping of 'field: value' lines) or a list of them; "
                    f"the file holds only {describe_value(data)}",
                )
            )
        return result

    def _check_record(
        self,
        source: SourceFile,
        document: Document,
        data: Any,
        where: Source,
        default_id: str | None,
        result: FileResult,
    ) -> None:
        result.record_count += 1
        kind: Kind = source.kind
        if not isinstance(data, dict):
            line, column = document.locate(where.path())
            result.diagnostics.append(
                error(
                    source.rel,
                    line,
                    column,
                    f"each item of a list file must be {kind.a} record (a mapping of fields); got {describe_value(data)}",
                )
            )
            return

        def scalar(path: tuple):
            return document.scalar(where.path(*path))

        problems = self.problems(kind, data, default_id, scalar)
        if default_id is None and "id" not in data:
            problems.append(_missing_id(kind))
        for problem in problems:
            line, column = document.locate(where.path(*problem.path), key=problem.at_key)
            result.diagnostics.append(error(source.rel, line, column, problem.message))
        record_id = data.get("id", default_id)
        if not problems:
            filled = schemas.with_defaults(schemas.record_schema(kind.name), data)
            built = BUILDERS[kind.name](filled, record_id, where)
            # The one place that decides: an example is checked in full, then kept apart.
            example = data.get("example") is True
            (result.examples if example else result.records).append(built)
            result.built.append((filled, record_id, where.index, example))
        else:
            if isinstance(record_id, str):
                result.unbuilt.append((kind.name, record_id, where))
            # What it names is checked across records, except where its own problems are.
            wrong = {tuple(problem.path) for problem in problems}
            result.unbuilt_references.extend(
                (where, reference)
                for reference in references_of(kind.name, data)
                if not any(reference[0][:length] in wrong for length in range(len(reference[0]) + 1))
            )


class _Gates(dict):
    """kind name → its compiled gate, compiled when first looked up: a
    command that checks one activity compiles one gate (3 ms), not seven."""

    def __init__(self, checks: FormatChecks) -> None:
        super().__init__()
        self.checks = checks

    def __missing__(self, kind_name: str) -> Callable[[Any], bool]:
        gate = self[kind_name] = record_gate(kind_name, self.checks)
        return gate


def _missing_id(kind: Kind) -> SchemaProblem:
    return SchemaProblem((), f"each {kind.name} in a list file needs an 'id' (unique among {kind.plural})")
