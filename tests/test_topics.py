"""Topics found by a general method: names, places and organisations, with no word list
written for one article."""

from __future__ import annotations

from pathlib import Path

from retrieval.article import parse_article
from retrieval.formats.html import html_document
from retrieval.formats.reading import document_article
from retrieval.lexicon import is_demonym
from retrieval.topics import article_topics
from tests.sources import NEWS_PAGE


def _topics(body: str) -> tuple[str, ...]:
    return article_topics(parse_article(Path("t.txt"), f"Headline\n\n{body}\n".encode()))


def test_roles_and_nationalities_before_a_name_are_dropped() -> None:
    """'Spanish Foreign Minister Ana Ruiz' is Ana Ruiz; 'European Union' stays whole."""
    topics = _topics(
        "Talks began on Monday. Spanish Foreign Minister Ana Ruiz met Chancellor Olaf Brandt "
        "in Berlin. Later, the Japanese ambassador joined them. The European Union welcomed it."
    )
    assert "Ana Ruiz" in topics
    assert "Olaf Brandt" in topics
    assert "European Union" in topics  # nationality-like words alone stay a name
    assert "Berlin" in topics
    assert not any(t.startswith(("Spanish", "Foreign", "Chancellor")) for t in topics)
    assert "Monday" not in topics


def test_everyday_capitalised_words_are_not_topics() -> None:
    """Text about code or instructions capitalises ordinary words: 'Place', 'Return True'."""
    topics = _topics(
        "To begin, Place the tray in the oven. The function should Return True when the "
        "value is set, and return false otherwise. Keep the place tidy."
    )
    assert "Place" not in topics
    assert "Return True" not in topics


def test_a_news_page_gives_its_people_and_places() -> None:
    """The tram story names its councillors and its street."""
    article = document_article(Path("tram.md"), html_document(NEWS_PAGE.read_bytes()))
    topics = article_topics(article)
    assert {"Priya Anand", "Gareth Lowe", "Quay Street"} <= set(topics)
    assert "Opposition" not in topics
    assert "Council" not in topics


def test_nationalities_are_told_from_names() -> None:
    """From country names and a general list of irregular ones, not from this article."""
    for word in ("Russian", "Canadian", "Japanese", "Iraqi", "French", "Georgian", "Ukrainian"):
        assert is_demonym(word), word
    for word in ("Brian", "Susan", "Christian", "Jordan", "Martin", "Paris", "Morgan"):
        assert not is_demonym(word), word
