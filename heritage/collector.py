"""Python's cyclic garbage collector, paused while a whole catalogue is loaded."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Loading a whole catalogue makes millions of small objects and no reference cycles, and the
    cyclic garbage collector would walk every one of them again and again while they are made:
    it is paused for the duration (what that saves: docs/benchmarks.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
