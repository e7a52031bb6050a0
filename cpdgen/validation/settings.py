"""Reading `cpdgen.yaml` into `Settings`, and the policy it names into a
`Policy`, each checked by its schema with positions in its file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cpdgen.common.diagnostics import Diagnostic, error, warning
from cpdgen.common.resources import builtin_frameworks, builtin_guides, builtin_policies
from cpdgen.common.wording import did_you_mean
from cpdgen.loading import schemas
from cpdgen.loading.files import Repository, SourceError, read_text
from cpdgen.loading.paths import check_repo_path
from cpdgen.loading.yamlparse import Document, YAMLFileError, parse_yaml
from cpdgen.model.competences import Framework
from cpdgen.model.guide import Guide
from cpdgen.model.policy import Body, Policy
from cpdgen.model.settings import PolicyChoice, Settings
from cpdgen.validation.schema import FormatChecks, format_checks, schema_gate, schema_validator
from cpdgen.validation.schema_messages import translate

DEFAULT_POLICY = "iet"


@dataclass(frozen=True)
class Configuration:
    """What cpdgen.yaml says, and the bodies it names, each with the member's terms."""

    settings: Settings
    bodies: tuple[Body, ...]
    diagnostics: list[Diagnostic]

    @property
    def policy(self) -> Policy:
        """The first body's policy: the one the declaration is judged by."""
        return self.bodies[0].policy


def load_settings(repo: Repository) -> tuple[Settings, Policy, list[Diagnostic]]:
    """The settings and the (first) policy, or the defaults and the reasons
    they were not usable. A missing cpdgen.yaml is fine: every setting has a default."""
    configuration = load_configuration(repo)
    return configuration.settings, configuration.policy, configuration.diagnostics


def load_configuration(repo: Repository) -> Configuration:
    """The settings and every body they name (`policy:` or `policies:`)."""
    path = repo.config_file
    if not path.is_file():
        return Configuration(default_settings(), (Body(default_policy()),), [])
    rel = repo.relative(path)
    loaded = _load_checked(path, rel, schemas.config_schema)
    if isinstance(loaded, list):
        return Configuration(default_settings(), (Body(default_policy()),), loaded)
    document, data = loaded
    found: list[Diagnostic] = []
    if "policy" in data and "policies" in data:
        line, column = document.locate(("policies",), key=True)
        found.append(error(rel, line, column, "give policy (one body) or policies (a list), not both"))
    settings = Settings.from_data(schemas.with_defaults(schemas.config_schema(), data))
    bodies: list[Body] = []
    seen: dict[str, tuple] = {}
    for choice in settings.policies:
        policy, problems = _load_policy(repo, choice.name, rel, document, choice.path)
        found += problems
        line, column = document.locate(choice.path)
        if not problems and policy.id in seen:
            found.append(error(rel, line, column, f"the policy '{policy.id}' is listed twice"))
            continue
        if not problems and policy.requirement.window.needs_renewal and choice.terms.renewal is None:
            message = (
                f"{policy.id} counts over a year ending on your renewal date: give it, "
                f"e.g. {{policy: {choice.name}, renewal: 2026-06-30}}"
            )
            found.append(error(rel, line, column, message))
            continue
        found += _terms_problems(policy, choice, rel, document)
        seen[policy.id] = choice.path
        bodies.append(Body(policy, choice.terms, choice.name))
    if not bodies:
        bodies.append(Body(default_policy()))
    return Configuration(settings, tuple(bodies), found)


def _terms_problems(policy: Policy, choice: PolicyChoice, rel: str, document: Document) -> list[Diagnostic]:
    """A member's settings for a body: spans the right way round (an error),
    and settings the body's rules never read (a warning: they change nothing)."""
    found = []
    entry = choice.path[:2]
    for index, (start, end) in enumerate(choice.terms.inactive):
        if end < start:
            line, column = document.locate((*entry, "inactive", index, "to"))
            found.append(error(rel, line, column, f"this inactive span ends ({end}) before it starts ({start})"))
    uses = {"joined": "joined", "part_time": "part-time", "inactive": "inactive"}
    given = {
        "joined": choice.terms.joined is not None,
        "part_time": choice.terms.part_time != 1.0,
        "inactive": bool(choice.terms.inactive),
    }
    for key, rule in uses.items():
        if given[key] and rule not in policy.requirement.pro_rata:
            line, column = document.locate((*entry, key), key=True)
            found.append(
                warning(
                    rel, line, column, f"{key} changes nothing for {policy.id}: its policy does not prorate for {rule}"
                )
            )
    return found


def default_settings() -> Settings:
    """The settings of a repository without a (usable) cpdgen.yaml."""
    return Settings.from_data(schemas.with_defaults(schemas.config_schema(), {}))


@cache
def builtin_policy(name: str) -> Policy:
    """A policy shipped with cpdgen (tests hold every one valid)."""
    path = builtin_policies()[name]
    loaded = _load_checked(path, path.name, None)  # held valid by the tests
    found = loaded if isinstance(loaded, list) else _policy_rules(loaded[1], path.name, loaded[0])
    if found:  # pragma: no cover - a broken shipped policy is a bug, caught by the tests
        raise RuntimeError(f"cpdgen's own policy {path} is invalid: {found[0].message}")
    assert not isinstance(loaded, list)
    document, data = loaded
    framework, found = _framework_of(data, path.name, document)
    guide, found_in_guide = _guide_of(data, path.name, document)
    found += found_in_guide
    if found:  # pragma: no cover - as above
        raise RuntimeError(f"cpdgen's own policy {path} is invalid: {found[0].message}")
    return Policy.from_data(data, framework, guide)


@cache
def builtin_framework(name: str) -> Framework:
    """A competence framework shipped with cpdgen (tests hold every one valid)."""
    path = builtin_frameworks()[name]
    loaded = _load_checked(path, path.name, None)
    if isinstance(loaded, list):  # pragma: no cover - a broken shipped framework is a bug, caught by the tests
        raise RuntimeError(f"cpdgen's own competence framework {path} is invalid: {loaded[0].message}")
    return Framework.from_data(loaded[1])


def _framework_of(data: dict, rel: str, document: Document) -> tuple[Framework | None, list[Diagnostic]]:
    """The competence framework a policy names, if it names one."""
    name = data.get("competence_framework")
    if name is None:
        return None, []
    frameworks = builtin_frameworks()
    if name not in frameworks:
        line, column = document.locate(("competence_framework",))
        message = (
            f"no competence framework is called '{name}'{did_you_mean(name, frameworks)}; "
            f"cpdgen has: {', '.join(frameworks)}"
        )
        return None, [error(rel, line, column, message)]
    return builtin_framework(name), []


@cache
def builtin_guide(name: str) -> Guide:
    """A body's guide shipped with cpdgen (tests hold every one valid)."""
    path = builtin_guides()[name]
    loaded = _load_checked(path, path.name, None)
    if isinstance(loaded, list):  # pragma: no cover - a broken shipped guide is a bug, caught by the tests
        raise RuntimeError(f"cpdgen's own guide {path} is invalid: {loaded[0].message}")
    return Guide.from_data(loaded[1])


def _guide_of(data: dict, rel: str, document: Document) -> tuple[Guide | None, list[Diagnostic]]:
    """The guide a policy names, if it names one."""
    name = data.get("guide")
    if name is None:
        return None, []
    guides = builtin_guides()
    if name not in guides:
        line, column = document.locate(("guide",))
        message = f"no guide is called '{name}'{did_you_mean(name, guides)}; cpdgen has: {', '.join(guides)}"
        return None, [error(rel, line, column, message)]
    return builtin_guide(name), []


def default_policy() -> Policy:
    return builtin_policy(DEFAULT_POLICY)


def _load_policy(
    repo: Repository, name: str, config_rel: str, config: Document, where: tuple = ("policy",)
) -> tuple[Policy, list[Diagnostic]]:
    """`policy:` (or an entry of `policies:`, at `where`) is a built-in
    policy's name, or a policy file in the repository."""
    builtin = builtin_policies()
    if name in builtin:
        return builtin_policy(name), []
    line, column = config.locate(where)
    if "/" not in name and not name.endswith((".yaml", ".yml")):
        message = (
            f"no built-in policy is called '{name}'{did_you_mean(name, builtin)}; "
            f"built in: {', '.join(builtin)}; or name a policy file in the repository, e.g. policies/mybody.yaml"
        )
        return default_policy(), [error(config_rel, line, column, message)]
    try:
        check_repo_path(repo.root, name)
    except ValueError as exc:
        return default_policy(), [error(config_rel, line, column, f"{where[0]}: {exc}")]
    path = repo.root / name
    rel = repo.relative(path)
    loaded = _load_checked(path, rel, schemas.policy_schema)
    if isinstance(loaded, list):
        return default_policy(), loaded
    document, data = loaded
    framework, found = _framework_of(data, rel, document)
    guide, found_in_guide = _guide_of(data, rel, document)
    found += found_in_guide + _policy_rules(data, rel, document)
    if found:
        return default_policy(), found
    return Policy.from_data(data, framework, guide), []


def _policy_rules(data: dict, rel: str, document: Document) -> list[Diagnostic]:
    """What a policy's schema cannot say: every hours category is there once
    (or hours would go uncounted), and checklist items are not repeated."""
    found = []
    keys = [category["key"] for category in data["categories"]]
    wanted = schemas.policy_schema()["properties"]["categories"]["items"]["properties"]["key"]["enum"]
    missing = [key for key in wanted if key not in keys]
    if missing:
        line, column = document.locate(("categories",), key=True)
        found.append(
            error(
                rel,
                line,
                column,
                f"categories must include every activity type and training; missing: {', '.join(missing)}",
            )
        )
    for index, key in enumerate(keys):
        if key in keys[:index]:
            line, column = document.locate(("categories", index, "key"))
            found.append(error(rel, line, column, f"category '{key}' is listed twice"))
    found += _rule_language(data, rel, document)
    for field in ("number", "key"):
        values = [item[field] for item in data.get("checklist", ())]
        for index, value in enumerate(values):
            if value in values[:index]:
                line, column = document.locate(("checklist", index, field))
                found.append(error(rel, line, column, f"checklist {field} {value} is used twice"))
    return found


def _rule_language(data: dict, rel: str, document: Document) -> list[Diagnostic]:
    """The requirement's rules name groups that exist, and say each thing once."""
    found = []
    requirement = data["requirement"]

    def problem(path: tuple, message: str, key: bool = False) -> None:
        where = path if path[:1] == ("groups",) else ("requirement", *path)
        line, column = document.locate(where, key=key)
        found.append(error(rel, line, column, message))

    if ("period_years" in requirement) == ("window" in requirement):
        problem(
            (),
            "requirement: give period_years (a number of review years) or window (its kind), not both"
            if "window" in requirement
            else "requirement: give period_years or window (e.g. window: {kind: calendar-year})",
            key=True,
        )
    groups = [group["key"] for group in data.get("groups", ())]
    for index, group in enumerate(data.get("groups", ())):
        if group["key"] in groups[:index]:
            problem(("groups", index, "key"), f"group '{group['key']}' is listed twice")
        if "types" not in group and "tags" not in group:
            problem(("groups", index), f"group '{group['key']}' needs types or tags (or both)", key=True)
    known = list(dict.fromkeys(groups + [category["key"] for category in data["categories"]]))

    def check_group(path: tuple, name: str) -> None:
        if name not in known:
            problem(path, f"no group is called '{name}'{did_you_mean(name, known)}; groups: {', '.join(known)}")

    for index, floor in enumerate(requirement.get("floors", ())):
        check_group(("floors", index, "group"), floor["group"])
        if ("hours" in floor) == ("records" in floor):
            problem(("floors", index), "a floor gives hours or records (a count), not both", key=True)
    for index, cap in enumerate(requirement.get("group_caps", ())):
        for position, name in enumerate(cap["groups"]):
            check_group(("group_caps", index, "groups", position), name)
    rolling = requirement.get("window", {}).get("kind") == "rolling" or requirement.get("period_years", 1) > 1
    if requirement.get("alternatives") and rolling:
        problem(("alternatives",), "alternatives need periods that follow each other, not a rolling window", key=True)
    carry = requirement.get("carry_over")
    if carry is not None:
        for position, name in enumerate(carry.get("not_towards", ())):
            check_group(("carry_over", "not_towards", position), name)
        if rolling:
            problem(("carry_over",), "carry_over needs periods that follow each other, not a rolling window", key=True)
    return found


def _load_checked(path: Path, rel: str, schema: Callable[[], dict] | None) -> tuple[Document, Any] | list[Diagnostic]:
    """A YAML file checked against `schema` (None: cpdgen's own files, which
    the tests hold valid): (document, data), or its problems. A compiled
    gate answers for a valid file; jsonschema explains the others."""
    try:
        document = parse_yaml(read_text(path))
    except SourceError as exc:
        return [error(rel, exc.line, exc.column, exc.message)]
    except YAMLFileError as exc:
        return [error(rel, exc.problem.line, exc.problem.column, exc.problem.message)]
    found = [error(rel, p.line, p.column, p.message) for p in document.problems]
    data = document.data if document.data is not None else {}
    if schema is not None and not _gate(schema)(data):
        for schema_error in schema_validator(schema(), _checks()).iter_errors(data):
            for problem in translate(schema_error, document.scalar):
                line, column = document.locate(problem.path, key=problem.at_key)
                found.append(error(rel, line, column, problem.message))
    return found if found else (document, data)


@cache
def _gate(schema: Callable[[], dict]) -> Callable[[Any], bool]:
    return schema_gate(schema(), _checks())


def _checks() -> FormatChecks:
    return format_checks(_no_path_fields, _no_path_fields)


def _no_path_fields(value: str) -> None:
    """Settings and policy files have no path fields to check."""
