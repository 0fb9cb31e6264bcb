"""Speed and memory side by side: ours, rank-bm25, bm25s (default and numba), three corpora.

Usage: python benchmarks/performance.py [--corpora article,squad,large] [--questions 600]
                                        [--systems ...] [--runs 1]

How it is fair, and what each row means:
- Every (corpus, system) pair runs in a fresh child process, so every question of the first
  pass is asked for the first time in that process (cold: no cache of ours has seen it), and
  the same questions asked again make the warm pass. Memory is what building the index adds
  to the process's resident size (texts, tokens and imports already counted before), and the
  whole process's peak.
- Questions are distinct and drawn across the corpus: on the article, every distinct question
  of our four question files; on SQuAD and the 100k corpus, SQuAD dev questions sampled with a
  fixed seed from all 48 articles.
- Every system's question time includes its own question tokenisation: ours its analyzer (typo
  tolerance, synonyms, both fields, the decision and the cited passages: question text in,
  answer out); rank-bm25 and bm25s `bm25s.tokenize` with PyStemmer's English stemmer at their
  defaults (the corpus is tokenised the same way, outside the timing), then the best 3.
- bm25s runs at its defaults and with its fastest documented backend (`backend="numba"`); the
  numba JIT compile, paid once by the first question, is reported apart as compile s.
- `ours` is BM25 alone with the article's shipped synonyms (`ours-nosyn` without them);
  `ours-semantic` adds the sentence embeddings (vectors read from benchmarks/.cache after the
  first run, whose encoding benchmarks/semantic_scale.py measures); `ours-index` is our BM25
  index alone on our analyzer's tokens, the like-for-like comparison of the arithmetic.
- load s is ours reading and splitting the articles' text into sentences (the peers are given
  our sentences); build s is making the index from them; warm-up s is what the bot runs once
  at start (wordfreq's and pycountry's tables, each article's countries, then a collection and
  `gc.freeze()`), not counted in index MB.
The parent checks that our index's scores equal rank-bm25's on the same tokens, both at
rank-bm25's defaults and as the corpus configures its index (k1 1.5, b 0.5).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# The benchmarks folder itself, not the package name: pySBD installs a top-level "benchmarks"
# package of its own, which would shadow this folder.
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "benchmarks" / ".cache"
QUESTION_FILES = ("questions-dev", "questions-test", "blind-dev", "blind-test")
SYSTEMS = (
    "ours",
    "ours-nosyn",
    "ours-semantic",
    "ours-index",
    "rank-bm25",
    "bm25s",
    "bm25s-numba",
)
TOP = 3


def _resident_mb() -> float:
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    """This process's own peak (VmHWM): ru_maxrss would carry the parent's peak over exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _corpus_file(name: str) -> Path:
    """The corpus's articles as plain text, assembled once (SQuAD and the 100k corpus)."""
    path = CACHE / f"{name}.jsonl"
    if not path.exists():
        from corpora import large_articles, squad_articles

        CACHE.mkdir(exist_ok=True)
        articles = squad_articles() if name == "squad" else large_articles()
        with path.open("w", encoding="utf-8") as out:
            for article in articles:
                out.write(json.dumps({"name": article.path.name, "text": article.text}) + "\n")
    return path


def load_articles(name: str) -> tuple[list[Any], list[Any]]:
    """Our articles, read and split, and the synonym rules the corpus ships."""
    from retrieval.article import parse_article
    from retrieval.formats.reading import read_article
    from retrieval.loading import article_paths
    from retrieval.synonyms import SYNONYMS_FILE_NAME, load_synonyms

    if name == "article":
        seeds = ROOT / "seeds"
        return [read_article(p) for p in article_paths(seeds)], list(
            load_synonyms(seeds / SYNONYMS_FILE_NAME)
        )
    rows = map(json.loads, _corpus_file(name).read_text(encoding="utf-8").splitlines())
    return [parse_article(Path(r["name"]), r["text"].encode("utf-8")) for r in rows], []


def _sentences_file(name: str) -> Path:
    """Our sentences of the corpus, one per line, for the peers (made once by the parent)."""
    path = CACHE / f"{name}-sentences.json"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        articles, _rules = load_articles(name)
        texts = [s.text for a in articles for s in a.sentences]
        path.write_text(json.dumps(texts), encoding="utf-8")
    return path


def questions(name: str, count: int) -> list[str]:
    """Distinct questions: all of our files' on the article, else sampled across SQuAD."""
    if name == "article":
        from retrieval.evaluation import read_questions

        found = [
            q.question
            for f in QUESTION_FILES
            for q in read_questions(ROOT / "tests" / "data" / f"{f}.jsonl")
        ]
    else:
        from corpora import squad_questions

        found = squad_questions()
    distinct = list(dict.fromkeys(found))
    if name != "article" and len(distinct) > count:
        distinct = random.Random(17).sample(distinct, count)
    return distinct[:count]


def _summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median_ms": statistics.median(ordered),
        "p99_ms": ordered[max(0, round(len(ordered) * 0.99) - 1)],
    }


def _passes(ask: Callable[[str], object], asked: list[str]) -> dict[str, Any]:
    """Cold: each question for the first time in this process; warm: all of them again."""
    result: dict[str, Any] = {}
    for label in ("cold", "warm"):
        timings = []
        for question in asked:
            started = time.perf_counter()
            ask(question)
            timings.append((time.perf_counter() - started) * 1000)
        result.update({f"{label}_{k}": v for k, v in _summary(timings).items()})
    return result


def _ours(name: str, system: str, asked: list[str]) -> dict[str, Any]:
    from retrieval import Answerer, Corpus
    from retrieval.loading import collector_paused

    started = time.perf_counter()
    with collector_paused():  # as load_corpus reads
        articles, rules = load_articles(name)
    load = time.perf_counter() - started
    encoder = None
    model_s = 0.0
    if system == "ours-semantic":
        from retrieval.semantic import default_encoder

        started = time.perf_counter()
        encoder = default_encoder(CACHE / "vectors")
        model_s = time.perf_counter() - started
    if system == "ours-nosyn":
        rules = []
    before = _resident_mb()
    started = time.perf_counter()
    with collector_paused():  # as load_corpus builds it
        corpus = Corpus(
            articles,
            rules,
            cache_dir=CACHE / "vectors" if encoder is not None else None,
            encoder=encoder,
        )
    answerer = Answerer(corpus)
    build = time.perf_counter() - started
    added = _resident_mb() - before
    # What the bot does once at start (bot/warm_start.py): the answer path's libraries
    # (wordfreq's lists, pycountry) and each article's countries load here rather than inside
    # the first user's question, then everything alive is frozen for the garbage collector.
    from bot.warm_start import warm_and_freeze

    started = time.perf_counter()
    warm_and_freeze(answerer)
    warm = time.perf_counter() - started
    row = {"sentences": len(corpus.sentences), "load_s": load, "build_s": build}
    row |= {"warm_s": warm, "index_mb": added, "model_s": model_s}
    return row | _passes(lambda q: answerer.ask(q), asked)


def _ours_index(name: str, asked: list[str]) -> dict[str, Any]:
    from retrieval import BM25Index, Corpus

    articles, _rules = load_articles(name)
    corpus = Corpus(articles)
    documents = [corpus.analyzer.document_terms(s.text) for s in corpus.sentences]
    analyzer = corpus.analyzer
    del corpus
    gc.collect()
    before = _resident_mb()
    started = time.perf_counter()
    index = BM25Index(documents)
    build = time.perf_counter() - started
    added = _resident_mb() - before
    k = min(TOP, index.size)

    def ask(question: str) -> None:
        scores = index.scores([t.term for t in analyzer.query(question)])
        top = np.argpartition(-scores, k - 1)[:k]
        top[np.argsort(-scores[top])]

    row = {"sentences": len(documents), "build_s": build, "index_mb": added}
    return row | _passes(ask, asked)


def _peer(name: str, system: str, asked: list[str]) -> dict[str, Any]:
    import bm25s
    import Stemmer

    texts: list[str] = json.loads(_sentences_file(name).read_text(encoding="utf-8"))
    stemmer = Stemmer.Stemmer("english")
    k = min(TOP, len(texts))
    compile_s = 0.0
    if system == "rank-bm25":
        from rank_bm25 import BM25Okapi

        tokens = bm25s.tokenize(texts, stemmer=stemmer, return_ids=False, show_progress=False)
        gc.collect()
        before = _resident_mb()
        started = time.perf_counter()
        okapi = BM25Okapi(tokens)
        build = time.perf_counter() - started

        def ask(question: str) -> None:
            query = bm25s.tokenize(question, stemmer=stemmer, return_ids=False, show_progress=False)
            scores = okapi.get_scores(query[0])
            top = np.argpartition(-scores, k - 1)[:k]
            top[np.argsort(-scores[top])]

    else:
        tokenized = bm25s.tokenize(texts, stemmer=stemmer, show_progress=False)
        gc.collect()
        before = _resident_mb()
        started = time.perf_counter()
        retriever = bm25s.BM25(backend="numba") if system == "bm25s-numba" else bm25s.BM25()
        retriever.index(tokenized, show_progress=False)
        build = time.perf_counter() - started

        def ask(question: str) -> None:
            query = bm25s.tokenize(question, stemmer=stemmer, show_progress=False)
            if query.vocab:  # bm25s refuses a question with no word it can index
                retriever.retrieve(query, k=k, show_progress=False)

        if system == "bm25s-numba":
            # The JIT compile happens on the first retrieval; a sentence of the corpus (never
            # one of the questions) pays it, and its time is reported on its own.
            started = time.perf_counter()
            ask(texts[0])
            compile_s = time.perf_counter() - started
    added = _resident_mb() - before
    row = {"sentences": len(texts), "build_s": build, "index_mb": added, "compile_s": compile_s}
    return row | _passes(ask, asked)


def child(name: str, system: str, count: int) -> dict[str, Any]:
    """One system over one corpus, in this (fresh) process."""
    asked = questions(name, count)
    if system.startswith("ours") and system != "ours-index":
        row = _ours(name, system, asked)
    elif system == "ours-index":
        row = _ours_index(name, asked)
    else:
        row = _peer(name, system, asked)
    return row | {"questions": len(asked), "peak_mb": _peak_mb()}


def check_exactness(name: str, count: int) -> list[str]:
    """Our index's scores against rank-bm25's get_scores on the same tokens: at rank-bm25's
    defaults, and the corpus's own index as it is configured."""
    from rank_bm25 import BM25Okapi

    from retrieval import BM25Index, Corpus

    articles, rules = load_articles(name)
    corpus = Corpus(articles, rules)
    documents = [corpus.analyzer.document_terms(s.text) for s in corpus.sentences]
    queries = [[t.term for t in corpus.analyzer.query(q)] for q in questions(name, count)]
    params = corpus.settings.bm25
    pairs = (
        ("rank-bm25 defaults", BM25Index(documents), BM25Okapi(documents)),
        (
            f"as configured (k1 {params.k1}, b {params.b})",
            corpus.own,
            BM25Okapi(documents, k1=params.k1, b=params.b, epsilon=params.epsilon),
        ),
    )
    lines = []
    for label, ours, theirs in pairs:
        same = 0
        for query in queries:
            a, b = ours.scores(query), theirs.get_scores(query)
            top_a = np.argsort(-a, kind="stable")[:10]
            top_b = np.argsort(-b, kind="stable")[:10]
            if np.allclose(a, b, rtol=1e-9, atol=1e-12) and (top_a == top_b).all():
                same += 1
        lines.append(f"{label}: {same}/{len(queries)} questions, identical scores and top 10")
    return lines


def _prepare_vectors(name: str) -> None:
    """Encode the corpus's sentences once into the benchmark's cache (at 100k sentences a few
    minutes, measured by benchmarks/semantic_scale.py), so ours-semantic's build reads them."""
    from retrieval import Corpus
    from retrieval.semantic import default_encoder

    articles, rules = load_articles(name)
    Corpus(articles, rules, cache_dir=CACHE / "vectors", encoder=default_encoder(CACHE / "vectors"))


def _run_child(name: str, system: str, count: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", name, system, "--questions", str(count)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": tail[0]}
    row: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return row


def _cell(rows: list[dict[str, Any]], key: str, fmt: str) -> str:
    values = [r[key] for r in rows if key in r]
    if not values:
        return "-"
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(min(values), fmt)}-{format(max(values), fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", default="article,squad,large")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--questions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=1, help="runs of each pair, alternating")
    parser.add_argument("--check", type=int, default=100, help="questions for the exactness check")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "SYSTEM"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.questions)))
        return
    systems = [s for s in args.systems.split(",") if s]
    columns = (
        ("sentences", "d", "sentences"),
        ("questions", "d", "questions"),
        ("load_s", ".2f", "load s"),
        ("build_s", ".2f", "build s"),
        ("warm_s", ".2f", "warm-up s"),
        ("compile_s", ".2f", "compile s"),
        ("index_mb", ".0f", "index MB"),
        ("peak_mb", ".0f", "peak MB"),
        ("cold_median_ms", ".3f", "cold median ms"),
        ("cold_p99_ms", ".3f", "cold p99 ms"),
        ("warm_median_ms", ".3f", "warm median ms"),
        ("warm_p99_ms", ".3f", "warm p99 ms"),
    )
    print("| corpus | system | " + " | ".join(c[2] for c in columns) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in columns) + " |")
    for name in args.corpora.split(","):
        if name != "article":
            _corpus_file(name)  # assembled once, outside the timed children
        _sentences_file(name)
        # Only the article ships synonyms: without them is the same row elsewhere.
        systems_here = [s for s in systems if name == "article" or s != "ours-nosyn"]
        if "ours-semantic" in systems_here:
            _prepare_vectors(name)
        results: dict[str, list[dict[str, Any]]] = {s: [] for s in systems_here}
        for _run in range(args.runs):
            for system in systems_here:  # alternating: a slow moment falls on every system
                results[system].append(_run_child(name, system, args.questions))
        for system, rows in results.items():
            good = [r for r in rows if "error" not in r]
            if not good:
                print(f"| {name} | {system} | failed: {rows[0]['error']} |")
                continue
            cells = [_cell(good, key, fmt) for key, fmt, _title in columns]
            print(f"| {name} | {system} | " + " | ".join(cells) + " |")
        for line in check_exactness(name, args.check):
            print(f"{name}: exactness, {line}")


if __name__ == "__main__":
    main()
