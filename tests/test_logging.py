"""The bot's log as an operator reads it: plain when piped, no third-party chatter at DEBUG."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.discord.runner import setup_logging
from tests.discord.conftest import make_settings


@pytest.fixture
def clean_root() -> Iterator[None]:
    """Leave the root logger as it was (setup_logging adds a handler to it)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("matplotlib", "PIL", "asyncio")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.mark.usefixtures("clean_root")
def test_piped_log_lines_carry_no_colour_codes() -> None:
    """A stream that is not a terminal gets plain text, whatever discord.py would guess."""
    stream = io.StringIO()
    setup_logging(make_settings(log_level="INFO"), stream)
    logging.getLogger("bot.test").warning("hello %s", "there")
    text = stream.getvalue()
    assert "hello there" in text
    assert "\x1b[" not in text


@pytest.mark.usefixtures("clean_root")
def test_debug_keeps_the_bot_and_quiets_matplotlib() -> None:
    """At DEBUG the bot's own lines show; matplotlib's font scan does not."""
    stream = io.StringIO()
    setup_logging(make_settings(log_level="DEBUG"), stream)
    logging.getLogger("bot.test").debug("our line")
    logging.getLogger("matplotlib.font_manager").debug("findfont: scoring")
    text = stream.getvalue()
    assert "our line" in text
    assert "findfont" not in text
