"""The bundled article and synonyms: package data in an installed wheel, seeds/ in a checkout."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

SEEDS_PACKAGE_DIR = "seeds"


def bundled_seeds() -> Path:
    """The folder holding the bundled article, wherever the package was installed from."""
    packaged = resources.files("bot").joinpath(SEEDS_PACKAGE_DIR)
    # A wheel carries the folder as bot/seeds; a checkout or an editable install runs from the
    # source tree, where it is the top-level seeds/ folder.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


def data_seeds_folder() -> Path:
    """Where articles added to the bundled library go (the package itself may be read-only and
    is replaced on upgrade): the user's data folder."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "article-bot" / "seeds"


def default_seeds() -> Path:
    """The library served when SEEDS_DIR is not set: the data folder once an article has been
    added there, else the bundled article."""
    added = data_seeds_folder()
    if added.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in added.iterdir()):
        return added
    return bundled_seeds()
