"""SQuAD 2.0 per article: our three answers next to plain rank-bm25 with a score threshold.

Usage: python benchmarks/squad2.py [--squad2 PATH] [--split heldout|train|all] [--no-semantic]
                                   [--no-title]

Each article is indexed alone with no synonyms (as a new article dropped into an empty seeds
folder; with --no-title its file holds the paragraphs alone, one a line, with no title line
before them). For answerable questions: P@1 (the first passage holds an answer's answer_start,
whether or not the bot was sure), refused, not sure. For unanswerable ones: refused, not sure,
answered confidently. The baseline is rank-bm25's BM25Okapi over regex sentences and \\w+
tokens, refusing when its best score is under a threshold chosen on the train articles to
refuse as many unanswerable questions as possible while refusing at most 5% of answerable ones.
The split follows benchmarks/train_models.py: articles 0, 2, 4, 6 trained the models.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks folder itself, not the package name: pySBD installs a top-level "benchmarks"
# package of its own, which would shadow this folder.
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from squad import (  # noqa: E402
    SquadArticle,
    as_article,
    baseline_index,
    baseline_sentences,
    baseline_tokens,
)

from retrieval import Answerer, Corpus  # noqa: E402
from retrieval.semantic import default_encoder  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "squad2" / "dev-v2.0-tune.json"


@dataclass
class Tally:
    answerable: int = 0
    unanswerable: int = 0
    p_at_1: int = 0
    refused_a: int = 0
    not_sure_a: int = 0
    refused_u: int = 0
    not_sure_u: int = 0
    confident_u: int = 0
    scores: list[tuple[float, bool]] = field(default_factory=list)  # baseline: (best, answerable)

    def row(self, name: str) -> str:
        a, u = max(self.answerable, 1), max(self.unanswerable, 1)
        return (
            f"{name:<24}{self.answerable:>6}{self.p_at_1 / a:>7.3f}{self.refused_a / a:>9.3f}"
            f"{self.not_sure_a / a:>9.3f}{(self.refused_a + self.not_sure_a) / a:>9.3f}"
            f"{self.unanswerable:>6}{self.refused_u / u:>9.3f}{self.not_sure_u / u:>9.3f}"
            f"{(self.refused_u + self.not_sure_u) / u:>9.3f}"
        )


HEADER = (
    f"{'system':<24}{'ans':>6}{'P@1':>7}{'refused':>9}{'unsure':>9}{'ref|uns':>9}"
    f"{'unans':>6}{'refused':>9}{'unsure':>9}{'ref|uns':>9}"
)


def ours(entry: dict, index: int, tally: Tally, semantic: bool, titled: bool = True) -> None:
    squad = SquadArticle(entry["title"], tuple(p["context"] for p in entry["paragraphs"]))
    article, starts = as_article(index, squad, titled)
    encoder = default_encoder() if semantic else None
    answerer = Answerer(Corpus([article], encoder=encoder))
    for p, paragraph in enumerate(entry["paragraphs"]):
        for qa in paragraph["qas"]:
            answer = answerer.ask(qa["question"], top_k=1)
            offsets = [starts[p] + a["answer_start"] for a in qa["answers"]]
            if qa.get("is_impossible", False) or not offsets:
                tally.unanswerable += 1
                tally.refused_u += not answer.found
                tally.not_sure_u += answer.found and not answer.confident
                tally.confident_u += answer.confident
                continue
            tally.answerable += 1
            tally.refused_a += not answer.found
            tally.not_sure_a += answer.found and not answer.confident
            if answer.found:
                s = answer.passages[0].sentence
                tally.p_at_1 += any(s.start <= o < s.end for o in offsets)


def baseline(entry: dict, tally: Tally, threshold: float | None) -> None:
    """benchmarks/squad.py's rank-bm25 baseline on one article, refusing under ``threshold``."""
    squad = SquadArticle(entry["title"], tuple(p["context"] for p in entry["paragraphs"]))
    sentences = baseline_sentences(0, squad)
    index = baseline_index([squad], sentences)
    for p, paragraph in enumerate(entry["paragraphs"]):
        for qa in paragraph["qas"]:
            scores = index.get_scores(baseline_tokens(qa["question"]))
            top = int(np.argmax(scores))
            best = float(scores[top])
            answerable = not qa.get("is_impossible", False) and bool(qa["answers"])
            tally.scores.append((best, answerable))
            refused = threshold is not None and best < threshold
            if not answerable:
                tally.unanswerable += 1
                tally.refused_u += refused
                tally.confident_u += not refused
                continue
            tally.answerable += 1
            tally.refused_a += refused
            found = sentences[top]
            if not refused and found.paragraph == p:
                tally.p_at_1 += any(
                    found.start <= a["answer_start"] < found.end for a in qa["answers"]
                )


def choose_threshold(train: Tally) -> float:
    """The highest threshold refusing at most 5% of the train articles' answerable questions."""
    answerable = sorted(s for s, a in train.scores if a)
    return answerable[int(0.05 * len(answerable))] if answerable else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad2", type=Path, default=DEFAULT)
    parser.add_argument("--split", choices=("heldout", "train", "all"), default="heldout")
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--no-title", action="store_true", help="no title line in the files")
    args = parser.parse_args()
    data = json.loads(args.squad2.read_text(encoding="utf-8"))["data"]
    train_scores = Tally()
    for i, entry in enumerate(data):
        if i % 2 == 0:
            baseline(entry, train_scores, None)
    threshold = choose_threshold(train_scores)
    wanted = {"heldout": 1, "train": 0}.get(args.split)
    ours_total, base_total = Tally(), Tally()
    print(HEADER)
    for i, entry in enumerate(data):
        if wanted is not None and i % 2 != wanted:
            continue
        mine, base = Tally(), Tally()
        ours(entry, i, mine, not args.no_semantic, not args.no_title)
        baseline(entry, base, threshold)
        print(mine.row(f"ours {entry['title'][:19]}"))
        print(base.row(f"bm25 {entry['title'][:19]}"))
        for total, part in ((ours_total, mine), (base_total, base)):
            for name in (
                "answerable",
                "unanswerable",
                "p_at_1",
                "refused_a",
                "not_sure_a",
                "refused_u",
                "not_sure_u",
                "confident_u",
            ):
                setattr(total, name, getattr(total, name) + getattr(part, name))
    print(ours_total.row(f"ours ({args.split})"))
    print(base_total.row(f"rank-bm25 >= {threshold:.2f}"))


if __name__ == "__main__":
    main()
