"""The shape of the project: layering and the public API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
    code = (
        "import sys, bot.cli, bot.terminal.chat, bot.terminal.console, bot.terminal.commands; "
        "print('discord' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


ROOT = Path(__file__).resolve().parent.parent

# Each room, and what importing all of it must never load.
ROOM_RULES = {
    "retrieval": ("discord", "bot"),
    "bot.store": ("discord", "bot.discord", "bot.terminal"),
    "bot.terminal": ("discord", "bot.discord"),
    "bot.articles": ("discord", "bot.discord", "bot.terminal", "bot.store"),
}


def _modules_of(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    return sorted(
        ".".join((package, *path.relative_to(folder).with_suffix("").parts))
        for path in folder.rglob("*.py")
        if path.name != "__init__.py"
    )


@pytest.mark.parametrize("room", sorted(ROOM_RULES))
def test_each_room_imports_only_what_its_direction_allows(room: str) -> None:
    """Dependencies point one way: Discord and terminal -> store -> core; never back."""
    modules = _modules_of(room)
    assert modules, room
    forbidden = ROOM_RULES[room]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') "
        f"for f in {forbidden!r}))\n"
        "print(bad)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]", (room, result.stdout)


def test_bot_folders_say_what_they_hold() -> None:
    """bot/ is split into rooms, each a package with a one-line docstring."""
    for room in ("discord", "terminal", "store", "articles"):
        init = ROOT / "bot" / room / "__init__.py"
        docstring = init.read_text(encoding="utf-8").splitlines()[0]
        assert docstring.startswith('"""'), room
        assert docstring.endswith('"""'), room
    flat = sorted(p.name for p in (ROOT / "bot").glob("*.py"))
    assert flat == sorted(
        [
            "__init__.py",
            "__main__.py",
            "bundled.py",
            "cli.py",
            "exits.py",
            "library.py",
            "process_defaults.py",
            "settings.py",
            "warm_start.py",
            "wording.py",
        ]
    )


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
