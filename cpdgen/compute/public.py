"""What the public site may show: the one privacy filter.

`public_view` returns a copy of the records with every private record removed
and every private field emptied (contact details, membership and registration
numbers, `extra:`; reflections, objective reviews and evidence unless
`cpdgen.yaml` publishes them), and with references to removed records
dropped, so nothing downstream (pages, listings, counts, the chart, feeds,
file names) can reveal them. The site is rendered from this view only; no
template needs to remember what is private. The PDFs, which are private,
use the full records.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cpdgen.model.records import CPDItem, Objective, Profile, Qualification, Records
from cpdgen.model.settings import Settings


@dataclass(frozen=True)
class PublishRules:
    """Which private-by-default fields the member has made public."""

    reflections: bool = False
    evidence: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> PublishRules:
        return cls(reflections=settings.publish_reflections, evidence=settings.publish_evidence)


# Kinds that never appear on the site: the declaration is the member's
# business with the body.
_NEVER_PUBLIC = frozenset({"declaration"})


def public_view(records: Records, rules: PublishRules) -> Records:
    view = Records()
    for kind, items in records.items.items():
        if kind in _NEVER_PUBLIC:
            continue
        view.items[kind] = [item for item in items if not item.private]
    public_objectives = {objective.id for objective in view.objectives}
    public_items = {item.id for item in view.cpd_items}
    view.items["activity"] = [public_item(item, rules, public_objectives) for item in view.activities]
    view.items["training"] = [public_item(item, rules, public_objectives) for item in view.training]
    view.items["qualification"] = [_public_qualification(q, rules) for q in view.qualifications]
    view.items["objective"] = [_public_objective(o, rules, public_items) for o in view.objectives]
    view.items["profile"] = [_public_profile(p) for p in ([view.profile] if view.profile else [])]
    # `extra:` is free-form: cpdgen cannot tell what in it is private, so it stays off the site.
    for kind, items in view.items.items():
        view.items[kind] = [replace(item, extra={}) if item.extra else item for item in items]
    return view


def public_item(item: CPDItem, rules: PublishRules, objectives: set[str]) -> CPDItem:
    """A public activity or course as the site shows it, naming only the
    public `objectives` (their ids)."""
    changes: dict = {"objectives": tuple(o for o in item.objectives if o in objectives)}
    if item.extra:
        changes["extra"] = {}
    if not rules.reflections:
        changes["reflection"] = None
    if not rules.evidence:
        changes["evidence"] = ()
        if hasattr(item, "certificate"):
            changes["certificate"] = None
    return replace(item, **changes)


def _public_qualification(qualification: Qualification, rules: PublishRules) -> Qualification:
    return qualification if rules.evidence else replace(qualification, evidence=())


def _public_objective(objective: Objective, rules: PublishRules, items: set[str]) -> Objective:
    actions = tuple(
        replace(action, activities=tuple(a for a in action.activities if a in items)) for action in objective.actions
    )
    # An objective's review ("how it went") is a reflection, published as reflections are.
    return replace(objective, actions=actions, review=objective.review if rules.reflections else None)


def _public_profile(profile: Profile) -> Profile:
    """Contact details and membership and registration numbers stay private."""
    return replace(
        profile,
        email=None,
        phone=None,
        memberships=tuple(replace(m, number=None) for m in profile.memberships),
        registrations=tuple(replace(r, number=None) for r in profile.registrations),
    )
