"""Reading `cpdgen.yaml` into `Settings`, checked by its schema."""

from __future__ import annotations

from cpdgen import schemas
from cpdgen.config import Settings
from cpdgen.diagnostics import Diagnostic, error
from cpdgen.loading.files import Repository, SourceError, read_text
from cpdgen.loading.yamlparse import YAMLFileError, parse_yaml
from cpdgen.validation.schema_messages import translate


def load_settings(repo: Repository) -> tuple[Settings, list[Diagnostic]]:
    """The settings, or the defaults and the reasons the file was not usable.
    A missing cpdgen.yaml is fine: every setting has a default."""
    path = repo.config_file
    rel = repo.relative(path)
    if not path.is_file():
        return default_settings(), []
    try:
        document = parse_yaml(read_text(path))
    except SourceError as exc:
        return default_settings(), [error(rel, exc.line, exc.column, exc.message)]
    except YAMLFileError as exc:
        return default_settings(), [error(rel, exc.problem.line, exc.problem.column, exc.problem.message)]
    found = [error(rel, p.line, p.column, p.message) for p in document.problems]
    data = document.data if document.data is not None else {}
    validator = schemas.config_validator(schemas.format_checks(_no_path_fields, _no_path_fields))
    for schema_error in validator.iter_errors(data):
        for problem in translate(schema_error, document.scalar):
            line, column = document.locate(problem.path, key=problem.at_key)
            found.append(error(rel, line, column, problem.message))
    if found:
        return default_settings(), found
    return Settings.from_data(schemas.with_defaults(schemas.config_schema(), data)), []


def default_settings() -> Settings:
    """The settings of a repository without a (usable) cpdgen.yaml."""
    return Settings.from_data(schemas.with_defaults(schemas.config_schema(), {}))


def _no_path_fields(value: str) -> None:
    """cpdgen.yaml has no path fields yet; a settings file never checks files."""
