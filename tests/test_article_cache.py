"""The article cache: a folder read before loads the same articles, and never a stale one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retrieval import article_cache, load_corpus
from retrieval.formats.reading import read_article
from retrieval.loading import article_paths

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "data" / "sources"


def _library(tmp_path: Path) -> Path:
    """The bundled article beside two HTML pages (captions, sections, authors, links)."""
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    for name in ("ferry-strike.html", "harbour-tram.html"):
        shutil.copyfile(SOURCES / name, folder / name)
    return folder


def test_a_cached_folder_loads_the_very_articles_reading_makes(tmp_path: Path) -> None:
    """Every field of every article, paragraph and sentence is what reading the files gives."""
    folder, cache = _library(tmp_path), tmp_path / "cache"
    read = [read_article(path) for path in article_paths(folder)]
    first = load_corpus(folder, cache_dir=cache)
    assert list(cache.glob("articles-*.json"))
    again = load_corpus(folder, cache_dir=cache)
    assert list(first.articles) == read
    assert list(again.articles) == read
    assert [s.text for s in again.sentences] == [s.text for s in first.sentences]


def test_the_cache_is_read_not_the_files(tmp_path: Path) -> None:
    """A second load takes the cache's articles: a marked cache entry shows through."""
    folder, cache = _library(tmp_path), tmp_path / "cache"
    load_corpus(folder, cache_dir=cache)
    (stored,) = cache.glob("articles-*.json")
    marked = stored.read_text(encoding="utf-8").replace("Russia", "Ruzzia")
    stored.write_text(marked, encoding="utf-8")
    again = load_corpus(folder, cache_dir=cache)
    assert any("Ruzzia" in s.text for s in again.sentences)


def test_a_changed_added_or_removed_file_is_read_again(tmp_path: Path) -> None:
    """The key covers every file's name and bytes: any change reads the folder anew."""
    folder, cache = _library(tmp_path), tmp_path / "cache"
    load_corpus(folder, cache_dir=cache)
    (folder / "ferry-strike.html").unlink()
    assert len(load_corpus(folder, cache_dir=cache).articles) == 2
    bundled = article_paths(folder)[0]
    bundled.write_text(bundled.read_text(encoding="utf-8") + "\nA sentence added at the end.\n")
    changed = load_corpus(folder, cache_dir=cache)
    assert any(s.text == "A sentence added at the end." for s in changed.sentences)
    assert len(list(cache.glob("articles-*.json"))) == 3


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    """Truncated, wrong format or wrong shape: the files are read as if there were no cache."""
    folder, cache = _library(tmp_path), tmp_path / "cache"
    expected = [a.id for a in load_corpus(folder).articles]
    load_corpus(folder, cache_dir=cache)
    (stored,) = cache.glob("articles-*.json")
    for damage in ('{"format": 1, "articles": [{"name": 3}]}', "{", '{"format": 99}', "[]"):
        stored.write_text(damage, encoding="utf-8")
        assert [a.id for a in load_corpus(folder, cache_dir=cache).articles] == expected


def test_reading_progress_is_reported_from_the_cache_too(tmp_path: Path) -> None:
    """A cached folder still reports its reading as done, once."""
    folder, cache = _library(tmp_path), tmp_path / "cache"
    load_corpus(folder, cache_dir=cache)
    seen: list[tuple[str, int, int]] = []
    load_corpus(folder, cache_dir=cache, progress=lambda *step: seen.append(step))
    assert ("reading", 3, 3) in seen
    assert [step for step in seen if step[0] == "reading"] == [("reading", 3, 3)]


def test_the_key_changes_with_any_byte() -> None:
    """Names and bytes both count."""
    base = article_cache.folder_key([("a.txt", b"one"), ("b.txt", b"two")])
    assert base != article_cache.folder_key([("a.txt", b"one"), ("b.txt", b"twO")])
    assert base != article_cache.folder_key([("a.txt", b"one"), ("c.txt", b"two")])
    assert base == article_cache.folder_key([("a.txt", b"one"), ("b.txt", b"two")])


def test_sentence_columns_that_do_not_fit_are_ignored(tmp_path: Path) -> None:
    """Columns of different lengths, a paragraph holding more sentences than there are or
    fewer, a kind that is no kind, an offset outside the text, an inexact text at no
    sentence: the files are read again, the right articles loaded, never a wrong quote."""
    import json

    folder, cache = _library(tmp_path), tmp_path / "cache"
    expected = [a.sentences for a in load_corpus(folder).articles]
    load_corpus(folder, cache_dir=cache)
    (stored,) = cache.glob("articles-*.json")
    whole = json.loads(stored.read_text(encoding="utf-8"))
    damages: dict[str, Callable[[dict[str, Any]], object]] = {
        "a column cut short": lambda row: row["ends"].pop(),
        "a paragraph past the end": lambda row: row["paragraphs"][-1].__setitem__(6, 99),
        "sentences left over": lambda row: row["paragraphs"].pop(),
        "no such kind": lambda row: row["kinds"].__setitem__(0, 7),
        "an inexact text past the end": lambda row: row["inexact"].__setitem__("9999", "x"),
        "an inexact text counted back": lambda row: row["inexact"].__setitem__("-1", "x"),
        "a kind counted back": lambda row: row["kinds"].__setitem__(0, -1),
        "a sentence past the text": lambda row: row["ends"].__setitem__(-1, 10**9),
        "a sentence ending before it starts": lambda row: row["ends"].__setitem__(0, 0),
    }
    for name, damage in damages.items():
        broken = json.loads(json.dumps(whole))
        damage(broken["articles"][0])
        stored.write_text(json.dumps(broken), encoding="utf-8")
        loaded = load_corpus(folder, cache_dir=cache)
        assert [a.sentences for a in loaded.articles] == expected, name
