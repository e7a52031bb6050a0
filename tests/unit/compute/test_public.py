"""The public view of the records (`cpdgen.compute.public`): what the site may
show. Private records and fields are removed, reflections and evidence only
when the settings publish them; the full records are left as they were. That
nothing private reaches the built site is tests/acceptance/site/test_privacy.py."""

from __future__ import annotations

from cpdgen.compute.public import PublishRules, public_view
from cpdgen.model.records import Source, build_profile

from helpers.records import act, course, decl, job, objective, qual, recs


def _profile():
    return build_profile(
        {
            "name": "Jo",
            "email": "jo@example.org",
            "phone": "123",
            "memberships": [{"body": "IET", "number": "M1"}],
            "registrations": [{"title": "CEng", "number": "R1"}],
        },
        "profile",
        Source("records/profile.yaml"),
    )


def _records():
    from dataclasses import replace

    public = replace(act("pub", objectives=["goal", "secret-goal"]), reflection="r", evidence=("evidence/a.pdf",))
    hidden = replace(act("hidden"), private=True)
    training = replace(course("c"), certificate="evidence/c.pdf", reflection="r2")
    hidden_course = replace(course("hc"), private=True)
    goal = objective("goal", actions=[{"title": "a", "status": "done", "activities": ["pub", "hidden", "hc", "c"]}])
    secret = replace(objective("secret-goal"), private=True)
    records = recs(
        public,
        hidden,
        training,
        hidden_course,
        goal,
        secret,
        job("j", "2020-01-01"),
        replace(job("hj", "2019-01-01"), private=True),
        replace(qual("q"), evidence=("evidence/q.pdf",)),
        replace(qual("hq"), private=True),
        decl(2025),
    )
    records.add("profile", _profile())
    return records


def test_public_view_removes_private_records_and_fields():
    records = _records()
    view = public_view(records, PublishRules())
    assert [a.id for a in view.activities] == ["pub"]
    assert [t.id for t in view.training] == ["c"]
    assert [o.id for o in view.objectives] == ["goal"]
    assert [e.id for e in view.employment] == ["j"]
    assert [q.id for q in view.qualifications] == ["q"]
    assert not view.items.get("declaration")
    pub = view.activities[0]
    assert pub.reflection is None and pub.evidence == () and pub.objectives == ("goal",)
    assert view.training[0].certificate is None and view.training[0].reflection is None
    assert view.qualifications[0].evidence == ()
    assert view.objectives[0].actions[0].activities == ("pub", "c")
    profile = view.profile
    assert profile.email is None and profile.phone is None
    assert [m.number for m in profile.memberships] == [None]
    assert [r.number for r in profile.registrations] == [None]
    assert profile.memberships[0].body == "IET" and profile.registrations[0].title == "CEng"


def test_public_view_publishes_reflections_and_evidence_when_allowed():
    view = public_view(_records(), PublishRules(reflections=True, evidence=True))
    pub = view.activities[0]
    assert pub.reflection == "r" and pub.evidence == ("evidence/a.pdf",)
    assert view.training[0].certificate == "evidence/c.pdf" and view.training[0].reflection == "r2"
    assert view.qualifications[0].evidence == ("evidence/q.pdf",)
    assert [a.id for a in view.activities] == ["pub"]  # private records stay private
    assert view.profile.email is None


def test_public_view_leaves_the_full_records_as_they_were():
    records = _records()
    public_view(records, PublishRules())
    assert len(records.activities) == 2 and records.activities[0].reflection == "r"
    assert records.profile.email == "jo@example.org"
    assert records.items["declaration"]


def test_public_view_drops_extra_and_gates_objective_reviews_with_reflections():
    from dataclasses import replace

    from cpdgen.compute.public import PublishRules, public_view

    plan = replace(objective("grow"), review="How it went", extra={"salary": "secret"})
    item = replace(act("x"), extra={"note": "secret"}, reflection="Thoughts")
    hidden = public_view(recs(item, plan), PublishRules())
    assert hidden.objectives[0].review is None and hidden.objectives[0].extra == {}
    assert hidden.activities[0].extra == {} and hidden.activities[0].reflection is None
    shown = public_view(recs(item, plan), PublishRules(reflections=True))
    assert shown.objectives[0].review == "How it went" and shown.activities[0].reflection == "Thoughts"
    assert shown.objectives[0].extra == {}
