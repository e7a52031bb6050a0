"""The repository's settings (`cpdgen.yaml`); read and checked by
`cpdgen.validation.settings`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


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

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Settings:
        site = data.get("site", {})
        publish = site.get("publish", {})
        return cls(
            policy=data["policy"],
            site_title=site.get("title"),
            base_url=site.get("base_url"),
            publish_reflections=publish["reflections"],
            publish_evidence=publish["evidence"],
            extra=data.get("extra", {}),
        )
