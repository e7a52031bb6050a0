"""`cpdgen calendar`, read back with a real iCalendar parser (the icalendar
package): each body's deadlines, a reminder before each, UIDs that stay the
same from one run to the next so a calendar updates its events."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest

from helpers.repos import TmpRepo

SETTINGS = """\
policies:
  - iet
  - policy: texas-pe
    renewal: 2026-06-30
"""


def events(text: str) -> list:
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


@pytest.fixture
def two_bodies(repo: TmpRepo) -> TmpRepo:
    repo.write("cpdgen.yaml", SETTINGS)
    repo.write(
        "records/activities/a.yaml",
        "title: Ethics, roles; and the Act\ntype: event\nstart: 2026-01-10\nhours: 3\ntags: [ethics]\n",
    )
    return repo


def test_each_body_has_its_deadlines_with_a_reminder(two_bodies: TmpRepo):
    result = two_bodies.run("calendar", "--as-of", "2026-03-01")
    assert result.exit_code == 0
    lines = result.stdout_bytes.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 and b"\n" not in line for line in lines)  # CRLF, folded
    found = events(result.stdout)
    assert [(str(e["UID"]), e.decoded("DTSTART")) for e in found] == [
        ("iet-2026-12-31@cpdgen", date(2026, 12, 31)),
        ("iet-2027-12-31@cpdgen", date(2027, 12, 31)),
        ("texas-pe-2026-06-30@cpdgen", date(2026, 6, 30)),
        ("texas-pe-2027-06-30@cpdgen", date(2027, 6, 30)),
    ]
    for event in found:
        assert event.decoded("DTEND") == event.decoded("DTSTART") + timedelta(days=1)
        (alarm,) = event.walk("VALARM")
        assert alarm["ACTION"] == "DISPLAY"
        assert alarm.decoded("TRIGGER") == timedelta(weeks=-4)
    texas = found[2]
    assert str(texas["SUMMARY"]) == "Texas PE CPD period ends: 2025-07-01 – 2026-06-30"
    assert "3.0 of 15.0 PDH counted on 2026-03-01, 12.0 short" in str(texas["DESCRIPTION"])


def test_uids_are_stable_so_a_reimport_updates(two_bodies: TmpRepo):
    first = {str(e["UID"]) for e in events(two_bodies.run("calendar", "--as-of", "2026-03-01").stdout)}
    two_bodies.write("records/activities/b.yaml", "title: More\ntype: event\nstart: 2026-02-10\nhours: 5\n")
    later = events(two_bodies.run("calendar", "--as-of", "2026-04-15").stdout)
    assert {str(e["UID"]) for e in later} == first
    assert "8.0 of 15.0 PDH" in str(later[2]["DESCRIPTION"])


def test_output_file_and_folder(two_bodies: TmpRepo):
    result = two_bodies.run("calendar", "--as-of", "2026-03-01", "-o", "deadlines.ics")
    assert result.exit_code == 0 and result.stdout.startswith("Wrote deadlines.ics (2 bodies, 4 deadlines)")
    assert len(events((two_bodies.root / "deadlines.ics").read_text("utf-8"))) == 4
    (two_bodies.root / "out").mkdir()
    assert two_bodies.run("calendar", "-o", "out", "-q").exit_code == 0
    assert (two_bodies.root / "out/cpd-deadlines.ics").is_file()
    missing = two_bodies.run("calendar", "-o", "deadlines.ics/x.ics")  # under a file
    assert missing.exit_code == 1 and "cannot write" in missing.stderr and "Traceback" not in missing.output


def test_invalid_records_write_nothing(two_bodies: TmpRepo):
    two_bodies.write("records/activities/bad.yaml", "title: Bad\ntype: seminar\nstart: 2026-01-10\nhours: 3\n")
    result = two_bodies.run("calendar", "-o", "deadlines.ics")
    assert result.exit_code == 1 and not (two_bodies.root / "deadlines.ics").exists()
