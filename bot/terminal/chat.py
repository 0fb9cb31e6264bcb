"""The terminal chat: one session's state and its replies, kept apart from terminal I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import wording
from bot.terminal import console
from retrieval import Answer, Answerer
from retrieval.conversation import Conversations, next_turn

CHAT = "chat"  # the terminal has one conversation

PAGING_POOL = 10
COMMANDS_HELP = (
    "Commands: /more (next results), /context (sentences around the answers), "
    "/source ID (one sentence by citation id), /article (what is loaded), /summary (the key "
    "points), /help, /quit. A question that lacks its subject (“and france?”) is read with "
    "the one before"
)


@dataclass
class ChatSession:
    """Answers lines typed in the terminal chat the way the Discord bot answers them."""

    answerer: Answerer
    top_k: int
    color: bool = False
    last: Answer | None = None
    shown: int = 0
    quit_words: frozenset[str] = field(default=frozenset({"/quit", "/exit", "/q"}))
    conversation: Conversations = field(default_factory=Conversations)

    def handle(self, line: str) -> str | None:
        """The reply to one line, or None when the user asked to leave."""
        text = line.strip()
        if not text:
            return ""
        command, _, argument = text.partition(" ")
        command = command.casefold()
        if command in self.quit_words:
            return None
        corpus = self.answerer.corpus
        if command == "/help":
            return wording.help_text() + "\n" + COMMANDS_HELP
        if command == "/article":
            overview = console.render_inspection(corpus).split("\n   ¶")[0]
            return overview + "\n" + wording.citation_ids_hint(corpus)
        if command == "/source":
            sentence = corpus.sentence(argument)
            if sentence is None:
                return wording.unknown_citation(argument, corpus)
            return console.render_sentence(sentence, corpus)
        if command == "/context":
            if self.last is None or not self.last.found:
                return "Ask a question first; then /context shows the sentences around each answer."
            shown = [*self.last.passages, *self.last.rest][: self.shown]
            return "\n\n".join(console.render_context(p, corpus) for p in shown)
        if command == "/more":
            return self._more()
        if text.startswith("/") and command != "/summary":
            return f"Unknown command {command}. " + COMMANDS_HELP
        if command == "/summary":
            self.last = self.answerer.summary(text)
            self.shown = len(self.last.passages)
            return console.render_answer(self.last, corpus, self.color)
        turn = next_turn(corpus, text, self.conversation.last(CHAT), self.conversation.now())
        self.conversation.remember(CHAT, turn)
        self.last = self.answerer.ask(
            text, top_k=self.top_k, pool=PAGING_POOL, context=turn.context
        )
        self.shown = len(self.last.passages)
        return console.render_answer(self.last, corpus, self.color)

    def _more(self) -> str:
        if self.last is None or not self.last.found:
            return "Ask a question first; then /more shows further results."
        ranked = [*self.last.passages, *self.last.rest]
        page = ranked[self.shown : self.shown + self.top_k]
        if not page:
            return "No more results for that question."
        first_number = self.shown + 1
        self.shown += len(page)
        more = Answer(self.last.question, tuple(page), corrections=())
        return console.render_answer(more, self.answerer.corpus, self.color, first_number)
