"""Pausing Python's cyclic garbage collector over a large, short piece of work.

A full collection walks every live object. While thousands of records are
built and kept, the collector runs several full passes over a heap that only
grows, and finds next to nothing: what validation makes is freed by
reference counting (no cycles). Pausing it there is what large Python
programs do for bulk loading. What the block made is then frozen
(`gc.freeze`): it is what the program goes on with, and without that the
first collection afterwards would walk all of it once more (60-75 ms at
10,000 records, of a 0.5 s warm validation). A long-running caller gives
it back to the collector with `gc.unfreeze()` when done with it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in processes forked in
    it); what is alive at its end is frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
