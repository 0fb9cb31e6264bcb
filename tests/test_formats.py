"""Articles from Markdown, HTML pages and PDFs: what is quoted is the article, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st

from retrieval import Answerer, Corpus, load_corpus
from retrieval.article import BlockRole, ParagraphKind
from retrieval.errors import ArticleError
from retrieval.formats.document import Document, escape, to_markdown
from retrieval.formats.html import html_document
from retrieval.formats.limits import NotAnArticleError
from retrieval.formats.markdown import markdown_article, render_markdown
from retrieval.formats.pdf import pdf_document
from retrieval.formats.reading import convert, document_article, read_article, source_kind
from tests.sources import (
    FERRY_PAGE,
    FERRY_PAGE_BOILERPLATE,
    NEWS_PAGE,
    NEWS_PAGE_BOILERPLATE,
    NO_ARTICLE_PAGE,
    NOTICE_PARAGRAPHS,
    REPORT_BODY,
    REPORT_HEADER,
    REPORT_TITLE,
    notice_pdf,
    report_pdf,
    scanned_pdf,
    zip_bytes,
)


def test_a_news_page_gives_its_article_and_metadata_only() -> None:
    """trafilatura keeps the story; navigation, cookie banner, ads, related links, comments
    and the footer never become a quotable sentence."""
    document = html_document(NEWS_PAGE.read_bytes())
    assert document.meta == {
        "title": "Harbour tram line approved after five-year fight",
        "source": "The Northport Courier",
        "author": "Dana Whitcombe",
        "date": "2025-04-17",
        "url": "https://courier.example.org/news/2025/04/harbour-tram-approved",
    }
    article = document_article(Path("tram.md"), document)
    text = " ".join(s.text for s in article.sentences)
    for boilerplate in NEWS_PAGE_BOILERPLATE:
        assert boilerplate not in text, boilerplate
    assert article.headline == "Harbour tram line approved after five-year fight"
    assert [s.heading for s in article.sections] == ["Cost and funding", "What happens next"]
    assert "The project is expected to cost 412 million pounds." in [
        s.text for s in article.sentences
    ]
    # The article's own photo keeps its caption, quotable, its credit apart.
    caption = article.paragraphs[-1]
    assert caption.kind is ParagraphKind.CAPTION
    assert caption.credit == "Image: Northport City Council"
    assert [s.text for s in caption.sentences] == [
        "An artist's impression of a tram on Quay Street."
    ]
    # Every quoted sentence is a slice of the text the article keeps.
    for sentence in article.sentences:
        assert article.text[sentence.start : sentence.end] == sentence.text


def test_another_sites_layout_keeps_only_the_story() -> None:
    """JSON-LD metadata; promotions and sign-up boxes inside the article body are left out."""
    document = html_document(FERRY_PAGE.read_bytes())
    assert document.meta["title"] == "Ferry crews vote to strike over new rotas"
    assert document.meta["author"] == "Tom Achebe"
    assert document.meta["date"] == "2025-06-02"
    article = document_article(Path("ferry.md"), document)
    text = " ".join(s.text for s in article.sentences)
    for boilerplate in FERRY_PAGE_BOILERPLATE:
        assert boilerplate not in text, boilerplate
    assert "198 voted in favour of the action" in text
    assert "said union organiser Mairi Dunlop." in text  # the pull quote is the story's


def test_a_page_with_no_article_is_refused_with_a_reason() -> None:
    """A section front (links only) is not an article."""
    with pytest.raises(NotAnArticleError, match="no article text"):
        html_document(NO_ARTICLE_PAGE.read_bytes())


def test_a_pdf_keeps_its_paragraphs_pages_and_headings() -> None:
    """Running header and 'Page N of M' gone; each paragraph whole, even across a page break;
    headings as sections; every sentence knows its page."""
    document = pdf_document(report_pdf())
    assert document.meta["title"] == REPORT_TITLE
    assert document.meta["author"] == "Wendmouth District Council"
    assert document.meta["date"] == "2025-10-14"
    article = document_article(Path("flood.md"), document)
    paragraphs = [" ".join(s.text for s in p.sentences) for p in article.paragraphs]
    assert paragraphs == [paragraph for _heading, paragraph in REPORT_BODY]
    assert [s.heading for s in article.sections] == [h for h, _p in REPORT_BODY if h]
    text = " ".join(paragraphs)
    assert REPORT_HEADER not in text
    assert "Page 1 of" not in text
    pages = [p.page for p in article.paragraphs]
    assert pages[0] == 1
    assert pages[-1] == 3
    assert pages == sorted(pages)
    assert all(s.page is not None for s in article.sentences)


def test_closely_spaced_pdf_paragraphs_are_told_apart() -> None:
    """No blank line between paragraphs in the text layer: a short last line ending a
    sentence ends the paragraph, and a short unpunctuated line is a heading."""
    article = document_article(Path("notice.md"), pdf_document(notice_pdf()))
    paragraphs = [" ".join(s.text for s in p.sentences) for p in article.paragraphs]
    assert paragraphs == list(NOTICE_PARAGRAPHS)
    assert [(s.heading, s.first_paragraph) for s in article.sections] == [("After the works", 3)]
    assert article.headline == "Mill Lane library closure"


def test_a_scan_and_a_zip_named_pdf_are_refused_clearly() -> None:
    """No text layer, or no PDF at all: one line saying so."""
    with pytest.raises(NotAnArticleError, match="no text layer"):
        pdf_document(scanned_pdf())
    with pytest.raises(NotAnArticleError, match="not a PDF"):
        source_kind("report.pdf", zip_bytes())
    with pytest.raises(NotAnArticleError, match="not a PDF"):
        pdf_document(zip_bytes())


def test_the_kind_comes_from_the_bytes_before_the_name() -> None:
    """A PDF named .txt is a PDF; an HTML page served as octet-stream is HTML."""
    assert source_kind("notes.txt", report_pdf()) == "pdf"
    assert source_kind("x", b"<!DOCTYPE html><html></html>", "application/octet-stream") == "html"
    assert source_kind("notes.md", b"# Title\n\nText.") == "markdown"
    assert source_kind("notes", b"Title\n\nText.") == "text"
    with pytest.raises(NotAnArticleError, match="not supported"):
        source_kind("sheet.xlsx", b"PK\x03\x04")


def test_markdown_structure_is_respected() -> None:
    """# headline, ## sub-headlines before the text and sections inside it, list items and
    quotes as paragraphs without their markers, emphasis and links shown as their words."""
    raw = (
        b"---\nsource: Parish News\n---\n# Fete raises record sum\n\n## Sunshine and cake\n\n"
        b"The summer fete raised *2,450 pounds* for the church roof. It was the "
        b"[best total](https://example.org) in ten years.\n\n## Prizes\n\n"
        b"1. The cake prize went to Mrs Ada Finch.\n2. The dog show was won by a terrier.\n\n"
        b"> We were overwhelmed, said the vicar.\n\n<!-- a comment -->\n"
    )
    article = markdown_article(Path("fete.md"), raw)
    assert article.headline == "Fete raises record sum"
    assert article.subheadlines == ("Sunshine and cake",)
    assert [(s.heading, s.first_paragraph) for s in article.sections] == [("Prizes", 2)]
    assert [s.text for s in article.sentences] == [
        "The summer fete raised 2,450 pounds for the church roof.",
        "It was the best total in ten years.",
        "The cake prize went to Mrs Ada Finch.",
        "The dog show was won by a terrier.",
        "We were overwhelmed, said the vicar.",
    ]
    assert article.source == "Parish News"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80))
def test_escaped_text_reads_back_exactly(text: str) -> None:
    """Whatever a page says, the Markdown kept for it shows exactly that text again."""
    line = " ".join(text.split())
    if not line:
        return
    rendered, blocks = render_markdown(escape(line), has_title=True)
    assert rendered == line
    assert [b.role for b in blocks] == [BlockRole.PARAGRAPH]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80))
def test_a_caption_reads_back_exactly(text: str) -> None:
    """A caption kept as Markdown's image text shows exactly its words again."""
    line = " ".join(text.split())
    if not line:
        return
    document = Document()
    document.add(BlockRole.CAPTION, line, source="/photo.jpg")
    rendered, blocks = render_markdown(to_markdown(document, False), has_title=True)
    assert rendered == line
    assert [b.role for b in blocks] == [BlockRole.CAPTION]


def test_stored_markdown_loads_as_the_converted_article(tmp_path: Path) -> None:
    """The kept .md file, read from the folder, quotes what the conversion quoted."""
    document = pdf_document(report_pdf())
    path = tmp_path / "flood.md"
    path.write_text(to_markdown(document), encoding="utf-8")
    stored = read_article(path)
    converted = document_article(path, document)
    assert stored.sentences == converted.sentences
    assert stored.meta.title == REPORT_TITLE


def test_html_and_pdf_dropped_in_the_folder_load_and_answer(tmp_path: Path) -> None:
    """A seeds folder of a saved page and a PDF answers from both, pages in the citations."""
    (tmp_path / "tram.html").write_bytes(NEWS_PAGE.read_bytes())
    (tmp_path / "flood.pdf").write_bytes(report_pdf())
    corpus = load_corpus(tmp_path)
    assert {a.id for a in corpus.articles} == {"tram", "flood"}
    answerer = Answerer(corpus)
    answer = answerer.ask("how many responses did the consultation get?")
    top = answer.passages[0].sentence
    assert top.article_id == "flood"
    assert "1,184 responses" in answer.passages[0].text
    assert top.page == 1
    answer = answerer.ask("how much will the project cost?")
    assert "412 million pounds" in answer.passages[0].text


def test_a_broken_pdf_in_the_folder_names_the_file(tmp_path: Path) -> None:
    """A scan dropped in the folder stops the load with the file and the reason."""
    (tmp_path / "good.txt").write_text("Title\n\nOne sentence here. Another one there.\n")
    (tmp_path / "scan.pdf").write_bytes(scanned_pdf())
    with pytest.raises(ArticleError, match=r"scan\.pdf: the PDF has no text layer"):
        load_corpus(tmp_path)


def test_converted_captions_and_documents_stay_body_text() -> None:
    """A converter's paragraphs are body text (no photo credit to strip)."""
    document = Document()
    document.add(BlockRole.HEADLINE, "Headline")
    document.add(BlockRole.PARAGRAPH, "First sentence of the story. Second one follows.")
    article = document_article(Path("x.md"), document)
    assert [p.kind for p in article.paragraphs] == [ParagraphKind.BODY]
    assert isinstance(Corpus([article]), Corpus)


def test_sources_without_a_title_keep_every_paragraph_quotable() -> None:
    """A PDF that opens with a paragraph, a page with no <title>: nothing is taken for the
    headline that a reader would want quoted; the file name names the article instead."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Times", "", 12)
    for number in range(3):
        pdf.multi_cell(
            0,
            6,
            f"Item {number}: the council met on Monday and agreed to repair the bridge over "
            "the river, closed since the floods. Work starts in spring.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(4)
    document = convert("bridge_repairs-2025.pdf", bytes(pdf.output()))
    article = document_article(Path("bridge.md"), document)
    assert article.title == "Bridge repairs 2025"
    assert len(article.paragraphs) == 3
    assert article.sentences[0].text.startswith("Item 0: the council met on Monday")
    body = (
        "<p>The mayor opened the library on Friday. It has ten thousand books.</p>"
        "<p>Children may borrow five books at a time, and adults ten.</p>"
        "<p>The library is open every day except Sunday, from nine until six.</p>"
        "<p>A cafe on the ground floor will open next month, run by volunteers.</p>"
    )
    html = f"<html><body><article>{body}</article></body></html>".encode()
    page = convert("library-opens.html", html)
    assert document_article(Path("library.md"), page).title == "Library opens"
