"""The bot's words, shared by the terminal and Discord so both say exactly the same thing."""

from __future__ import annotations

from retrieval import Answer, Article, Corpus, ParagraphKind, Sentence

EXAMPLE_QUESTIONS = (
    "Who opposed the coalition?",
    "What did Macron say about troops?",
    "How much money is Europe putting up?",
)


def place(sentence: Sentence) -> str:
    """Where a sentence stands: "paragraph 9, sentence 1" (in a PDF: "page 2, paragraph 9, …")."""
    part = "photo caption" if sentence.kind is ParagraphKind.CAPTION else "paragraph"
    page = f"page {sentence.page}, " if sentence.page is not None else ""
    return f"{page}{part} {sentence.paragraph}, sentence {sentence.number}"


def citation_label(sentence: Sentence, article: Article | None) -> str:
    """Where a sentence stands, as a reader checks it: title, paragraph, sentence, id."""
    title = article.title if article is not None else sentence.article_id
    return f"{title}, {place(sentence)} ({sentence.citation_id})"


def nothing_relevant(answer: Answer) -> str:
    """The plain reply when the articles do not answer a question."""
    if not answer.has_content_words:
        return "Ask me something about the article, for example: " + _examples()
    text = "The article doesn't answer that."
    if answer.topics:
        text += " It covers: " + ", ".join(answer.topics) + "."
    return text


NOT_SURE = "The article may not answer this directly; the closest it says:"


def caveat(answer: Answer) -> str | None:
    """The line shown above the passages: the summary's, the caveat of passages the bot is
    not sure of, or None."""
    if answer.summary:
        return SUMMARY
    return None if answer.confident or not answer.found else NOT_SURE


SUMMARY = "The article's key points, quoted in its order:"


def context_note(answer: Answer) -> str | None:
    """Which earlier question a follow-up was read with, or None."""
    if not answer.context:
        return None
    return f"(Read with your earlier question: “{answer.context[-1]}”.)"


def corrections_note(answer: Answer) -> str | None:
    """A note on typos read as other words, or None."""
    if not answer.corrections:
        return None
    pairs = ", ".join(f"“{typed}” as “{meant}”" for typed, meant in answer.corrections)
    return f"(Read {pairs}.)"


def help_text() -> str:
    """How to ask, with examples that work on the bundled article."""
    return (
        "Ask a question about the article and I quote the sentences that answer it, "
        "each with its citation (paragraph and sentence) so you can check it. "
        "If the article doesn't say, I tell you so. Try: " + _examples()
    )


def what_is_kept(questions_kept: bool) -> str:
    """What the bot stores about questions, for /help (one server's setting)."""
    if not questions_kept:
        return "This server has turned question logging off: I keep nothing of what you ask."
    return (
        "To show this server's admins what people ask and what the article misses, I keep each "
        "question, the passages I answered with, your 👍/👎, and a pseudonym instead of your "
        "user id. Admins can turn this off with /config."
    )


def _examples() -> str:
    return " · ".join(f"“{q}”" for q in EXAMPLE_QUESTIONS)


def citation_ids_hint(corpus: Corpus) -> str:
    """Where citation ids come from and the forms accepted, with a real one as the example."""
    if not corpus.sentences:
        return "No article is loaded, so there are no citation ids."
    example = corpus.sentences[0].citation_id
    short = example.rpartition(":")[2]
    hint = (
        f"Citation ids look like {example} (article, paragraph, sentence); every answer shows "
        "one under each quote"
    )
    if len(corpus.articles) == 1:
        hint += f", and with one article loaded {short} is enough"
    return hint + "."


def unknown_citation(typed: str, corpus: Corpus) -> str:
    """The reply to a citation id that names no sentence."""
    return f"No sentence has the citation id “{typed}”. {citation_ids_hint(corpus)}"


def added_lines(article: Article, shown: int = 3) -> list[str]:
    """What an admin is told about an article just added: what it is and how it starts."""
    about = ", ".join(x for x in (article.source, article.meta.date) if x)
    lines = [
        f"Added “{article.title}” as `{article.id}`: {len(article.paragraphs)} paragraphs, "
        f"{len(article.sentences)} sentences" + (f" ({about})." if about else ".")
    ]
    lines += [f"{i}. “{s.text}”" for i, s in enumerate(article.sentences[:shown], start=1)]
    return lines
