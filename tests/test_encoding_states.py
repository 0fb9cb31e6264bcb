"""The encodings' cache forgets the articles of library states long gone, and nothing else."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from retrieval import encoding_states
from retrieval.cache import KEPT_STATES
from retrieval.encoding_cache import library_encodings
from retrieval.semantic import Encoder

SHARED = ["Russia has opposed these discussions."]
DAY_NS = 86_400 * 10**9


def _library(day: int) -> list[list[str]]:
    """A library on ``day``: one article every day has, one written for that day alone."""
    return [SHARED, [f"On day {day} the summit discussed item {day}.", "It ended."]]


def _encoding_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(("vectors-", "pieces-"))}


def _age_lists(folder: Path, days: int) -> None:
    """Every state list's last use (its modification time, as the clean-up reads it) moved
    ``days`` back, their order kept."""
    for path in folder.glob(f"{encoding_states.PREFIX}-*.txt"):
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - days * DAY_NS))


def test_files_only_an_aged_out_state_used_are_deleted(encoder: Encoder, tmp_path: Path) -> None:
    """Libraries on KEPT_STATES + 1 days, the earlier ones last used over KEPT_DAYS ago: the
    first day's own article goes with its state; the shared article, the kept days' articles
    and a file no state listed stay; the first day loaded again is encoded again, the same."""
    legacy = tmp_path / f"vectors-{'0' * 32}.npy"
    first = library_encodings(encoder, _library(0), tmp_path)
    legacy.write_bytes(b"an older release's file")
    files_by_day = [_encoding_files(tmp_path) - {legacy.name}]
    for day in range(1, KEPT_STATES + 1):
        if day == KEPT_STATES:
            _age_lists(tmp_path, encoding_states.KEPT_DAYS + 10)
        before = _encoding_files(tmp_path)
        library_encodings(encoder, _library(day), tmp_path)
        files_by_day.append(_encoding_files(tmp_path) - before)
    remaining = _encoding_files(tmp_path)
    shared_files = files_by_day[0] & remaining
    assert len(shared_files) == 2  # the shared article's vectors and pieces
    assert files_by_day[0] - shared_files, "the first day's own article had files"
    assert not (files_by_day[0] - shared_files) & remaining
    assert all(day <= remaining for day in files_by_day[1:])
    assert legacy.name in remaining
    assert len(list(tmp_path.glob(f"{encoding_states.PREFIX}-*.txt"))) == KEPT_STATES
    again = library_encodings(encoder, _library(0), tmp_path)
    assert np.array_equal(again.vectors, first.vectors)


def test_a_state_loaded_again_is_kept_over_older_ones(encoder: Encoder, tmp_path: Path) -> None:
    """The first day's library loaded again before a new day: the second day's state ages
    out instead, and the first day's own article stays."""
    for day in range(KEPT_STATES):
        library_encodings(encoder, _library(day), tmp_path)
    library_encodings(encoder, _library(0), tmp_path)
    second_day = _encoding_files(tmp_path)
    _age_lists(tmp_path, encoding_states.KEPT_DAYS + 10)
    library_encodings(encoder, _library(KEPT_STATES), tmp_path)
    remaining = _encoding_files(tmp_path)
    gone = second_day - remaining
    assert len(gone) == 2  # the second day's own article: its vectors and its pieces
    library_encodings(encoder, _library(0), tmp_path)
    assert _encoding_files(tmp_path) == remaining  # nothing to encode again for day 0


def test_states_used_lately_are_kept_however_many(tmp_path: Path) -> None:
    """Twice KEPT_STATES states, all used within KEPT_DAYS (a user trying small folders
    beside the main library): nothing is deleted, a day short of KEPT_DAYS old either. A day
    past it, all but the most recent go."""
    keys = [f"{n:032x}" for n in range(2 * KEPT_STATES)]
    for key in keys:
        (tmp_path / f"vectors-{key}.npy").write_bytes(b"vectors")
        encoding_states.record(tmp_path, [key])
    assert len(_encoding_files(tmp_path)) == len(keys)
    _age_lists(tmp_path, encoding_states.KEPT_DAYS - 1)
    encoding_states.record(tmp_path, [keys[-1]] * 3)  # a new state: the others not yet old
    assert len(_encoding_files(tmp_path)) == len(keys)
    _age_lists(tmp_path, 2)
    encoding_states.record(tmp_path, [keys[-1], keys[-2]])
    # Kept: the two newest lists ([k7, k6] and [k7] * 3) and the two most recent of the old.
    assert _encoding_files(tmp_path) == {f"vectors-{key}.npy" for key in keys[-2:]}


def test_an_unreadable_kept_list_deletes_nothing(tmp_path: Path) -> None:
    """A kept list that is not one (damaged, or some other tool's file): no file is deleted,
    since the files it meant to keep cannot be told."""
    old, kept = "a" * 32, "b" * 32
    for key in (old, kept):
        (tmp_path / f"vectors-{key}.npy").write_bytes(b"vectors")
    encoding_states.record(tmp_path, [old])
    encoding_states.record(tmp_path, [kept], keep=2)
    damaged = encoding_states.state_path(tmp_path, [kept])
    damaged.write_text("not a list of keys\n", encoding="ascii")
    _age_lists(tmp_path, encoding_states.KEPT_DAYS + 1)
    encoding_states.record(tmp_path, [kept, kept], keep=2)  # a third state: the first ages out
    assert (tmp_path / f"vectors-{old}.npy").exists()


def test_a_state_of_no_articles_is_a_list_like_any_other(tmp_path: Path) -> None:
    """An empty list (a library whose articles have no sentence to encode) is read as empty,
    not as damaged: it does not stop the clean-up while it is kept."""
    old = "a" * 32
    (tmp_path / f"vectors-{old}.npy").write_bytes(b"vectors")
    encoding_states.record(tmp_path, [old])
    encoding_states.record(tmp_path, [])
    _age_lists(tmp_path, encoding_states.KEPT_DAYS + 1)
    encoding_states.record(tmp_path, ["b" * 32], keep=2)
    assert not (tmp_path / f"vectors-{old}.npy").exists()
