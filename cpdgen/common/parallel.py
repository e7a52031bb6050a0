"""How many processes a large piece of work may use."""

from __future__ import annotations

import os

from cpdgen.common.errors import UsageError

# Below this many files one process is faster than starting workers.
PARALLEL_THRESHOLD = 400


def job_count(jobs: int | None, files: int) -> int:
    """Processes to use for `files` pieces of work: `jobs`, else
    CPDGEN_JOBS, else one per core for large repositories and one for small
    ones (callers decide what is large)."""
    if jobs is None:
        setting = os.environ.get("CPDGEN_JOBS", "").strip()
        if setting:
            if not setting.isdigit() or int(setting) < 1:
                raise UsageError(f"CPDGEN_JOBS must be a whole number of processes, 1 or more; it is '{setting}'")
            jobs = int(setting)
        else:
            jobs = (os.cpu_count() or 1) if files >= PARALLEL_THRESHOLD else 1
    return max(1, min(jobs, files))


def heavy_job_count(pieces: int) -> int:
    """Processes for `pieces` of heavy work (a PDF takes seconds): one per
    core however few the pieces, unless CPDGEN_JOBS says otherwise."""
    return job_count(None if os.environ.get("CPDGEN_JOBS", "").strip() else (os.cpu_count() or 1), pieces)
