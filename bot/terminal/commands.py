"""The terminal's commands: ask, chat, inspect, eval and export-feedback, printed for a person."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
from typing import TextIO

from bot.exits import EXIT_DATA, EXIT_OK
from bot.settings import Settings
from bot.terminal import console
from bot.terminal.chat import ChatSession
from bot.warm_start import warm_and_freeze
from retrieval import Answerer


def use_color(choice: str, stream: TextIO) -> bool:
    """Colour on a terminal, off when piped or when NO_COLOR is set, unless asked for."""
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return stream.isatty()


def ask(answerer: Answerer, args: argparse.Namespace, top_k: int) -> int:
    """`article-bot ask`: one question, or one per line of standard input."""
    corpus = answerer.corpus
    color = use_color(args.color, sys.stdout)
    width = console.terminal_width(sys.stdout)
    questions = [args.question] if args.question is not None else None
    source = questions if questions is not None else (line.rstrip("\n") for line in sys.stdin)
    first = True
    for question in source:
        if not question.strip():
            continue
        answer = answerer.ask(question, top_k=top_k)
        if args.json:
            print(console.answer_json_line(answer, corpus), flush=True)
        else:
            if not first:
                print()
            if questions is None:
                print(f"Q: {question}")
            print(console.fit(console.render_answer(answer, corpus, color), width), flush=True)
        first = False
    return EXIT_OK


def chat(answerer: Answerer, top_k: int, notice: str | None = None) -> int:
    """`article-bot chat`: the interactive terminal chat (also read from a pipe)."""
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    interactive = sys.stdin.isatty()
    session = ChatSession(answerer, top_k, color=use_color("auto", sys.stdout))
    # The answer path's tables (about 0.3 s) load while the reader types the first question.
    threading.Thread(target=warm_and_freeze, args=(answerer,), name="warm-up", daemon=True).start()
    count = len(answerer.corpus.sentences)
    titles = "; ".join(a.title for a in answerer.corpus.articles)
    width = console.terminal_width(sys.stdout)
    header = [
        notice or "",
        f"article-bot: {count} sentences from {titles}",
        "Ask a question about the article. /help for commands, /quit to leave.",
    ]
    print(console.fit("\n".join(line for line in header if line), width))
    while True:
        try:
            line = input("you> " if interactive else "")
        except (EOFError, KeyboardInterrupt):
            print()
            return EXIT_OK
        if not interactive and line.strip():
            print(f"you> {line}")
        reply = session.handle(line)
        if reply is None:
            return EXIT_OK
        if reply:
            print(console.fit(reply, width), flush=True)


def evaluate(answerer: Answerer, args: argparse.Namespace) -> int:
    """`article-bot eval FILE`: scores on a question file, as a table or JSON."""
    from retrieval.evaluation import (
        evaluate,
        evaluate_conversations,
        is_conversation_file,
        read_conversations,
        read_questions,
        reliability,
        score,
        score_by_kind,
    )

    if is_conversation_file(args.questions):
        first, outcomes = evaluate_conversations(answerer, read_conversations(args.questions))
        opening = score(first)
        print(
            f"first turns ({opening.answerable} answerable): P@1 {opening.p_at_1:.3f}; "
            "the rows below score the later turns, read as the bot reads follow-ups"
        )
    else:
        outcomes = evaluate(answerer, read_questions(args.questions))
    overall = score(outcomes)
    kinds = score_by_kind(outcomes)
    if args.json:
        report = {
            "overall": overall.as_dict(),
            "kinds": {k: v.as_dict() for k, v in kinds.items()},
            "reliability": [
                {"from": low, "mean_confidence": round(mean, 4), "right": round(right, 4), "n": n}
                for low, mean, right, n in reliability(outcomes)
            ],
        }
        print(json.dumps(report))
        return EXIT_OK
    print(
        f"{'kind':<22}{'n':>5}{'P@1':>7}{'R@3':>7}{'MRR':>7}{'right':>7}{'unsure':>7}"
        f"{'refused':>8}{'conf.':>7}{'len':>6}"
    )
    for name, scores in [("overall", overall), *kinds.items()]:
        n = scores.answerable + scores.unanswerable
        if scores.answerable:
            right, unsure = f"{scores.answered_right:.3f}", f"{scores.not_sure_answerable:.3f}"
            refused, confident = f"{scores.refused_answerable:.3f}", ""
        else:
            right, unsure = "", f"{scores.not_sure_unanswerable:.3f}"
            refused, confident = (
                f"{scores.refused_unanswerable:.3f}",
                f"{scores.confident_unanswerable:.3f}",
            )
        ranks = (
            f"{scores.p_at_1:>7.3f}{scores.r_at_3:>7.3f}{scores.mrr_at_10:>7.3f}"
            if scores.answerable
            else f"{'':>21}"
        )
        print(
            f"{name[:21]:<22}{n:>5}{ranks}{right:>7}{unsure:>7}{refused:>8}{confident:>7}"
            f"{scores.mean_top_length:>6.0f}"
        )
    print(
        f"answerable ({overall.answerable}): answered confidently and right "
        f"{overall.answered_right:.3f}, not sure {overall.not_sure_answerable:.3f}, "
        f"refused {overall.refused_answerable:.3f}"
    )
    print(
        f"unanswerable ({overall.unanswerable}): refused {overall.refused_unanswerable:.3f}, "
        f"not sure {overall.not_sure_unanswerable:.3f}, answered confidently "
        f"{overall.confident_unanswerable:.3f}"
    )
    print(f"calibration: ECE {overall.ece:.3f}, Brier {overall.brier:.3f}")
    for low, mean, rate, n in reliability(outcomes):
        print(f"  confidence {low:.1f}-{low + 0.1:.1f}: n={n:<4} mean {mean:.3f}  right {rate:.3f}")
    return EXIT_OK


def export_feedback(settings: Settings, answerer: Answerer, args: argparse.Namespace) -> int:
    """`article-bot export-feedback`: rated and refused questions as an eval question file."""
    from bot.store import StoreError
    from bot.store.engines import is_postgres, questions_sync
    from bot.store.feedback_export import export_feedback, jsonl

    path = args.database or settings.database_path
    url = None if args.database else settings.database
    if not is_postgres(url) and not path.exists():
        print(f"article-bot: {path}: no database yet (nothing was asked)", file=sys.stderr)
        return EXIT_DATA
    try:
        asked = questions_sync(url, path, guild_id=args.guild)
    except StoreError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    export = export_feedback(list(asked), answerer.corpus)
    text = jsonl(export.questions)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    for reason in export.skipped:
        print(f"article-bot: skipped {reason}", file=sys.stderr)
    to_label = sum(1 for q in export.questions if not q.gold)
    print(
        f"{len(export.questions)} questions exported, {to_label} of them for you to label "
        "(empty gold).",
        file=sys.stderr,
    )
    return EXIT_OK
