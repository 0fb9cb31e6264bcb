"""Loading the articles as the settings say: the folder, the analysis cache, semantic or not."""

from __future__ import annotations

from pathlib import Path

from retrieval import Corpus, load_corpus
from retrieval.corpus import Progress
from retrieval.semantic import default_encoder, start_loading


def load_library(
    semantic: bool, folder: Path, cache_dir: Path | None, progress: Progress | None = None
) -> Corpus:
    """Every article of ``folder``; with ``semantic``, each sentence embedded (the vectors
    cached in ``cache_dir`` when set, the model's verification stamp there or in the user's
    cache folder)."""
    if not semantic:
        return load_corpus(folder, cache_dir=cache_dir, progress=progress)
    start_loading(cache_dir)  # the model sets up while the articles are read
    return load_corpus(
        folder, cache_dir=cache_dir, encoder=lambda: default_encoder(cache_dir), progress=progress
    )
