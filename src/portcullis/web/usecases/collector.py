"""The cyclic garbage collector's pace during work that makes many objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collect_garbage_less_often() -> Iterator[None]:
    """An import or a batch makes millions of short-lived objects that reference counting
    frees; at its default pace the cyclic collector re-scans every live object over and
    over, which was measured at a fifth to a third of an import's time and a tenth of a
    batch's. It still runs, less often."""
    previous = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
