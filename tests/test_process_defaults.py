"""The command line's process defaults reach NumPy, and an admin's own setting wins."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# What the entry point runs before a command, then NumPy's own record of its choice.
_PROBE = """
import bot.__main__
try:
    from numpy._core import multiarray  # NumPy 2
except ImportError:
    from numpy.core import multiarray  # NumPy 1.26, which pyproject.toml allows
print(multiarray._get_madvise_hugepage())
"""


def _huge_pages_asked(admin_setting: str | None) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if admin_setting is not None:
        environment["NUMPY_MADVISE_HUGEPAGE"] = admin_setting
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(("admin_setting", "expected"), [(None, "False"), ("1", "True")])
def test_numpy_large_arrays_use_small_pages_unless_the_admin_says(
    admin_setting: str | None, expected: str
) -> None:
    assert _huge_pages_asked(admin_setting) == expected
