"""What a person types, read the same wherever they type it: `cpdgen new`
(options and prompts), `cpdgen import csv` (cells), `cpdgen declaration set`
and `review` (values and answers).

Dates as people write them in the UK (14/03/2025, 14 Mar 2025, today),
hours as a clock or in minutes (1:30, 90 min), choices by their label or a
common synonym (a seminar is an event, a course is training), yes and no,
competence codes however they are listed ([B2, E3], b2 e3). Each parser
returns the value as the file format writes it, or raises ValueError in
plain words.

YAML files are not read with this: a record file stays strict (only the
schema's values, ISO dates, numbers), with the schema's messages and hints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

from cpdgen.common.dates import FIRST_YEAR, LAST_YEAR, in_range
from cpdgen.model.competences import Framework

DATE_FORMATS = "YYYY-MM-DD, DD/MM/YYYY (day first, UK order) or 14 Mar 2025"
DATE_HELP = "YYYY-MM-DD, DD/MM/YYYY (day first, UK order), 14 Mar 2025, today or yesterday"
HOURS_HELP = "1.5, 1:30, 90 min or 1h30"

# ---- dates -----------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})")
_WORDS = ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d %b, %Y", "%d %B, %Y")


def parse_date(text: str, today: date | None = None) -> str:
    """YYYY-MM-DD (also with a midnight time, as spreadsheets export it),
    UK day-first DD/MM/YYYY (or with . or -), 14 Mar 2025 / 14 March 2025,
    and, when `today` is known, `today` and `yesterday`. Returns YYYY-MM-DD."""
    written = text.strip()
    word = written.lower()
    if today is not None and word in ("today", "yesterday"):
        return (today if word == "today" else today - timedelta(days=1)).isoformat()
    if match := _ISO.fullmatch(written):
        year, month, day = (int(part) for part in match.groups())
        return _real(year, month, day, written)
    if match := _DAY_FIRST.fullmatch(written):
        day_text, month_text, year_text = match.groups()
        if len(year_text) == 2:
            raise ValueError(f"date '{written}': write the year in full (e.g. {day_text}/{month_text}/20{year_text})")
        return _real(int(year_text), int(month_text), int(day_text), written)
    for pattern in _WORDS:
        try:
            found = datetime.strptime(written, pattern).date()
        except ValueError:
            continue
        return _real(found.year, found.month, found.day, written)
    raise ValueError(f"'{written}' is not a date: write {DATE_HELP if today is not None else DATE_FORMATS}")


def _real(year: int, month: int, day: int, text: str) -> str:
    try:
        found = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date (read as day {day}, month {month}, year {year})") from None
    if not in_range(found):
        raise ValueError(f"'{text}' is outside the years cpdgen takes, {FIRST_YEAR} to {LAST_YEAR}")
    return found.isoformat()


# ---- hours -----------------------------------------------------------------------------

_HOURS = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(h|hr|hrs|hour|hours)?")
_MINUTES = re.compile(r"(\d+(?:\.\d+)?)\s*(m|min|mins|minute|minutes)")
_H_MM = re.compile(r"(\d+):([0-5]\d)")
_H_AND_M = re.compile(r"(\d+)\s*(?:h|hr|hrs|hours?)\s*(\d+)\s*(?:m|min|mins|minutes?)?")


def parse_hours(text: str) -> float | int:
    """Hours as people write them: 1.5, 1.5h, 2 hours, 90 min, 1:30, 1h30."""
    cleaned = text.strip().lower()
    hours: float | None = None
    if match := _HOURS.fullmatch(cleaned):
        hours = float(match.group(1))
    elif match := _MINUTES.fullmatch(cleaned):
        hours = float(match.group(1)) / 60
    elif match := _H_MM.fullmatch(cleaned) or _H_AND_M.fullmatch(cleaned):
        hours = int(match.group(1)) + int(match.group(2)) / 60
    if hours is None:
        hint = " (write 1.5, not 1,5)" if re.fullmatch(r"\d+,\d+", cleaned) else ""
        raise ValueError(f"hours '{text.strip()}' is not a number of hours{hint}")
    if hours <= 0:
        raise ValueError(f"hours '{text.strip()}' must be more than 0")
    rounded = round(hours, 2)
    return int(rounded) if rounded.is_integer() else rounded


# ---- choices -----------------------------------------------------------------------------

# Activity types as people write them (after `normal`), beyond the schema's
# own values and the labels of its enumDescriptions ("Event/Seminar", ...).
TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "work-experience": (
        "work",
        "work experience",
        "on the job",
        "on the job learning",
        "project",
        "project work",
        "secondment",
        "site work",
        "experience",
    ),
    "volunteering": (
        "volunteer",
        "voluntary",
        "voluntary work",
        "mentoring",
        "committee",
        "committee work",
        "stem",
        "outreach",
        "stem outreach",
        "reviewing",
    ),
    "event": (
        "seminar",
        "event seminar",
        "events",
        "conference",
        "lecture",
        "webinar",
        "workshop",
        "talk",
        "exhibition",
        "meeting",
        "presentation",
        "event or seminar",
    ),
    "self-study": (
        "self study",
        "selfstudy",
        "study",
        "reading",
        "research",
        "e learning",
        "elearning",
        "online learning",
        "private study",
        "self directed learning",
    ),
    "training": ("course", "courses", "training course", "course training", "formal training", "training or course"),
}
MODE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "in-person": ("in person", "face to face", "f2f", "classroom", "on site", "onsite"),
    "online": ("virtual", "remote", "webinar", "zoom", "teams", "live online"),
    "self-paced": ("self paced", "on demand", "recorded", "self directed"),
}
# By field name: the same words mean the same value in every kind that has the field.
CHOICE_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {"type": TYPE_SYNONYMS, "mode": MODE_SYNONYMS}


def normal(text: str) -> str:
    """Lower case, words only, "(...)" dropped: how written forms are compared."""
    text = re.sub(r"\([^)]*\)", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", text))


@cache
def _choice_table(kind_name: str, field_name: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """The field's values, and written form (normalised) → value: the
    values themselves, the labels of their enumDescriptions, and synonyms."""
    from cpdgen.loading import schemas

    spec = _property(schemas.documented_record_schema(kind_name), field_name)
    values = tuple(spec.get("enum", ())) if spec else ()
    described = spec.get("enumDescriptions", [""] * len(values)) if spec else []
    table: dict[str, str] = {}
    for value, description in zip(values, described):
        table[normal(value)] = value
        label = description.split(":", 1)[0]
        if label:
            table.setdefault(normal(label), value)
    for value, words in CHOICE_SYNONYMS.get(field_name, {}).items():
        if value in values:
            for word in words:
                table.setdefault(normal(word), value)
    return values, table


def _property(schema: dict, dotted: str) -> dict | None:
    spec: dict | None = schema
    for part in dotted.split("."):
        spec = (spec or {}).get("properties", {}).get(part)
    return spec


def choices(kind_name: str, field_name: str) -> tuple[str, ...]:
    """The values a choice field allows (`field_name` may be dotted: employment_status.status)."""
    return _choice_table(kind_name, field_name)[0]


def match_choice(kind_name: str, field_name: str, text: str) -> str | None:
    """The value of a choice field that `text` means, read tolerantly: any
    case, the value's label ("Event/Seminar"), a common synonym ("webinar"),
    or the unambiguous beginning of a value ("self"); None if none."""
    values, table = _choice_table(kind_name, field_name)
    written = text.strip()
    if written in values:
        return written
    found = table.get(normal(written))
    if found is not None:
        return found
    lowered = written.lower()
    starting = [value for value in values if lowered and value.startswith(lowered)]
    return starting[0] if len(starting) == 1 else None


def parse_choice(kind_name: str, field_name: str, text: str) -> str:
    found = match_choice(kind_name, field_name, text)
    if found is None:
        from cpdgen.common.wording import did_you_mean

        values = choices(kind_name, field_name)
        hint = did_you_mean(text.strip().lower(), values)
        raise ValueError(f"'{text.strip()}' is not one of {', '.join(values)}{hint}")
    return found


# ---- yes and no ---------------------------------------------------------------------------

_YES = {"true", "yes", "y"}
_NO = {"false", "no", "n"}


def parse_yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"'{text.strip()}' is not yes or no (true or false)")


# ---- lists and competence codes -------------------------------------------------------------


def split_list(values: Iterable[str]) -> list[str]:
    """Repeated values, each possibly comma-separated: ("A1,E3", "B2") →
    [A1, E3, B2]; a list written as YAML would write it, [A1, E3], too."""
    items: list[str] = []
    for value in values:
        for item in value.strip().strip("[]").split(","):
            item = item.strip().strip("'\"")
            if item and item not in items:
                items.append(item)
    return items


def parse_competences(values: Iterable[str], framework: Framework | None = None) -> list[str]:
    """Competence codes however they are listed: "A1,E3", "[B2, E3]",
    "b2 e3". With the policy's framework, every code must be one of it."""
    codes: list[str] = []
    for value in values:
        for code in re.split(r"[\s,;\[\]'\"]+", value):
            code = code.strip().upper()
            if code and code not in codes:
                codes.append(code)
    if framework is not None:
        unknown = [code for code in codes if framework.competence(code) is None]
        if unknown:
            raise ValueError(framework.refusal(unknown))
    return codes
