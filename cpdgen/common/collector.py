"""Pausing Python's cyclic garbage collector over a large, short piece of work.

A full collection walks every live object. While thousands of records are
built and kept, the collector runs several full passes over a heap that only
grows, and finds next to nothing: what validation and planning make is
freed by reference counting (no cycles). Pausing it there is what large
Python programs do for bulk loading; it runs again afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in processes forked in it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
