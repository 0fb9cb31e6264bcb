"""The decision: how likely the first passage answers the question, and which of three answers
that makes: answered, not sure (passages shown with a caveat), or not found."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from retrieval.linear import LinearModel, load_bundled, model_from_dict
from retrieval.signals import QUESTION_FEATURES, FloatVector


class Verdict(StrEnum):
    """The three answers."""

    ANSWERED = "answered"
    NOT_SURE = "not_sure"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Decider:
    """A calibrated logistic model of "the first passage answers", and two thresholds on it."""

    model: LinearModel
    confident_at: float  # from here on: answered
    shown_at: float  # from here to confident_at: not sure; below: not found

    def confidence(self, signals: FloatVector) -> float:
        """The probability that the first passage answers the question."""
        logit = float(self.model.logits(signals.reshape(1, -1))[0])
        return 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0

    def verdict(self, confidence: float) -> Verdict:
        """Which answer a confidence makes."""
        if confidence >= self.confident_at:
            return Verdict.ANSWERED
        if confidence >= self.shown_at:
            return Verdict.NOT_SURE
        return Verdict.NOT_FOUND


def decider_from_dict(data: dict[str, object]) -> Decider:
    """A decider from its JSON: {"model": {...}, "confident_at": p, "shown_at": p}."""
    model = model_from_dict(data["model"], QUESTION_FEATURES)  # type: ignore[arg-type]
    confident_at = float(data["confident_at"])  # type: ignore[arg-type]
    shown_at = float(data["shown_at"])  # type: ignore[arg-type]
    if not 0.0 <= shown_at <= confident_at <= 1.0:
        raise ValueError("thresholds must satisfy 0 <= shown_at <= confident_at <= 1")
    return Decider(model, confident_at, shown_at)


def bundled_decider(semantic: bool) -> Decider:
    """The shipped decider for an index with or without sentence embeddings."""
    return decider_from_dict(load_bundled(f"decision-{'semantic' if semantic else 'bm25'}.json"))


def neutral_decider() -> Decider:
    """A decider with no opinion (every weight 0, confidence 0.5), for training the others."""
    n = len(QUESTION_FEATURES)
    model = LinearModel(QUESTION_FEATURES, np.zeros(n), 0.0, np.zeros(n), np.ones(n))
    return Decider(model, 0.5, 0.5)
