"""The shared factories (helpers.records) with the defaults of the checklist
and digest tests: activities and courses serve the objective "obj", and an
objective is "obj", created on 1 January 2023."""

from __future__ import annotations

from helpers import records as factories


def act(*args, objectives=("obj",), **kwargs):
    return factories.act(*args, objectives=objectives, **kwargs)


def course(*args, objectives=("obj",), **kwargs):
    return factories.course(*args, objectives=objectives, **kwargs)


def objective(id="obj", created="2023-01-01", **kwargs):
    return factories.objective(id, created=created, **kwargs)
