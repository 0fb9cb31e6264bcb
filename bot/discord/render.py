"""Answers to Discord embeds within Discord's limits; pure: builds objects, sends nothing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import discord

from bot import wording
from bot.discord import limits
from retrieval import Answer, Article, Corpus, Passage, Sentence
from retrieval.links import citation_link

ANSWER_COLOUR = discord.Colour.blurple()
NOTHING_COLOUR = discord.Colour.light_grey()
# Passages shown under "the article may not answer this directly".
UNSURE_COLOUR = discord.Colour.gold()
NO_MENTIONS = discord.AllowedMentions.none()
CANNOT_POST_THERE = "I may not post in that channel, so here is your answer privately."
_MARKDOWN = re.compile(r"([\\*_~`|\[\]<>])")
_LINE_START = re.compile(r"^([#\-+]|\d+\.)")
_LINK = re.compile(r"(?i)\b(https?|ftp|discord)(?=(?::|\.gg|\.com/invite))")


def _visible(text: str) -> str:
    """Without control characters and bidi overrides, which hide or reorder what follows."""
    return "".join(
        ch
        for ch in text
        if ch.isspace() or ch == "\u200d" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs"}
    )


def neutral(text: str) -> str:
    """Text that shows as typed but cannot format, ping, link or break out of a quote."""
    flat = " ".join(_visible(text).split())
    escaped = _LINE_START.sub(r"\\\1", _MARKDOWN.sub(r"\\\1", flat))
    escaped = escaped.replace("@", "@\u200b")
    # A zero-width space after the scheme stops Discord turning the text into a link.
    return _LINK.sub(lambda m: m.group(1) + "\u200b", escaped)


def highlighted_quote(passage: Passage, limit: int) -> str:
    """The passage's exact text, escaped, with its matched words in bold, within ``limit``."""
    rendered = "> " + _join_words(passage)
    if len(rendered) <= limit:
        return rendered
    return "> " + limits.truncate(neutral(passage.text), limit - 2)


def _join_words(passage: Passage) -> str:
    """Escaped text with bold spans; spaces at span edges stay outside the bold markers."""
    return "".join(
        "**" + neutral(piece) + "**" if matched else neutral_keep_edges(piece)
        for piece, matched in passage.segments()
    ).strip()


def neutral_keep_edges(text: str) -> str:
    """``neutral`` that keeps one leading and trailing space, so words stay apart."""
    if not text:
        return ""
    lead = " " if text[0].isspace() else ""
    tail = " " if text[-1].isspace() and text.strip() else ""
    return lead + neutral(text) + tail


def citation_name(sentence: Sentence, article: Article | None, index: int | None = None) -> str:
    """Where a sentence stands: (number,) article title, paragraph and sentence."""
    title = article.title if article is not None else sentence.article_id
    number = f"{index}. " if index is not None else ""
    name = f"{number}{neutral(title)} · {wording.place(sentence)}"
    return limits.truncate(name, limits.FIELD_NAME)


def cited(sentence: Sentence, article: Article | None) -> str:
    """The citation id under a quote, linked to the sentence at its source when there is one
    (in an embed a link shows no preview)."""
    link = citation_link(article, sentence)
    if link is None or len(link) > limits.LINK:
        return f"\n`{sentence.citation_id}`"
    # A bracket in the address would end the masked link early.
    safe = link.replace("(", "%28").replace(")", "%29")
    return f"\n[`{sentence.citation_id}`]({safe})"


def _footer(corpus: Corpus, passages: Sequence[Passage]) -> str | None:
    sources: list[str] = []
    for passage in passages:
        article = corpus.article(passage.sentence.article_id)
        if article is not None and article.source:
            date = f" ({article.meta.date})" if article.meta.date else ""
            sources.append(f"{neutral(article.source)}{date}")
    if not sources:
        return None
    return limits.truncate("Source: " + "; ".join(dict.fromkeys(sources)), limits.FOOTER)


def answer_embed(
    answer: Answer, corpus: Corpus, passages: Sequence[Passage] | None = None, first_index: int = 1
) -> discord.Embed:
    """The answer (or one page of it) as one embed: question, quoted passages, citations."""
    shown = list(answer.passages if passages is None else passages)[: limits.FIELDS]
    title = limits.truncate("“" + neutral(answer.question) + "”", limits.EMBED_TITLE)
    if not shown:
        embed = discord.Embed(title=title, colour=NOTHING_COLOUR)
        embed.description = limits.truncate(
            neutral(wording.nothing_relevant(answer)), limits.EMBED_DESCRIPTION
        )
        return embed
    colour = ANSWER_COLOUR if answer.confident else UNSURE_COLOUR
    embed = discord.Embed(title=title, colour=colour)
    caveat = wording.caveat(answer) if first_index == 1 else None
    notes = (wording.context_note(answer), wording.corrections_note(answer), caveat)
    lines = [line for line in notes if line]
    if lines:
        embed.description = limits.truncate(neutral("\n".join(lines)), limits.EMBED_DESCRIPTION)
    footer = _footer(corpus, shown)
    budget = limits.EMBED_TOTAL - len(title) - len(embed.description or "") - len(footer or "")
    per_field = max(64, budget // len(shown))
    first_article = corpus.article(shown[0].sentence.article_id)
    if first_article is not None and first_article.meta.url:
        embed.url = first_article.meta.url  # the title links to the article
    for index, passage in enumerate(shown, start=first_index):
        sentence = passage.sentence
        article = corpus.article(sentence.article_id)
        name = citation_name(sentence, article, index)
        cite = cited(sentence, article)
        room = min(limits.FIELD_VALUE, per_field - len(name)) - len(cite)
        embed.add_field(name=name, value=highlighted_quote(passage, room) + cite, inline=False)
    if footer:
        embed.set_footer(text=footer)
    return embed


def context_embed(passage: Passage, corpus: Corpus) -> discord.Embed:
    """A passage with the sentences around it, the passage itself in bold."""
    sentence = passage.sentence
    article = corpus.article(sentence.article_id)
    pieces = []
    if passage.before is not None:
        pieces.append(neutral(passage.before.text))
    pieces.append("**" + neutral(sentence.text) + "**")
    if passage.after is not None:
        pieces.append(neutral(passage.after.text))
    embed = discord.Embed(
        title=limits.truncate("Context · " + citation_name(sentence, article), limits.EMBED_TITLE),
        description=limits.truncate(" ".join(pieces), limits.EMBED_DESCRIPTION),
        colour=ANSWER_COLOUR,
    )
    embed.set_footer(text=sentence.citation_id)
    _link_title(embed, article, sentence)
    return embed


def _link_title(embed: discord.Embed, article: Article | None, sentence: Sentence) -> None:
    link = citation_link(article, sentence)
    if link is not None and len(link) <= limits.LINK:
        embed.url = link


def contexts_embeds(passages: Sequence[Passage], corpus: Corpus) -> list[discord.Embed]:
    """Context embeds for the shown passages, within the per-message limits."""
    embeds: list[discord.Embed] = []
    total = 0
    for passage in passages[: limits.EMBEDS]:
        embed = context_embed(passage, corpus)
        size = len(embed)
        if total + size > limits.EMBED_TOTAL:
            break
        embeds.append(embed)
        total += size
    return embeds


def source_embed(sentence: Sentence, corpus: Corpus) -> discord.Embed:
    """One sentence by citation id, with its whole paragraph for context."""
    article = corpus.article(sentence.article_id)
    embed = discord.Embed(
        title=limits.truncate(citation_name(sentence, article), limits.EMBED_TITLE),
        description=limits.truncate("> " + neutral(sentence.text), limits.EMBED_DESCRIPTION),
        colour=ANSWER_COLOUR,
    )
    _link_title(embed, article, sentence)
    if article is not None:
        paragraph = article.paragraphs[sentence.paragraph - 1]
        text = " ".join(
            ("**" + neutral(s.text) + "**") if s == sentence else neutral(s.text)
            for s in paragraph.sentences
        )
        embed.add_field(
            name="Paragraph", value=limits.truncate(text, limits.FIELD_VALUE), inline=False
        )
        if article.source:
            embed.set_footer(
                text=limits.truncate(f"Source: {neutral(article.source)}", limits.FOOTER)
            )
    return embed


def article_embed(article: Article) -> discord.Embed:
    """An article's card: title, source, date, lead sentence and counts."""
    embed = discord.Embed(
        title=limits.truncate(neutral(article.title), limits.EMBED_TITLE), colour=ANSWER_COLOUR
    )
    if article.meta.url and len(article.meta.url) <= limits.LINK:
        embed.url = article.meta.url
    lead = article.sentences[0].text if article.sentences else ""
    embed.description = limits.truncate("> " + neutral(lead), limits.EMBED_DESCRIPTION)
    if article.source:
        embed.add_field(
            name="Source", value=limits.truncate(neutral(article.source), limits.FIELD_VALUE)
        )
    if article.meta.date:
        embed.add_field(name="Date", value=article.meta.date)
    embed.add_field(
        name="Size",
        value=f"{len(article.paragraphs)} paragraphs, {len(article.sentences)} sentences",
    )
    if article.meta.url:
        embed.add_field(
            name="Link", value=limits.truncate(article.meta.url, limits.FIELD_VALUE), inline=False
        )
    embed.set_footer(
        text=limits.truncate(
            f"id: {article.id} · citation ids: {article.id}:p1s1 (paragraph 1, sentence 1), "
            "shown under every answer; /source shows one",
            limits.FOOTER,
        )
    )
    return embed


def added_embed(article: Article) -> discord.Embed:
    """What an admin sees after adding an article: its title (linked), size, first sentences."""
    embed = discord.Embed(
        title=limits.truncate(neutral(article.title), limits.EMBED_TITLE), colour=ANSWER_COLOUR
    )
    if article.meta.url and len(article.meta.url) <= limits.LINK:
        embed.url = article.meta.url
    embed.description = limits.truncate(
        "\n".join(neutral(line) for line in wording.added_lines(article)),
        limits.EMBED_DESCRIPTION,
    )
    embed.set_footer(
        text=limits.truncate(
            f"id: {article.id} · answering from it now · /article remove takes it out",
            limits.FOOTER,
        )
    )
    return embed


def help_embed(questions_kept: bool = True) -> discord.Embed:
    """How to ask, with examples that work, and what the bot keeps of what you ask here."""
    embed = discord.Embed(title="How to ask", description=wording.help_text(), colour=ANSWER_COLOUR)
    embed.add_field(
        name="Ways in",
        value=(
            "`/ask question:` · mention me with your question · "
            "right-click a message → Apps → **Ask the article** · "
            "`/summary` (the key points) · `/article show` (what is loaded) · "
            "`/source citation:` (one sentence by id). Follow up with “and france?” or "
            "“why?”: `/ask` again within 5 minutes, or reply to my answer."
        ),
        inline=False,
    )
    embed.add_field(name="What I keep", value=wording.what_is_kept(questions_kept), inline=False)
    return embed


def short_help() -> str:
    """The reply to a mention with no question."""
    return limits.truncate(
        "Ask me about the article: mention me with a question, e.g. "
        + " or ".join(f"“{q}”" for q in wording.EXAMPLE_QUESTIONS[:2])
        + ", or use /ask.",
        limits.CONTENT,
    )


def thread_name(question: str) -> str:
    """A thread's name from the question: one line, no markup, within Discord's limit."""
    text = neutral(" ".join(question.split())).replace("\\", "")
    return limits.truncate(text, limits.THREAD_NAME) or "Question about the article"
