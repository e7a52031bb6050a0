"""compute.periods: the windows a body counts over, and pro rata, each
against a period worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cpdgen.compute.periods import Period, following, months_between, period_at, previous, share_owed
from cpdgen.model.policy import MemberTerms, Window

D = date.fromisoformat


def test_calendar_year_holds_the_day_and_steps_a_year():
    window = Window("calendar-year")
    period = period_at(window, D("2026-12-03"))
    assert period == Period(D("2026-01-01"), D("2026-12-31"))
    assert previous(window, period) == Period(D("2025-01-01"), D("2025-12-31"))
    assert following(window, period) == Period(D("2027-01-01"), D("2027-12-31"))
    assert period.days == 365 and period.label() == "2026"


def test_rolling_three_years_end_with_the_current_year_and_overlap():
    window = Window("rolling", 3)
    period = period_at(window, D("2026-03-01"))
    assert period == Period(D("2024-01-01"), D("2026-12-31"))
    assert previous(window, period) == Period(D("2023-01-01"), D("2025-12-31"))
    assert period.label() == "2024–2026"


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        # renewal on 30 June: each period runs 1 July to 30 June
        ("2026-12-03", "2026-07-01", "2027-06-30"),
        ("2026-06-30", "2025-07-01", "2026-06-30"),  # the renewal day closes its period
        ("2026-07-01", "2026-07-01", "2027-06-30"),
        ("2019-01-15", "2018-07-01", "2019-06-30"),  # before the renewal date's own year
    ],
)
def test_anchored_year_ends_on_each_anniversary_of_the_renewal_date(day, start, end):
    terms = MemberTerms(renewal=D("2024-06-30"))
    assert period_at(Window("anchored-year"), D(day), terms) == Period(D(start), D(end))


def test_anchored_year_on_29_february_falls_back_to_the_28th():
    terms = MemberTerms(renewal=D("2024-02-29"))
    assert period_at(Window("anchored-year"), D("2025-01-10"), terms) == Period(D("2024-03-01"), D("2025-02-28"))


def test_anchored_year_needs_a_renewal_date():
    with pytest.raises(ValueError, match="renewal date"):
        period_at(Window("anchored-year"), D("2026-01-01"), MemberTerms())


def test_biennium_by_calendar_starts_in_first_years_parity():
    even = Window("biennium", 2, first_year=2000)
    odd = Window("biennium", 2, first_year=2025)
    assert period_at(even, D("2027-05-01")) == Period(D("2026-01-01"), D("2027-12-31"))
    assert period_at(odd, D("2027-05-01")) == Period(D("2027-01-01"), D("2028-12-31"))
    assert previous(even, Period(D("2026-01-01"), D("2027-12-31"))) == Period(D("2024-01-01"), D("2025-12-31"))


def test_biennium_on_a_renewal_date_every_other_year():
    # licence renews on 31 March 2025, then 2027, 2029 …
    terms = MemberTerms(renewal=D("2025-03-31"))
    window = Window("biennium", 2)
    assert period_at(window, D("2026-12-03"), terms) == Period(D("2025-04-01"), D("2027-03-31"))
    assert following(window, Period(D("2025-04-01"), D("2027-03-31")), terms) == Period(
        D("2027-04-01"), D("2029-03-31")
    )


def test_no_pro_rata_owes_the_whole_period():
    period = Period(D("2026-01-01"), D("2026-12-31"))
    assert share_owed(period, MemberTerms(joined=D("2026-07-01")), frozenset()) == 1.0
    assert share_owed(period, None, frozenset({"joined"})) == 1.0


def test_joined_mid_year_owes_the_days_from_joining():
    period = Period(D("2026-01-01"), D("2026-12-31"))
    # 1 July to 31 December: 184 of 365 days
    assert share_owed(period, MemberTerms(joined=D("2026-07-01")), frozenset({"joined"})) == pytest.approx(184 / 365)
    assert share_owed(period, MemberTerms(joined=D("2027-01-01")), frozenset({"joined"})) == 0.0
    assert share_owed(period, MemberTerms(joined=D("2020-01-01")), frozenset({"joined"})) == 1.0


def test_part_time_and_inactive_spans_multiply_and_subtract():
    period = Period(D("2026-01-01"), D("2026-12-31"))
    terms = MemberTerms(
        part_time=0.6,
        # 1–31 March (31 days) and 15–31 March again (already counted), 1–30 November (30 days)
        inactive=(
            (D("2026-03-01"), D("2026-03-31")),
            (D("2026-03-15"), D("2026-03-31")),
            (D("2026-11-01"), D("2026-11-30")),
        ),
    )
    assert share_owed(period, terms, frozenset({"inactive"})) == pytest.approx((365 - 61) / 365)
    assert share_owed(period, terms, frozenset({"inactive", "part-time"})) == pytest.approx(0.6 * (365 - 61) / 365)
    assert share_owed(period, terms, frozenset({"part-time"})) == pytest.approx(0.6)


def test_months_between():
    assert months_between(D("2026-12-31"), D("2026-12-31")) == 0
    assert months_between(D("2027-01-01"), D("2026-12-31")) == 0
    assert months_between(D("2026-01-01"), D("2026-12-31")) == pytest.approx(364 / (365.25 / 12))
