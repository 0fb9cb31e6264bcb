"""Running a snippet in a fresh interpreter, for what is process-wide (imports, the collector)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def run_probe(code: str, *args: str) -> list[str]:
    """The lines ``code`` prints, run with the bundled seeds folder and ``args`` as its argv."""
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "seeds"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.splitlines()
