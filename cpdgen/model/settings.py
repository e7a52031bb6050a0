"""The repository's settings (`cpdgen.yaml`); read and checked by
`cpdgen.validation.settings`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cpdgen.model.policy import MemberTerms


@dataclass(frozen=True)
class PolicyChoice:
    """One body of `policies:` (or the one `policy:`): the policy's name or
    file, the member's own terms for it, and where it was written
    (`("policies", 1)`, or `("policy",)`) for messages."""

    name: str
    terms: MemberTerms = field(default_factory=MemberTerms)
    path: tuple = ("policy",)


def _terms(entry: Mapping[str, Any]) -> MemberTerms:
    def day(value: Any) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else None

    return MemberTerms(
        renewal=day(entry.get("renewal")),
        joined=day(entry.get("joined")),
        part_time=float(entry.get("part_time", 1.0)),
        inactive=tuple(
            (date.fromisoformat(span["from"]), date.fromisoformat(span["to"])) for span in entry.get("inactive", ())
        ),
    )


@dataclass(frozen=True)
class Settings:
    """Built from `cpdgen.yaml` with the defaults of `config.schema.json`
    filled in (the schema is the one place they are written)."""

    policy: str
    site_title: str | None
    base_url: str | None
    publish_reflections: bool
    publish_evidence: bool
    extra: Mapping[str, Any]
    policies: tuple[PolicyChoice, ...] = ()
    publish_compliance: bool = False

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Settings:
        site = data.get("site", {})
        publish = site.get("publish", {})
        listed = data.get("policies")
        if listed:
            choices = tuple(
                PolicyChoice(entry, MemberTerms(), ("policies", index))
                if isinstance(entry, str)
                else PolicyChoice(entry["policy"], _terms(entry), ("policies", index, "policy"))
                for index, entry in enumerate(listed)
            )
        else:
            choices = (PolicyChoice(data["policy"]),)
        return cls(
            policy=choices[0].name,
            site_title=site.get("title"),
            base_url=site.get("base_url"),
            publish_reflections=publish["reflections"],
            publish_evidence=publish["evidence"],
            extra=data.get("extra", {}),
            policies=choices,
            publish_compliance=publish.get("compliance", False),
        )
