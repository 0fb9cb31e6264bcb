"""The embedding model's matrix products in int8, made once from onnxruntime's rewrite and kept.

onnxruntime's rewrite of the shipped model (retrieval/prepared_model.py) multiplies float
matrices: it folds the int8 weights' scales in. Quantised again per output channel with
onnxruntime's own dynamic quantiser, the products run on the CPU's int8 instructions and a
question's encoding takes about a third of the time (1.2 against 3.9 ms for nine word pieces on
this machine), and the graph opens in half the time. The activations are quantised too, so the
vectors move a little (cosine 0.985-1.0 to the float graph's on an article and its questions);
docs/quality.md has what that does to the answers. A graph is kept only when its vectors agree
with the float graph's on a few probe texts; one that does not is remembered, so later starts
use the float graph without trying again. The quantiser needs the ``onnx`` package: without it,
the float graph is used.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from retrieval.prepared_model import (
    forget,
    partial_for,
    put_in_place,
    remove_other_graphs,
    session_on,
)

log = logging.getLogger(__name__)

PREFIX = "model-int8-"
REFUSED_SUFFIX = ".refused"
# The float graph's vectors against the int8 graph's, on the probe texts: measured 0.985 at
# worst on an article's sentences and questions; a broken graph lands far below.
AGREEMENT = 0.97
PROBES = (
    "Who opposed the plan?",
    "The minister said the troops would stay until the talks ended in March.",
    "How much money will the two countries put up, and when?",
    "Prices rose by 3.5 percent last year, the fastest pace since 1991.",
)


def int8_path(folder: Path, model_sha256: str, runtime_version: str) -> Path:
    """Where the int8 graph of the model with this hash, for this onnxruntime, is kept."""
    return folder / f"{PREFIX}{model_sha256[:16]}-ort{runtime_version}.onnx"


def _refused(target: Path) -> Path:
    return target.with_suffix(REFUSED_SUFFIX)


def make(
    prepared: Path, target: Path, options: Callable[[], Any], agrees: Callable[[Any], bool]
) -> Any | None:
    """Quantise the float graph ``prepared`` into ``target`` and return a session on it, when
    ``agrees(session)`` accepts its vectors; None when the quantiser is missing, fails, or
    the graph disagrees (remembered beside ``target``), or the folder cannot take it."""
    if _refused(target).exists():
        return None
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        return None
    partial = partial_for(target)
    started = time.perf_counter()
    try:
        with _quiet_quantiser():
            quantize_dynamic(
                str(prepared),
                str(partial),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
        session = session_on(partial, options)
    except Exception:
        # A full disk, a file the quantiser cannot read, a graph onnxruntime will not open:
        # each leaves the float graph in use, as before.
        with contextlib.suppress(OSError):
            partial.unlink()
        return None
    try:
        agreed = agrees(session)
    except Exception:
        # A graph that opens but cannot run (onnxruntime's own exception types): as wrong as
        # one that disagrees.
        agreed = False
    if not agreed:
        log.warning(
            "the embedding model's int8 graph gives vectors unlike the float graph's on this "
            "machine; the float graph runs (remembered in %s)",
            _refused(target),
        )
        with contextlib.suppress(OSError):
            partial.unlink()
        with contextlib.suppress(OSError):
            _refused(target).write_text("vectors disagree with the float graph's\n")
        return None
    if not put_in_place(partial, target):
        return None
    _remove_others(target, prepared)
    log.info(
        "made the embedding model's int8 graph in %.1f s (%s)",
        time.perf_counter() - started,
        target,
    )
    return session


@contextlib.contextmanager
def _quiet_quantiser() -> Iterator[None]:
    """The quantiser logs advice on the root logger ("consider pre-processing"): not for an
    article's reader."""
    root = logging.getLogger()

    def keep(record: logging.LogRecord) -> bool:
        return "onnxruntime/quantization" not in record.pathname.replace(os.sep, "/")

    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


def _remove_others(kept: Path, prepared: Path) -> None:
    """Int8 graphs made for another model or onnxruntime, saves abandoned long ago, and the
    float graph this one was made from (90 MB that only a damaged int8 file would need, and
    it is made again then)."""
    forget(prepared)
    remove_other_graphs(kept, PREFIX)
