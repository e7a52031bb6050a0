"""What a CV lists, in the order a reader expects: the same for the site's
CV page and the PDF CV."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cpdgen.model.records import Employment, Qualification


def employment_order(jobs: Iterable[Employment]) -> list[Employment]:
    """Current jobs first, then the others by their end, newest first."""
    return sorted(jobs, key=lambda job: (job.end is None, job.end or date.max, job.start), reverse=True)


def study_order(qualifications: Iterable[Qualification]) -> list[Qualification]:
    """Newest first by award (else start) date, undated study last, ties by title."""
    return sorted(qualifications, key=lambda q: (-(q.end or q.start or date.min).toordinal(), q.title))
