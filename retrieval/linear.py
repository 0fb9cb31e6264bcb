"""Small learned linear models read from text files: standardised features, weights, a bias."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from retrieval.errors import RetrievalError

WEIGHTS_PACKAGE = "retrieval.weights"


@dataclass(frozen=True)
class LinearModel:
    """logit = bias + sum(weight * (feature - mean) / scale), over named features."""

    features: tuple[str, ...]
    weights: npt.NDArray[np.float64]
    bias: float
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]

    def logits(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """One logit per row of features (in ``features`` order)."""
        standardised = (rows - self.mean) / self.scale
        result: npt.NDArray[np.float64] = standardised @ self.weights + self.bias
        return result

    def probabilities(self, rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The logistic of each row's logit."""
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-self.logits(rows)))
        return result

    def as_dict(self) -> dict[str, object]:
        """The model as the JSON its file holds."""
        return {
            "features": list(self.features),
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(float(m), 6) for m in self.mean],
            "scale": [round(float(s), 6) for s in self.scale],
        }


def model_from_dict(data: dict[str, object], expected: Sequence[str]) -> LinearModel:
    """A model from its JSON, checked against the features the code computes."""
    features = tuple(str(f) for f in data["features"])  # type: ignore[attr-defined]
    if features != tuple(expected):
        raise RetrievalError(f"model features {features} are not the code's {tuple(expected)}")

    def vector(name: str) -> npt.NDArray[np.float64]:
        values = np.asarray(data[name], dtype=np.float64)
        if values.shape != (len(features),):
            raise RetrievalError(f"model field {name} has the wrong length")
        return values

    return LinearModel(
        features,
        vector("weights"),
        float(data["bias"]),  # type: ignore[arg-type]
        vector("mean"),
        vector("scale"),
    )


def load_bundled(name: str) -> dict[str, object]:
    """A JSON file of retrieval/weights/."""
    text = resources.files(WEIGHTS_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data
