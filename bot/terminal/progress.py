"""Progress of long loads: tqdm bars on a terminal, a one-line summary per stage when piped."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Never, TextIO

from retrieval.corpus import Progress

if TYPE_CHECKING:
    from tqdm import tqdm

# Shorter stages print nothing: the bundled article loads in a fraction of a second.
QUIET_FOR_SECONDS = 1.0
UNITS = {"reading": "files", "indexing": "sentences", "encoding": "sentences"}
# Stages that are one wait, not a count: a sentence when they pass the quiet time, another
# with how long they took at the end.
WAITS = {
    "model": (
        "Waiting for the embedding model (a first start, or one with a new cache folder,"
        " prepares it for this machine: a few seconds)...",
        "The embedding model is ready ({seconds:.1f} s).",
    )
}


def progress_reporter(stream: TextIO) -> Progress:
    """A callback for load_corpus(progress=...) writing to ``stream`` (standard error): a bar
    per stage that runs past a second on a terminal, else one line when each such stage ends;
    a wait (WAITS) says what it waits for once it passes a second, and when it is over.
    tqdm is imported only when a bar is first drawn: most starts draw none."""
    started: dict[str, float] = {}
    bars: dict[str, tqdm[Never]] = {}
    announced: set[str] = set()
    interactive = stream.isatty()

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        start = started.setdefault(stage, now)
        if stage in WAITS:
            if done < total and stage not in announced and now - start >= QUIET_FOR_SECONDS:
                announced.add(stage)
                stream.write(WAITS[stage][0] + "\n")
                stream.flush()
            elif done >= total and stage in announced:
                stream.write(WAITS[stage][1].format(seconds=now - start) + "\n")
                stream.flush()
            return
        unit = UNITS.get(stage, "items")
        bar = bars.get(stage)
        if bar is None and interactive and now - start >= QUIET_FOR_SECONDS and done < total:
            from tqdm import tqdm

            bar = bars[stage] = tqdm(
                total=total, desc=stage, unit=f" {unit}", file=stream, leave=True
            )
        if bar is not None:
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
        elif done >= total and not interactive and now - start >= QUIET_FOR_SECONDS:
            rate = done / max(now - start, 1e-9)
            stream.write(f"{stage} {total:,} {unit} in {now - start:.1f} s ({rate:,.0f}/s)\n")
            stream.flush()

    return report
