"""`cpdgen calendar`: each body's deadlines as iCalendar (RFC 5545), with a
reminder some weeks before. A deadline's UID is its policy and its day, so
importing the file again updates the events instead of adding copies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from cpdgen.compute.compliance import BodyCompliance, deadlines
from cpdgen.compute.hours import format_hours
from cpdgen.model.policy import Body

REMINDER_WEEKS = 4
DEADLINES_PER_BODY = 2  # the current period's end and the next one's
PRODUCT = "-//cpdgen//CPD deadlines//EN"


def _escape(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (§3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def calendar_text(bodies: Iterable[tuple[Body, BodyCompliance]], as_of: date) -> str:
    """The calendar: for each body, the end of its current period and of the next."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:CPD deadlines",
    ]
    stamp = as_of.strftime("%Y%m%dT000000Z")
    for body, standing in bodies:
        policy = body.policy
        unit = policy.requirement.unit.name
        for index, period in enumerate(deadlines(policy, as_of, body.terms, DEADLINES_PER_BODY)):
            summary = f"{policy.short_name} CPD period ends: {period.label()}"
            if index == 0:
                state = (
                    f"{format_hours(standing.counted)} of {format_hours(standing.required)} {unit} counted on "
                    f"{as_of.isoformat()}"
                    + (f", {format_hours(standing.short)} short" if standing.short else "")
                    + ("; on track." if standing.on_track else "; not on track: run cpdgen compliance.")
                )
            else:
                state = "The period after the current one."
            description = (
                f"{policy.body}: the CPD period {period.start.isoformat()} to {period.end.isoformat()} ends. {state}"
            )
            lines += [
                "BEGIN:VEVENT",
                f"UID:{policy.id}-{period.end.isoformat()}@cpdgen",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{_day(period.end)}",
                f"DTEND;VALUE=DATE:{_day(period.end + timedelta(days=1))}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(description)}",
                "TRANSP:TRANSPARENT",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_escape(f'{policy.short_name} CPD period ends in {REMINDER_WEEKS} weeks')}",
                f"TRIGGER:-P{REMINDER_WEEKS}W",
                "END:VALARM",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
