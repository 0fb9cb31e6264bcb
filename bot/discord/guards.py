"""Guard rails that decide whether to answer now: a per-user cooldown and its friendly message."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

_FORGET_AFTER = 3600.0


@dataclass
class Cooldown:
    """One question per ``seconds`` per user; ``retry_after`` says how long to wait."""

    seconds: float
    # Looked up at each call, so a test clock that patches time.monotonic is honoured.
    clock: Callable[[], float] = field(default=lambda: time.monotonic())
    _last: dict[int, float] = field(default_factory=dict)

    def retry_after(self, user_id: int) -> float:
        """0 when the user may ask now (and records the question), else seconds to wait."""
        if self.seconds <= 0:
            return 0.0
        now = self.clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:
            self._forget(now)
        return 0.0

    def _forget(self, now: float) -> None:
        stale = [
            user for user, at in self._last.items() if now - at > max(self.seconds, _FORGET_AFTER)
        ]
        for user in stale:
            del self._last[user]


def retry_message(seconds: float) -> str:
    """A friendly line saying when to ask again."""
    wait = max(1, round(seconds + 0.49))
    unit = "second" if wait == 1 else "seconds"
    return f"Easy there! You can ask again in {wait} {unit}."
