#!/usr/bin/env python3
"""Generate a synthetic, schema-valid cpdgen records repository.

Usage::

    python bench/generate.py OUTDIR --n 10000 [--seed 1] [--force]

or, from Python::

    from generate import generate
    generate(Path("/tmp/repo"), 10000, seed=1)

The repository written at ``root`` holds:

* ``cpdgen.yaml`` (``policy: iet``),
* ``records/profile.yaml`` (the member),
* ``records/declarations/2025.yaml`` (``year: 2025``),
* exactly ``n`` record files below the kind folders, one record per file,
  at ``records/<kind>/<year>/<name>.yaml``: about 80 % activities, 10 %
  training, 4 % objectives, 2 % employment and 2 % qualifications (the
  rounding remainder goes to activities).

So ``records/`` holds ``n + 2`` YAML files in all.  Every record follows
the file format (docs/file-format.md): ISO dates, ``end >= start``, ``0 < hours <= 24 x days
spanned``, exact enum values, objective ids referenced by activities and
activity/training ids referenced by objective actions all exist.  The output
depends only on ``n`` and ``seed``.

Standard library only (PyYAML is not needed to generate).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path

__all__ = ["generate", "kind_counts"]

YEARS = list(range(2015, 2026))
LAST_DAY = dt.date(YEARS[-1], 12, 31)  # no completion date lies after this

# Share of the n records per kind; activities take the remainder.
SHARES = {
    "training": 0.10,
    "objectives": 0.04,
    "employment": 0.02,
    "qualifications": 0.02,
}

ACTIVITY_TYPES = ["work-experience", "volunteering", "event", "self-study", "training"]
ACTIVITY_TYPE_WEIGHTS = [35, 8, 25, 25, 7]
MODES = ["in-person", "online", "self-paced"]
TRAINING_STATUS = ["completed", "booked", "planned"]
QUAL_STATUS = ["in-progress", "completed", "withdrawn"]
PRIORITIES = ["high", "medium", "low"]
OBJ_STATUS = ["not-started", "in-progress", "achieved", "deferred", "cancelled"]
ACTION_STATUS = ["planned", "in-progress", "done", "cancelled"]

# UK-SPEC competence codes.
COMPETENCES = [
    "A1",
    "A2",
    "B1",
    "B2",
    "B3",
    "C1",
    "C2",
    "C3",
    "C4",
    "D1",
    "D2",
    "D3",
    "E1",
    "E2",
    "E3",
    "E4",
    "E5",
]

TOPICS = [
    "functional safety",
    "embedded Rust",
    "power electronics",
    "grid integration",
    "cyber security",
    "requirements engineering",
    "FPGA design",
    "signal integrity",
    "machine learning",
    "battery management",
    "EMC compliance",
    "systems engineering",
    "project management",
    "technical writing",
    "risk assessment",
    "control systems",
    "digital twins",
    "IEC 61508",
    "ISO 26262",
    "renewable generation",
    "asset management",
    "reliability engineering",
    "mentoring",
    "lean manufacturing",
    "sustainability",
    "ethics in engineering",
    "cloud architecture",
    "PCB layout",
    "motor drives",
    "protection relays",
    "SCADA",
    "verification and validation",
]
ACT_FORMS = {
    "work-experience": [
        "Led a project on",
        "Delivered a design review on",
        "Commissioning work on",
        "Technical lead for",
        "Migration work on",
    ],
    "volunteering": ["STEM outreach on", "Mentored graduates in", "Judged a schools contest on", "Committee work on"],
    "event": ["Conference talk on", "Webinar on", "Seminar on", "Network lecture on", "Workshop on"],
    "self-study": ["Read up on", "Online reading on", "Self-study of", "Worked through a book on"],
    "training": ["In-house course on", "Vendor training on", "Short course on"],
}
TRAINING_FORMS = [
    "Certificate course in",
    "Two-day course on",
    "Foundation course in",
    "Practitioner course in",
    "Advanced course on",
]
PROVIDERS = [
    "IET",
    "IMechE",
    "Engineers Ireland",
    "Coursera",
    "University of Bristol",
    "TÜV SÜD",
    "BSI",
    "Siemens",
    "National Grid",
    "IET Birmingham Network",
    "Employer (in-house)",
    "STEM Learning",
    "Royal Academy of Engineering",
    "IEEE",
]
PLACES = [
    "London, UK",
    "Birmingham, UK",
    "Manchester, UK",
    "Glasgow, UK",
    "Bristol, UK",
    "Leeds, UK",
    "Cardiff, UK",
    "Stevenage, UK",
    "Dublin, IE",
]
ACCREDITORS = ["IET", "CPD Certification Service", "IOSH", "APM", "BCS"]
EMPLOYERS = [
    "Acme Power Ltd",
    "Northern Rail Systems",
    "Brightwave Electronics",
    "Crane & Co Engineering",
    "Midlands Water",
    "Orbital Controls plc",
    "Helix Automotive",
    "Vantage Energy",
]
ROLES = [
    "Graduate Engineer",
    "Design Engineer",
    "Senior Engineer",
    "Principal Engineer",
    "Lead Systems Engineer",
    "Engineering Manager",
    "Technical Consultant",
]
EMPLOYMENT_TYPES = ["full-time", "part-time", "contract"]
INSTITUTIONS = [
    "University of Manchester",
    "Open University",
    "Imperial College London",
    "University of Strathclyde",
    "Cranfield University",
    "University of Leeds",
]
LEVELS = ["BEng", "MEng", "MSc", "PgCert", "PhD", "HNC"]
GRADES = ["First", "2:1", "Distinction", "Merit", "Pass"]
TAGS = [
    "safety",
    "embedded",
    "power",
    "software",
    "leadership",
    "standards",
    "outreach",
    "security",
    "hardware",
    "management",
    "sustainability",
    "ethics",
    "tools",
    "design",
]

SENTENCES = [
    "Covered the main principles and how they apply to our current products.",
    "Worked through practical examples with a small group of peers.",
    "Discussed recent changes to the relevant standards and guidance.",
    "Compared two approaches and noted where each one falls short.",
    "Spent time on the failure cases that caused problems last year.",
    "Took notes and shared a short summary with the team afterwards.",
    "The session included a case study from a large infrastructure project.",
    "Identified gaps in my own knowledge that need further reading.",
    "Followed up with the presenter about a question on tooling.",
    "Reviewed the supporting material and the worked exercises.",
]
OUTCOMES = [
    "How to structure a hazard log so that it stays maintainable.",
    "Where the standard expects evidence and where judgement is allowed.",
    "Practical limits of simulation compared with bench testing.",
    "A clearer way to explain trade-offs to non-technical stakeholders.",
    "Common pitfalls in configuration management on long projects.",
    "Better estimates for verification effort on safety-related work.",
    "The vocabulary needed to review supplier documentation critically.",
    "A checklist approach that catches errors before design review.",
]
REFLECTIONS = [
    "Applied the approach on the current project and it shortened the review cycle.",
    "Shared the key points at the weekly engineering meeting.",
    "Next step is to try this on a smaller task before rolling it out.",
    "I still need more practice; planned a follow-up course for next year.",
    "Updated our team template to reflect what I learned.",
    "This changed how I plan test campaigns; I now start from the risks.",
    "Will mentor a junior colleague on this topic next quarter.",
]
FIRST_NAMES = ["Alex", "Sam", "Priya", "Jordan", "Morgan", "Chen", "Fatima", "Oliver"]
LAST_NAMES = ["Taylor", "Patel", "Nguyen", "Okafor", "Smith", "Kowalski", "Evans", "Murphy"]

_PLAIN_OK = re.compile(r"^[A-Za-z0-9ÀÜüéà][A-Za-z0-9 ,.()&'/+ÀÜüéà-]*$")
_AMBIGUOUS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def q(s: str) -> str:
    """Render a string as a YAML scalar: plain when unambiguous, else quoted."""
    if (
        _PLAIN_OK.match(s)
        and not s.endswith(" ")
        and ": " not in s
        and " #" not in s
        and s.lower() not in _AMBIGUOUS
        and not re.fullmatch(r"[0-9.:+-]+", s)
    ):
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def flow(items: list[str]) -> str:
    """A flow sequence of simple tokens (ids, codes, tags): `[a, b]`."""
    return "[" + ", ".join(items) + "]"


def fmt_hours(h: float) -> str:
    return str(int(h)) if h == int(h) else f"{h:g}"


def block(key: str, lines: list[str], indent: str = "") -> list[str]:
    """A literal block scalar (Markdown)."""
    out = [f"{indent}{key}: |"]
    out += [f"{indent}  {line}" if line else "" for line in lines]
    return out


def kind_counts(n: int) -> dict[str, int]:
    """How many records of each kind folder make up n files."""
    counts = {k: int(n * share) for k, share in SHARES.items()}
    # Small repositories still get one of each secondary kind when there is room.
    if n >= 20:
        for k in counts:
            counts[k] = max(counts[k], 1)
    counts["activities"] = n - sum(counts.values())
    return {
        "activities": counts["activities"],
        "training": counts["training"],
        "objectives": counts["objectives"],
        "employment": counts["employment"],
        "qualifications": counts["qualifications"],
    }


def _year_for(i: int, count: int) -> int:
    """Spread `count` records evenly over YEARS, in order."""
    return YEARS[min(len(YEARS) - 1, i * len(YEARS) // max(count, 1))]


def _date_in(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _span(rng: random.Random, start: dt.date, max_days: int) -> dt.date:
    """An end date >= start, within max_days-1 days, kept in start's year."""
    end = start + dt.timedelta(days=rng.randrange(max_days))
    return min(end, dt.date(start.year, 12, 31))


def _hours(rng: random.Random, start: dt.date, end: dt.date, per_day: float) -> float:
    days = (end - start).days + 1
    cap = min(24 * days, per_day * days)
    h = round(rng.uniform(0.5, cap) * 2) / 2  # multiples of half an hour
    return max(0.5, min(h, 24 * days))


def _para(rng: random.Random, pool: list[str], lo: int, hi: int) -> list[str]:
    return rng.sample(pool, rng.randint(lo, hi))


def _md_description(rng: random.Random, topic: str) -> list[str]:
    first, *rest = _para(rng, SENTENCES, 2, 3)
    return [f"Focus on **{topic}**. {first}", *rest]


def _md_outcomes(rng: random.Random) -> list[str]:
    return ["- " + s for s in _para(rng, OUTCOMES, 2, 3)]


def _md_reflection(rng: random.Random) -> list[str]:
    return _para(rng, REFLECTIONS, 2, 3)


def _activity(rng, aid, year, objective_ids) -> tuple[str, dict]:
    typ = rng.choices(ACTIVITY_TYPES, ACTIVITY_TYPE_WEIGHTS)[0]
    topic = rng.choice(TOPICS)
    start = _date_in(rng, year)
    max_days = {"work-experience": 60, "volunteering": 3, "event": 3, "self-study": 30, "training": 5}[typ]
    end = _span(rng, start, max_days)
    per_day = {"work-experience": 2, "volunteering": 4, "event": 7, "self-study": 1.5, "training": 7}[typ]
    hours = _hours(rng, start, end, per_day)
    status = "planned" if rng.random() < 0.03 else None
    mode = {"self-study": "self-paced"}.get(typ) or rng.choice(["in-person", "online"])
    lines = [
        f"title: {q(rng.choice(ACT_FORMS[typ]) + ' ' + topic)}",
        f"type: {typ}",
        f"start: {start.isoformat()}",
        f"end: {end.isoformat()}",
        f"hours: {fmt_hours(hours)}",
    ]
    if status:
        lines.append(f"status: {status}")
    lines += [
        f"provider: {q(rng.choice(EMPLOYERS if typ == 'work-experience' else PROVIDERS))}",
        f"location: {q('Online' if mode != 'in-person' else rng.choice(PLACES))}",
        f"mode: {mode}",
        f"tags: {flow(sorted(rng.sample(TAGS, rng.randint(1, 3))))}",
        f"competences: {flow(sorted(rng.sample(COMPETENCES, rng.randint(1, 3))))}",
    ]
    refs: list[str] = []
    if objective_ids and rng.random() < 0.35:
        refs = sorted(rng.sample(objective_ids, min(len(objective_ids), rng.randint(1, 2))))
        lines.append(f"objectives: {flow(refs)}")
    if rng.random() < 0.02:
        lines.append("private: true")
    lines += block("description", _md_description(rng, topic))
    lines += block("outcomes", _md_outcomes(rng))
    lines += block("reflection", _md_reflection(rng))
    return "\n".join(lines) + "\n", {"end": end}


def _training(rng, year, objective_ids) -> str:
    topic = rng.choice(TOPICS)
    start = _date_in(rng, year)
    end = _span(rng, start, 5)
    hours = _hours(rng, start, end, 7)
    r = rng.random()
    status = "completed" if r < 0.9 else ("booked" if r < 0.95 else "planned")
    mode = rng.choice(MODES)
    lines = [
        f"title: {q(rng.choice(TRAINING_FORMS) + ' ' + topic)}",
        f"start: {start.isoformat()}",
        f"end: {end.isoformat()}",
        f"hours: {fmt_hours(hours)}",
        f"status: {status}",
        f"provider: {q(rng.choice(PROVIDERS))}",
        f"location: {q('Online' if mode != 'in-person' else rng.choice(PLACES))}",
        f"mode: {mode}",
        f"accredited_by: {q(rng.choice(ACCREDITORS))}",
        f"tags: {flow(sorted(rng.sample(TAGS, rng.randint(1, 3))))}",
        f"competences: {flow(sorted(rng.sample(COMPETENCES, rng.randint(1, 3))))}",
    ]
    if objective_ids and rng.random() < 0.5:
        lines.append(f"objectives: {flow([rng.choice(objective_ids)])}")
    lines += block("description", _md_description(rng, topic))
    lines += block("outcomes", _md_outcomes(rng))
    if status == "completed":
        lines += block("reflection", _md_reflection(rng))
    return "\n".join(lines) + "\n"


def _objective(rng, year, linkable_by_year) -> str:
    topic = rng.choice(TOPICS)
    created = _date_in(rng, year)
    target = created + dt.timedelta(days=rng.randint(90, 540))
    status = rng.choices(OBJ_STATUS, [10, 35, 40, 10, 5])[0]
    lines = [
        f"title: {q('Develop competence in ' + topic)}",
        f"created: {created.isoformat()}",
        f"target: {target.isoformat()}",
        f"priority: {rng.choice(PRIORITIES)}",
        f"status: {status}",
        f"competences: {flow(sorted(rng.sample(COMPETENCES, rng.randint(1, 3))))}",
    ]
    lines += block(
        "description",
        [
            f"My role increasingly needs a working knowledge of {topic}.",
            rng.choice(SENTENCES),
        ],
    )
    lines.append("actions:")
    for k in range(rng.randint(1, 3)):
        a_status = rng.choice(ACTION_STATUS)
        a_target = created + dt.timedelta(days=rng.randint(30, 365))
        step = rng.choice(
            ["attend a course on {}", "read up on {}", "apply {} at work", "present on {} to the team"]
        ).format(topic)
        lines.append(f"  - title: {q(f'Step {k + 1}: {step}')}")
        lines.append(f"    target: {a_target.isoformat()}")
        lines.append(f"    status: {a_status}")
        if a_status == "done":
            done_on = min(created + dt.timedelta(days=rng.randint(1, 365)), LAST_DAY)
            lines.append(f"    done_on: {done_on.isoformat()}")
        # link activities/training of the objective's year or the next one
        linkable_ids = linkable_by_year.get(year, []) + linkable_by_year.get(year + 1, [])
        if linkable_ids and a_status in ("done", "in-progress"):
            refs = sorted(rng.sample(linkable_ids, min(len(linkable_ids), rng.randint(1, 2))))
            lines.append(f"    activities: {flow(refs)}")
    if status in ("achieved", "cancelled", "deferred"):
        lines += block("review", _md_reflection(rng))
    return "\n".join(lines) + "\n"


def _employment(rng, idx, year, current) -> str:
    start = _date_in(rng, year)
    lines = [
        f"employer: {q(rng.choice(EMPLOYERS))}",
        f"role: {q(rng.choice(ROLES))}",
        f"start: {start.isoformat()}",
    ]
    if not current:
        end = max(start, min(start + dt.timedelta(days=rng.randint(180, 1500)), LAST_DAY))
        lines.append(f"end: {end.isoformat()}")
    lines += [
        f"location: {q(rng.choice(PLACES))}",
        f"employment_type: {rng.choice(EMPLOYMENT_TYPES)}",
    ]
    lines += block(
        "responsibilities",
        [
            "- Design and verification of " + rng.choice(TOPICS) + " work packages.",
            "- Technical reviews and supervision of junior engineers.",
        ],
    )
    lines += block("achievements", ["- " + s for s in _para(rng, REFLECTIONS, 2, 3)])
    return "\n".join(lines) + "\n"


def _qualification(rng, year) -> str:
    start = _date_in(rng, year)
    end = start + dt.timedelta(days=rng.randint(300, 1400))
    status = rng.choices(QUAL_STATUS, [20, 75, 5])[0]
    if status != "in-progress":  # only an expected date may lie in the future
        end = max(start, min(end, LAST_DAY))
    level = rng.choice(LEVELS)
    lines = [
        f"title: {q(level + ' ' + rng.choice(['Electrical Engineering', 'Systems Engineering', 'Engineering Management', 'Electronic Engineering']))}",
        f"institution: {q(rng.choice(INSTITUTIONS))}",
        f"level: {q(level)}",
        f"subject: {q(rng.choice(TOPICS))}",
        f"start: {start.isoformat()}",
        f"end: {end.isoformat()}",
        f"status: {status}",
    ]
    if status == "completed":
        lines.append(f"grade: {q(rng.choice(GRADES))}")
    return "\n".join(lines) + "\n"


PROFILE = """\
name: Alex Example
post_nominals: CEng MIET
headline: Principal systems engineer, power and control
location: Birmingham, UK
email: alex@example.com
phone: "+44 121 496 0000"
memberships:
  - body: IET
    number: "1234567"
    grade: Member
    since: 2014-06-01
registrations:
  - title: CEng
    body: Engineering Council
    number: "ECUK-000123"
    since: 2018-03-15
links:
  - label: Portfolio
    url: https://example.com/alex
bio: |
  Systems engineer working on **power electronics** and control for rail and
  energy projects. Synthetic profile generated by `bench/generate.py`.
"""


def generate(root: Path, n: int, seed: int = 1) -> None:
    """Write a synthetic records repository with exactly ``n`` kind-folder records.

    ``root`` is created if missing; files already there with the same names
    are overwritten, other files are left alone (use an empty folder).
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    root = Path(root)
    records = root / "records"
    rng = random.Random(seed)
    counts = kind_counts(n)

    def ids(prefix: str, kind: str) -> list[str]:
        c = counts[kind]
        return [f"{_year_for(i, c)}/{prefix}-{i + 1:05d}" for i in range(c)]

    activity_ids = ids("act", "activities")
    training_ids = ids("trn", "training")
    objective_ids = ids("obj", "objectives")
    employment_ids = ids("job", "employment")
    qualification_ids = ids("qual", "qualifications")

    files: dict[Path, str] = {}
    files[root / "cpdgen.yaml"] = "policy: iet\n"
    files[records / "profile.yaml"] = PROFILE
    files[records / "declarations" / "2025.yaml"] = "year: 2025\n"

    linkable_by_year: dict[int, list[str]] = {}
    for xid in activity_ids + training_ids:
        linkable_by_year.setdefault(int(xid[:4]), []).append(xid)
    for oid in objective_ids:
        files[records / "objectives" / f"{oid}.yaml"] = _objective(rng, int(oid[:4]), linkable_by_year)
    for aid in activity_ids:
        text, _ = _activity(rng, aid, int(aid[:4]), objective_ids)
        files[records / "activities" / f"{aid}.yaml"] = text
    for tid in training_ids:
        files[records / "training" / f"{tid}.yaml"] = _training(rng, int(tid[:4]), objective_ids)
    for i, eid in enumerate(employment_ids):
        files[records / "employment" / f"{eid}.yaml"] = _employment(
            rng, i, int(eid[:4]), current=(i == len(employment_ids) - 1)
        )
    for qid in qualification_ids:
        files[records / "qualifications" / f"{qid}.yaml"] = _qualification(rng, int(qid[:4]))

    made: set[Path] = set()
    for path, text in files.items():
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", type=Path, help="repository folder to write")
    p.add_argument("--n", type=int, default=10000, help="number of records (default 10000)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--force", action="store_true", help="delete OUTDIR/records first if it exists")
    a = p.parse_args(argv)
    if a.n < 0:
        p.error("--n must be >= 0")
    recs = a.outdir / "records"
    if recs.exists():
        if not a.force:
            p.error(f"{recs} exists; use --force to replace it")
        shutil.rmtree(recs)
    generate(a.outdir, a.n, a.seed)
    c = kind_counts(a.n)
    print(
        f"wrote {a.n} records to {recs} ("
        + ", ".join(f"{k} {v}" for k, v in c.items())
        + ") plus profile.yaml and declarations/2025.yaml",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
