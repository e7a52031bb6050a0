"""Records built in memory the way the loader builds them (through the
model's `build_*` constructors, so defaults such as `end` = `start` apply),
for the pure computation tests."""

from __future__ import annotations

from cpdgen.model.records import (
    Activity,
    Declaration,
    Employment,
    Objective,
    Qualification,
    Records,
    Source,
    Training,
    build_activity,
    build_declaration,
    build_employment,
    build_objective,
    build_qualification,
    build_training,
)


def act(
    id, type="event", start="2024-06-01", end=None, hours=1, status="completed", objectives=(), title=None, tags=()
):
    data = {
        "title": title or f"Activity {id}",
        "type": type,
        "start": start,
        "hours": hours,
        "status": status,
        "objectives": list(objectives),
    }
    if tags:
        data["tags"] = list(tags)
    if end is not None:
        data["end"] = end
    return build_activity(data, id, Source(f"records/activities/{id}.yaml"))


def course(id, start="2024-06-01", end=None, hours=1, status="completed", objectives=(), title=None):
    data = {
        "title": title or f"Course {id}",
        "start": start,
        "hours": hours,
        "status": status,
        "objectives": list(objectives),
    }
    if end is not None:
        data["end"] = end
    return build_training(data, id, Source(f"records/training/{id}.yaml"))


def qual(id, start=None, end=None, status="completed"):
    data = {"title": f"Qualification {id}", "institution": "University", "status": status}
    data.update({k: v for k, v in (("start", start), ("end", end)) if v is not None})
    return build_qualification(data, id, Source(f"records/qualifications/{id}.yaml"))


def job(id, start, end=None):
    data = {"employer": f"Employer {id}", "role": "Engineer", "start": start}
    if end is not None:
        data["end"] = end
    return build_employment(data, id, Source(f"records/employment/{id}.yaml"))


def objective(id, status="in-progress", created=None, target=None, actions=()):
    data = {"title": f"Objective {id}", "status": status, "actions": list(actions)}
    data.update({k: v for k, v in (("created", created), ("target", target)) if v is not None})
    return build_objective(data, id, Source(f"records/objectives/{id}.yaml"))


def decl(year=2024, **sections):
    return build_declaration({"year": year, **sections}, str(year), Source(f"records/declarations/{year}.yaml"))


KIND_OF = {
    Activity: "activity",
    Training: "training",
    Qualification: "qualification",
    Employment: "employment",
    Objective: "objective",
    Declaration: "declaration",
}


def recs(*items) -> Records:
    records = Records()
    for item in items:
        records.add(KIND_OF[type(item)], item)
    return records
