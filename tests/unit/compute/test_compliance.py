"""compute.compliance: each shipped pack and each rule of the rule language
against a member's records worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cpdgen.compute.compliance import body_compliance, compliance, deadlines
from cpdgen.compute.hours import recommendation
from cpdgen.model.policy import MemberTerms, Policy
from cpdgen.validation.settings import builtin_policy

from helpers.records import act, course, decl, recs

D = date.fromisoformat
TYPES = ["work-experience", "volunteering", "event", "self-study", "training"]


def rule(body, name, category=None):
    return next(r for r in body.rules if r.rule == name and r.category == category)


def own_policy(**requirement) -> Policy:
    """A member's own policy (data as the schema accepts it)."""
    groups = requirement.pop("groups", [])
    return Policy.from_data(
        {
            "id": "mine",
            "body": "My Body",
            "short_name": "MB",
            "categories": [{"key": key, "label": key.title()} for key in TYPES],
            "total_label": "Total",
            "groups": groups,
            "requirement": {"rules": [{"hours": requirement.pop("hours", 35), "reason": "member"}], **requirement},
        }
    )


# ---- texas-pe: 15 PDH, 1 ethics, at most 14 carried into the next year only, never towards ethics ----

TEXAS = builtin_policy("texas-pe")
RENEWS_30_JUNE = MemberTerms(renewal=D("2024-06-30"))


def test_texas_carries_the_excess_into_the_next_year_but_not_towards_ethics():
    records = recs(
        # 2024-07-01 – 2025-06-30: 20 + 2 (ethics) = 22 PDH, 7 beyond the 15
        act("a", start="2024-09-01", hours=20),
        act("b", start="2025-02-01", hours=2, tags=["ethics"]),
        # 2025-07-01 – 2026-06-30: 9 PDH of its own, none of ethics
        act("c", start="2025-10-01", hours=9),
    )
    body = body_compliance(records, TEXAS, D("2026-06-30"), RENEWS_30_JUNE)
    assert (body.period.start, body.period.end) == (D("2025-07-01"), D("2026-06-30"))
    assert body.carried_in == 7
    assert body.counted == 16  # 9 own + 7 carried
    assert body.required == 15 and body.short == 0
    assert rule(body, "total").met
    ethics = rule(body, "floor", "ethics")
    assert (ethics.required, ethics.counted, ethics.met) == (1, 0, False)  # carried PDH never count here
    # the 7 carried in are used first; of the 9 own, 8 make up the 15 and 1 is left to carry
    assert body.carry_out == 1
    assert not body.compliant and not body.on_track  # the period ends today, ethics short


def test_texas_carry_over_is_capped_at_14_and_lives_one_period():
    records = recs(
        act("a", start="2023-09-01", hours=40),  # 2023-07 – 2024-06: 25 beyond, 14 carried
        act("e", start="2023-09-02", hours=1, tags=["ethics"]),
        # 2024-07 – 2025-06: nothing of its own: 14 carried in, short 1; nothing lives on
    )
    body = body_compliance(records, TEXAS, D("2025-06-30"), RENEWS_30_JUNE)
    assert (body.carried_in, body.counted, body.short, body.carry_out) == (14, 14, 1, 0)
    later = body_compliance(records, TEXAS, D("2026-01-15"), RENEWS_30_JUNE)
    assert later.carried_in == 0  # 14 from 2023–24 could not be used a second time


# ---- ncees: 15 PDH a year, 1 ethics, no carry-over ----


def test_ncees_year_with_ethics_and_no_carry_over():
    ncees = builtin_policy("ncees")
    records = recs(
        act("old", start="2025-03-01", hours=30),  # a full year before: nothing carries
        act("a", start="2026-02-01", hours=14),
        course("b", start="2026-05-01", hours=1.5),
        act("c", start="2026-06-01", hours=1, tags=["ethics"]),
    )
    body = body_compliance(records, ncees, D("2026-12-31"))
    assert body.unit == "PDH"
    assert (body.carried_in, body.counted, body.carry_out) == (0, 16.5, 0)
    assert rule(body, "floor", "ethics").counted == 1
    assert body.compliant and body.on_track and body.short == 0


# ---- engineers-australia: 150 h over a rolling 3 years with three floors ----


def test_engineers_australia_rolling_three_years_and_its_floors():
    ea = builtin_policy("engineers-australia")
    records = recs(
        act("early", start="2023-12-31", hours=100),  # outside 2024–2026
        act("aop", start="2024-03-01", hours=60, tags=["area-of-practice"]),
        act("risk", start="2025-03-01", hours=12, tags=["risk-management"]),
        act("biz", start="2026-03-01", hours=10, tags=["business-management"]),
        act("rest", start="2026-04-01", hours=80),
    )
    body = body_compliance(records, ea, D("2026-12-31"))
    assert (body.period.start, body.period.end) == (D("2024-01-01"), D("2026-12-31"))
    assert (body.required, body.counted, body.short) == (150, 162, 0)
    assert [(r.category, r.required, r.counted, r.met) for r in body.rules if r.rule == "floor"] == [
        ("area-of-practice", 50, 60, True),
        ("risk-management", 10, 12, True),
        ("business-management", 15, 10, False),
    ]
    assert not body.compliant and not body.on_track


# ---- engineers-ireland: 35 h a calendar year, projection ----


def test_engineers_ireland_projection_at_the_last_twelve_months_pace():
    ei = builtin_policy("engineers-ireland")
    records = recs(
        act("last-autumn", start="2025-09-01", hours=12),
        act("spring", start="2026-03-01", hours=20),
        act("planned", start="2026-09-01", hours=50, status="planned"),  # not done: never counts
    )
    body = body_compliance(records, ei, D("2026-06-30"))
    assert (body.required, body.counted, body.short) == (35, 20, 15)
    # pace: 32 h over the 12 months to 30 June = 2.67 a month; 184 days (6.05 months) left
    months = 184 / (365.25 / 12)
    assert body.projection.pace_per_month == pytest.approx(32 / 12, abs=0.01)
    assert body.projection.months_left == pytest.approx(months, abs=0.01)
    assert body.projection.projected == pytest.approx(20 + 32 / 12 * months, abs=0.01)
    assert body.projection.needed_per_month == pytest.approx(15 / months, abs=0.01)
    assert body.on_track and not body.compliant


def test_engineers_ireland_behind_pace_is_not_on_track():
    ei = builtin_policy("engineers-ireland")
    body = body_compliance(recs(act("a", start="2026-03-01", hours=5)), ei, D("2026-06-30"))
    assert body.short == 30 and not body.on_track


# ---- istructe: 30 h a year or 90 over 3; 6 h structural safety ----


def test_istructe_three_year_alternative_meets_a_short_year():
    istructe = builtin_policy("istructe")
    records = recs(
        act("y24", start="2024-05-01", hours=35),
        act("y25", start="2025-05-01", hours=40),
        act("safety", start="2026-02-01", hours=6, tags=["structural-safety"]),
        act("y26", start="2026-05-01", hours=14),
    )
    body = body_compliance(records, istructe, D("2026-12-31"))
    assert (body.required, body.counted) == (30, 20)
    alternative = rule(body, "alternative")
    assert (alternative.required, alternative.counted, alternative.met) == (90, 95, True)
    assert rule(body, "total").met and body.short == 0
    assert rule(body, "floor", "structural-safety").met
    assert body.compliant


def test_istructe_short_both_ways():
    istructe = builtin_policy("istructe")
    records = recs(act("y25", start="2025-05-01", hours=40), act("y26", start="2026-05-01", hours=14))
    body = body_compliance(records, istructe, D("2026-12-31"))
    assert body.short == 16 and not rule(body, "alternative").met  # 54 of 90
    assert not rule(body, "floor", "structural-safety").met


# ---- iet: exactly as `hours` recommends ----


def test_iet_compliance_agrees_with_the_recommendation():
    iet = builtin_policy("iet")
    records = recs(
        act("a", start="2025-02-01", hours=12.5),
        course("b", start="2025-11-01", hours=7),
        decl(2025, employment_status={"professionally_active": False}),
    )
    body = body_compliance(records, iet, D("2025-12-31"))
    advice = recommendation(records, iet, 2025, records.declarations[0])
    assert (
        (body.required, body.counted, body.reason)
        == (advice.hours, advice.counted, advice.reason)
        == (
            0,
            19.5,
            "not professionally active",
        )
    )
    assert body.compliant and [r.rule for r in body.rules] == ["total"]
    assert body_compliance(recs(act("a", start="2026-02-01", hours=3)), iet, D("2026-12-31")).required == 30


# ---- the rule language, on a member's own policy ----


def test_caps_combined_and_per_category_count_oldest_first():
    policy = own_policy(
        window={"kind": "calendar-year"},
        caps={"event": 4},
        group_caps=[{"groups": ["self-study", "volunteering"], "hours": 10}],
    )
    records = recs(
        act("s1", type="self-study", start="2026-01-10", hours=8),
        act("v1", type="volunteering", start="2026-02-10", hours=5),  # 2 of 5 fit under the 10
        act("s2", type="self-study", start="2026-03-10", hours=4),  # none fit
        act("e1", start="2026-04-10", hours=6),  # 4 of 6
        act("w1", type="work-experience", start="2026-05-10", hours=3),
    )
    body = body_compliance(records, policy, D("2026-12-31"))
    assert body.counted == 10 + 4 + 3
    assert [(r.category, r.required, r.counted, r.met) for r in body.rules if r.rule == "cap"] == [
        ("event", 4, 6, False),
        ("self-study+volunteering", 10, 17, False),
    ]
    assert body.compliant is False  # 17 of 35 …
    assert body.short == 18  # … and caps never fail a body on their own


def test_fifty_minute_unit_and_a_count_floor():
    policy = own_policy(
        hours=12,
        window={"kind": "calendar-year"},
        unit={"name": "PDH", "minutes": 50},
        groups=[{"key": "reflective", "label": "Reflective accounts", "tags": ["reflective"]}],
        floors=[{"group": "reflective", "records": 3}],
    )
    records = recs(
        act("a", start="2026-01-10", hours=5, tags=["reflective"]),  # 6 PDH
        act("b", start="2026-02-10", hours=5, tags=["reflective"]),  # 6 PDH
    )
    body = body_compliance(records, policy, D("2026-12-31"))
    assert body.counted == 12 and rule(body, "total").met
    count = rule(body, "count", "reflective")
    assert (count.required, count.counted, count.met, count.unit) == (3, 2, False, "records")
    assert not body.compliant


def test_pro_rata_for_a_member_who_joined_mid_year_and_works_part_time():
    policy = own_policy(window={"kind": "calendar-year"}, pro_rata=["joined", "part-time"])
    terms = MemberTerms(joined=D("2026-07-01"), part_time=0.5)
    body = body_compliance(recs(), policy, D("2026-12-31"), terms)
    assert body.required == round(35 * 184 / 365 * 0.5, 2) == 8.82
    assert "pro rata" in body.reason


def test_carry_over_living_two_periods_is_used_oldest_first():
    policy = own_policy(hours=10, window={"kind": "calendar-year"}, carry_over={"limit": 20, "periods": 2})
    records = recs(
        act("y24", start="2024-05-01", hours=25),  # 15 beyond: carried (lives 2025 and 2026)
        act("y25", start="2025-05-01", hours=4),  # 6 of the 15 make up 2025; 9 left, its last year; 0 own left
        act("y26", start="2026-05-01", hours=3),
    )
    assert body_compliance(records, policy, D("2025-12-31")).carry_out == 9
    body = body_compliance(records, policy, D("2026-12-31"))
    assert (body.carried_in, body.counted) == (9, 12)
    # 2026 needs 10: the 9 carried (in their last year) are used first, then 1 of the 3 own: 2 left to carry
    assert body.carry_out == 2


def test_every_body_side_by_side_and_the_deadlines():
    ei, ncees = builtin_policy("engineers-ireland"), builtin_policy("ncees")
    both = compliance(recs(act("a", start="2026-02-01", hours=40)), [(ei, None), (ncees, None)], D("2026-12-31"))
    assert [b.policy.id for b in both.bodies] == ["engineers-ireland", "ncees"]
    assert not both.on_track  # ncees: no ethics
    assert both.as_data()["as_of"] == "2026-12-31"
    assert [(p.start, p.end) for p in deadlines(TEXAS, D("2026-12-03"), RENEWS_30_JUNE)] == [
        (D("2026-07-01"), D("2027-06-30")),
        (D("2027-07-01"), D("2028-06-30")),
    ]
