"""Fit the word-piece projection (retrieval/pieces.py) reproducibly from public sentences.

Usage: python benchmarks/fit_projection.py [--write]

The sentences are those the ordering model learns from and nothing held out: the 13 SQuAD
v1.1 dev articles that the official SQuAD 2.0 dev set leaves out (benchmarks/train_models.py's
NOT_IN_SQUAD2_DEV), split as the bot splits them. Every sentence's content pieces go through
all-MiniLM-L6-v2 as the bot reads them; a fixed-seed sample of 50,000 of them gives the mean
and the 64 principal directions (SVD of the centred sample; each direction's sign fixed so its
largest component is positive). --write saves retrieval/weights/pieces-projection.npz and
prints the SHA-256 that retrieval/pieces.py pins.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from squad import SquadArticle, as_article  # noqa: E402
from train_models import NOT_IN_SQUAD2_DEV, SQUAD1  # noqa: E402

from retrieval import Corpus  # noqa: E402
from retrieval.pieces import DIMENSIONS, PROJECTION_FILE  # noqa: E402
from retrieval.semantic import default_encoder  # noqa: E402

SAMPLE = 50_000
SEED = 29


def _npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An .npz with fixed member times, so the same arrays always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, values in arrays.items():
            member = io.BytesIO()
            np.save(member, values, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="save the projection")
    args = parser.parse_args()
    data = json.loads(SQUAD1.read_text(encoding="utf-8"))["data"]
    texts: list[str] = []
    for index, entry in enumerate(data):
        if entry["title"] in NOT_IN_SQUAD2_DEV:
            squad = SquadArticle(entry["title"], tuple(p["context"] for p in entry["paragraphs"]))
            article, _starts = as_article(index, squad)
            texts.extend(s.text for s in Corpus([article]).sentences)
    encoder = default_encoder()
    raw = np.concatenate(encoder.raw_pieces(texts))
    print(f"{len(texts)} sentences, {len(raw)} content pieces")
    chosen = np.sort(np.random.default_rng(SEED).choice(len(raw), min(SAMPLE, len(raw)), False))
    sample = raw[chosen].astype(np.float64)
    mean = sample.mean(axis=0)
    _u, spread, directions = np.linalg.svd(sample - mean, full_matrices=False)
    components = directions[:DIMENSIONS].T  # (384, DIMENSIONS)
    signs = np.sign(components[np.abs(components).argmax(axis=0), np.arange(DIMENSIONS)])
    components = components * signs
    kept = float((spread[:DIMENSIONS] ** 2).sum() / (spread**2).sum())
    print(f"{DIMENSIONS} directions keep {kept:.3f} of the sample's variance")
    payload = _npz_bytes(
        {"mean": mean.astype(np.float32), "components": components.astype(np.float32)}
    )
    print("sha256:", hashlib.sha256(payload).hexdigest())
    if args.write:
        (ROOT / "retrieval" / "weights" / PROJECTION_FILE).write_bytes(payload)
        print(f"wrote retrieval/weights/{PROJECTION_FILE}")


if __name__ == "__main__":
    main()
