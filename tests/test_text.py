"""Sentence splitting at the places news text makes hard."""

from __future__ import annotations

import json

import pytest

from retrieval.text import fold, split_sentences
from tests.conftest import DATA

GOLDEN_RULES = DATA / "golden-rules-en.jsonl"


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_a_dotted_acronym_inside_a_sentence_does_not_split_it() -> None:
    """'U.S. President' continues the sentence."""
    text = "A clash between U.S. President Donald Trump and Zelenskyy took place."
    assert sentences(text) == [text]


def test_a_dotted_acronym_at_the_end_of_a_sentence_does_split() -> None:
    """'...with the U.S. He emphasized' is two sentences."""
    text = "It must be developed with the U.S. He emphasized the point."
    assert sentences(text) == ["It must be developed with the U.S.", "He emphasized the point."]


@pytest.mark.parametrize("abbreviation", ["Mr.", "Dr.", "St.", "Prof.", "Gen.", "Mt."])
def test_titles_do_not_end_a_sentence(abbreviation: str) -> None:
    """Titles are followed by a name, not a new sentence."""
    text = f"They met {abbreviation} Smith at the palace. It rained."
    assert sentences(text) == [f"They met {abbreviation} Smith at the palace.", "It rained."]


def test_an_initial_does_not_end_a_sentence() -> None:
    """'J. Smith' keeps the initial with the name."""
    assert sentences("The report by J. Smith was late. Nobody minded.") == [
        "The report by J. Smith was late.",
        "Nobody minded.",
    ]


def test_a_quote_that_continues_the_sentence_does_not_split_it() -> None:
    """A comma inside closing quotes, then 'adding,' is one sentence."""
    text = 'He said, "Waiting is not enough," adding, "If a deal is reached, uphold it.'
    assert sentences(text) == [text]


def test_a_sentence_ending_inside_quotes_splits_after_the_quote() -> None:
    """The closing quote belongs to the sentence it ends."""
    text = 'She said, "It is over." He left.'
    assert sentences(text) == ['She said, "It is over."', "He left."]


def test_ordinals_and_numbers_do_not_split() -> None:
    """'the 6th (local time)', '3.5' and '800 billion' stay inside their sentences."""
    text = "On the 6th (local time), growth was 3.5 percent. It was worth 800 billion euros."
    assert sentences(text) == [
        "On the 6th (local time), growth was 3.5 percent.",
        "It was worth 800 billion euros.",
    ]


def test_an_ellipsis_before_lowercase_continues_the_sentence() -> None:
    """An ellipsis followed by a lowercase word is not a boundary; before a capital it is."""
    assert sentences("He paused... and went on. Then... Nothing.") == [
        "He paused... and went on.",
        "Then...",
        "Nothing.",
    ]


def test_damaged_question_marks_do_not_split() -> None:
    """'?' standing for a dash or an accented letter is inside a word, not a sentence end."""
    text = "Miche?l Martin spoke of a 'Coalition of Will'?an alliance. Others agreed."
    assert sentences(text) == [
        "Miche?l Martin spoke of a 'Coalition of Will'?an alliance.",
        "Others agreed.",
    ]


def test_a_real_question_mark_ends_a_sentence() -> None:
    """A question followed by a capitalised sentence splits."""
    assert sentences("Will they go? Nobody knows.") == ["Will they go?", "Nobody knows."]


def test_folding_meets_accented_and_plain_spellings() -> None:
    """Case and accents fold away; typographic apostrophes become plain ones."""
    assert fold("Micheál") == fold("MICHEAL") == "micheal"
    assert fold("Ukraine’s") == "ukraine's"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said no. The talks ended.", ["He said no.", "The talks ended."]),
        ("The answer was No. Nobody asked again.", ["The answer was No.", "Nobody asked again."]),
        ("It is No. 10 on the list.", ["It is No. 10 on the list."]),
        ("See p. 55 and Vol. 2 for more.", ["See p. 55 and Vol. 2 for more."]),
        ("1. First point.", ["1. First point."]),
        ("1. First point. 2. Second point.", ["1. First point.", "2. Second point."]),
        (
            "Steps: 1) Mix the flour 2) Add the eggs",
            ["Steps:", "1) Mix the flour", "2) Add the eggs"],
        ),
        (
            "Plans: \u2022 1. Cut costs \u2022 2. Hire staff",
            ["Plans:", "\u2022 1. Cut costs", "\u2022 2. Hire staff"],
        ),
        ("Plans: -1. Cut costs -2. Hire staff", ["Plans:", "-1. Cut costs", "-2. Hire staff"]),
        ("Options: a. Stay b. Go", ["Options:", "a. Stay", "b. Go"]),
        ("Rules: 1.) Be kind 2.) Be brief", ["Rules:", "1.) Be kind", "2.) Be brief"]),
        ("It opened in 2024. 2025. Was busier.", ["It opened in 2024.", "2025.", "Was busier."]),
        ("Ask Ka. Sa. Then go.", ["Ask Ka.", "Sa.", "Then go."]),
        ("Items x1. Go x2. Stop", ["Items x1.", "Go x2.", "Stop"]),
        ("The cost was approx. Twenty dollars.", ["The cost was approx. Twenty dollars."]),
        (
            "The cost was unknown. Twenty people came.",
            ["The cost was unknown.", "Twenty people came."],
        ),
        ("She joined Acme Inc. It was 1999.", ["She joined Acme Inc.", "It was 1999."]),
        ("She joined Acme Inc. Products in 1999.", ["She joined Acme Inc. Products in 1999."]),
        (
            "They spoke to the E.U. How it answers matters.",
            ["They spoke to the E.U.", "How it answers matters."],
        ),
        ("The site is example.com/news. Read it.", ["The site is example.com/news.", "Read it."]),
        ("You and I. Did it matter?", ["You and I.", "Did it matter?"]),
        ("The thing is . . . I did not mean it.", ["The thing is . . . I did not mean it."]),
        (
            "It ended with a period . . . . Then more.",
            ["It ended with a period . . . .", "Then more."],
        ),
    ],
)
def test_boundaries_that_read_the_words_around_them(text: str, expected: list[str]) -> None:
    """The issue's misses and the Golden Rules' kinds: 'no' ends a sentence unless a number
    follows, list markers start items and end none, company abbreviations end a sentence only
    before a typical opener, spaced ellipses omit words inside one."""
    assert sentences(text) == expected


def test_the_golden_rules_score_at_least_pysbd() -> None:
    """The English Golden Rules (Pragmatic Segmenter, as pySBD publishes them), ours and
    pySBD's in the same run: ours pass at least as many, and at least 46 of the 48."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    ours = theirs = 0
    for line in GOLDEN_RULES.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        ours += sentences(case["text"]) == case["sentences"]
        theirs += [s.strip() for s in segmenter.segment(case["text"])] == case["sentences"]
    assert ours >= 46
    assert ours >= theirs - 1, (ours, theirs)
