"""Train the ordering model and the calibrated decision, reproducibly, from public data.

Usage: python benchmarks/train_models.py [--write] [--no-semantic]

Data (nothing here is tuned by hand):
- SQuAD 2.0 (shared/data/squad2, 8 articles): articles 0, 2, 4, 6 of the file train both
  models; 1, 3, 5, 7 are held out and only reported. Each article is indexed alone with no
  synonyms, as a new article would be.
- SQuAD v1.1 dev (shared/data/squad): the 13 articles that are not in the official SQuAD 2.0
  dev set at all, for the ordering model only (answerable questions: more sentences to learn
  the order from), so that no SQuAD 2.0 dev article outside shared/ is trained on either.
- tests/data/blind-dev.jsonl and questions-dev.jsonl on the bundled article (with its shipped
  synonyms, as deployed), weighted up so a few hundred article questions count beside
  thousands of Wikipedia ones. The -test files are never used here.

The ordering model is a listwise softmax over each question's candidates (which of them holds
the answer) over CANDIDATE_FEATURES; the decision is a logistic regression of "the first
passage holds the answer" over QUESTION_FEATURES, for answerable and unanswerable questions
alike, so its output is the probability the issue asks for. Its first signal is the score of
a second, pointwise model of "this candidate holds the answer" (the evidence model): listwise
scores only compare the candidates of one question. Thresholds are chosen on the training data:
`shown_at` keeps at most 3% of answerable questions from being refused; `confident_at`
balances confident right answers against confident answers to unanswerable questions on the
article questions (see thresholds()). --write saves retrieval/weights/.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks folder itself, not the package name: pySBD installs a top-level "benchmarks"
# package of its own, which would shadow this folder.
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from squad import SquadArticle, as_article  # noqa: E402

from retrieval import Answerer, Corpus, load_corpus  # noqa: E402
from retrieval.article import parse_article  # noqa: E402
from retrieval.decision import Decider, neutral_decider  # noqa: E402
from retrieval.evaluation import gold_pattern, passage_matches, read_questions  # noqa: E402
from retrieval.linear import LinearModel  # noqa: E402
from retrieval.ordering import bm25_order_model  # noqa: E402
from retrieval.semantic import Encoder, default_encoder  # noqa: E402
from retrieval.signals import CANDIDATE_FEATURES, QUESTION_FEATURES  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SQUAD2 = SHARED / "squad2" / "dev-v2.0-tune.json"
SQUAD1 = SHARED / "squad" / "dev-v1.1.json"
WEIGHTS = ROOT / "retrieval" / "weights"
# The SQuAD v1.1 dev articles that the official SQuAD 2.0 dev set (35 articles) leaves out: the
# ordering model learns from these alone, so no SQuAD 2.0 dev article (the held-out half that
# issue 13 measures on included) is ever trained on.
NOT_IN_SQUAD2_DEV = frozenset(
    {
        "Super_Bowl_50",
        "Warsaw",
        "Nikola_Tesla",
        "Teacher",
        "Martin_Luther",
        "Apollo_program",
        "Newcastle_upon_Tyne",
        "Victoria_and_Albert_Museum",
        "American_Broadcasting_Company",
        "Genghis_Khan",
        "Doctor_Who",
        "Kenya",
        "Chloroplast",
    }
)
ARTICLE_WEIGHT = 5.0
CANDIDATES = 20
L2 = 1.0
# Near misses made by cutting answers out (removed_answer_items): each article's answerable
# questions in this many shares, one cut at a time, so most of the article stays.
REMOVED_PARTS = 5
# The weight of each question --extra adds to the decision's training.
EXTRA_WEIGHT = 1.0


@dataclass
class Item:
    """One question with what the answer path measured and which candidates are right."""

    source: str
    split: str  # train or heldout
    answerable: bool
    question: str
    correct: Callable[[int], bool]  # is the sentence at this corpus position an answer?
    answerer: Answerer
    weight: float


def squad_items(
    path: Path, split_of: Callable[[int], str | None], encoder: Encoder | None, source: str
) -> list[Item]:
    """Questions of a SQuAD file, each article indexed alone (no synonyms)."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    items: list[Item] = []
    for index, entry in enumerate(data):
        split = split_of(index)
        if split is None:
            continue
        squad = SquadArticle(entry["title"], tuple(p["context"] for p in entry["paragraphs"]))
        article, starts = as_article(index, squad)
        corpus = Corpus([article], encoder=encoder)
        answerer = training_answerer(corpus)
        sentences = corpus.sentences
        for p, paragraph in enumerate(entry["paragraphs"]):
            for qa in paragraph["qas"]:
                impossible = qa.get("is_impossible", False)
                offsets = sorted({starts[p] + a["answer_start"] for a in qa["answers"]})

                def correct(
                    doc: int, offsets: Sequence[int] = offsets, sentences: tuple = sentences
                ) -> bool:
                    s = sentences[doc]
                    return any(s.start <= o < s.end for o in offsets)

                items.append(
                    Item(
                        source,
                        split,
                        not impossible and bool(offsets),
                        qa["question"],
                        correct,
                        answerer,
                        1.0,
                    )
                )
    return items


def _without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the spans cut out (they do not overlap)."""
    kept, at = [], 0
    for start, end in sorted(spans):
        kept.append(text[at:start])
        at = end
    kept.append(text[at:])
    return "".join(kept)


def removed_answer_items(
    path: Path,
    split_of: Callable[[int], str | None],
    encoder: Encoder | None,
    source: str,
    weight: float,
) -> list[Item]:
    """Near misses made from answerable SQuAD questions: the article with the sentences that
    answer one share of its questions cut out, those questions asked of what is left. The
    article still speaks of the question's subject, in its other sentences, and no longer
    says the answer: the kind of question a reader asks that the article touches and does not
    answer. A question whose answer text still occurs anywhere in what is left is not used."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    items: list[Item] = []
    for index, entry in enumerate(data):
        if split_of(index) != "train":
            continue
        squad = SquadArticle(entry["title"], tuple(p["context"] for p in entry["paragraphs"]))
        article, starts = as_article(index, squad)
        sentences = Corpus([article]).sentences
        asked = [
            (qa["question"], [starts[p] + a["answer_start"] for a in qa["answers"]], qa["answers"])
            for p, paragraph in enumerate(entry["paragraphs"])
            for qa in paragraph["qas"]
            if not qa.get("is_impossible", False) and qa["answers"]
        ]
        for part in range(REMOVED_PARTS):
            chosen = asked[part::REMOVED_PARTS]
            offsets = {o for _q, found, _a in chosen for o in found}
            cut = [
                (s.start, s.end) for s in sentences if any(s.start <= o < s.end for o in offsets)
            ]
            text = _without(article.text, cut)
            folded = text.casefold()
            variant = parse_article(Path(f"removed-{index:02d}-{part}.txt"), text.encode("utf-8"))
            answerer = training_answerer(Corpus([variant], encoder=encoder))
            for question, _found, answers in chosen:
                if any(a["text"].casefold() in folded for a in answers):
                    continue
                items.append(
                    Item(source, "train", False, question, lambda _doc: False, answerer, weight)
                )
    return items


def file_items(path: Path, answerer: Answerer, split: str, weight: float) -> list[Item]:
    """Questions of one of our question files on the bundled article."""
    items: list[Item] = []
    sentences = answerer.corpus.sentences
    for q in read_questions(path):
        golds = [gold_pattern(g) for g in q.gold]

        def correct(doc: int, golds: Sequence[re.Pattern[str]] = golds) -> bool:
            return bool(golds) and passage_matches(sentences[doc].text, golds)

        items.append(Item(path.stem, split, q.answerable, q.question, correct, answerer, weight))
    return items


def _standardising(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each feature's mean and spread over the rows (a constant feature keeps a spread of 1)."""
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return x.mean(axis=0), scale


def training_answerer(corpus: Corpus) -> Answerer:
    """An answer path that keeps BM25's order and decides nothing: what the models learn from."""
    return Answerer(
        corpus,
        ranker=bm25_order_model(),
        evidence=bm25_order_model(),
        decider=neutral_decider(),
    )


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, names: Sequence[str]
) -> LinearModel:
    """L2-regularised logistic regression by Newton's method (deterministic), on standardised
    features; the bias is not regularised."""
    mean, scale = _standardising(x)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ w, -30, 30)))
        gradient = z.T @ (weights * (p - y)) + penalty * w
        hessian = (z * (weights * p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LinearModel(tuple(names), w[:-1], float(w[-1]), mean, scale)


def fit_listwise(
    groups: Sequence[tuple[np.ndarray, np.ndarray, float]], names: Sequence[str]
) -> LinearModel:
    """A listwise ordering model: per question, the softmax of its candidates' scores is fitted
    to the answer candidates (shared equally among them), L2-regularised, by Newton's method
    with a halving step (deterministic). It learns which candidate wins a question, not
    whether a candidate is right on its own; a score's level carries no meaning, so the
    bias is 0."""
    stacked = np.vstack([x for x, _, _ in groups])
    mean, scale = _standardising(stacked)
    zs = [(x - mean) / scale for x, _, _ in groups]
    targets = [y / y.sum() for _, y, _ in groups]
    weights = [w for _, _, w in groups]
    w = np.zeros(stacked.shape[1])

    def loss(b: np.ndarray) -> float:
        total = 0.5 * L2 * float(b @ b)
        for z, t, weight in zip(zs, targets, weights, strict=True):
            s = z @ b
            top = s.max()
            total += weight * float(np.log(np.exp(s - top).sum()) + top - t @ s)
        return total

    current = loss(w)
    for _ in range(100):
        gradient = L2 * w
        hessian = np.diag(np.full(len(w), L2))
        for z, t, weight in zip(zs, targets, weights, strict=True):
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            gradient += weight * (z.T @ (p - t))
            mean_z = z.T @ p
            hessian += weight * ((z * p[:, None]).T @ z - np.outer(mean_z, mean_z))
        step = np.linalg.solve(hessian, gradient)
        size = 1.0
        while size > 1e-6:
            trial = w - size * step
            trial_loss = loss(trial)
            if trial_loss <= current:
                break
            size /= 2
        w, current = trial, trial_loss
        if np.abs(size * step).max() < 1e-7:
            break
    return LinearModel(tuple(names), w, 0.0, mean, scale)


def ranker_groups(items: Sequence[Item]) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Per training question whose candidates hold an answer: its candidate rows, which of
    them are right, and the question's weight."""
    from retrieval.signals import candidate_matrix

    groups = []
    for item in items:
        if not item.answerable or item.split != "train":
            continue
        trace = item.answerer.trace(item.question, CANDIDATES)
        labels = [item.correct(c.document) for c in trace.candidates]
        if not any(labels):
            continue
        x = candidate_matrix(trace.candidates, len(trace.analysed.terms), trace.cosine_max)
        groups.append((x, np.asarray(labels, dtype=float), item.weight))
    return groups


@dataclass
class Measured:
    item: Item
    signals: np.ndarray | None
    top_correct: bool
    rank: int | None  # of the first correct candidate after ordering


def measure(items: Sequence[Item], ranker: LinearModel, evidence: LinearModel) -> list[Measured]:
    """Order every question's candidates with ``ranker`` and take its decision signals."""
    out: list[Measured] = []
    for item in items:
        item.answerer.ranker = ranker
        item.answerer.evidence = evidence
        trace = item.answerer.trace(item.question, CANDIDATES)
        rank = next(
            (i for i, c in enumerate(trace.ordered, start=1) if item.correct(c.document)), None
        )
        out.append(Measured(item, trace.signals, rank == 1, rank))
    return out


def thresholds(measured: Sequence[Measured], p: np.ndarray) -> tuple[float, float]:
    """shown_at: at most 3% of answerable questions refused (all training data, weighted).
    confident_at: on the article questions (the ones written as Discord users write), the
    threshold that maximises answered-confidently-and-right plus unanswerable-not-confident:
    a wrong confident answer and a right answer under a caveat weigh alike."""
    answerable = np.array([m.item.answerable for m in measured])
    w = np.array([m.item.weight for m in measured])
    a_p, a_w = p[answerable], w[answerable]
    order = np.argsort(a_p)
    cumulative = np.cumsum(a_w[order]) / a_w.sum()
    shown_at = float(a_p[order][np.searchsorted(cumulative, 0.03)])
    article = np.array([m.item.source not in {"squad1", "squad2"} for m in measured])
    right = np.array([m.top_correct for m in measured])
    best, confident_at = -1.0, 0.5
    for candidate in np.unique(np.round(p[article], 3)):
        conf = p >= candidate
        a = article & answerable
        u = article & ~answerable
        gain = (conf & right & a).sum() / max(a.sum(), 1) + (~conf & u).sum() / max(u.sum(), 1)
        if gain > best:
            best, confident_at = gain, float(candidate)
    return min(shown_at, confident_at), max(confident_at, shown_at)


def _auc(scores: np.ndarray, truth: np.ndarray) -> float:
    """The chance a right first passage scores above a wrong one (ties count half)."""
    pos, neg = scores[truth == 1], scores[truth == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def report(name: str, measured: Sequence[Measured], decider: Decider) -> dict[str, float]:
    """The three answers and calibration on one set of questions."""
    a = [m for m in measured if m.item.answerable]
    u = [m for m in measured if not m.item.answerable]
    conf = {
        id(m): (decider.confidence(m.signals) if m.signals is not None else 0.0) for m in measured
    }
    verdict = {k: decider.verdict(v) for k, v in conf.items()}

    def share(group: Sequence[Measured], test: Callable[[Measured], bool]) -> float:
        return sum(test(m) for m in group) / max(len(group), 1)

    def refused(m: Measured) -> bool:
        return m.signals is None or verdict[id(m)].value == "not_found"

    def confident(m: Measured) -> bool:
        return not refused(m) and verdict[id(m)].value == "answered"

    probs = np.array([conf[id(m)] for m in measured])
    truth = np.array([m.top_correct for m in measured], dtype=float)
    bins = np.minimum((probs * 10).astype(int), 9)
    ece = sum(
        abs(probs[bins == b].mean() - truth[bins == b].mean()) * (bins == b).sum()
        for b in range(10)
        if (bins == b).any()
    ) / max(len(measured), 1)
    row = {
        "n_answerable": len(a),
        "n_unanswerable": len(u),
        "p@1 (ranking)": share(a, lambda m: m.rank == 1),
        "p@1 (shown)": share(a, lambda m: m.rank == 1 and not refused(m)),
        "r@3": share(a, lambda m: m.rank is not None and m.rank <= 3 and not refused(m)),
        "answerable refused": share(a, refused),
        "answerable not sure": share(a, lambda m: not refused(m) and not confident(m)),
        "answered confidently and right": share(a, lambda m: confident(m) and m.rank == 1),
        "unanswerable not confident": share(u, lambda m: not confident(m)),
        "unanswerable refused": share(u, refused),
        "ece": float(ece),
        "auc": _auc(probs, truth),
        "brier": float(((probs - truth) ** 2).mean()) if len(measured) else 0.0,
    }
    print(
        f"{name:<26}"
        + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="save the models")
    parser.add_argument("--no-semantic", action="store_true", help="train the BM25-only models")
    parser.add_argument(
        "--extra",
        choices=("none", "squad1", "near-misses"),
        default="none",
        help="more questions for the decision: SQuAD v1.1's, and near misses made from them",
    )
    args = parser.parse_args()
    semantic = not args.no_semantic
    encoder = default_encoder() if semantic else None
    kind = "semantic" if semantic else "bm25"

    def squad2_split(index: int) -> str:
        return "train" if index % 2 == 0 else "heldout"

    squad2 = squad_items(SQUAD2, squad2_split, encoder, "squad2")
    squad1_data = json.loads(SQUAD1.read_text())["data"]
    chosen = [i for i, e in enumerate(squad1_data) if e["title"] in NOT_IN_SQUAD2_DEV]
    if len(chosen) != len(NOT_IN_SQUAD2_DEV):
        raise SystemExit(f"{SQUAD1} lacks some of the articles the ordering model learns from")

    def squad1_split(index: int) -> str | None:
        return "train" if index in chosen else None

    squad1 = squad_items(SQUAD1, squad1_split, encoder, "squad1")
    bundled = load_corpus(ROOT / "seeds", encoder=encoder)
    answerer = training_answerer(bundled)
    ours_train = [
        *file_items(ROOT / "tests/data/blind-dev.jsonl", answerer, "train", ARTICLE_WEIGHT),
        *file_items(ROOT / "tests/data/questions-dev.jsonl", answerer, "train", ARTICLE_WEIGHT),
    ]
    ours_test = [
        *file_items(ROOT / "tests/data/blind-test.jsonl", answerer, "heldout", 1.0),
        *file_items(ROOT / "tests/data/questions-test.jsonl", answerer, "heldout", 1.0),
    ]

    groups = ranker_groups([*squad2, *squad1, *ours_train])
    ranker = fit_listwise(groups, CANDIDATE_FEATURES)
    print("ranker:", dict(zip(CANDIDATE_FEATURES, np.round(ranker.weights, 3), strict=True)))
    # The evidence model: "this candidate holds the answer", each question counting once.
    evidence = fit_logistic(
        np.vstack([x for x, _, _ in groups]),
        np.concatenate([y for _, y, _ in groups]),
        np.concatenate([np.full(len(y), w / len(y)) for _, y, w in groups]),
        CANDIDATE_FEATURES,
    )
    print("evidence:", dict(zip(CANDIDATE_FEATURES, np.round(evidence.weights, 3), strict=True)))
    if not semantic:
        # Without the embedding, the listwise order did not beat the pointwise one on the
        # training questions of our files (docs/quality.md): BM25 alone keeps it.
        ranker = evidence

    extra: list[Item] = []
    if args.extra in ("squad1", "near-misses"):
        extra += [replace(i, weight=EXTRA_WEIGHT) for i in squad1 if i.split == "train"]
    if args.extra == "near-misses":
        extra += removed_answer_items(SQUAD2, squad2_split, encoder, "removed-squad2", EXTRA_WEIGHT)
        extra += removed_answer_items(SQUAD1, squad1_split, encoder, "removed-squad1", EXTRA_WEIGHT)
    print(f"decision's extra questions: {len(extra)}")
    train = [
        m
        for m in measure([*squad2, *ours_train, *extra], ranker, evidence)
        if m.item.split == "train"
    ]
    usable = [m for m in train if m.signals is not None]
    x = np.vstack([m.signals for m in usable])
    y = np.array([m.top_correct for m in usable], dtype=float)
    w = np.array([m.item.weight for m in usable])
    model = fit_logistic(x, y, w, QUESTION_FEATURES)
    print("decision:", dict(zip(QUESTION_FEATURES, np.round(model.weights, 3), strict=True)))
    probs = model.probabilities(x)
    shown_at, confident_at = thresholds(usable, probs)
    decider = Decider(model, confident_at, shown_at)
    print(f"thresholds: shown_at={shown_at:.3f} confident_at={confident_at:.3f}")

    results: dict[str, dict[str, float]] = {}
    heldout = measure([i for i in squad2 if i.split == "heldout"], ranker, evidence)
    for name, group in (
        ("squad2 train", [m for m in train if m.item.source == "squad2"]),
        ("squad2 held-out", heldout),
        ("blind-dev (trained)", [m for m in train if m.item.source == "blind-dev"]),
        ("questions-dev (trained)", [m for m in train if m.item.source == "questions-dev"]),
        ("near misses made (trained)", [m for m in train if m.item.source.startswith("removed")]),
        (
            "blind-test",
            measure([i for i in ours_test if i.source == "blind-test"], ranker, evidence),
        ),
        (
            "questions-test",
            measure([i for i in ours_test if i.source == "questions-test"], ranker, evidence),
        ),
    ):
        results[name] = report(name, group, decider)

    if args.write:
        trained_on = (
            "SQuAD 2.0 tune articles 0,2,4,6; the 13 SQuAD v1.1 dev articles not in SQuAD 2.0 "
            "dev (ordering only); tests/data/blind-dev.jsonl and questions-dev.jsonl x5 "
            "(benchmarks/train_models.py)"
        )
        (WEIGHTS / f"ranker-{kind}.json").write_text(
            json.dumps(
                {
                    "trained_on": trained_on,
                    "model": ranker.as_dict(),
                    "evidence": evidence.as_dict(),
                },
                indent=1,
            )
            + "\n"
        )
        (WEIGHTS / f"decision-{kind}.json").write_text(
            json.dumps(
                {
                    "trained_on": trained_on,
                    "model": model.as_dict(),
                    "confident_at": round(confident_at, 6),
                    "shown_at": round(shown_at, 6),
                    "measured": {
                        k: {m: round(v, 4) for m, v in r.items()} for k, r in results.items()
                    },
                },
                indent=1,
            )
            + "\n"
        )
        print(f"wrote retrieval/weights/ranker-{kind}.json and decision-{kind}.json")


if __name__ == "__main__":
    main()
