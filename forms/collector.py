"""Python's cycle collector paused while many small acyclic objects are made: households
decoded, classified, read from a package. Reference counting frees them anyway, and the
collector, triggered by the allocations, walked every one of them kept so far again and
again (about 40 % of classifying 100,000 households, a third of reading a registry package,
a twentieth of a large merge)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside, back on afterwards (even when the work fails) if it was on
    before: nested pauses and two threads pausing at once leave it on at the end."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
