"""Sentence splitting beside pySBD, one run: the English Golden Rules, our HTML and PDF fixtures,
and SQuAD v1.1 dev paragraphs (answers cut in two by a boundary, agreement, speed).

Usage: python benchmarks/splitting.py [--squad PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pysbd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.text import split_sentences  # noqa: E402
from tests.sources import NEWS_PAGE, report_pdf  # noqa: E402

GOLDEN_RULES = ROOT / "tests" / "data" / "golden-rules-en.jsonl"
FIXTURE_GOLD = ROOT / "tests" / "data" / "sources" / "sentences.json"
DEFAULT_SQUAD = ROOT.parent / "shared" / "data" / "squad" / "dev-v1.1.json"

Splitter = Callable[[str], list[str]]


def ours(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def pysbd_splitter() -> Splitter:
    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def golden_rules(splitters: dict[str, Splitter]) -> None:
    cases = [json.loads(line) for line in GOLDEN_RULES.read_text(encoding="utf-8").splitlines()]
    print(f"English Golden Rules ({len(cases)} cases, Pragmatic Segmenter via pySBD's tests)")
    for name, split in splitters.items():
        failed = [c["rule"] for c in cases if split(c["text"]) != c["sentences"]]
        print(f"  {name:<8} {len(cases) - len(failed)}/{len(cases)} passed; failed: {failed}")


def fixtures(splitters: dict[str, Splitter]) -> None:
    from retrieval.formats.html import html_document
    from retrieval.formats.pdf import pdf_document

    gold = json.loads(FIXTURE_GOLD.read_text(encoding="utf-8"))
    documents = {
        "harbour-tram.html": html_document(NEWS_PAGE.read_bytes()),
        "flood-defences.pdf": pdf_document(report_pdf()),
    }
    print("Fixtures (paragraphs split exactly as the hand-checked gold)")
    for name, split in splitters.items():
        right = total = 0
        for fixture, paragraphs in gold.items():
            texts = [b.text for b in documents[fixture].blocks if b.role.value == "paragraph"]
            for text, expected in zip(texts, paragraphs, strict=True):
                right += split(text) == expected
                total += 1
        print(f"  {name:<8} {right}/{total} paragraphs")


def squad(splitters: dict[str, Splitter], path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    contexts = [(p["context"], p["qas"]) for a in data for p in a["paragraphs"]]
    print(f"SQuAD v1.1 dev: {len(contexts):,} paragraphs")
    results: dict[str, list[list[str]]] = {}
    for name, split in splitters.items():
        started = time.perf_counter()
        results[name] = [split(context) for context, _qas in contexts]
        seconds = time.perf_counter() - started
        cut = answers = 0
        for (context, qas), sentences in zip(contexts, results[name], strict=True):
            bounds: list[tuple[int, int]] = []
            cursor = 0
            for sentence in sentences:
                start = context.find(sentence, cursor)
                bounds.append((start, start + len(sentence)))
                cursor = start + len(sentence)
            for qa in qas:
                for answer in qa["answers"][:1]:
                    begin = answer["answer_start"]
                    end = begin + len(answer["text"])
                    answers += 1
                    inside = any(s <= begin and end <= e for s, e in bounds)
                    cut += not inside
        chars = sum(len(c) for c, _ in contexts)
        count = sum(len(s) for s in results[name])
        print(
            f"  {name:<8} {count:,} sentences; answers cut by a boundary: {cut}/{answers} "
            f"({cut / answers:.2%}); {seconds * 1e6 / (chars / 1000):.0f} µs per 1,000 chars"
        )
    names = list(results)
    if len(names) == 2:
        same = sum(a == b for a, b in zip(results[names[0]], results[names[1]], strict=True))
        print(f"  paragraphs split identically by both: {same}/{len(contexts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    args = parser.parse_args()
    splitters = {"ours": ours, "pysbd": pysbd_splitter()}
    golden_rules(splitters)
    fixtures(splitters)
    if args.squad.is_file():
        squad(splitters, args.squad)


if __name__ == "__main__":
    main()
