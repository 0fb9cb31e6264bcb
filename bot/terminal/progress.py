"""Progress of long loads on a terminal: a line updated in place, or one summary when piped."""

from __future__ import annotations

import time
from typing import TextIO

from retrieval.corpus import Progress

# Shorter loads print nothing: the bundled article encodes in a fraction of a second.
QUIET_FOR_SECONDS = 1.0


def progress_reporter(stream: TextIO) -> Progress:
    """A callback for load_corpus(progress=...) writing to ``stream`` (standard error)."""
    started: dict[str, float] = {}
    shown: set[str] = set()

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        start = started.setdefault(stage, now)
        if now - start < QUIET_FOR_SECONDS and done < total:
            return
        if stream.isatty():
            shown.add(stage)
            end = "\n" if done >= total else ""
            stream.write(f"\r{stage} {done:,}/{total:,} sentences{end}")
            stream.flush()
        elif done >= total and now - start >= QUIET_FOR_SECONDS:
            rate = done / max(now - start, 1e-9)
            stream.write(f"{stage} {total:,} sentences in {now - start:.1f} s ({rate:,.0f}/s)\n")
            stream.flush()

    return report
