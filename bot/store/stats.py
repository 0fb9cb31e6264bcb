"""What people asked, from the stored questions: counts, refusals, top and thumbs-down questions."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.database import AskedQuestion
from retrieval.text import fold

DAY = 86_400.0
TOP = 5


@dataclass(frozen=True)
class RatedDown:
    """An answer people judged wrong: the question, the passage shown first, the votes."""

    question: str
    citation: str
    down: int
    up: int


@dataclass(frozen=True)
class StatsReport:
    """A server's questions over the last 30 days, ready to render."""

    last_7: int
    last_30: int
    refused_7: int
    refused_30: int
    unsure_30: int
    top_questions: tuple[tuple[str, int], ...]
    top_refused: tuple[tuple[str, int], ...]
    rated_down: tuple[RatedDown, ...]
    per_day: tuple[tuple[dt.date, int], ...]
    median_latency_ms: float | None

    @property
    def refused_share_30(self) -> float:
        """The share of the last 30 days' questions that the article could not answer."""
        return self.refused_30 / self.last_30 if self.last_30 else 0.0

    @property
    def unsure_share_30(self) -> float:
        """Share of the month's questions answered only "not sure"."""
        return self.unsure_30 / self.last_30 if self.last_30 else 0.0

    @property
    def refused_share_7(self) -> float:
        """The same over the last 7 days."""
        return self.refused_7 / self.last_7 if self.last_7 else 0.0


def question_key(text: str) -> str:
    """Questions that differ only in case, accents, spacing or final punctuation count as one."""
    return " ".join(fold(text).split()).rstrip("?!. ")


def _most_common(questions: Sequence[AskedQuestion], limit: int) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for asked in questions:
        key = question_key(asked.question)
        if not key:
            continue
        counts[key] += 1
        shown.setdefault(key, Counter())[" ".join(asked.question.split())] += 1
    # Most asked first; ties in alphabetical order so the report is stable.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple((shown[key].most_common(1)[0][0], count) for key, count in ranked)


def _rated_down(questions: Sequence[AskedQuestion], limit: int) -> tuple[RatedDown, ...]:
    down = [q for q in questions if q.down > 0 and q.citations]
    down.sort(key=lambda q: (-(q.down - q.up), -q.down, -q.asked_at))
    return tuple(
        RatedDown(" ".join(q.question.split()), q.citations[0], q.down, q.up) for q in down[:limit]
    )


def build_report(
    questions: Sequence[AskedQuestion], now: float, tz: dt.tzinfo = dt.UTC
) -> StatsReport:
    """The report for the questions given (one server's), as seen at ``now``."""
    month = [q for q in questions if q.asked_at >= now - 30 * DAY]
    week = [q for q in month if q.asked_at >= now - 7 * DAY]
    today = dt.datetime.fromtimestamp(now, tz).date()
    days = [today - dt.timedelta(days=back) for back in range(29, -1, -1)]
    per_day = Counter(dt.datetime.fromtimestamp(q.asked_at, tz).date() for q in month)
    latencies = [q.latency_ms for q in month if q.latency_ms is not None]
    return StatsReport(
        last_7=len(week),
        last_30=len(month),
        refused_7=sum(q.refused for q in week),
        refused_30=sum(q.refused for q in month),
        unsure_30=sum(q.unsure for q in month),
        top_questions=_most_common(month, TOP),
        top_refused=_most_common([q for q in month if q.refused], TOP),
        rated_down=_rated_down(month, TOP),
        per_day=tuple((day, per_day.get(day, 0)) for day in days),
        median_latency_ms=statistics.median(latencies) if latencies else None,
    )
