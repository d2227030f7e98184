"""Timing a block in a test the way timeit does: with the garbage collector held off.

Late in a whole-suite run the process holds far more objects than a test alone, and a full
collection that starts inside the timed block is time that is not the code's. The unit chooser's
render (0.05-0.3 s alone, on SQLite and PostgreSQL) once measured 4.94 s at 89% of a CI run; no
slow query plan reproduced it, so the collection now runs before the block, not in it.
"""

import gc
import time
from contextlib import contextmanager
from types import SimpleNamespace


@contextmanager
def stopwatch():
    """``with stopwatch() as watch: ...`` then ``watch.seconds``."""
    watch = SimpleNamespace(seconds=None)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    began = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - began
        if was_enabled:
            gc.enable()
