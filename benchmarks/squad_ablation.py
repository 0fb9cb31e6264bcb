"""One change at a time on SQuAD's tuning half, per article: python benchmarks/squad_ablation.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from squad import DEFAULT_SQUAD, RANKING_ONLY, Tally, as_article, load_squad, ours_rank

from retrieval import Answerer, BM25Parameters, Corpus, IndexSettings, Policy

VARIANTS: dict[str, tuple[IndexSettings, Policy]] = {
    "shipped": (IndexSettings(), RANKING_ONLY),
    "b=0.75": (IndexSettings(bm25=BM25Parameters(k1=1.5, b=0.75)), RANKING_ONLY),
    "k1=1.2": (IndexSettings(bm25=BM25Parameters(k1=1.2, b=0.5)), RANKING_ONLY),
    "no coverage in ranking": (
        IndexSettings(),
        Policy(refuse=False, coverage_exponent=0),
    ),
    "coverage exponent 1": (
        IndexSettings(),
        Policy(refuse=False, coverage_exponent=1),
    ),
    "no lead-in context": (
        IndexSettings(),
        Policy(refuse=False, context_weight=0),
    ),
    "no name boost": (IndexSettings(), Policy(refuse=False, name_boost=1.0)),
}


def main() -> None:
    articles, questions = load_squad(DEFAULT_SQUAD)
    tune = range(24)
    converted = {i: as_article(i, articles[i]) for i in tune}
    wanted = sys.argv[1:] or list(VARIANTS)
    for name in wanted:
        settings, policy = VARIANTS[name]
        tally = Tally()
        for a in tune:
            answerer = Answerer(Corpus([converted[a][0]], settings=settings), policy)
            for q in (q for q in questions if q.article == a):
                tally.add(ours_rank(answerer, q, lambda q: converted[q.article][1][q.paragraph]))
        print(tally.row(name), flush=True)


if __name__ == "__main__":
    main()
