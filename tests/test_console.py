"""Terminal rendering: answers wrapped to the terminal's width without breaking words."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys

import pytest

from bot.terminal import console, progress
from retrieval import Answerer
from tests.conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_wrapping_fits_the_width_and_keeps_every_word(answerer: Answerer) -> None:
    """At 40 columns every line fits, continuation lines hang under the quote, and the words
    read back exactly as rendered (none cut in the middle)."""
    answer = answerer.ask("what did macron say about troops?")
    rendered = console.render_answer(answer, answerer.corpus, color=True)
    wrapped = console.fit(rendered, 40)
    for line in wrapped.split("\n"):
        assert console.visible_width(line) <= 40 or " " not in line.strip()
    assert wrapped.split() == rendered.split()
    continuation = [
        line for line in wrapped.split("\n") if line.startswith("   ") and "—" not in line
    ]
    assert continuation, "a long quote continues on an indented line"


def test_a_word_longer_than_the_width_stays_whole() -> None:
    """A URL longer than the terminal is not broken."""
    url = "https://example.org/" + "x" * 60
    assert console.wrap_line(f"see {url} now", 30) == ["see", url, "now"]


def test_no_width_means_no_wrapping() -> None:
    """Piped output (no width) is left as rendered."""
    text = "word " * 100
    assert console.fit(text, None) == text


def test_the_chat_in_a_real_terminal_wraps_to_its_columns() -> None:
    """`article-bot chat` on a pseudo-terminal of 50 columns prints no line wider than that."""
    primary, secondary = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "SEEDS_DIR"}}
    environment.update(COLUMNS="50", LINES="40", NO_COLOR="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=ROOT,
        env=environment,
    )
    os.close(secondary)
    os.write(primary, b"what did macron say about troops?\n/quit\n")
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(primary)
    text = ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "")
    assert "macron" in text.casefold()
    lines = [line for line in text.split("\n") if line.strip()]
    too_wide = [line for line in lines if len(line) > 50 and " " in line.strip()]
    assert not too_wide, too_wide


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_long_loads_report_progress_in_place_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal a tqdm bar is redrawn in place (carriage returns) and ends at the total."""
    monkeypatch.setattr(progress, "QUIET_FOR_SECONDS", 0.0)
    stream = _Terminal()
    report = progress.progress_reporter(stream)
    report("encoding", 256, 1000)
    report("encoding", 1000, 1000)
    text = stream.getvalue()
    assert "\r" in text
    assert "encoding" in text
    assert "1000/1000" in text.rsplit("\r", 1)[-1]
    assert text.endswith("\n")


def test_piped_progress_is_one_summary_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped (a log file), only the end is written: what, how many, how long."""
    monkeypatch.setattr(progress, "QUIET_FOR_SECONDS", 0.0)
    stream = io.StringIO()
    report = progress.progress_reporter(stream)
    report("encoding", 256, 1000)
    report("encoding", 1000, 1000)
    (line,) = stream.getvalue().splitlines()
    assert line.startswith("encoding 1,000 sentences in ")


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "piped"])
def test_a_long_wait_for_the_model_says_why_and_when_it_is_over(
    monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    """Past the quiet time, the model's wait is one plain sentence, then how long it took;
    no bar and no count, on a terminal or piped."""
    monkeypatch.setattr(progress, "QUIET_FOR_SECONDS", 0.0)
    stream = _Terminal() if terminal else io.StringIO()
    report = progress.progress_reporter(stream)
    report("model", 0, 1)
    report("model", 0, 1)
    report("model", 1, 1)
    first, last = stream.getvalue().splitlines()
    assert first.startswith("Waiting for the embedding model")
    assert re.fullmatch(r"The embedding model is ready \(\d+\.\d s\)\.", last)
    assert "\r" not in stream.getvalue()


def test_a_short_wait_for_the_model_says_nothing() -> None:
    """Within the quiet time (every start after a machine's first): nothing written."""
    stream = io.StringIO()
    report = progress.progress_reporter(stream)
    report("model", 0, 1)
    report("model", 1, 1)
    assert stream.getvalue() == ""
