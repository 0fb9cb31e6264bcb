"""Readying a process's library: kept out of the collector's walks, its one-time loads done."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from retrieval import Answerer


@contextlib.contextmanager
def kept_for_the_process() -> Iterator[None]:
    """The cyclic collector off while a process loads its first library, and, once it is
    loaded, every object then alive frozen: they live as long as the process, and each
    collection that walked them would pause a question (40-90 ms at 100k sentences). The few
    cycles loading leaves as garbage (hundreds of objects at 100k) are frozen with it, once. A
    library swapped in later is not frozen: by then the bot's own objects would be too."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def warm_and_freeze(answerer: Answerer) -> None:
    """Run the answer path's one-time loads (word frequencies, country names, the model's
    first run), then freeze what they made, as ``kept_for_the_process`` froze the library."""
    answerer.warm_up()
    gc.collect()
    gc.freeze()
