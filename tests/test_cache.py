"""The on-disk analysis cache: the same corpus whether built or read, and never a stale read."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retrieval import Answerer, BM25Index, load_corpus
from retrieval.cache import FORMAT_VERSION
from retrieval.corpus import Corpus, IndexSettings
from retrieval.evaluation import read_questions
from tests.conftest import DATA, SEEDS, write_article


def seeds_copy(tmp_path: Path) -> Path:
    """A seeds folder the test may change."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def cached_files(folder: Path, kind: str = "analysis") -> list[Path]:
    """The cache's files of one kind (analysis, indexes, articles)."""
    return sorted(folder.glob(f"{kind}-*"))


def both_fields(built: Corpus, read: Corpus) -> list[tuple[BM25Index, BM25Index]]:
    """The own and lead-in indexes of two corpora, side by side (both must have each)."""
    pairs = []
    for mine, theirs in ((built.own, read.own), (built.context, read.context)):
        assert mine is not None
        assert theirs is not None
        pairs.append((mine, theirs))
    return pairs


def assert_same_corpus(built: Corpus, read: Corpus) -> None:
    """Every table, name, word count and topic, and every answer, are equal."""
    for mine, theirs in both_fields(built, read):
        assert mine.vocabulary == theirs.vocabulary
        assert all(
            mine.document_frequency(t) == theirs.document_frequency(t) for t in mine.vocabulary
        )
        assert np.array_equal(mine.document_lengths, theirs.document_lengths)
    assert built.proper_terms == read.proper_terms
    assert built.topics == read.topics
    assert built.topic_order == read.topic_order
    assert built.topics_by_term == read.topics_by_term
    assert all(built.countries(a.id) == read.countries(a.id) for a in built.articles)
    questions = [q.question for q in read_questions(DATA / "questions-dev.jsonl")]
    first, second = Answerer(built), Answerer(read)
    for question in questions:
        a, b = first.ask(question, top_k=5), second.ask(question, top_k=5)
        assert [(p.sentence.citation_id, p.score) for p in a.passages] == [
            (p.sentence.citation_id, p.score) for p in b.passages
        ], question
        assert (a.topics, a.corrections) == (b.topics, b.corrections)


def test_a_corpus_read_from_the_cache_equals_one_built_from_scratch(tmp_path: Path) -> None:
    """The first load writes the cache, the second reads it; both answer identically."""
    cache = tmp_path / "cache"
    built = load_corpus(SEEDS, cache_dir=cache)
    [written] = cached_files(cache)
    stamp = written.stat().st_mtime_ns
    read = load_corpus(SEEDS, cache_dir=cache)
    assert cached_files(cache) == [written]
    assert written.stat().st_mtime_ns == stamp  # read, not rewritten
    assert_same_corpus(built, read)
    assert_same_corpus(load_corpus(SEEDS), read)


def test_changing_an_article_or_the_synonyms_makes_a_new_entry(tmp_path: Path) -> None:
    """A new sentence, or a new synonym rule, never reads the old analysis."""
    seeds, cache = seeds_copy(tmp_path), tmp_path / "cache"
    load_corpus(seeds, cache_dir=cache)
    write_article(seeds, "moon-base.txt", "Moon Base\n\nThe lunar base opened on Tuesday.\n")
    with_moon = load_corpus(seeds, cache_dir=cache)
    assert len(cached_files(cache)) == 2
    assert Answerer(with_moon).ask("when did the lunar base open").found
    with (seeds / "synonyms.txt").open("a", encoding="utf-8") as rules:
        rules.write("moonbase, lunar base\n")
    load_corpus(seeds, cache_dir=cache)
    assert len(cached_files(cache)) == 3


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    """Garbage where the cache was: the corpus is analysed again, correctly."""
    cache = tmp_path / "cache"
    load_corpus(SEEDS, cache_dir=cache)
    [written] = cached_files(cache)
    written.write_bytes(b"not a zip file at all")
    corpus = load_corpus(SEEDS, cache_dir=cache)
    assert_same_corpus(load_corpus(SEEDS), corpus)
    assert np.load(written, allow_pickle=False)["format"][0] == FORMAT_VERSION


def test_an_unwritable_cache_folder_only_costs_the_speed_up(tmp_path: Path) -> None:
    """When the cache cannot be written, the corpus still loads."""
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    corpus = load_corpus(SEEDS, cache_dir=blocker)
    assert Answerer(corpus).ask("who opposed the coalition?").found


def test_the_cache_holds_each_articles_countries(tmp_path: Path) -> None:
    """A start from the cache need not read every article again to know its countries: they
    are in the cache file, the same as a fresh reading finds."""
    from retrieval import cache as analysis_cache
    from retrieval import lexicon

    folder = tmp_path / "cache"
    built = load_corpus(SEEDS, cache_dir=folder)
    [written] = cached_files(folder)
    stored = analysis_cache.load(folder, written.stem.removeprefix("analysis-"))
    assert stored is not None
    assert stored.countries is not None
    for article in built.articles:
        text = article.headline + " " + " ".join(s.text for s in article.sentences)
        assert stored.countries[article.id] == lexicon.countries_in(text)
        assert "ukraine" in stored.countries[article.id]


def assert_same_postings(built: Corpus, read: Corpus) -> None:
    """Both fields' postings, impacts and tokens are equal to the bit."""
    for mine, theirs in both_fields(built, read):
        assert mine.vocabulary == theirs.vocabulary
        for term in mine.vocabulary:
            documents, impacts = mine.postings(term)
            again, read_impacts = theirs.postings(term)
            assert np.array_equal(documents, again)
            assert np.array_equal(impacts, read_impacts)
            assert mine.term_id(term) == theirs.term_id(term)
        everything = list(range(mine.size))
        assert np.array_equal(mine.tokens_of(everything).ids, theirs.tokens_of(everything).ids)


def test_the_built_indexes_are_cached_and_read_back_exactly(tmp_path: Path) -> None:
    """The first load writes the indexes beside the analysis, the second reads them: the same
    postings, impacts and tokens as a corpus built with no cache at all."""
    cache = tmp_path / "cache"
    load_corpus(SEEDS, cache_dir=cache)
    [written] = cached_files(cache, "indexes")
    stamp = written.stat().st_mtime_ns
    read = load_corpus(SEEDS, cache_dir=cache)
    assert written.stat().st_mtime_ns == stamp  # read, not rewritten
    assert_same_postings(load_corpus(SEEDS), read)
    assert_same_corpus(load_corpus(SEEDS), read)


def test_a_damaged_or_missing_index_file_is_built_again(tmp_path: Path) -> None:
    """Garbage, arrays that do not make an index, or no file: built again, the same."""
    from retrieval import cache as analysis_cache

    cache = tmp_path / "cache"
    load_corpus(SEEDS, cache_dir=cache)
    [written] = cached_files(cache, "indexes")
    fields = dict(np.load(written, allow_pickle=False))
    fields["own_bounds"] = fields["own_bounds"][:-1]  # postings past the last bound
    for damage in (b"not a zip file", None, fields):
        if isinstance(damage, bytes):
            written.write_bytes(damage)
        elif damage is None:
            written.unlink()
        else:
            np.savez(written, **damage)
        key = written.stem.removeprefix("indexes-")
        assert analysis_cache.load_indexes(cache, key, IndexSettings().bm25) is None
        read = load_corpus(SEEDS, cache_dir=cache)
        assert_same_postings(load_corpus(SEEDS), read)
    assert cached_files(cache, "indexes") == [written]


def test_a_changed_photo_credit_never_reads_stale_indexes(tmp_path: Path) -> None:
    """The credit is indexed in the lead-in field but is no sentence: changing it alone still
    gives indexes of its own, equal to a fresh build."""
    seeds, cache = seeds_copy(tmp_path), tmp_path / "cache"
    load_corpus(seeds, cache_dir=cache)
    article = seeds / "coalition-of-will.txt"
    text = article.read_text(encoding="utf-8")
    assert "Photo by UPI Yonhap News" in text
    article.write_text(text.replace("UPI Yonhap News", "Reuters Pictures"), encoding="utf-8")
    read = load_corpus(seeds, cache_dir=cache)
    assert len(cached_files(cache, "indexes")) == 2
    assert read.context is not None
    assert any(term.startswith("reuter") for term in read.context.vocabulary)
    assert_same_postings(load_corpus(seeds), read)


def test_the_topics_index_is_read_from_the_cache(tmp_path: Path) -> None:
    """A start from the cache has the topics' index an unanswerable question lists topics
    from, without analysing the topics again; equal to one found on first use."""
    cache = tmp_path / "cache"
    load_corpus(SEEDS, cache_dir=cache)
    read = load_corpus(SEEDS, cache_dir=cache)
    assert read._topic_index is not None  # before any question asked
    fresh = load_corpus(SEEDS)
    assert fresh._topic_index is None
    assert (fresh.topic_order, fresh.topics_by_term) == read._topic_index


def test_only_the_most_recently_used_states_are_kept(tmp_path: Path) -> None:
    """Six states of each kind: the four used last stay, whatever their names; the vectors,
    other files and half-written temporaries are never touched."""
    import os

    from retrieval.cache import KEPT_STATES, kept_recent, mark_used

    folder = tmp_path / "cache"
    folder.mkdir()
    others = [folder / "vectors-k0.npy", folder / ".analysis-k9-tmp", folder / "notes.txt"]
    for path in others:
        path.write_bytes(b"x")
    states = [folder / f"analysis-k{i}.npz" for i in range(6)]
    for i, path in enumerate(states):
        path.write_bytes(b"x")
        os.utime(path, ns=(1_000_000_000 * (i + 1), 1_000_000_000 * (i + 1)))
    mark_used(states[0])  # read just now: the oldest written is the most recently used
    kept_recent(folder, "analysis")
    assert KEPT_STATES == 4
    assert sorted(p.name for p in folder.glob("analysis-*")) == [
        "analysis-k0.npz",
        "analysis-k3.npz",
        "analysis-k4.npz",
        "analysis-k5.npz",
    ]
    assert all(path.exists() for path in others)


def test_a_library_that_keeps_changing_keeps_four_states_and_its_current_one(
    tmp_path: Path,
) -> None:
    """Six changes of an article: each kind of cache file is kept for four states, the one
    read last among them; a state read again outlives one that was not."""
    seeds, cache = seeds_copy(tmp_path), tmp_path / "cache"
    load_corpus(seeds, cache_dir=cache)
    [first_analysis] = cached_files(cache)
    for i in range(6):
        if i == 3:
            (seeds / "extra.txt").unlink()
            load_corpus(seeds, cache_dir=cache)  # the first state again: read, marked used
        write_article(seeds, "extra.txt", f"Extra {i}\n\nThe extra article number {i} is here.\n")
        read = load_corpus(seeds, cache_dir=cache)
    assert Answerer(read).ask("which extra article number is here?").found
    for kind in ("analysis", "indexes", "articles"):
        assert len(cached_files(cache, kind)) == 4, kind
    assert first_analysis.exists()
    assert_same_postings(load_corpus(seeds), read)


def test_an_upgraded_library_that_shapes_the_cache_changes_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library the caches depend on (here one installed for the test, found by
    importlib.metadata like the real ones) at another version: another fingerprint, so no
    cache written before the upgrade is read after it; absent, a third."""
    from retrieval import cache as analysis_cache

    installed = tmp_path / "site"
    info = installed / "shaping_example-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shaping-example\nVersion: 1.0\n")
    monkeypatch.syspath_prepend(str(installed))
    monkeypatch.setattr(analysis_cache, "_SHAPING_DISTRIBUTIONS", ("shaping-example",))
    prints = []
    for version in ("1.0", "2.0", None):
        if version is None:
            shutil.rmtree(info)
        else:
            (info / "METADATA").write_text(
                f"Metadata-Version: 2.1\nName: shaping-example\nVersion: {version}\n"
            )
        analysis_cache.code_fingerprint.cache_clear()
        prints.append(analysis_cache.code_fingerprint())
    analysis_cache.code_fingerprint.cache_clear()
    assert len(set(prints)) == 3
