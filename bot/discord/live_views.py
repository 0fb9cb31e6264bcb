"""The answer views whose buttons still work: a bounded set, so memory does not grow with use."""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

PREFIX = "ab:"
# About 10 KB each (the answer's pages and the message); 250 keep the bot under ~3 MB for
# them however many questions it answers. Buttons older than that, or than the view timeout,
# answer "expired" instead of failing.
MAX_LIVE_VIEWS = 250


class Stoppable(Protocol):
    """What the registry needs of a view."""

    def stop(self) -> None:
        """Stop listening for clicks."""


def custom_id(key: str, button: str) -> str:
    """A button's custom id: the prefix, the view's key and the button's name."""
    return f"{PREFIX}{key}:{button}"


def view_key(button_id: str) -> str | None:
    """The view key in one of our buttons' custom ids, or None for anybody else's."""
    if not button_id.startswith(PREFIX):
        return None
    key, _, button = button_id[len(PREFIX) :].partition(":")
    return key if key and button else None


class LiveViews:
    """At most ``limit`` views, oldest stopped first to make room for a new one."""

    def __init__(self, limit: int = MAX_LIVE_VIEWS) -> None:
        self.limit = limit
        self._views: OrderedDict[str, Stoppable] = OrderedDict()

    def add(self, key: str, view: Stoppable) -> None:
        """Keep ``view`` alive; stop the oldest when over the limit."""
        self._views[key] = view
        while len(self._views) > self.limit:
            _, oldest = self._views.popitem(last=False)
            oldest.stop()

    def discard(self, key: str) -> None:
        """Forget a view that stopped on its own (timed out)."""
        self._views.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._views

    def __len__(self) -> int:
        return len(self._views)
