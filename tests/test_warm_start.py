"""The bot's start: its library kept from the collector's walks, and a dropped one freed."""

from __future__ import annotations

import pytest

from tests.probes import run_probe

# In fresh interpreters: the collector's frozen generation and its counts are process-wide.
_WARM = """
import gc, sys
from pathlib import Path
from bot.warm_start import kept_for_the_process, warm_and_freeze
from retrieval import Answerer, load_corpus
with kept_for_the_process():
    answerer = Answerer(load_corpus(Path(sys.argv[1])))
loaded = gc.get_freeze_count()
warm_and_freeze(answerer)
print(loaded > 10_000, gc.get_freeze_count() > loaded, gc.isenabled())
print("rapidfuzz.process" in sys.modules)
print(answerer.ask("who opposed the coalition?").passages[0].text)
"""

_FAILED = """
import gc, sys
from pathlib import Path
from bot.warm_start import kept_for_the_process
from retrieval import load_corpus
try:
    with kept_for_the_process():
        load_corpus(Path(sys.argv[1]) / "missing")
except Exception as error:
    print(type(error).__name__, gc.get_freeze_count(), gc.isenabled())
"""

_DROPPED = """
import gc, sys
from pathlib import Path
from retrieval import Answerer, load_corpus
from retrieval.semantic import default_encoder
encoder = default_encoder() if sys.argv[2] == "semantic" else None
answerer = Answerer(load_corpus(Path(sys.argv[1]), encoder=encoder))
answerer.warm_up()
for question in ("who opposed the coalition?", "wat did macorn say abt troops"):
    answerer.ask(question)
gc.collect()
del answerer
print(gc.collect())
"""


def test_the_first_library_is_frozen_then_warmed_and_what_warming_made_frozen_too() -> None:
    """Tens of thousands of objects frozen by the load, more by the warm-up, the collector on
    again, the edit-distance library the first slip would import loaded, and still answering."""
    assert run_probe(_WARM) == [
        "True True True",
        "True",
        "Russia has opposed these discussions.",
    ]


def test_a_load_that_fails_freezes_nothing_and_turns_the_collector_back_on() -> None:
    """What a failed load made is garbage: frozen, it would never be collected."""
    assert run_probe(_FAILED) == ["SeedsFolderError 0 True"]


@pytest.mark.parametrize("mode", ["bm25", "semantic"])
def test_a_dropped_library_is_in_no_reference_cycle(mode: str) -> None:
    """A reload drops the old library: freed by reference counting at once, with nothing left
    for the collector to find (so not leaked either when the collector never walks it)."""
    assert run_probe(_DROPPED, mode) == ["0"]
