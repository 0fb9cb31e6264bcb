"""Our question files, scored four ways: semantic on or off, shipped synonyms or none.

Usage: python benchmarks/quality_table.py
The -dev files trained the models (benchmarks/train_models.py); the -test files never did.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval import Answerer, load_corpus  # noqa: E402
from retrieval.evaluation import evaluate, read_questions, score  # noqa: E402
from retrieval.semantic import default_encoder  # noqa: E402

FILES = ("blind-dev", "blind-test", "questions-dev", "questions-test")


def main() -> None:
    with tempfile.TemporaryDirectory() as bare:
        shutil.copy(ROOT / "seeds" / "coalition-of-will.txt", bare)
        print(
            f"{'file':<16}{'semantic':<9}{'synonyms':<9}{'P@1':>6}{'R@3':>6}{'MRR':>6}"
            f"{'right':>7}{'a.ref':>7}{'a.uns':>7}{'u.conf':>7}{'u.ref':>7}{'ECE':>6}{'len':>5}"
        )
        for semantic in (True, False):
            encoder = default_encoder() if semantic else None
            for synonyms, folder in (("shipped", ROOT / "seeds"), ("none", Path(bare))):
                answerer = Answerer(load_corpus(folder, encoder=encoder))
                for name in FILES:
                    s = score(
                        evaluate(answerer, read_questions(ROOT / "tests/data" / f"{name}.jsonl"))
                    )
                    print(
                        f"{name:<16}{'on' if semantic else 'off':<9}{synonyms:<9}"
                        f"{s.p_at_1:>6.3f}{s.r_at_3:>6.3f}{s.mrr_at_10:>6.3f}{s.answered_right:>7.3f}"
                        f"{s.refused_answerable:>7.3f}{s.not_sure_answerable:>7.3f}"
                        f"{s.confident_unanswerable:>7.3f}{s.refused_unanswerable:>7.3f}"
                        f"{s.ece:>6.3f}{s.mean_top_length:>5.0f}"
                    )


if __name__ == "__main__":
    main()
