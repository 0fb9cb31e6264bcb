"""Adding and removing articles in a seeds folder: checked as at start-up, written whole."""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.bundled import bundled_seeds, data_seeds_folder
from retrieval import Article
from retrieval.article import (
    FRONT_MATTER_FENCE,
    article_id_for,
    decode_text,
    split_front_matter,
)
from retrieval.errors import ArticleError, RetrievalError
from retrieval.formats.document import to_markdown
from retrieval.formats.markdown import markdown_article
from retrieval.formats.reading import (
    checked_fields,
    convert,
    document_article,
    parse_text,
    source_kind,
)
from retrieval.loading import article_paths

ORIGINALS = "originals"
_ID_MAX_CHARS = 60
_ORIGINAL_SUFFIX = {"html": ".html", "pdf": ".pdf"}


class AddError(Exception):
    """An article cannot be added or removed; the message is one line for the admin."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article ready to write: how it will load, and its files (the article file first)."""

    article: Article
    files: dict[str, bytes]


def writable_folder(folder: Path) -> Path:
    """The folder to add to: ``folder`` itself, unless it is the bundled article's (inside the
    installed package): then the data folder, started with a copy of the bundled files."""
    if folder.resolve() != bundled_seeds().resolve():
        return folder
    target = data_seeds_folder()
    if not target.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if path.is_file():
                shutil.copy2(path, target / path.name)
    return target


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.casefold())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > _ID_MAX_CHARS:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "article"


def _existing(folder: Path) -> tuple[set[str], dict[str, str]]:
    """The article ids used in ``folder`` and the URL each text or Markdown article names."""
    if not folder.is_dir():
        return set(), {}
    try:
        paths = article_paths(folder)
    except RetrievalError:
        return set(), {}
    ids = {article_id_for(p) for p in paths}
    urls: dict[str, str] = {}
    for path in paths:
        if path.suffix.casefold() not in (".txt", ".md", ".markdown"):
            continue
        with contextlib.suppress(OSError, ArticleError):
            meta, _body, _line = split_front_matter(path, decode_text(path, path.read_bytes()))
            if meta.url:
                urls[meta.url] = article_id_for(path)
    return ids, urls


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate = f"{wanted}-{number}"
        number += 1
    return candidate


def prepare(
    folder: Path,
    name: str,
    raw: bytes,
    url: str | None = None,
    content_type: str | None = None,
) -> Prepared:
    """Check a source and make its files for ``folder``: a plain-text or Markdown article kept
    as it is; an HTML page or PDF converted to Markdown (what is quoted) beside its original."""
    try:
        kind = source_kind(name, raw, content_type)
    except RetrievalError as error:
        raise AddError(str(error)) from None
    taken, urls = _existing(folder)
    if url is not None and url in urls:
        raise AddError(f"that link is already added, as '{urls[url]}' (remove it first to re-add)")
    try:
        if kind in ("text", "markdown"):
            return _prepare_text(folder, name, raw, url, kind, taken)
        document = convert(name, raw, url, content_type)
    except RetrievalError as error:
        raise AddError(str(error)) from None
    article_id = _free_id(_slug(document.meta.get("title") or Path(name).stem), taken)
    original = f"{ORIGINALS}/{article_id}{_ORIGINAL_SUFFIX[kind]}"
    fields = {"original": original}
    if url is not None:
        fields["url"] = url
    document.meta = checked_fields({**document.meta, **fields})
    markdown = to_markdown(document).encode("utf-8")
    path = folder / f"{article_id}.md"
    try:
        article = markdown_article(path, markdown)
    except ArticleError as error:
        raise AddError(error.problem) from None
    # What is written must load exactly as what was checked.
    if article.sentences != document_article(path, document).sentences:
        raise AddError("the converted text does not read back the same; please report this page")
    return Prepared(article, {path.name: markdown, original: raw})


def _prepare_text(
    folder: Path, name: str, raw: bytes, url: str | None, kind: str, taken: set[str]
) -> Prepared:
    suffix = ".md" if kind == "markdown" else ".txt"
    article_id = _free_id(_slug(Path(name).stem), taken)
    if url is not None and not raw.lstrip().startswith(FRONT_MATTER_FENCE.encode()):
        raw = f"{FRONT_MATTER_FENCE}\nurl: {url}\n{FRONT_MATTER_FENCE}\n".encode() + raw
    path = folder / f"{article_id}{suffix}"
    try:
        article = parse_text(path, raw)
    except ArticleError as error:
        raise AddError(error.problem) from None
    return Prepared(article, {path.name: raw})


def write(folder: Path, prepared: Prepared) -> list[Path]:
    """Write the prepared files (each whole: a temporary file renamed into place); returns
    them so a failed reload can take them back out."""
    written: list[Path] = []
    try:
        for relative, data in prepared.files.items():
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.partial")
            temporary.write_bytes(data)
            temporary.replace(target)
            written.append(target)
    except OSError as error:
        undo(written)
        raise AddError(f"cannot write to {folder} ({error.strerror or error})") from None
    return written


def undo(paths: list[Path]) -> None:
    """Delete files this process just wrote (a failed add leaves nothing behind)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def article_file(folder: Path, article_id: str) -> Path:
    """The file holding the article with this id; AddError when there is none."""
    for path in article_paths(folder):
        if article_id_for(path) == article_id:
            return path
    raise AddError(f"no article has the id '{article_id}'")


def remove(folder: Path, article_id: str) -> dict[Path, bytes]:
    """Delete an article's file and its kept original; the last article cannot be removed
    (the bot needs one to answer from). Returns what was removed, for ``restore``."""
    try:
        paths = article_paths(folder)
    except RetrievalError as error:
        raise AddError(str(error)) from None
    path = article_file(folder, article_id)
    if len(paths) == 1:
        raise AddError(f"'{article_id}' is the only article; add another before removing it")
    victims = [path]
    originals = folder / ORIGINALS
    if originals.is_dir():
        victims += [p for p in originals.iterdir() if p.stem == article_id and p.is_file()]
    removed = {victim: victim.read_bytes() for victim in victims}
    try:
        for victim in victims:
            victim.unlink()
    except OSError:
        restore(removed)  # all of it stays, or none
        raise
    return removed


def restore(removed: dict[Path, bytes]) -> None:
    """Put removed files back, as they were."""
    for path, data in removed.items():
        path.write_bytes(data)


def _inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` when the name stays inside the folder (no absolute path, no "..")."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    return folder / relative


def mirror_library(folder: Path, shared: dict[str, bytes], removed: Sequence[str]) -> list[str]:
    """Write the shared library's files that this folder lacks or holds differently, and delete
    the removed ones; returns the names changed. Names that would leave the folder are
    ignored (the database is trusted no further than the folder)."""
    changed: list[str] = []
    for name in removed:
        path = _inside(folder, name)
        if path is not None and path.is_file() and name not in shared:
            path.unlink()
            changed.append(name)
    for name, data in shared.items():
        path = _inside(folder, name)
        if path is None:
            continue
        if path.is_file() and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.partial")
        temporary.write_bytes(data)
        temporary.replace(path)
        changed.append(name)
    return changed
