"""SQuAD v1.1 dev sentence-retrieval benchmark: our engine next to plain rank-bm25, one run.

Usage: python benchmarks/squad.py [--squad PATH] [--split heldout|tune|all] [--no-pooled]

The file is the official dev set (https://rajpurkar.github.io/SQuAD-explorer/dataset/dev-v1.1.json).
A question is answered correctly by the sentence that contains one of its answers' answer_start.
Two protocols: per article (each article indexed alone) and pooled (all sentences in one index,
as ReQA does). Tuning used only the first 24 articles; the report is on the other 24.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval import Answerer, Article, Corpus, Policy
from retrieval.article import parse_article

DEFAULT_SQUAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "squad" / "dev-v1.1.json"
_BASELINE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_BASELINE_TOKEN = re.compile(r"\w+")
RANKING_ONLY = Policy(refuse=False)
# MRR is computed over the first 100 ranked sentences (a later rank adds under 0.01).
RANK_DEPTH = 100


@dataclass(frozen=True)
class Question:
    text: str
    article: int
    paragraph: int
    answer_starts: tuple[int, ...]


@dataclass(frozen=True)
class SquadArticle:
    title: str
    paragraphs: tuple[str, ...]


def load_squad(path: Path) -> tuple[list[SquadArticle], list[Question]]:
    """Articles and questions of the SQuAD file."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    articles: list[SquadArticle] = []
    questions: list[Question] = []
    for a, entry in enumerate(data):
        paragraphs = tuple(p["context"] for p in entry["paragraphs"])
        articles.append(SquadArticle(entry["title"], paragraphs))
        for p, paragraph in enumerate(entry["paragraphs"]):
            for qa in paragraph["qas"]:
                starts = tuple(sorted({ans["answer_start"] for ans in qa["answers"]}))
                questions.append(Question(qa["question"], a, p, starts))
    return articles, questions


def _flatten(paragraph: str) -> str:
    # Our article format is one paragraph per line; SQuAD paragraphs have no newlines to lose.
    return paragraph.replace("\n", " ")


def as_article(index: int, article: SquadArticle, titled: bool = True) -> tuple[Article, list[int]]:
    """Our Article for a SQuAD article, and where each paragraph starts in the article text:
    its title on the first line, or (``titled`` false) the paragraphs alone, one a line."""
    text = article.title.replace("_", " ") + "\n" if titled else ""
    starts: list[int] = []
    for paragraph in article.paragraphs:
        starts.append(len(text))
        text += _flatten(paragraph) + "\n"
    parsed = parse_article(Path(f"squad-{index:02d}.txt"), text.encode("utf-8"))
    return parsed, starts


def _is_correct(start: int, end: int, paragraph_start: int, question: Question) -> bool:
    return any(
        paragraph_start + s >= start and paragraph_start + s < end for s in question.answer_starts
    )


@dataclass
class Tally:
    n: int = 0
    hits1: int = 0
    rr: float = 0.0
    hits5: int = 0
    hits10: int = 0
    seconds: float = 0.0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None:
            self.hits1 += rank == 1
            self.hits5 += rank <= 5
            self.hits10 += rank <= 10
            self.rr += 1 / rank

    def row(self, name: str) -> str:
        n = max(self.n, 1)
        return (
            f"{name:<34}{self.n:>7}{self.hits1 / n:>8.3f}{self.rr / n:>8.3f}"
            f"{self.hits5 / n:>8.3f}{self.hits10 / n:>8.3f}{self.seconds * 1000 / n:>10.2f}"
        )


def _first_correct(ranked: Sequence[int], correct: Callable[[int], bool]) -> int | None:
    return next((r for r, doc in enumerate(ranked, start=1) if correct(doc)), None)


def ours_rank(
    answerer: Answerer, question: Question, paragraph_start: Callable[[Question], int]
) -> int | None:
    answer = answerer.ask(question.text, top_k=10, pool=RANK_DEPTH - 10)
    ranked = [*answer.passages, *answer.rest]
    article_id = f"squad-{question.article:02d}"
    start = paragraph_start(question)
    return _first_correct(
        range(len(ranked)),
        lambda i: (
            ranked[i].sentence.article_id == article_id
            and _is_correct(ranked[i].sentence.start, ranked[i].sentence.end, start, question)
        ),
    )


@dataclass(frozen=True)
class BaselineSentence:
    article: int
    paragraph: int
    start: int  # offset inside the paragraph
    end: int


def baseline_sentences(index: int, article: SquadArticle) -> list[BaselineSentence]:
    found: list[BaselineSentence] = []
    for p, paragraph in enumerate(article.paragraphs):
        cursor = 0
        for piece in _BASELINE_SPLIT.split(paragraph):
            start = paragraph.find(piece, cursor)
            found.append(BaselineSentence(index, p, start, start + len(piece)))
            cursor = start + len(piece)
    return found


def baseline_tokens(text: str) -> list[str]:
    return _BASELINE_TOKEN.findall(text.lower())


def baseline_rank(
    bm25: BM25Okapi, sentences: Sequence[BaselineSentence], question: Question
) -> int | None:
    scores = bm25.get_scores(baseline_tokens(question.text))
    order = np.lexsort((np.arange(len(scores)), -scores))
    return _first_correct(
        order.tolist(),
        lambda i: (
            sentences[i].article == question.article
            and sentences[i].paragraph == question.paragraph
            and any(sentences[i].start <= s < sentences[i].end for s in question.answer_starts)
        ),
    )


def baseline_index(
    articles: Sequence[SquadArticle], sentences: Sequence[BaselineSentence]
) -> BM25Okapi:
    """Plain rank-bm25 over the regex-split sentences."""
    return BM25Okapi(
        [
            baseline_tokens(articles[s.article].paragraphs[s.paragraph][s.start : s.end])
            for s in sentences
        ]
    )


def compare(
    questions: Sequence[Question],
    ours_for: Callable[[Question], Answerer],
    baseline_for: Callable[[Question], tuple[BM25Okapi, Sequence[BaselineSentence]]],
    paragraph_start: Callable[[Question], int],
) -> tuple[Tally, Tally]:
    """Rank every question with both systems, timing each."""
    ours, base = Tally(), Tally()
    for q in questions:
        answerer = ours_for(q)
        bm25, sentences = baseline_for(q)
        t0 = time.perf_counter()
        ours.add(ours_rank(answerer, q, paragraph_start))
        t1 = time.perf_counter()
        base.add(baseline_rank(bm25, sentences, q))
        t2 = time.perf_counter()
        ours.seconds += t1 - t0
        base.seconds += t2 - t1
    return ours, base


def report(ours: Tally, base: Tally) -> None:
    """The two rows and their difference."""
    print(base.row("rank-bm25, regex split, \\w+ tokens"))
    print(ours.row("article-bot engine"))
    print(difference(ours, base))


def difference(ours: Tally, base: Tally) -> str:
    n = max(ours.n, 1)
    return (
        f"difference: P@1 {(ours.hits1 - base.hits1) / n:+.3f}, MRR {(ours.rr - base.rr) / n:+.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    parser.add_argument("--split", choices=("heldout", "tune", "all"), default="heldout")
    parser.add_argument("--no-pooled", action="store_true", help="skip the pooled protocol")
    args = parser.parse_args()
    squad_articles, questions = load_squad(args.squad)
    chosen = {
        "tune": range(24),
        "heldout": range(24, len(squad_articles)),
        "all": range(len(squad_articles)),
    }[args.split]
    questions = [q for q in questions if q.article in chosen]
    converted = {i: as_article(i, squad_articles[i]) for i in range(len(squad_articles))}
    base_sents = {i: baseline_sentences(i, squad_articles[i]) for i in chosen}
    print(f"SQuAD v1.1 dev, {args.split} articles ({len(chosen)}), {len(questions)} questions")
    header = f"{'system':<34}{'n':>7}{'P@1':>8}{'MRR':>8}{'R@5':>8}{'R@10':>8}{'ms/q':>10}"

    def para_start(q: Question) -> int:
        return converted[q.article][1][q.paragraph]

    print("\nper article (each article indexed alone)")
    print(header)
    answerers = {a: Answerer(Corpus([converted[a][0]]), RANKING_ONLY) for a in chosen}
    indexes = {a: baseline_index(squad_articles, base_sents[a]) for a in chosen}
    report(
        *compare(
            questions,
            lambda q: answerers[q.article],
            lambda q: (indexes[q.article], base_sents[q.article]),
            para_start,
        )
    )
    if args.no_pooled:
        return
    print("\npooled (all articles' sentences in one index, ReQA protocol)")
    print(header)
    corpus = Corpus([converted[i][0] for i in range(len(squad_articles))])
    pooled = Answerer(corpus, RANKING_ONLY)
    all_sents = [
        s for i in range(len(squad_articles)) for s in baseline_sentences(i, squad_articles[i])
    ]
    bm25 = baseline_index(squad_articles, all_sents)
    print(f"(ours: {len(corpus.sentences)} sentences; baseline: {len(all_sents)} sentences)")
    report(*compare(questions, lambda q: pooled, lambda q: (bm25, all_sents), para_start))


if __name__ == "__main__":
    main()
