"""Lists of the cached encodings each recent library state uses; files only old states used go.

Vectors and pieces are cached one article a file (retrieval/encoding_cache.py), so a library
that changes leaves the files of the articles it dropped behind: about 2.3 KB a sentence,
gigabytes in time for a large library that rotates its articles. Each library state (its
articles' encoding keys) is listed in a small ``encodings-<state>.txt``; a list is kept while
it is among the ``KEPT_STATES`` most recently used or was used in the last ``KEPT_DAYS`` days,
and when it ages out, the files it names that no kept list names are deleted with it. Files
no list ever named (an older release's, or another tool's) are left alone: deleting them could
cost minutes of encoding.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from retrieval.cache import KEPT_STATES, write_atomically

PREFIX = "encodings"
# A state used this recently is kept however many others came after it: the default vectors
# folder is shared by every library a user opens, and trying a few small folders must not
# cost the main library minutes of encoding at its next start.
KEPT_DAYS = 30
# The files an article's encodings are kept in: vectors-<key>.npy, pieces-<key>-<projection>.npy
# (and .npz from an earlier release).
_FILE_KINDS = ("vectors", "pieces")
_HEX = frozenset("0123456789abcdef")


def state_path(cache_dir: Path, keys: Sequence[str]) -> Path:
    """Where the list of one library state (its articles' encoding keys, in order) is kept."""
    state = hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()[:32]
    return cache_dir / f"{PREFIX}-{state}.txt"


def record(cache_dir: Path, keys: Sequence[str], keep: int = KEPT_STATES) -> None:
    """Note that the library whose articles' encodings are named ``keys`` was just loaded: its
    list marked used, or written, and then the states neither among the ``keep`` most recently
    used nor used in the last KEPT_DAYS days forgotten with the files only they named. A
    folder that cannot be written keeps all."""
    path = state_path(cache_dir, keys)
    if path.is_file():
        _mark_used(path)
        return
    with contextlib.suppress(OSError):
        write_atomically(path, lambda file: file.write("".join(f"{k}\n" for k in keys).encode()))
        _mark_used(path)  # to the nanosecond: a new file's own times are a clock tick coarse
        _forget_old_states(cache_dir, keep)


def _mark_used(path: Path) -> None:
    """A list's last use is its modification time, set to now: the clean-up reads the lists,
    and on file systems mounted relatime a read moves the access time, which would make every
    list it reads look just used."""
    with contextlib.suppress(OSError):
        now = time.time_ns()
        os.utime(path, ns=(now, now))


def _listed(path: Path) -> set[str] | None:
    """The keys a state's list names, or None when it cannot be read whole."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    keys = set(text.split())
    # A key is 32 hex digits (encoding_cache._vectors_key): anything else is not our list,
    # and nothing is deleted on its word.
    if (text and not text.endswith("\n")) or not all(len(k) == 32 and set(k) <= _HEX for k in keys):
        return None
    return keys


def _forget_old_states(cache_dir: Path, keep: int) -> None:
    """Delete the lists neither among the ``keep`` most recently used nor used in the last
    KEPT_DAYS days, and the encoding files only they name. Nothing at all when a kept list
    cannot be read: its files might be among them."""
    found = []
    for path in cache_dir.glob(f"{PREFIX}-*.txt"):
        with contextlib.suppress(OSError):
            found.append((path.stat().st_mtime_ns, path.name, path))
    found.sort(reverse=True)
    recent = time.time_ns() - KEPT_DAYS * 86_400 * 10**9
    kept_lists: list[Path] = []
    gone_lists: list[Path] = []
    for i, (used, _name, path) in enumerate(found):
        (kept_lists if i < keep or used >= recent else gone_lists).append(path)
    kept: set[str] = set()
    for path in kept_lists:
        keys = _listed(path)
        if keys is None:
            return
        kept |= keys
    stale: set[str] = set()
    for path in gone_lists:
        stale |= (_listed(path) or set()) - kept
    if stale:
        # One listing of the folder for all of them (thousands of files at 100k sentences).
        for entry in cache_dir.iterdir():
            kind, _, rest = entry.name.partition("-")
            if kind in _FILE_KINDS and rest[:32] in stale:
                with contextlib.suppress(OSError):
                    entry.unlink()
    for path in gone_lists:
        with contextlib.suppress(OSError):
            path.unlink()
