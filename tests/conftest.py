"""Shared fixtures: the real bundled article, loaded once, and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from retrieval import Answerer, Corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
# For a long hunt before a release: HYPOTHESIS_PROFILE=thorough pytest tests/test_hostile.py
settings.register_profile(
    "thorough", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The project's bundled seeds folder."""
    return SEEDS


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The bundled article, indexed (read-only, so one copy serves every test)."""
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def answerer(corpus: Corpus) -> Answerer:
    """The default answer policy over the bundled article."""
    return Answerer(corpus)


def write_article(folder: Path, name: str, body: str, front: str = "") -> Path:
    """Write an article file into ``folder`` (created if needed) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text((f"---\n{front}---\n" if front else "") + body, encoding="utf-8")
    return path
