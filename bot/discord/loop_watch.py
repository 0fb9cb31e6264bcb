"""Watching the event loop for blocking: anything that holds it delays heartbeats and answers."""

from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger(__name__)


class LoopLagMonitor:
    """Sleeps a few milliseconds at a time and measures how late it wakes up.

    A late wake-up is time the loop spent running something else without yielding. Each one
    above ``warn_ms`` is logged; the longest is logged when the bot stops.
    """

    def __init__(self, interval: float = 0.01, warn_ms: float = 20.0) -> None:
        self.interval = interval
        self.warn_ms = warn_ms
        self.longest_ms = 0.0
        self.blocked = 0

    async def run(self) -> None:
        """Measure until cancelled."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.interval)
            lag_ms = (time.perf_counter() - started - self.interval) * 1000
            self.longest_ms = max(self.longest_ms, lag_ms)
            if lag_ms > self.warn_ms:
                self.blocked += 1
                log.warning("the event loop was blocked for %.1f ms", lag_ms)

    def summary(self) -> str:
        """One line for the log at shutdown."""
        return (
            f"event loop: longest block {self.longest_ms:.1f} ms, "
            f"{self.blocked} over {self.warn_ms:.0f} ms"
        )
