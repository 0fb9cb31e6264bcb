"""The answering core's own exceptions: every failure the core reports is one of these."""

from __future__ import annotations

from pathlib import Path


class RetrievalError(Exception):
    """Base class for every error raised by the retrieval core."""


class ArticleError(RetrievalError):
    """An article file cannot be loaded; the message names the file (and line when known)."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {problem}")


class SeedsFolderError(RetrievalError):
    """The seeds folder is missing, unreadable or holds no article."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class SynonymsError(RetrievalError):
    """A line of the synonyms file cannot be parsed."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{self.path}:{line}: {problem}")


class EmptyIndexError(RetrievalError):
    """An index was asked for over no sentences (rank-bm25 would divide by zero)."""
