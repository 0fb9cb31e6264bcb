"""Broken and degenerate articles: a clear error naming the file, or correct answers; never a
half-built index."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Answerer, load_corpus
from retrieval.article import MAX_ARTICLE_BYTES
from retrieval.errors import ArticleError, RetrievalError, SynonymsError
from tests.conftest import write_article


def test_a_ten_megabyte_single_line_is_refused_quickly_by_name(tmp_path: Path) -> None:
    """A 10 MB paste with no line breaks is not an article: refused before any analysis."""
    path = tmp_path / "paste.txt"
    path.write_text("Headline\n" + "troops " * (10 * 1024 * 1024 // 7), encoding="utf-8")
    assert path.stat().st_size > MAX_ARTICLE_BYTES
    with pytest.raises(ArticleError, match=r"paste\.txt: the file is larger than"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    ("body", "question", "expected"),
    [
        ("Moon Base\nThe lunar base opened on Tuesday.\n", "when did the lunar base open", 1),
        (
            "Moon Base\nThe lunar base opened on Tuesday. Astronauts cheered the crew.\n",
            "who cheered the crew",
            2,
        ),
    ],
)
def test_one_and_two_sentence_articles_still_answer(
    tmp_path: Path, body: str, question: str, expected: int
) -> None:
    """rank-bm25 gives idf <= 0 to terms in half or more of the documents; on a one- or
    two-sentence article that would be every term. The matching sentence is still found."""
    write_article(tmp_path, "tiny.txt", body)
    answerer = Answerer(load_corpus(tmp_path))
    answer = answerer.ask(question)
    assert answer.found
    assert answer.passages[0].sentence.citation_id == f"tiny:p1s{expected}"
    assert not answerer.ask("what about the stock market in tokyo").found


def test_duplicated_sentences_keep_their_own_citations(tmp_path: Path) -> None:
    """The same sentence in two paragraphs: both are quotable, each with its own place."""
    body = (  # a blank line after the headline: the next line is body, not a sub-headline
        "Headline\n\n"
        "The summit ended without agreement. Leaders left early.\n\n"
        "Talks will resume next month.\n\n"
        "The summit ended without agreement. Observers were not surprised.\n"
    )
    write_article(tmp_path, "twice.txt", body)
    answer = Answerer(load_corpus(tmp_path)).ask("did the summit end with agreement", top_k=3)
    ids = [p.sentence.citation_id for p in answer.passages]
    assert {"twice:p1s1", "twice:p3s1"} <= set(ids)
    assert len(ids) == len(set(ids))


def test_a_headline_only_file_is_named_in_the_error(tmp_path: Path) -> None:
    """A title with no body has nothing to quote: refused, naming the file."""
    write_article(tmp_path, "good.txt", "Headline\nA good sentence.\n")
    (tmp_path / "bare.txt").write_text("Just A Headline\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"bare\.txt"):
        load_corpus(tmp_path)


def test_a_latin1_file_is_refused_with_its_line(tmp_path: Path) -> None:
    """Latin-1 bytes are not guessed at (that could misquote the source): the line is named."""
    text = "Headline\nLe caf\u00e9 est ferm\u00e9.\n"
    (tmp_path / "latin.txt").write_bytes(text.encode("latin-1"))
    with pytest.raises(ArticleError, match=r"latin\.txt:2: .*UTF-8"):
        load_corpus(tmp_path)


def test_a_synonyms_file_with_bad_lines_names_the_line(tmp_path: Path) -> None:
    """A bad rule stops the load with the file and line number, like a bad article."""
    write_article(tmp_path, "good.txt", "Headline\nA good sentence.\n")
    (tmp_path / "synonyms.txt").write_text("cash, money\n=> nothing\n", encoding="utf-8")
    with pytest.raises(SynonymsError, match=r"synonyms\.txt:2"):
        load_corpus(tmp_path)


@pytest.mark.parametrize(
    "bad",
    [b"", b"  \n\t\n", b"\x00\xff\x00binary", b"Headline only\n", "caf\u00e9".encode("latin-1")],
)
def test_any_bad_file_among_good_ones_refuses_the_whole_load(tmp_path: Path, bad: bytes) -> None:
    """The documented policy: one broken file stops the load, so what is served is never a
    silently partial library; the error names the bad file."""
    write_article(tmp_path, "a-good.txt", "Headline\nA good sentence about troops.\n")
    write_article(tmp_path, "z-good.txt", "Other\nAnother good sentence about money.\n")
    (tmp_path / "m-bad.txt").write_bytes(bad)
    with pytest.raises(RetrievalError, match=r"m-bad\.txt"):
        load_corpus(tmp_path)
