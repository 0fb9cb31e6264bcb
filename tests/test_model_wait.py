"""A start that waits for the embedding model tells its progress why, and only when it waits."""

from __future__ import annotations

import threading

import pytest

from retrieval.loading import awaited_model
from retrieval.semantic import Encoder


def test_a_model_still_setting_up_is_reported_while_it_is_awaited(encoder: Encoder) -> None:
    """The model is made only once progress has heard the wait passed the quiet time: 0 of
    1 at the start, again once it has waited, 1 of 1 at the end; the model is returned."""
    heard: list[tuple[str, int, int]] = []
    waited = threading.Event()

    def progress(stage: str, done: int, total: int) -> None:
        heard.append((stage, done, total))
        if len(heard) == 2:
            waited.set()

    def slow_model() -> Encoder:
        assert waited.wait(30), "progress never heard that the start was waiting"
        return encoder

    assert awaited_model(slow_model, progress, quiet=0.01) is encoder
    assert heard == [("model", 0, 1), ("model", 0, 1), ("model", 1, 1)]


def test_a_model_ready_at_once_reports_no_wait(encoder: Encoder) -> None:
    """Ready before the quiet time: the start and the end only, which say nothing."""
    heard: list[tuple[str, int, int]] = []
    model = awaited_model(lambda: encoder, lambda *stage: heard.append(stage), quiet=30.0)
    assert model is encoder
    assert heard == [("model", 0, 1), ("model", 1, 1)]
    assert awaited_model(lambda: encoder, None) is encoder


def test_a_model_that_fails_ends_the_wait_and_raises() -> None:
    """The failure reaches the caller, and progress still hears the wait end."""
    heard: list[tuple[str, int, int]] = []

    def broken() -> Encoder:
        raise OSError("the model file cannot be read")

    with pytest.raises(OSError, match="cannot be read"):
        awaited_model(broken, lambda *stage: heard.append(stage), quiet=30.0)
    assert heard[-1] == ("model", 1, 1)
