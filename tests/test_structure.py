"""The shape of the project: layering and the public API."""

from __future__ import annotations

import subprocess
import sys

import retrieval


def test_importing_the_core_does_not_import_discord() -> None:
    """retrieval/ is the Discord-free core: importing it must not pull discord in."""
    code = "import sys, retrieval, retrieval.evaluation; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_terminal_paths_do_not_load_discord() -> None:
    """ask, chat and inspect start without importing discord.py (it is slow to import)."""
    code = "import sys, bot.cli, bot.chat, bot.console; print('discord' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_every_name_in_all_is_exported() -> None:
    """__all__ lists only names the package really has, with no duplicates."""
    assert len(set(retrieval.__all__)) == len(retrieval.__all__)
    for name in retrieval.__all__:
        assert hasattr(retrieval, name), name


def test_public_classes_are_listed_in_all() -> None:
    """Every public class the package exposes is named in __all__."""
    public = {
        n for n, v in vars(retrieval).items() if isinstance(v, type) and not n.startswith("_")
    }
    assert public <= set(retrieval.__all__)
