"""An article's first block: its headline when it reads as one, else its first paragraph."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Answerer, load_article, load_corpus
from retrieval.article import reads_as_headline
from retrieval.formats.reading import read_article
from tests.conftest import write_article

# Prose as an encyclopedia extract or an archive export opens: no title line before it.
OPENING = (
    "The harbour tram opened in 1911 and carried dock workers between the ferry piers and the "
    "rail yards. Its route ran for four kilometres along the quay, with eleven stops. By 1930 "
    "it moved more than two million passengers a year, most of them at the change of shifts."
)
SECOND = (
    "The line closed in 1968, when buses replaced it. A short stretch of track survives beside "
    "the old customs house, where a restored car is shown each summer."
)
ONE_SENTENCE = (
    "The harbour tram ran for four kilometres along the quay and stopped at eleven places "
    "between the ferry piers and the rail yards."
)


@pytest.mark.parametrize(
    "line",
    [
        "Discussion on 'Coalition of Will'...",
        "Is Europe ready? Leaders meet in Paris",
        "Macron Visits London.",
        "U.S. President Trump Meets Zelensky at the White House",
        "A Headline",
    ],
)
def test_short_lines_read_as_headlines(line: str) -> None:
    """News headlines: short, often unpunctuated, sometimes a question before a phrase."""
    assert reads_as_headline(line)


@pytest.mark.parametrize("block", [OPENING, SECOND, ONE_SENTENCE, "word " * 41])
def test_prose_reads_as_a_paragraph(block: str) -> None:
    """Several sentences, one long sentence ending with a full stop, or over 200 characters."""
    assert len(ONE_SENTENCE) > 120
    assert not reads_as_headline(block.strip())


def test_text_without_a_title_keeps_its_first_paragraph_quotable(tmp_path: Path) -> None:
    """Every sentence of the opening paragraph can be quoted; the title is the file's name."""
    article = load_article(write_article(tmp_path, "harbour-tram.txt", f"{OPENING}\n\n{SECOND}\n"))
    assert article.headline == ""
    assert article.title == "harbour tram"
    assert len(article.paragraphs) == 2
    first = article.paragraphs[0].sentences
    assert first[0].text == (
        "The harbour tram opened in 1911 and carried dock workers between the ferry piers and "
        "the rail yards."
    )
    assert first[0].citation_id == "harbour-tram:p1s1"
    assert " ".join(s.text for s in first) == OPENING


def test_a_headline_line_before_the_same_text_is_still_the_headline(tmp_path: Path) -> None:
    """With a title line, nothing moves: the opening paragraph is paragraph 1 either way."""
    body = f"The Harbour Tram\n{OPENING}\n{SECOND}\n"
    article = load_article(write_article(tmp_path, "harbour-tram.txt", body))
    assert article.headline == "The Harbour Tram"
    assert article.title == "The Harbour Tram"
    assert " ".join(s.text for s in article.paragraphs[0].sentences) == OPENING


def test_a_file_of_one_paragraph_and_no_title_loads(tmp_path: Path) -> None:
    """Once refused as "a headline but no paragraph to quote"."""
    article = load_article(write_article(tmp_path, "note.txt", f"{OPENING}\n"))
    assert len(article.sentences) == 3


def test_a_markdown_file_without_a_heading_keeps_its_first_paragraph(tmp_path: Path) -> None:
    """The same rule where the source is Markdown with no "# " heading."""
    path = tmp_path / "harbour-tram.md"
    path.write_text(f"{OPENING}\n\n{SECOND}\n", encoding="utf-8")
    article = read_article(path)
    assert " ".join(s.text for s in article.paragraphs[0].sentences) == OPENING
    assert article.title == "harbour tram"


def test_a_question_about_the_opening_paragraph_is_answered_from_it(tmp_path: Path) -> None:
    """One paragraph a line, no title: the answer is quoted from the first line."""
    write_article(tmp_path, "harbour-tram.txt", f"{OPENING}\n{SECOND}\n")
    answer = Answerer(load_corpus(tmp_path)).ask("when did the harbour tram open?", top_k=3)
    assert answer.passages
    assert answer.passages[0].sentence.citation_id == "harbour-tram:p1s1"
    assert answer.passages[0].sentence.text in OPENING
