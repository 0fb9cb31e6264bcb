"""Benchmark corpora: the bundled article, SQuAD v1.1 dev, and ~100k sentences of English prose.

The large corpus is SQuAD dev's Wikipedia paragraphs followed by prose this machine already has:
the Python standard library's docstrings and the text of the man pages in /usr/share/man/man1
(Debian), read in file-name order until the sentence count is reached.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
import sysconfig
from collections.abc import Iterator
from pathlib import Path

from retrieval import Article
from retrieval.article import parse_article

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "data" / "squad" / "dev-v1.1.json"
MAN_PAGES = Path("/usr/share/man/man1")
PARAGRAPHS_PER_ARTICLE = 40
_TROFF_ESCAPE = re.compile(r"\\f[BIRP]|\\f\(..|\\\(..|\\[&|^%]|\\s[+-]?\d")
_PROSE = re.compile(r"^[A-Z][^\\]{60,}[.!?]$")


def squad_paragraphs(path: Path = SQUAD) -> Iterator[tuple[str, list[str]]]:
    """(title, paragraphs) of every SQuAD dev article."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    for entry in data:
        yield (
            entry["title"].replace("_", " "),
            [p["context"].replace("\n", " ") for p in entry["paragraphs"]],
        )


def squad_questions(path: Path = SQUAD) -> list[str]:
    """Every SQuAD dev question, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [qa["question"] for e in data for p in e["paragraphs"] for qa in p["qas"]]


def _docstring_paragraphs() -> Iterator[str]:
    library = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(library.rglob("*.py")):
        if "test" in path.parts or "tests" in path.parts or "site-packages" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                for paragraph in re.split(r"\n\s*\n", doc or ""):
                    flat = " ".join(paragraph.split())
                    if _PROSE.match(flat):
                        yield flat


def _man_paragraphs() -> Iterator[str]:
    for path in sorted(MAN_PAGES.glob("*.gz")):
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        except (OSError, EOFError):
            continue
        paragraph: list[str] = []
        for line in text.splitlines():
            if line.startswith((".", "'")) or not line.strip():
                if paragraph:
                    flat = " ".join(" ".join(paragraph).split())
                    if _PROSE.match(flat):
                        yield flat
                    paragraph = []
                continue
            paragraph.append(_TROFF_ESCAPE.sub("", line).replace("\\-", "-").replace("\\e", "\\"))


def _as_articles(name: str, titled: Iterator[tuple[str, list[str]]]) -> Iterator[Article]:
    for number, (title, paragraphs) in enumerate(titled):
        text = title + "\n" + "\n".join(paragraphs) + "\n"
        yield parse_article(Path(f"{name}-{number:05d}.txt"), text.encode("utf-8"))


def _chunks(name: str, paragraphs: Iterator[str]) -> Iterator[tuple[str, list[str]]]:
    batch: list[str] = []
    for paragraph in paragraphs:
        batch.append(paragraph)
        if len(batch) == PARAGRAPHS_PER_ARTICLE:
            yield name, batch
            batch = []
    if batch:
        yield name, batch


def squad_articles() -> list[Article]:
    """SQuAD dev as 48 articles (~10k sentences)."""
    return list(_as_articles("squad", squad_paragraphs()))


def large_articles(sentences: int = 100_000) -> list[Article]:
    """SQuAD dev, then stdlib docstrings, then man pages, until ``sentences`` is reached."""
    articles = squad_articles()
    count = sum(len(a.sentences) for a in articles)
    sources = (
        _chunks("Python docstrings", _docstring_paragraphs()),
        _chunks("Manual", _man_paragraphs()),
    )
    for name, source in zip(("docs", "man"), sources, strict=True):
        for article in _as_articles(name, source):
            articles.append(article)
            count += len(article.sentences)
            if count >= sentences:
                return articles
    return articles
