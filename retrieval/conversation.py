"""Conversations: reading a follow-up with the question before it, and remembering turns within
bounds (how many, how long, how much)."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from retrieval.corpus import Corpus
from retrieval.question import analyse_question

# How a follow-up opens when it leans on the question before ("and turkey?", "what about...").
_OPENER = re.compile(
    r"^\W*(?:and|also|plus|so|but|then|or|what about|how about|what else|who else|anything|"
    r"any(?:one|body)? else|is there|are there|why|how come|by whom|since when|ok(?:ay)?)\b",
    re.IGNORECASE,
)
# Words that point back at something named earlier, when the question names nothing itself.
_BACK_REFERENCE = re.compile(
    r"\b(?:it|its|they|them|their|theirs|he|him|his|she|her|hers|that|this|those|these|there|"
    r"the same)\b",
    re.IGNORECASE,
)
# A follow-up carries at most the last few questions of its conversation as context.
CONTEXT_QUESTIONS = 2
CONTEXT_MAX_CHARS = 400


@dataclass(frozen=True, slots=True)
class Turn:
    """One question of a conversation: as asked, and the context it was read with."""

    question: str
    context: tuple[str, ...] = ()  # earlier questions it was read with, oldest first
    at: float = 0.0

    def as_context(self) -> tuple[str, ...]:
        """What a follow-up to this turn is read with: this question and its own context,
        newest last, bounded in count and length."""
        chain = [*self.context, self.question][-CONTEXT_QUESTIONS:]
        while len(chain) > 1 and sum(len(q) for q in chain) > CONTEXT_MAX_CHARS:
            chain.pop(0)
        return tuple(chain)


def is_follow_up(corpus: Corpus, question: str) -> bool:
    """True when ``question`` lacks a subject of its own: it holds at most one word the
    articles know, or it opens as a follow-up does ("and…", "why…") or points back with a
    pronoun while naming nothing itself. A question that opens so but names its subject
    among three or more known words ("why did russia oppose the coalition?") stands alone."""
    analysed = analyse_question(corpus, question)
    known = [t for t in analysed.terms if t in corpus.own]
    names = [t for t in known if t in corpus.proper_terms]
    if len(known) <= 1:
        return True
    if _OPENER.search(question):
        return len(known) <= 2 or not names
    return bool(_BACK_REFERENCE.search(question)) and not names


@dataclass
class _Entry:
    turn: Turn
    expires: float


class Conversations:
    """The last turn of each conversation, for ``ttl`` seconds, at most ``capacity`` of them
    (the least recently used go first): memory stays bounded however many people ask."""

    def __init__(
        self,
        ttl: float = 300.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def now(self) -> float:
        """The clock's time (turns record when they were asked)."""
        return self._clock()

    def last(self, key: Hashable) -> Turn | None:
        """The conversation's last turn, if it is recent enough."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry.turn

    def remember(self, key: Hashable, turn: Turn) -> None:
        """Keep ``turn`` as the conversation's last."""
        self._entries[key] = _Entry(turn, self._clock() + self.ttl)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        """End a conversation."""
        self._entries.pop(key, None)


def next_turn(corpus: Corpus, question: str, previous: Turn | None, now: float = 0.0) -> Turn:
    """The turn ``question`` makes after ``previous``: read with it when it is a follow-up,
    alone when it is a full question of its own (which then starts a new conversation)."""
    if previous is not None and is_follow_up(corpus, question):
        return Turn(question, previous.as_context(), now)
    return Turn(question, (), now)
