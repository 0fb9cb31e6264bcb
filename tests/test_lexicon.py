"""General-English knowledge: country names found in text, word rarity."""

from __future__ import annotations

import pytest

from retrieval import lexicon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Troops from the United Kingdom and France", {"united kingdom", "france"}),
        ("Côte d’Ivoire and Guinea-Bissau", {"cote d ivoire", "guinea bissau"}),
        ("South Korea's army", {"south korea"}),
        ("Juba is the capital of South Sudan.", {"south sudan"}),
        ("Sudan and South Sudan", {"sudan", "south sudan"}),
        ("CÔTE D'IVOIRE", {"cote d ivoire"}),
        ("Co\u0302te d'Ivoire", {"cote d ivoire"}),  # decomposed accents, composed first
        ("the Netherlands' ports", {"netherlands"}),
        ("He moved south after the war.", set()),
        ("", set()),
    ],
)
def test_country_names_are_found_whole(text: str, expected: set[str]) -> None:
    """Whole names only, longest first, each word read once; case, accents and apostrophes do
    not matter."""
    assert lexicon.countries_in(text) == expected


def test_rarity_orders_common_words_before_names() -> None:
    """The commonest words are not rare; a word English barely uses is."""
    assert lexicon.rarity("the") == 0.0
    assert lexicon.rarity("troops") < lexicon.rarity("zeugma") <= 1.0


def test_the_words_remembered_stay_bounded() -> None:
    """Every question brings new words; the memory of them has a ceiling, so a bot that runs
    for months (or is sent random words on purpose) does not grow without end."""
    lexicon.zipf.cache_clear()
    lexicon.is_demonym.cache_clear()
    for n in range(lexicon.WORDS_REMEMBERED + 100):
        word = f"qz{n:x}"
        lexicon.zipf(word)
        lexicon.is_demonym(word)
    assert lexicon.zipf.cache_info().currsize == lexicon.WORDS_REMEMBERED
    assert lexicon.is_demonym.cache_info().currsize == lexicon.WORDS_REMEMBERED
    assert lexicon.zipf("the") > 7.0
