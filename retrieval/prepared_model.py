"""onnxruntime's rewrite of the embedding model's graph, kept in the cache folder for later starts.

Opening the int8 model, onnxruntime first rewrites its graph: it folds the weights'
dequantisation into float weights and fuses layers. Its profiler put that at most of a
session's 163 ms of initialising, on every start. The rewritten graph can be saved (90 MB
against the model's 23 MB), but only its portable rewrites (``ORT_ENABLE_EXTENDED``): the layout
rewrites above that are tuned to one CPU, and the session adds them at open time. A fresh
process opens the saved graph in 0.14-0.16 s, against 0.18-0.32 s for the shipped file, and
its vectors are the original's bit for bit. The file is named for the model's pinned hash and
onnxruntime's version, since either may change the graph. A stamp records its size and time
as written. A file that fails it, or that onnxruntime cannot open, is made again from the
verified model. A cache folder that cannot be written costs the rewrite on each start, nothing
else.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from retrieval.cache import write_atomically

PREFIX = "model-prepared-"
STALE_PARTIAL_SECONDS = 3600.0  # a save that old belongs to a process that died mid-write


def prepared_path(folder: Path, model_sha256: str, runtime_version: str) -> Path:
    """Where the rewritten graph of the model with this hash, for this onnxruntime, is kept."""
    return folder / f"{PREFIX}{model_sha256[:16]}-ort{runtime_version}.onnx"


def _stamp(path: Path) -> Path:
    return path.with_suffix(".stamp")


def _stamp_line(path: Path) -> str:
    status = path.stat()
    return f"{path.resolve()} {status.st_size} {status.st_mtime_ns}\n"


def intact(path: Path) -> bool:
    """The file as it was written: its stamp still matches its size and time."""
    with contextlib.suppress(OSError):
        return path.is_file() and _stamp(path).read_text() == _stamp_line(path)
    return False


def write_stamp(path: Path) -> None:
    """Record a file just written whole (OSError when the folder cannot take the stamp)."""
    line = _stamp_line(path).encode()
    write_atomically(_stamp(path), lambda file: file.write(line))


def put_in_place(partial: Path, target: Path) -> bool:
    """Move a file written whole to ``target`` and stamp it; False (the partial file removed)
    when the folder will not take it."""
    try:
        partial.replace(target)
        write_stamp(target)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return False
    return True


def forget(path: Path) -> None:
    """Remove a kept file and its stamp, when they are there."""
    for each in (path, _stamp(path)):
        with contextlib.suppress(OSError):
            each.unlink()


def open_session(
    model: Path, model_sha256: str, folder: Path, options: Callable[[], Any]
) -> tuple[Any, Path]:
    """A session on the (already verified) model and the file further sessions should open:
    the rewritten graph when ``folder`` holds it or can now hold it, else ``model`` itself.
    ``options`` makes a fresh ``SessionOptions`` (threads set) for each session."""
    import onnxruntime

    target = prepared_path(folder, model_sha256, onnxruntime.__version__)
    kept = open_kept(target, options)
    if kept is not None:
        return kept, target
    return _prepare(model, target, options)


def open_kept(target: Path, options: Callable[[], Any]) -> Any | None:
    """A session on the graph kept at ``target``, or None when there is none intact."""
    if not intact(target):
        return None
    # onnxruntime has its own exception types for a file it cannot read; any of them means
    # the same here: the caller makes the file again.
    with contextlib.suppress(Exception):
        return session_on(target, options)
    return None


def partial_for(target: Path) -> Path:
    """A hidden name beside ``target`` for writing it, unique to this process and call."""
    return target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")


def _prepare(model: Path, target: Path, options: Callable[[], Any]) -> tuple[Any, Path]:
    """A session that saves its rewritten graph on the way, moved into place once written
    whole; the model itself when the folder cannot take it."""
    import onnxruntime

    partial: Path | None = None
    chosen = options()
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_for(target)
        chosen.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        chosen.optimized_model_filepath = str(partial)
    try:
        session = onnxruntime.InferenceSession(
            str(model), chosen, providers=["CPUExecutionProvider"]
        )
    except Exception:
        if partial is None:
            raise
        # Perhaps only the save failed (a full disk): the model opened as it always was
        # still answers, or raises its own error.
        with contextlib.suppress(OSError):
            partial.unlink()
        return session_on(model, options), model
    if partial is None or not put_in_place(partial, target):
        return session, model
    _remove_others(target)
    return session, target


def session_on(model: Path, options: Callable[[], Any]) -> Any:
    """An onnxruntime session on the CPU over ``model``, with fresh ``options()``."""
    import onnxruntime

    return onnxruntime.InferenceSession(str(model), options(), providers=["CPUExecutionProvider"])


def _remove_others(kept: Path) -> None:
    """Graphs this module wrote for another model or onnxruntime, and saves abandoned long
    ago: nothing will open them again."""
    remove_other_graphs(kept, PREFIX)


def remove_other_graphs(kept: Path, prefix: str) -> None:
    """Files named with ``prefix`` beside ``kept`` that are not it (nor its stamp), and saves of
    them abandoned long ago."""
    now = time.time()
    with contextlib.suppress(OSError):
        for path in kept.parent.iterdir():
            name = path.name
            if name.startswith(f".{prefix}") and name.endswith(".partial"):
                with contextlib.suppress(OSError):
                    if now - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
                        path.unlink()
            elif name.startswith(prefix) and path.stem != kept.stem:
                with contextlib.suppress(OSError):
                    path.unlink()
