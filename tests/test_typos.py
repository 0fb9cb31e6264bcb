"""Typo tolerance against the words the article uses."""

from __future__ import annotations

import pytest

from retrieval import Corpus
from tests.probes import run_probe


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("macorn", "macron"),
        ("coutnries", "countries"),
        ("zelenksy", "zelensky"),
        ("lavorv", "lavrov"),
    ],
)
def test_common_slips_are_read_as_the_article_word(corpus: Corpus, typed: str, meant: str) -> None:
    """Swapped and missing letters are corrected."""
    assert corpus.speller(typed) == meant


def test_the_damaged_name_is_found_by_its_real_spelling(corpus: Corpus) -> None:
    """Micheal/Micheál find the source's Miche?l."""
    assert corpus.speller("micheal") == "miche?l"


@pytest.mark.parametrize(
    "word", ["status", "price", "tall", "place", "burger", "spain", "cash", "lease", "trade"]
)
def test_real_words_the_article_lacks_are_not_forced_onto_article_words(
    corpus: Corpus, word: str
) -> None:
    """A different word is not a typo: 'status' must not become 'states'."""
    assert corpus.speller(word) == word


def test_known_words_and_their_inflections_are_left_alone(corpus: Corpus) -> None:
    """A word whose stem the article has is not corrected."""
    assert corpus.speller("deployed") == "deployed"
    assert corpus.speller("troops") == "troops"


def test_a_common_english_word_is_taken_as_written_even_one_letter_from_an_article_word(
    corpus: Corpus,
) -> None:
    """ "cash" is one letter from the article's "clash" and would pass as a slip; English uses it
    too often for it to be one. A misspelling English barely uses is still corrected."""
    assert any(" clash " in f" {s.text.lower()} " for s in corpus.sentences)
    assert corpus.speller("cash") == "cash"
    assert corpus.speller("clahs") == "clash"


_IMPORT_PROBE = """
import sys
from pathlib import Path
from retrieval import Answerer, load_corpus
answerer = Answerer(load_corpus(Path(sys.argv[1])))
print(answerer.ask(sys.argv[2]).passages[0].text[:40])
print("rapidfuzz" in sys.modules)
if len(sys.argv) > 3:
    answerer.warm_up()
    print("rapidfuzz.process" in sys.modules)
"""


def _probe(*args: str) -> list[str]:
    return run_probe(_IMPORT_PROBE, *args)


def test_a_question_of_known_words_does_not_load_the_edit_distance_library() -> None:
    """`article-bot ask` pays for rapidfuzz's import only when a word needs correcting."""
    assert _probe("who opposed the coalition?") == [
        "Russia has opposed these discussions.",
        "False",
    ]


def test_a_slip_loads_it_and_is_corrected_and_warm_up_loads_it_first() -> None:
    """The first correction imports it on the way; the bot's warm-up imports it before any
    user asks, so no question waits for it."""
    assert _probe("who opposd the coalition?") == ["Russia has opposed these discussions.", "True"]
    assert _probe("who opposed the coalition?", "warm")[1:] == ["False", "True"]
