"""Shared fixtures: the real bundled article, loaded once, and hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from retrieval import Answerer, Corpus, load_corpus
from retrieval.semantic import Encoder, default_encoder
from tests.http_sources import SourceServer, serving
from tests.postgres_server import fresh_database, running_postgres

# The int8 model is made once per run in a cache of the run's own (never the user's
# ~/.cache); every process the tests start inherits it.
MODEL_CACHE = Path(tempfile.mkdtemp(prefix="article-bot-tests-cache-"))
os.environ["XDG_CACHE_HOME"] = str(MODEL_CACHE)

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
def encoder() -> Encoder:
    """The shipped sentence-embedding model (int8), shared by the whole run."""
    return default_encoder()


@pytest.fixture(scope="session")
def corpus(encoder: Encoder) -> Corpus:
    """The bundled article, indexed as shipped: BM25 and sentence vectors (read-only, so one
    copy serves every test)."""
    return load_corpus(SEEDS, encoder=encoder)


@pytest.fixture(scope="session")
def answerer(corpus: Corpus) -> Answerer:
    """The default answer path over the bundled article."""
    return Answerer(corpus)


@pytest.fixture(scope="session")
def bm25_corpus() -> Corpus:
    """The bundled article with BM25 alone (SEMANTIC=off)."""
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def bm25_answerer(bm25_corpus: Corpus) -> Answerer:
    """The answer path without sentence embeddings."""
    return Answerer(bm25_corpus)


def write_article(folder: Path, name: str, body: str, front: str = "") -> Path:
    """Write an article file into ``folder`` (created if needed) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text((f"---\n{front}---\n" if front else "") + body, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _database_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test, and every process it starts, keeps its database inside its own tmp_path."""
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "article-bot.sqlite3"))


# Folders that tools write beside the project by design; everything else must stay put.
_TOOL_FOLDERS = {".git", ".venv", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}


def _project_files() -> set[Path]:
    return {
        path
        for path in ROOT.rglob("*")
        if not (_TOOL_FOLDERS & set(path.relative_to(ROOT).parts))
        and "__pycache__" not in path.parts
        and not path.name.endswith(".egg-info")
    }


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember the project's files, to check at the end that no test wrote beside them."""
    session.config.stash[_FILES_AT_START] = _project_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test left a file in the project instead of its tmp_path."""
    before = session.config.stash.get(_FILES_AT_START, None)
    if before is None:
        return
    left = sorted(str(p.relative_to(ROOT)) for p in _project_files() - before)
    if left:
        print(f"\nTests wrote outside tmp_path: {', '.join(left)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    shutil.rmtree(MODEL_CACHE, ignore_errors=True)


_FILES_AT_START = pytest.StashKey[set[Path]]()


@pytest.fixture(scope="session")
def source_server() -> Iterator[SourceServer]:
    """A news site and misbehaving hosts on a 127.0.0.1 port, for every fetch test."""
    yield from serving()


@pytest.fixture(autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own user data folder, where articles added to the bundled library go."""
    folder = tmp_path_factory.mktemp("data-home")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A real PostgreSQL 15 server on 127.0.0.1 for the whole run (never a mock)."""
    yield from running_postgres()


@pytest.fixture
def postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """An empty database of the test's own on that server."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    return fresh_database(postgres_server, name)
