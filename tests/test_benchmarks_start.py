"""Every benchmark script with a command line starts: its imports resolve from a checkout
(pySBD, a dev dependency, installs a top-level "benchmarks" package that once shadowed ours)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(
    p for p in (ROOT / "benchmarks").glob("*.py") if "argparse" in p.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_script_answers_help(script: object) -> None:
    """`python benchmarks/X.py --help` exits 0 and prints its usage."""
    result = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
