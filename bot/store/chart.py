"""The questions-per-day chart for /stats, drawn offline with matplotlib into PNG bytes."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence


def questions_per_day_png(per_day: Sequence[tuple[dt.date, int]]) -> bytes:
    """A small bar chart of questions per day (PNG), readable on Discord's dark theme."""
    # Imported here: matplotlib takes a moment to import and only /stats needs it.
    import matplotlib as mpl

    mpl.use("Agg")
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 2.4), dpi=100, facecolor="#2b2d31")
    axes = figure.add_subplot()
    axes.set_facecolor("#2b2d31")
    days = date2num([day for day, _ in per_day])
    counts = [count for _, count in per_day]
    axes.bar(days, counts, color="#5865f2", width=0.8)
    axes.set_title("Questions per day, last 30 days", color="#dbdee1", fontsize=10)
    axes.tick_params(colors="#b5bac1", labelsize=8)
    for spine in axes.spines.values():
        spine.set_color("#4e5058")
    axes.set_ylim(bottom=0, top=max([*counts, 1]) * 1.15)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.autofmt_xdate(rotation=0, ha="center")
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
