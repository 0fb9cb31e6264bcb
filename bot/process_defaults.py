"""Process-wide defaults the command line sets before NumPy loads, each overridable."""

from __future__ import annotations

import os

# NumPy asks the kernel for huge pages on every large array (madvise). Where the kernel then
# compacts memory on the fault path (its default "defrag=madvise"), filling a fresh 150 MB
# matrix of cached vectors stalls: on the 2-core reference machine a cached start at 100k
# sentences loads in 1.04-1.33 s without them against 1.20-1.90 s with them, and an uncached
# index build in 5.4-5.8 s against 6.3-6.7 s, with questions as fast either way. An admin's
# own setting wins.


def apply() -> None:
    """Set the defaults an admin has not set; only effective before NumPy is first imported."""
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
