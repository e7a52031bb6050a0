"""The record kinds: where each lives, which schema judges it, how it is named.

This table is the one definition of the kinds; loading, validation, the
model and the CLI all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # singular, as in the schema file name and messages: "activity"
    folder: str  # below records/: a folder, or the single file for the profile
    plural: str  # for messages and summaries
    list_files: bool = True  # may one file hold a list of records?
    single: bool = False  # exactly one record, in one file (the profile)
    date_order: tuple[tuple[str, str], ...] = ()  # (earlier, later) date fields; dotted for nested ones
    counts_hours: bool = False  # has hours in a CPD category
    noun: str = ""  # what a member calls one, where it differs from the name: "training course"

    @property
    def a(self) -> str:
        """The name with its article, for messages: "an activity"."""
        return f"{'an' if self.name[0] in 'aeiou' else 'a'} {self.name}"

    @property
    def called(self) -> str:
        """What a member calls one record of the kind: "training course", "job"."""
        return self.noun or self.name

    @property
    def schema_file(self) -> str:
        return f"{self.name}.schema.json"


PROFILE = Kind("profile", "profile.yaml", "profiles", list_files=False, single=True)
_START_END = (("start", "end"),)
ACTIVITY = Kind("activity", "activities", "activities", date_order=_START_END, counts_hours=True)
TRAINING = Kind(
    "training", "training", "training courses", date_order=_START_END, counts_hours=True, noun="training course"
)
QUALIFICATION = Kind("qualification", "qualifications", "qualifications", date_order=_START_END)
EMPLOYMENT = Kind("employment", "employment", "employments", date_order=_START_END, noun="job")
OBJECTIVE = Kind("objective", "objectives", "objectives", date_order=(("created", "target"),))
DECLARATION = Kind(
    "declaration",
    "declarations",
    "declarations",
    list_files=False,
    date_order=(
        ("compliance.out_of_employment.from", "compliance.out_of_employment.to"),
        ("submitted.date", "submitted.amended"),
    ),
)

KINDS: tuple[Kind, ...] = (PROFILE, ACTIVITY, TRAINING, QUALIFICATION, EMPLOYMENT, OBJECTIVE, DECLARATION)
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in KINDS}

# The settings file at the repository root has a schema too, but is not a record.
CONFIG_SCHEMA_FILE = "config.schema.json"
# So has a professional body's policy file (cpdgen/policies/*.yaml).
POLICY_SCHEMA_FILE = "policy.schema.json"
# And a competence framework a policy names (cpdgen/policies/frameworks/*.yaml).
FRAMEWORK_SCHEMA_FILE = "framework.schema.json"
# And the guide a policy names (cpdgen/policies/guides/*.yaml): the body's words for what cpdgen asks.
GUIDE_SCHEMA_FILE = "guide.schema.json"

YAML_SUFFIXES = (".yaml", ".yml")
