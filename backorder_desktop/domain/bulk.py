"""Big steps of work done in one go: a run over 100,000 lines, an import of a million."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the step, and restore it afterwards whatever
    happens. A run builds hundreds of thousands of small tuples, none in a reference cycle: the
    collector walked them again and again for nothing (22% of a 100,000-line run's time);
    reference counting still frees each as it goes."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
