"""`article-bot add` and `article-bot remove`: change the seeds folder, checked by a full load."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot import wording
from bot.articles.adding import AddError, prepare, remove, undo, writable_folder, write
from bot.articles.sources import fetch_policy, obtain
from bot.exits import EXIT_DATA, EXIT_OK
from bot.library import load_library
from bot.settings import Settings
from bot.terminal.progress import progress_reporter
from retrieval import RetrievalError

RUNNING_BOTS = "A running bot serves it after /reload (or at once with `run --watch`)."


def _check_loads(settings: Settings, folder: Path) -> None:
    """The whole folder loaded as a start-up would (and, with semantic on, its vectors cached)."""
    load_library(settings.semantic, folder, settings.index_cache_dir, progress_reporter(sys.stderr))


def add(settings: Settings, seeds: Path, source: str) -> int:
    """Add a file or a link to the library; nothing is left behind when anything fails."""
    try:
        folder = writable_folder(seeds)
        obtained = asyncio.run(obtain(source, fetch_policy(settings)))
        prepared = prepare(folder, obtained.name, obtained.raw, obtained.url, obtained.content_type)
        written = write(folder, prepared)
    except (AddError, OSError) as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    try:
        _check_loads(settings, folder)
    except RetrievalError as error:
        undo(written)
        print(f"article-bot: not added, the library would not load: {error}", file=sys.stderr)
        return EXIT_DATA
    article = prepared.article
    print("\n".join(wording.added_lines(article)))
    if article.meta.url:
        print(f"Source: {article.meta.url}")
    print("Kept as: " + ", ".join(str(p) for p in written))
    if folder != seeds:
        print(
            f"The bundled library moved to {folder} (a copy of the bundled article plus what you "
            "add); without SEEDS_DIR the bot now serves that folder."
        )
    print(RUNNING_BOTS)
    return EXIT_OK


def remove_article(seeds: Path, article_id: str) -> int:
    """Remove an article (and its kept original) from the library."""
    try:
        folder = writable_folder(seeds)
        removed = remove(folder, article_id.strip())
    except (AddError, OSError) as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    print(f"Removed `{article_id.strip()}`: " + ", ".join(str(p) for p in removed))
    print(RUNNING_BOTS.replace("serves it", "stops quoting it"))
    return EXIT_OK
