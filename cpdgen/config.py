"""The repository's settings (`cpdgen.yaml`), validated by its schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from cpdgen import schemas
from cpdgen.diagnostics import Diagnostic, error
from cpdgen.loading.files import Repository, SourceError, read_text
from cpdgen.loading.yamlparse import YAMLFileError, parse_yaml
from cpdgen.validation.schema_messages import translate


@dataclass(frozen=True)
class Settings:
    policy: str = "iet"
    site_title: str | None = None
    base_url: str | None = None
    publish_reflections: bool = False
    publish_evidence: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Settings":
        site = data.get("site", {})
        publish = site.get("publish", {})
        return cls(
            policy=data.get("policy", "iet"),
            site_title=site.get("title"),
            base_url=site.get("base_url"),
            publish_reflections=publish.get("reflections", False),
            publish_evidence=publish.get("evidence", False),
            extra=data.get("extra", {}),
        )


def load_settings(repo: Repository) -> tuple[Settings, list[Diagnostic]]:
    """The settings, or the defaults and the reasons the file was not usable.
    A missing cpdgen.yaml is fine: every setting has a default."""
    path = repo.config_file
    rel = repo.relative(path)
    if not path.is_file():
        return Settings(), []
    try:
        document = parse_yaml(read_text(path))
    except SourceError as exc:
        return Settings(), [error(rel, exc.line, exc.column, exc.message)]
    except YAMLFileError as exc:
        return Settings(), [error(rel, exc.problem.line, exc.problem.column, exc.problem.message)]
    found = [error(rel, p.line, p.column, p.message) for p in document.problems]
    data = document.data if document.data is not None else {}
    validator = schemas.config_validator(schemas.make_format_checker(lambda _: None, lambda _: None))
    for schema_error in validator.iter_errors(data):
        for problem in translate(schema_error):
            line, column = document.locate(problem.path, key=problem.at_key)
            found.append(error(rel, line, column, problem.message))
    if found:
        return Settings(), found
    return Settings.from_data(data), []
