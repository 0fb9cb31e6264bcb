"""The bundled article and synonyms: package data in an installed wheel, seeds/ in a checkout."""

from __future__ import annotations

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
