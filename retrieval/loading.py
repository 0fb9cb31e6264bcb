"""Loading a seeds folder: its article files and synonyms, all or nothing."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from retrieval import article_cache
from retrieval.article import Article
from retrieval.corpus import Corpus, IndexSettings, Progress
from retrieval.errors import ArticleError, SeedsFolderError
from retrieval.formats.reading import ARTICLE_SUFFIXES, read_article
from retrieval.semantic import Encoder
from retrieval.synonyms import SYNONYMS_FILE_NAME, load_synonyms


def article_paths(folder: Path) -> list[Path]:
    """The article files of a seeds folder, in name order."""
    if not folder.exists():
        raise SeedsFolderError(folder, "the seeds folder does not exist")
    if not folder.is_dir():
        raise SeedsFolderError(folder, "the seeds path is not a folder")
    try:
        paths = sorted(
            p
            for p in folder.iterdir()
            if p.suffix.casefold() in ARTICLE_SUFFIXES
            and p.is_file()
            and p.name != SYNONYMS_FILE_NAME
            and not p.name.startswith(".")
        )
    except OSError as error:
        raise SeedsFolderError(
            folder, f"cannot list the folder ({error.strerror or error})"
        ) from None
    if not paths:
        raise SeedsFolderError(folder, "the folder holds no article (*.txt, *.md, *.html or *.pdf)")
    return paths


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a library's objects are made: they are all kept,
    and at 100k sentences the collections it would run along the way cost half the reading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_articles(
    paths: Sequence[Path], cache_dir: Path | None, progress: Progress | None
) -> list[Article]:
    """Every file read and split, or, with ``cache_dir``, taken from the article cache when no
    file has changed since it was written."""
    key = None
    if cache_dir is not None:
        with contextlib.suppress(OSError):  # a file that cannot be read fails below, named
            key = article_cache.folder_key([(p.name, p.read_bytes()) for p in paths])
            cached = article_cache.load(cache_dir, key, paths)
            if cached is not None:
                if progress is not None:
                    progress("reading", len(paths), len(paths))
                return cached
    articles = []
    for done, path in enumerate(paths, start=1):
        articles.append(read_article(path))
        if progress is not None:
            progress("reading", done, len(paths))
    if cache_dir is not None and key is not None:
        article_cache.save(cache_dir, key, articles)
    return articles


def load_corpus(
    folder: Path,
    settings: IndexSettings | None = None,
    cache_dir: Path | None = None,
    encoder: Encoder | Callable[[], Encoder] | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Load every article and the synonyms of a seeds folder; any bad file stops the load.
    With ``cache_dir``, the analysis (and the sentence vectors) are read from, or written to,
    the on-disk cache there; with ``encoder``, every sentence is embedded for semantic
    matching. ``encoder`` may be a function giving it, called once the articles are read (a
    model loading meanwhile in a thread, semantic.start_loading, has until then)."""
    paths = article_paths(folder)
    with collector_paused():
        articles = _read_articles(paths, cache_dir, progress)
        seen: dict[str, Path] = {}
        for article in articles:
            if article.id in seen:
                raise ArticleError(
                    article.path,
                    f"its article id '{article.id}' is already used by {seen[article.id].name}",
                )
            seen[article.id] = article.path
        rules = load_synonyms(folder / SYNONYMS_FILE_NAME)
        if callable(encoder):
            encoder = awaited_model(encoder, progress)
        return Corpus(articles, rules, settings, cache_dir, encoder, progress)


# How long the model may keep a start waiting before progress hears of it: on a machine's
# first start it is prepared for this machine (3-4 s), later it is ready within a second.
MODEL_QUIET_SECONDS = 1.0


def awaited_model(
    make: Callable[[], Encoder], progress: Progress | None, quiet: float = MODEL_QUIET_SECONDS
) -> Encoder:
    """``make()`` (the model, perhaps still setting up in a thread); while it runs past
    ``quiet`` seconds, progress hears a "model" stage (0 of 1 when it starts and again once
    it has waited that long, 1 of 1 when it is done), so a long first start says why."""
    if progress is None:
        return make()
    progress("model", 0, 1)
    finished = threading.Event()

    def still_waiting() -> None:
        if not finished.wait(quiet):
            progress("model", 0, 1)

    watcher = threading.Thread(target=still_waiting, name="model-wait", daemon=True)
    watcher.start()
    try:
        return make()
    finally:
        finished.set()
        watcher.join()
        progress("model", 1, 1)
