"""Lists of the cached encodings each recent library state uses; files only old states used go.

Vectors and pieces are cached one article a file (retrieval/encoding_cache.py), so a library
that changes leaves the files of the articles it dropped behind: about 2.3 KB a sentence,
gigabytes in time for a large library that rotates its articles. Each library state (its
articles' encoding keys) is listed in a small ``encodings-<state>.txt``; the ``KEPT_STATES``
most recently used lists are kept, and when one ages out, the files it names that no kept list
names are deleted with it. Files no list ever named (an older release's, or another tool's)
are left alone: deleting them could cost minutes of encoding.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from pathlib import Path

from retrieval.cache import KEPT_STATES, mark_used, write_atomically

PREFIX = "encodings"
# The files an article's encodings are kept in: vectors-<key>.npy, pieces-<key>-<projection>.npy
# (and .npz from an earlier release).
_FILE_KINDS = ("vectors", "pieces")


def state_path(cache_dir: Path, keys: Sequence[str]) -> Path:
    """Where the list of one library state (its articles' encoding keys, in order) is kept."""
    state = hashlib.sha256("\n".join(keys).encode("ascii")).hexdigest()[:32]
    return cache_dir / f"{PREFIX}-{state}.txt"


def record(cache_dir: Path, keys: Sequence[str], keep: int = KEPT_STATES) -> None:
    """Note that the library whose articles' encodings are named ``keys`` was just loaded: its
    list marked used, or written, and then the states beyond the ``keep`` most recently used
    forgotten with the files only they named. A folder that cannot be written keeps all."""
    path = state_path(cache_dir, keys)
    if path.is_file():
        mark_used(path)
        return
    with contextlib.suppress(OSError):
        write_atomically(path, lambda file: file.write("".join(f"{k}\n" for k in keys).encode()))
        mark_used(path)  # to the nanosecond: a new file's own times are a clock tick coarse
        _forget_old_states(cache_dir, keep)


def _listed(path: Path) -> set[str] | None:
    """The keys a state's list names, or None when it cannot be read whole."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    keys = set(text.split())
    # A key is 32 hex digits (encoding_cache._vectors_key): anything else is not our list,
    # and nothing is deleted on its word.
    if (text and not text.endswith("\n")) or not all(len(k) == 32 and _is_hex(k) for k in keys):
        return None
    return keys


def _is_hex(text: str) -> bool:
    return all(ch in "0123456789abcdef" for ch in text)


def _forget_old_states(cache_dir: Path, keep: int) -> None:
    """Delete the lists beyond the ``keep`` most recently used and the encoding files only
    they name. Nothing at all when a kept list cannot be read: its files might be among them."""
    found = []
    for path in cache_dir.glob(f"{PREFIX}-*.txt"):
        with contextlib.suppress(OSError):
            found.append((path.stat().st_atime_ns, path.name, path))
    found.sort(reverse=True)
    kept: set[str] = set()
    for _used, _name, path in found[:keep]:
        keys = _listed(path)
        if keys is None:
            return
        kept |= keys
    stale: set[str] = set()
    for _used, _name, path in found[keep:]:
        stale |= (_listed(path) or set()) - kept
    if stale:
        # One listing of the folder for all of them (thousands of files at 100k sentences).
        for entry in cache_dir.iterdir():
            kind, _, rest = entry.name.partition("-")
            if kind in _FILE_KINDS and rest[:32] in stale:
                with contextlib.suppress(OSError):
                    entry.unlink()
    for _used, _name, path in found[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
