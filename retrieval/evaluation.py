"""Scoring an answerer on a question file: P@1, R@3, MRR@10, refusals and passage length."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from retrieval.answer import Answer, Answerer
from retrieval.errors import RetrievalError
from retrieval.text import DAMAGE_MARK, fold

RANKED_DEPTH = 10
_Line = TypeVar("_Line", bound=BaseModel)


class QuestionFileError(RetrievalError):
    """A question file line is not valid JSON of the expected shape."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        self.path = Path(path)
        self.line = line
        super().__init__(f"{path}:{line}: {problem}")


class EvalQuestion(BaseModel):
    """One line of a question file; ``gold == []`` marks a question the article cannot answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=1)
    gold: tuple[str, ...]
    kind: str | None = None

    @property
    def answerable(self) -> bool:
        """True when the question has gold passages."""
        return bool(self.gold)


def _read_lines(path: Path, model: type[_Line], nothing: str) -> list[_Line]:
    """Parse a JSON-lines file of ``model`` rows, naming the line of the first problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionFileError(path, 0, f"cannot read the file ({error})") from None
    rows: list[_Line] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as error:
            raise QuestionFileError(path, number, f"not JSON ({error.msg})") from None
        except ValidationError as error:
            problem = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
            )
            raise QuestionFileError(path, number, problem) from None
    if not rows:
        raise QuestionFileError(path, 0, nothing)
    return rows


def read_questions(path: Path) -> list[EvalQuestion]:
    """Parse a JSON-lines question file, naming the line of the first problem."""
    return _read_lines(path, EvalQuestion, "the file holds no question")


def _normalise(text: str) -> str:
    return " ".join(fold(text).split())


def gold_pattern(gold: str) -> re.Pattern[str]:
    """A pattern that finds ``gold`` in a passage despite white space and damaged characters."""
    parts: list[str] = []
    for ch in _normalise(gold):
        if ch == " ":
            parts.append(r"\s+")
        else:
            parts.append(f"(?:{re.escape(ch)}|{re.escape(DAMAGE_MARK)})")
    return re.compile("".join(parts))


def passage_matches(passage: str, golds: Sequence[re.Pattern[str]]) -> bool:
    """True when any gold substring occurs in the passage."""
    text = _normalise(passage)
    return any(g.search(text) for g in golds)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one question fared."""

    question: EvalQuestion
    refused: bool
    rank: int | None  # 1-based rank of the first gold passage within the top 10
    top_length: int | None
    confidence: float = 0.0
    confident: bool = False

    @property
    def top_right(self) -> bool:
        """The first passage answers the question (never, for an unanswerable one)."""
        return self.question.answerable and self.rank == 1


@dataclass(frozen=True, slots=True)
class Scores:
    """Aggregate scores over a set of outcomes."""

    answerable: int
    unanswerable: int
    p_at_1: float
    r_at_3: float
    mrr_at_10: float
    refused_answerable: float
    refused_unanswerable: float
    mean_top_length: float
    answered_right: float = 0.0  # answerable: confident, and the first passage answers
    not_sure_answerable: float = 0.0
    not_sure_unanswerable: float = 0.0
    confident_unanswerable: float = 0.0  # unanswerable answered without a caveat
    ece: float = 0.0  # expected calibration error over ten confidence bins
    brier: float = 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The scores as a JSON-ready mapping."""
        return {
            "answered_right": round(self.answered_right, 4),
            "not_sure_answerable": round(self.not_sure_answerable, 4),
            "not_sure_unanswerable": round(self.not_sure_unanswerable, 4),
            "confident_unanswerable": round(self.confident_unanswerable, 4),
            "ece": round(self.ece, 4),
            "brier": round(self.brier, 4),
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "p@1": round(self.p_at_1, 4),
            "r@3": round(self.r_at_3, 4),
            "mrr@10": round(self.mrr_at_10, 4),
            "refused_answerable": round(self.refused_answerable, 4),
            "refused_unanswerable": round(self.refused_unanswerable, 4),
            "mean_top_length": round(self.mean_top_length, 1),
        }


def judge(question: EvalQuestion, answer: Answer) -> Outcome:
    """Rank of the first gold passage in the answer (and the passages held back)."""
    ranked = [*answer.passages, *answer.rest][:RANKED_DEPTH]
    golds = [gold_pattern(g) for g in question.gold]
    rank = next((i for i, p in enumerate(ranked, start=1) if passage_matches(p.text, golds)), None)
    top = len(answer.passages[0].text) if answer.passages else None
    return Outcome(question, not answer.found, rank, top, answer.confidence, answer.confident)


def evaluate(
    answerer: Answerer, questions: Iterable[EvalQuestion], top_k: int = 3
) -> list[Outcome]:
    """Ask every question and judge the answers."""
    return [
        judge(q, answerer.ask(q.question, top_k=top_k, pool=RANKED_DEPTH - top_k))
        for q in questions
    ]


def score(outcomes: Sequence[Outcome]) -> Scores:
    """Aggregate outcomes: ranks over answerable questions, refusals over both kinds."""
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    n = max(len(answerable), 1)
    lengths = [o.top_length for o in outcomes if o.top_length is not None]
    return Scores(
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        p_at_1=sum(o.rank == 1 and not o.refused for o in answerable) / n,
        r_at_3=sum(o.rank is not None and o.rank <= 3 and not o.refused for o in answerable) / n,
        mrr_at_10=sum(1 / o.rank for o in answerable if o.rank and not o.refused) / n,
        refused_answerable=sum(o.refused for o in answerable) / n,
        refused_unanswerable=sum(o.refused for o in unanswerable) / max(len(unanswerable), 1),
        mean_top_length=sum(lengths) / len(lengths) if lengths else 0.0,
        answered_right=sum(o.confident and o.rank == 1 for o in answerable) / n,
        not_sure_answerable=sum(not o.refused and not o.confident for o in answerable) / n,
        not_sure_unanswerable=sum(not o.refused and not o.confident for o in unanswerable)
        / max(len(unanswerable), 1),
        confident_unanswerable=sum(o.confident for o in unanswerable) / max(len(unanswerable), 1),
        ece=expected_calibration_error(outcomes),
        brier=sum((o.confidence - o.top_right) ** 2 for o in outcomes) / max(len(outcomes), 1),
    )


CALIBRATION_BINS = 10


def reliability(outcomes: Sequence[Outcome]) -> list[tuple[float, float, float, int]]:
    """Per confidence bin with questions: (low edge, mean confidence, share right, count)."""
    rows: list[tuple[float, float, float, int]] = []
    for b in range(CALIBRATION_BINS):
        low, high = b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS
        inside = [
            o for o in outcomes if low <= o.confidence < high or (b == 9 and o.confidence == 1.0)
        ]
        if inside:
            mean = sum(o.confidence for o in inside) / len(inside)
            right = sum(o.top_right for o in inside) / len(inside)
            rows.append((low, mean, right, len(inside)))
    return rows


def expected_calibration_error(outcomes: Sequence[Outcome]) -> float:
    """The count-weighted gap between confidence and the share of first passages that answer."""
    total = max(len(outcomes), 1)
    return sum(abs(mean - right) * n for _low, mean, right, n in reliability(outcomes)) / total


def score_by_kind(outcomes: Sequence[Outcome]) -> dict[str, Scores]:
    """Scores per question kind (questions without a kind are grouped as 'other')."""
    kinds: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        kinds.setdefault(outcome.question.kind or "other", []).append(outcome)
    return {kind: score(group) for kind, group in sorted(kinds.items())}


class EvalTurn(BaseModel):
    """One turn of a conversation in a conversation file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=1)
    gold: tuple[str, ...]


class EvalConversation(BaseModel):
    """One line of a conversation file: turns asked in order by one person."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turns: tuple[EvalTurn, ...] = Field(min_length=2)
    kind: str | None = None


def is_conversation_file(path: Path) -> bool:
    """True when the file's first line holds "turns" (a conversation file)."""
    try:
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line), "")
        return "turns" in json.loads(first)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError):
        return False


def read_conversations(path: Path) -> list[EvalConversation]:
    """Parse a JSON-lines conversation file, naming the line of the first problem."""
    return _read_lines(path, EvalConversation, "the file holds no conversation")


def evaluate_conversations(
    answerer: Answerer, conversations: Iterable[EvalConversation], top_k: int = 3
) -> tuple[list[Outcome], list[Outcome]]:
    """Ask every conversation turn by turn, as the bot reads follow-ups; the outcomes of first
    turns and of later turns (kind "first" or the conversation's kind, "turn N" appended)."""
    from retrieval.conversation import next_turn

    first: list[Outcome] = []
    later: list[Outcome] = []
    for conversation in conversations:
        previous = None
        for index, turn in enumerate(conversation.turns):
            current = next_turn(answerer.corpus, turn.question, previous)
            answer = answerer.ask(
                turn.question, top_k=top_k, pool=RANKED_DEPTH - top_k, context=current.context
            )
            question = EvalQuestion(
                question=turn.question,
                gold=turn.gold,
                kind="first" if index == 0 else (conversation.kind or "follow-up"),
            )
            (first if index == 0 else later).append(judge(question, answer))
            previous = current
    return first, later
