"""The wheel as a user installs it: built from the checkout, answering from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built the way pip builds it (hatchling, no network)."""
    out = tmp_path_factory.mktemp("wheel")
    build = ["wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)]
    subprocess.run(
        [sys.executable, "-m", "pip", *build],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("article_bot-*.whl")
    return built


def test_the_wheel_carries_the_bundled_article_and_synonyms(wheel: Path) -> None:
    """The bundled seeds are package data inside bot/, not a folder next to site-packages."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/seeds/coalition-of-will.txt" in names
    assert "bot/seeds/synonyms.txt" in names
    assert not any(name.startswith("seeds/") for name in names)
    assert not any(name.endswith("ruff.toml") for name in names)


def test_an_installed_wheel_answers_from_an_empty_folder(wheel: Path, tmp_path: Path) -> None:
    """pip install of the wheel into a fresh venv, run from a folder with no seeds and no
    SEEDS_DIR: the bundled article answers."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # The dependencies come from the test's own environment, added by path only: its .pth
    # files (the editable install of this checkout among them) are not read, so the code that
    # runs is the wheel's.
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    environment = {
        k: v for k, v in os.environ.items() if k not in {"SEEDS_DIR", "PYTHONPATH", "DISCORD_TOKEN"}
    }
    result = subprocess.run(
        [str(venv / "bin" / "article-bot"), "ask", "--json", "who opposed the coalition?"],
        cwd=empty,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["passages"]
    where = subprocess.run(
        [str(python), "-c", "import bot.bundled as b; print(b.bundled_seeds())"],
        cwd=empty,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)
    assert list(empty.iterdir()) == []
