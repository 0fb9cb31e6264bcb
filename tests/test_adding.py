"""`article-bot add` and `remove`: files and links become articles, kept readable, or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.bundled import bundled_seeds, data_seeds_folder
from bot.cli import main
from bot.exits import EXIT_DATA, EXIT_OK
from retrieval import load_corpus
from tests.conftest import SEEDS
from tests.http_sources import SourceServer
from tests.sources import NEWS_PAGE, NEWS_PAGE_BOILERPLATE, report_pdf, scanned_pdf


@pytest.fixture
def seeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled library to add to, BM25 only (the semantic load is tested once)."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    monkeypatch.setenv("SEMANTIC", "false")
    monkeypatch.chdir(tmp_path)
    return folder


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_adding_a_saved_page_keeps_markdown_and_the_original(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The .md beside it is what is quoted; the page is kept in originals/; the reply says
    what was added and how it starts."""
    code = main(["add", str(NEWS_PAGE), "--seeds", str(seeds)])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    slug = "harbour-tram-line-approved-after-five-year-fight"
    assert f"Added “Harbour tram line approved after five-year fight” as `{slug}`" in out
    assert "1. “Northport's city council has approved a tram line" in out
    assert f"{slug}.md" in _files(seeds)
    assert (seeds / "originals" / f"{slug}.html").read_bytes() == NEWS_PAGE.read_bytes()
    stored = (seeds / f"{slug}.md").read_text(encoding="utf-8")
    assert "original: originals/" in stored
    for boilerplate in NEWS_PAGE_BOILERPLATE:
        assert boilerplate not in stored
    corpus = load_corpus(seeds)
    assert {a.id for a in corpus.articles} == {"coalition-of-will", slug}


def test_adding_a_link_answers_with_a_link_back(
    seeds: Path,
    source_server: SourceServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A URL (private addresses allowed for the test server): added, then asked; the answer
    quotes the body exactly and links to the page at the sentence."""
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    url = source_server.url("/news/harbour-tram.html")
    assert main(["add", url, "--seeds", str(seeds)]) == EXIT_OK
    capsys.readouterr()
    assert (
        main(["ask", "--json", "how many passengers a day are expected?", "--seeds", str(seeds)])
        == EXIT_OK
    )

    answer = json.loads(capsys.readouterr().out)
    top = answer["passages"][0]
    assert "9,000 passengers a day" in top["text"]
    # Readers go to the link that was fetched (known to work; a page's own canonical URL
    # could name any site), at the quoted words.
    assert top["citation"]["url"].startswith(url + "#:~:text=")


def test_adding_a_pdf_by_link_cites_its_pages(
    seeds: Path,
    source_server: SourceServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A multi-page PDF by URL: the citation says the page and links to it."""
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    url = source_server.url("/reports/flood-defences.pdf")
    assert main(["add", url, "--seeds", str(seeds)]) == EXIT_OK
    assert (seeds / "originals").is_dir()
    capsys.readouterr()
    assert main(["ask", "what is the main risk to the programme?", "--seeds", str(seeds)]) == 0
    out = capsys.readouterr().out
    assert "“The main risk to the programme is a wet winter" in out
    assert "page 2, paragraph" in out
    assert f"{url}#page=2" in out


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/to-metadata", "metadata address"),
        ("/huge", "larger than"),
        ("/reports/archive.pdf", "not a PDF"),
        ("/reports/scanned.pdf", "no text layer"),
        ("/news/", "no article text"),
        ("/photo.png", "image/png"),
        ("/missing", "404"),
    ],
)
def test_hostile_links_add_nothing_and_say_why_in_one_line(
    seeds: Path,
    source_server: SourceServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    reason: str,
) -> None:
    """Each refusal is one line on standard error, exit 2-style data error, folder unchanged."""
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("FETCH_MAX_BYTES", "5000000")
    before = _files(seeds)
    assert main(["add", source_server.url(path), "--seeds", str(seeds)]) == EXIT_DATA
    err = capsys.readouterr().err.strip()
    assert reason in err
    assert len(err.splitlines()) == 1
    assert _files(seeds) == before


def test_loopback_links_are_refused_by_default(
    seeds: Path, source_server: SourceServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without FETCH_ALLOW_PRIVATE the test server itself is out of bounds."""
    before = _files(seeds)
    assert main(["add", source_server.url("/notes.txt"), "--seeds", str(seeds)]) == EXIT_DATA
    assert "loopback address" in capsys.readouterr().err
    assert _files(seeds) == before


def test_a_text_link_gets_its_url_in_front_matter(
    seeds: Path, source_server: SourceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain text by URL is kept as it came, with the link added as front matter."""
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    url = source_server.url("/notes.txt")
    assert main(["add", url, "--seeds", str(seeds)]) == EXIT_OK
    stored = (seeds / "notes.txt").read_text(encoding="utf-8")
    assert stored.startswith(f"---\nurl: {url}\n---\nAllotment rents\n")
    assert main(["add", url, "--seeds", str(seeds)]) == EXIT_DATA  # the same link twice


def test_remove_takes_out_the_article_and_its_original(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Removed with its kept original; the last article cannot be removed."""
    assert main(["add", str(NEWS_PAGE), "--seeds", str(seeds)]) == EXIT_OK
    slug = "harbour-tram-line-approved-after-five-year-fight"
    assert main(["remove", slug, "--seeds", str(seeds)]) == EXIT_OK
    assert _files(seeds) == {"coalition-of-will.txt", "synonyms.txt"}
    capsys.readouterr()
    assert main(["remove", "coalition-of-will", "--seeds", str(seeds)]) == EXIT_DATA
    assert "only article" in capsys.readouterr().err
    assert main(["remove", "nope", "--seeds", str(seeds)]) == EXIT_DATA
    assert "no article has the id 'nope'" in capsys.readouterr().err


def test_a_local_file_that_is_not_an_article_is_refused(
    seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scan, a missing file: one line each, nothing written."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    before = _files(seeds)
    assert main(["add", str(scan), "--seeds", str(seeds)]) == EXIT_DATA
    assert "no text layer" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "missing.pdf"), "--seeds", str(seeds)]) == EXIT_DATA
    assert "no such file" in capsys.readouterr().err
    assert _files(seeds) == before


def test_adding_to_the_bundled_library_moves_it_to_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no SEEDS_DIR the package is never written to: the data folder gets a copy of the
    bundled article plus the new one, and is served from then on (semantic layer on)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDS_DIR", raising=False)
    bundled_before = _files(bundled_seeds())
    pdf = tmp_path / "flood-defences.pdf"
    pdf.write_bytes(report_pdf())
    assert main(["add", str(pdf)]) == EXIT_OK
    assert "The bundled library moved to" in capsys.readouterr().out
    assert _files(bundled_seeds()) == bundled_before
    folder = data_seeds_folder()
    assert "coalition-of-will.txt" in _files(folder)
    assert main(["ask", "--json", "how many homes does the scheme protect?"]) == EXIT_OK
    assert "2,300 homes" in capsys.readouterr().out
