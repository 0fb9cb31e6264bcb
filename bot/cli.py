"""The command line: ask, chat, inspect, eval, and the default start-up."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot import console
from bot.chat import ChatSession
from bot.settings import Settings, SettingsError, load_settings
from retrieval import MAX_TOP_K, Answerer, RetrievalError, load_corpus

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


def _top_k(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_TOP_K}")
    return number


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="article-bot",
        description="Answers questions about news articles with exact, cited passages.",
    )
    parser.add_argument("--seeds", type=Path, help="folder of articles (default: SEEDS_DIR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = sub.add_parser("ask", help="answer a question (or one per line from standard input)")
    ask.add_argument("question", nargs="?", help="the question; omit to read standard input")
    ask.add_argument("--top-k", type=_top_k, default=None, help="passages per answer (1-10)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    chat = sub.add_parser("chat", help="interactive chat in the terminal")
    chat.add_argument("--top-k", type=_top_k, default=None, help="passages per answer (1-10)")
    sub.add_parser("inspect", help="list the loaded articles and their quotable sentences")
    run = sub.add_parser("run", help="connect to Discord and answer there (needs DISCORD_TOKEN)")
    run.add_argument(
        "--watch", action="store_true", help="reload the articles when the seeds folder changes"
    )
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="a guild id: commands appear there at once")
    evaluate = sub.add_parser("eval", help="score answers on a question file (JSON lines)")
    evaluate.add_argument("questions", type=Path, help="question file")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    export = sub.add_parser(
        "export-feedback",
        help="write rated and refused questions from the database as an eval question file",
    )
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--guild", type=int, help="only this server's questions")
    export.add_argument("--database", type=Path, help="SQLite file (default: DATABASE_PATH)")
    for command in (ask, chat, sub.choices["inspect"], run, sync, evaluate, export):
        command.add_argument(
            "--seeds", type=Path, default=argparse.SUPPRESS, help="folder of articles"
        )
    return parser


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or "NO_COLOR" in os.environ:
        return False
    return stream.isatty()


def _ask(answerer: Answerer, args: argparse.Namespace, top_k: int) -> int:
    corpus = answerer.corpus
    color = _use_color(args.color, sys.stdout)
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
            print(console.render_answer(answer, corpus, color), flush=True)
        first = False
    return EXIT_OK


def _chat(answerer: Answerer, top_k: int, notice: str | None = None) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    interactive = sys.stdin.isatty()
    session = ChatSession(answerer, top_k, color=_use_color("auto", sys.stdout))
    count = len(answerer.corpus.sentences)
    titles = "; ".join(a.title for a in answerer.corpus.articles)
    if notice:
        print(notice)
    print(f"article-bot: {count} sentences from {titles}")
    print("Ask a question about the article. /help for commands, /quit to leave.")
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
            print(reply, flush=True)


def _eval(answerer: Answerer, args: argparse.Namespace) -> int:
    from retrieval.evaluation import evaluate, read_questions, score, score_by_kind

    questions = read_questions(args.questions)
    outcomes = evaluate(answerer, questions)
    overall = score(outcomes)
    kinds = score_by_kind(outcomes)
    if args.json:
        report = {"overall": overall.as_dict(), "kinds": {k: v.as_dict() for k, v in kinds.items()}}
        print(json.dumps(report))
        return EXIT_OK
    print(f"{'kind':<14}{'n':>5}{'P@1':>8}{'R@3':>8}{'MRR@10':>8}{'refused':>9}{'top len':>9}")
    for name, scores in [("overall", overall), *kinds.items()]:
        n = scores.answerable + scores.unanswerable
        refused = scores.refused_answerable if scores.answerable else scores.refused_unanswerable
        print(
            f"{name:<14}{n:>5}{scores.p_at_1:>8.3f}{scores.r_at_3:>8.3f}{scores.mrr_at_10:>8.3f}"
            f"{refused:>9.3f}{scores.mean_top_length:>9.1f}"
        )
    print(
        f"answerable refused: {overall.refused_answerable:.3f} (lower is better); "
        f"unanswerable refused: {overall.refused_unanswerable:.3f} (higher is better)"
    )
    return EXIT_OK


NO_TOKEN = (
    "No DISCORD_TOKEN is set. Put the bot's token in .env (see .env.example), "
    "or try the same answers in the terminal with: article-bot chat"
)


def _export_feedback(settings: Settings, answerer: Answerer, args: argparse.Namespace) -> int:
    from bot.feedback_export import export_feedback, jsonl
    from bot.store import Store, StoreError

    path = args.database or settings.database_path
    if not path.exists():
        print(f"article-bot: {path}: no database yet (nothing was asked)", file=sys.stderr)
        return EXIT_DATA
    try:
        store = Store(path)
    except StoreError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    try:
        export = export_feedback(store.questions(args.guild), answerer.corpus)
    finally:
        store.close()
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


def _discord(
    settings: Settings,
    answerer: Answerer,
    command: str,
    guild: int | None = None,
    watch: bool = False,
) -> int:
    """Run the bot or sync its commands; the Discord layer is imported only when needed."""
    if not settings.has_token:
        print(f"article-bot: {NO_TOKEN}", file=sys.stderr)
        return EXIT_USAGE
    import asyncio

    import discord

    from bot.runner import run_bot, setup_logging, sync_commands
    from bot.store import Store, StoreError

    setup_logging(settings)
    try:
        store = Store(settings.database_path)
    except StoreError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    try:
        if command == "sync":
            count = asyncio.run(sync_commands(settings, answerer, store, guild))
            where = (
                f"guild {guild}"
                if guild is not None
                else "all guilds (global; may take up to an hour)"
            )
            print(f"Synced {count} commands to {where}.")
        else:
            asyncio.run(run_bot(settings, answerer, store, watch=watch))
    except discord.LoginFailure:
        print("article-bot: Discord rejected DISCORD_TOKEN; copy the token again.", file=sys.stderr)
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        print("article-bot: Discord refused the gateway intents.", file=sys.stderr)
        return EXIT_USAGE
    except discord.ConnectionClosed as error:
        # Codes Discord does not allow reconnecting after, e.g. 4004 (authentication failed),
        # 4011 (sharding required): discord.py stops; say which.
        print(
            f"article-bot: Discord closed the connection for good (code {error.code}"
            f"{': ' + error.reason if error.reason else ''}).",
            file=sys.stderr,
        )
        return EXIT_DATA
    except (discord.HTTPException, discord.GatewayNotFound, OSError) as error:
        # OSError covers aiohttp's connection errors: no network, DNS, refused connection.
        print(f"article-bot: could not reach Discord: {error}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _start(settings: Settings, answerer: Answerer) -> int:
    if settings.has_token:
        return _discord(settings, answerer, "run")
    notice = (
        "No DISCORD_TOKEN is set, so article-bot runs in the terminal. "
        "To connect it to Discord, put DISCORD_TOKEN in .env (see .env.example)."
    )
    return _chat(answerer, settings.top_k, notice)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_USAGE
    seeds = args.seeds if args.seeds is not None else settings.seeds_dir
    # /reload and --watch re-read the folder the bot was started on.
    settings = settings.model_copy(update={"seeds_dir": seeds})
    try:
        answerer = Answerer(load_corpus(seeds, cache_dir=settings.index_cache_dir))
        top_k = getattr(args, "top_k", None) or settings.top_k
        if args.command == "ask":
            return _ask(answerer, args, top_k)
        if args.command == "chat":
            return _chat(answerer, top_k)
        if args.command == "inspect":
            print(console.render_inspection(answerer.corpus), end="")
            return EXIT_OK
        if args.command == "eval":
            return _eval(answerer, args)
        if args.command == "export-feedback":
            return _export_feedback(settings, answerer, args)
        if args.command in {"run", "sync"}:
            return _discord(
                settings,
                answerer,
                args.command,
                getattr(args, "guild", None),
                watch=getattr(args, "watch", False),
            )
        return _start(settings, answerer)
    except RetrievalError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:
        return EXIT_OK
