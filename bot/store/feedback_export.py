"""Rated and refused questions from the database, as a question file for `article-bot eval`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.store.database import AskedQuestion
from bot.store.stats import question_key
from retrieval import Corpus
from retrieval.evaluation import EvalQuestion

TO_LABEL_REFUSED = "refused: label me"
TO_LABEL_DOWN = "rated down: label me"
TO_LABEL_UNSURE = "not sure: label me"


@dataclass(frozen=True)
class Export:
    """The question file's lines, and the questions left out with the reason."""

    questions: tuple[EvalQuestion, ...]
    skipped: tuple[str, ...]


def export_feedback(asked: Sequence[AskedQuestion], corpus: Corpus) -> Export:
    """One line per distinct question: gold from the passage people rated 👍; refused,
    👎-only and unrated "not sure" questions with empty gold and a kind that asks an admin to
    label them.

    Empty gold means "the article cannot answer" to `eval`, which is what the bot decided for a
    refused question; an admin who finds the answer in the article fills the gold in.
    """
    lines: list[EvalQuestion] = []
    skipped: list[str] = []
    seen: set[str] = set()
    # Newest first, so a question asked again after a reload is judged on its latest answer.
    for q in sorted(asked, key=lambda q: -q.asked_at):
        key = question_key(q.question)
        if not key or key in seen:
            continue
        line = _line(q, corpus, skipped)
        if line is not None:
            seen.add(key)
            lines.append(line)
    lines.reverse()
    return Export(tuple(lines), tuple(skipped))


def _line(q: AskedQuestion, corpus: Corpus, skipped: list[str]) -> EvalQuestion | None:
    if q.refused:
        return EvalQuestion(question=q.question, gold=(), kind=TO_LABEL_REFUSED)
    if q.up > q.down and q.citations:
        sentence = corpus.sentence(q.citations[0])
        if sentence is None:
            skipped.append(f"{q.question!r}: {q.citations[0]} is no longer in the articles")
            return None
        return EvalQuestion(question=q.question, gold=(sentence.text,), kind="rated up")
    if q.down > q.up:
        return EvalQuestion(question=q.question, gold=(), kind=TO_LABEL_DOWN)
    if q.unsure:
        # The bot showed its closest passages without being sure: the cases that teach the
        # decision most, once an admin says whether the article answers.
        return EvalQuestion(question=q.question, gold=(), kind=TO_LABEL_UNSURE)
    return None


def jsonl(questions: Iterable[EvalQuestion]) -> str:
    """The question file's text, one JSON object per line."""
    return "".join(q.model_dump_json(exclude_none=True) + "\n" for q in questions)
