"""Loading articles: structure, citations, metadata and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import (
    ArticleError,
    Corpus,
    ParagraphKind,
    SeedsFolderError,
    load_article,
    load_corpus,
)
from tests.conftest import write_article


def test_the_bundled_article_has_its_headline_subheadlines_and_footer(corpus: Corpus) -> None:
    """The headline, both sub-headlines and the copyright footer are recognised."""
    article = corpus.articles[0]
    assert article.headline == "Discussion on 'Coalition of Will'..."
    assert article.subheadlines == (
        "European Chiefs of Staff Meeting in France",
        "Interest from Ireland, Australia, Canada, and Turkey",
    )
    assert article.footer is not None
    assert "All rights reserved" in article.footer
    assert article.source == "The Asia Business Daily"
    assert article.meta.date == "2025-03"


def test_the_footer_and_headlines_are_never_quotable(corpus: Corpus) -> None:
    """Only body and caption sentences can be quoted."""
    texts = [s.text for s in corpus.sentences]
    assert not any("All rights reserved" in t for t in texts)
    assert not any(t.startswith("Discussion on") for t in texts)
    assert not any(t.startswith("European Chiefs of Staff Meeting") for t in texts)


def test_the_photo_caption_is_quotable_without_its_credit(corpus: Corpus) -> None:
    """The caption is a paragraph of its own; the photo credit is kept apart."""
    captions = [p for p in corpus.articles[0].paragraphs if p.kind is ParagraphKind.CAPTION]
    assert len(captions) == 1
    caption = captions[0]
    assert caption.credit == "Photo by UPI Yonhap News"
    assert caption.sentences[0].text.endswith("are seen meeting.")


@pytest.mark.parametrize(
    ("caption", "credit"),
    [
        ("Leaders met in Paris. Photo by Agence Presse", "Photo by Agence Presse"),
        (
            "Leaders met in Paris. (Photo: Agence Presse. File image)",
            "(Photo: Agence Presse. File image)",
        ),
        ("Leaders met in Paris (Image courtesy of the U.N.)", "(Image courtesy of the U.N.)"),
        ("Leaders met in Paris. Photos: Reuters, AFP", "Photos: Reuters, AFP"),
        ("Photo by the author. Leaders met in Paris.", None),
    ],
)
def test_a_credit_closing_a_paragraph_is_kept_apart(
    tmp_path: Path, caption: str, credit: str | None
) -> None:
    """A credit closes its caption, in either form, periods inside the brackets or not; a
    credit that does not close the paragraph is text."""
    body = f"Headline\n\nThe leaders talked.\n\n{caption}\n"
    article = load_article(write_article(tmp_path, "a.txt", body))
    last = article.paragraphs[-1]
    assert last.credit == credit
    assert (last.kind is ParagraphKind.CAPTION) is (credit is not None)


def test_every_sentence_is_the_exact_slice_of_the_article_at_its_offsets(corpus: Corpus) -> None:
    """Citation offsets point at exactly the quoted text."""
    for article in corpus.articles:
        for sentence in article.sentences:
            assert article.text[sentence.start : sentence.end] == sentence.text


def test_citation_ids_are_stable_and_unique(corpus: Corpus) -> None:
    """Ids read article:pNsM and never repeat."""
    ids = [s.citation_id for s in corpus.sentences]
    assert len(ids) == len(set(ids)) == 30
    assert ids[0] == "coalition-of-will:p1s1"
    assert corpus.sentence("coalition-of-will:p11s1") is not None
    assert (
        corpus.sentence("coalition-of-will:p11s1").text == "Russia has opposed these discussions."
    )  # type: ignore[union-attr]


def test_the_damaged_characters_are_quoted_as_the_source_has_them(corpus: Corpus) -> None:
    """The ? that replaced an accented letter or a dash stays in the quote."""
    texts = " ".join(s.text for s in corpus.sentences)
    assert "Miche?l Martin" in texts
    assert "'Coalition of Will'?an alliance" in texts


def test_an_article_without_front_matter_takes_its_title_from_the_headline(tmp_path: Path) -> None:
    """Metadata is optional: the headline becomes the title."""
    path = write_article(tmp_path, "plain.txt", "A Headline\nThe first sentence. The second one.\n")
    article = load_article(path)
    assert article.title == "A Headline"
    assert [s.text for s in article.sentences] == ["The first sentence.", "The second one."]


def test_wrapped_paragraphs_separated_by_blank_lines_are_joined(tmp_path: Path) -> None:
    """Hard-wrapped text: a blank line, not a line break, ends a paragraph."""
    body = (
        "Headline\n\nThe first paragraph runs\nover two lines. It ends here.\n\n"
        "A second paragraph.\n"
    )
    article = load_article(write_article(tmp_path, "wrapped.txt", body))
    assert len(article.paragraphs) == 2
    assert article.paragraphs[0].sentences[0].text == "The first paragraph runs\nover two lines."


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01binary\x00", "binary"),
        ("Titre\nCaf\u00e9 cr\u00e8me.\n".encode("latin-1"), "not UTF-8"),
        (b"Only a headline\n", "no paragraph"),
        (b"---\ntitle: x\n", "never closed"),
        (b"---\ntitle x\n---\nHeadline\nBody.\n", "key: value"),
        (b"---\ncolour: red\n---\nHeadline\nBody.\n", "front matter"),
        (b"---\ndate: March\n---\nHeadline\nBody.\n", "date"),
    ],
)
def test_a_bad_file_gives_an_error_naming_it(tmp_path: Path, content: bytes, problem: str) -> None:
    """Each kind of broken file is reported with its path and what is wrong."""
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as caught:
        load_article(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_a_non_utf8_file_reports_the_line(tmp_path: Path) -> None:
    """The error for bad encoding names the line of the first bad byte."""
    path = tmp_path / "latin.txt"
    path.write_bytes(b"Headline\nFine line.\nCaf\xe9.\n")
    with pytest.raises(ArticleError, match=r"latin\.txt:3:"):
        load_article(path)


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    """A seeds folder that does not exist is a clear error."""
    with pytest.raises(SeedsFolderError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")


def test_a_folder_without_articles_is_reported(tmp_path: Path) -> None:
    """A folder with only synonyms is not a corpus."""
    (tmp_path / "synonyms.txt").write_text("a, b\n", encoding="utf-8")
    with pytest.raises(SeedsFolderError, match="no article"):
        load_corpus(tmp_path)


def test_one_bad_file_among_good_ones_stops_the_load(tmp_path: Path) -> None:
    """The policy: a broken article refuses the whole load, never a half-built index."""
    write_article(tmp_path, "good.txt", "Headline\nA good sentence.\n")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x00")
    with pytest.raises(ArticleError, match=r"bad\.txt"):
        load_corpus(tmp_path)


def test_adding_an_article_is_dropping_in_a_file(tmp_path: Path, seeds: Path) -> None:
    """Every *.txt in the folder is indexed, so a second article is one more file."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for source in seeds.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    write_article(
        folder,
        "moon-base.txt",
        "Moon Base Opens\nThe lunar base opened on Tuesday. Astronauts cheered.\n",
        "title: Moon Base Opens\nsource: Example News\n",
    )
    corpus = load_corpus(folder)
    assert {a.id for a in corpus.articles} == {"coalition-of-will", "moon-base"}
    assert corpus.sentence("moon-base:p1s2") is not None


def test_a_short_citation_id_names_a_sentence_when_one_article_is_loaded(
    corpus: Corpus, tmp_path: Path
) -> None:
    """p11s1 (what people type) works with one article; with two it is ambiguous."""
    full = corpus.sentence("coalition-of-will:p11s1")
    assert full is not None
    assert corpus.sentence("p11s1") == full
    assert corpus.sentence(" P11S1 ") == full
    assert corpus.sentence("p99s1") is None
    write_article(tmp_path, "a.txt", "Alpha\n\nAlpha wrote the first line.\n")
    write_article(tmp_path, "b.txt", "Beta\n\nBeta wrote the second line.\n")
    two = load_corpus(tmp_path)
    assert two.sentence("p1s1") is None
    assert two.sentence("a:p1s1") is not None


def _wrapped_by_regex(text: str) -> bool:
    """The former definition, kept here to hold the linear one to the same answers."""
    import re

    return (
        re.search(r"\S[^\n]*\n[^\S\n]*\n+[^\S\n]*\S", text) is not None
        and re.search(r"\S[^\n]*\n[^\S\n]*\S", text) is not None
    )


def test_the_wrapped_layout_is_recognised_as_before_in_one_pass() -> None:
    """Every mix of text lines and empty lines decides as the regexes did; a line of only
    spaces counts as blank wherever it stands (the regexes missed it between two blank lines)."""
    import itertools

    from retrieval.article import is_wrapped

    pieces = ["text", "", "more text", "  text"]
    for n in range(1, 7):
        for combo in itertools.product(pieces, repeat=n):
            text = "\n".join(combo)
            assert is_wrapped(text) == _wrapped_by_regex(text), repr(text)
    assert is_wrapped("text\ntext\n\n  \ntext")
