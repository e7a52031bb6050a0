"""Checking one record file: read, parse, schema-validate, build the records.

This is the per-file half of validation, independent of every other file,
so it can run in worker processes for large repositories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpdgen.common.diagnostics import Diagnostic, error
from cpdgen.loading import schemas
from cpdgen.loading.files import SourceError, SourceFile, read_text
from cpdgen.loading.paths import check_repo_path
from cpdgen.loading.yamlparse import Document, YAMLFileError, parse_yaml
from cpdgen.model.competences import Framework
from cpdgen.model.kinds import KINDS, Kind
from cpdgen.model.records import BUILDERS, Record, Source
from cpdgen.validation.record_rules import check_record_values
from cpdgen.validation.rules import Reference, references_of
from cpdgen.validation.schema import check_document, format_checks, record_gate, record_validator
from cpdgen.validation.schema_messages import SchemaProblem, describe_value, translate


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


class FileChecker:
    """Validates record files of one repository (paths are checked against
    its root). Build one per process; it holds the compiled validators.

    With `fast`, each record first goes through a compiled yes/no gate
    (see `cpdgen.validation.schema.record_gate`); jsonschema then explains only the rejected
    ones. Compiling costs about 60 ms, so only large repositories use it.
    """

    def __init__(self, root: Path, *, fast: bool = False, framework: Framework | None = None):
        self.fast = fast
        self.framework = framework  # the policy's competence framework: the codes records may use
        checks = format_checks(
            lambda value: check_repo_path(root, value), lambda value: check_document(root, value), framework
        )
        self.validators = {kind.name: record_validator(kind.name, checks) for kind in KINDS}
        self.gates = {kind.name: record_gate(kind.name, checks) for kind in KINDS} if fast else {}

    def problems(self, kind: Kind, data: dict, default_id: str | None, scalar=lambda path: None) -> list[SchemaProblem]:
        """What is wrong with one record's data: its schema, then its own
        value rules. `scalar` gives a value's text as written, for messages.
        Also used on records about to be written (`cpdgen new`, `import`)."""
        problems: list[SchemaProblem] = []
        gate = self.gates.get(kind.name)
        if gate is None or not gate(data):
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

    def check(self, source: SourceFile) -> FileResult:
        try:
            text = read_text(source.path)
        except SourceError as exc:
            result = FileResult(source.rel, source.kind.name)
            result.diagnostics.append(error(source.rel, exc.line, exc.column, exc.message))
            return result
        return self.check_text(source, text)

    def check_text(self, source: SourceFile, text: str) -> FileResult:
        """As `check`, of `text` as the file would hold it (an edit not yet
        written is judged with the positions it would have)."""
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
            (result.examples if data.get("example") is True else result.records).append(built)
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


def _missing_id(kind: Kind) -> SchemaProblem:
    return SchemaProblem((), f"each {kind.name} in a list file needs an 'id' (unique among {kind.plural})")
