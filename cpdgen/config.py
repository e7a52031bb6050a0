"""The repository's settings (`cpdgen.yaml`); read and checked by
`cpdgen.validation.settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping



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
