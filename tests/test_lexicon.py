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
