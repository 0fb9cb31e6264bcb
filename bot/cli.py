"""The command line: parses arguments and hands each command to the terminal or the Discord side."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.exits import EXIT_DATA, EXIT_OK, EXIT_USAGE
from bot.settings import Settings, SettingsError, load_settings, seeds_origin
from retrieval.errors import RetrievalError, SeedsFolderError
from retrieval.limits import MAX_TOP_K

if TYPE_CHECKING:
    from retrieval import Answerer

DISCORD_COMMANDS = frozenset({"run", "sync"})


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
    add = sub.add_parser(
        "add", help="add an article: a .txt, .md, .html or .pdf file, or an http(s) link"
    )
    add.add_argument("source", help="a file path or an http(s) URL")
    remove = sub.add_parser("remove", help="remove an article by its id (see inspect)")
    remove.add_argument("article_id", metavar="ID", help="the article's id")
    run = sub.add_parser("run", help="connect to Discord and answer there (needs DISCORD_TOKEN)")
    run.add_argument(
        "--watch", action="store_true", help="reload the articles when the seeds folder changes"
    )
    run.add_argument(
        "--shard-ids", help="the shards this process runs, as 0-3 or 0,1 (default: SHARD_IDS)"
    )
    run.add_argument(
        "--shard-count", type=int, help="how many shards the bot has in all (default: SHARD_COUNT)"
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
    for command in (ask, chat, sub.choices["inspect"], add, remove, run, sync, evaluate, export):
        command.add_argument(
            "--seeds", type=Path, default=argparse.SUPPRESS, help="folder of articles"
        )
    return parser


def _no_token() -> int:
    from bot.discord.launch import NO_TOKEN

    print(f"article-bot: {NO_TOKEN}", file=sys.stderr)
    return EXIT_USAGE


def _discord(settings: Settings, answerer: Answerer, args: argparse.Namespace) -> int:
    from bot.discord.launch import start_discord

    command = args.command or "run"
    return start_discord(
        settings,
        answerer,
        command,
        getattr(args, "guild", None),
        watch=getattr(args, "watch", False),
    )


def _seeds_problem(error: SeedsFolderError, from_argument: bool) -> str:
    """The seeds error with where the folder setting came from, so the fix is obvious."""
    origin = "--seeds, read relative to the current folder" if from_argument else seeds_origin()
    return f"{error} (looked there because of {origin})"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        overrides: dict[str, object] = {}
        if getattr(args, "shard_ids", None) is not None:
            overrides["shard_ids"] = args.shard_ids
        if getattr(args, "shard_count", None) is not None:
            overrides["shard_count"] = args.shard_count
        settings = load_settings(**overrides)
    except SettingsError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "ask" and args.question is not None and not args.question.strip():
        print(
            'article-bot: the question is empty. Usage: article-bot ask "who opposed the '
            'coalition?" (or omit it to read questions from standard input)',
            file=sys.stderr,
        )
        return EXIT_USAGE
    wants_discord = args.command in DISCORD_COMMANDS or (
        args.command is None and settings.has_token
    )
    # Checked before loading anything: a missing token is a usage error, whatever the articles.
    if wants_discord and not settings.has_token:
        return _no_token()
    from_argument = args.seeds is not None
    seeds = args.seeds.resolve() if from_argument else settings.seeds_folder
    # /reload and --watch re-read the folder the bot was started on.
    settings = settings.model_copy(update={"seeds_dir": seeds})
    if settings.semantic and args.command != "remove":  # every other command loads it
        from retrieval.semantic import start_loading

        start_loading(settings.index_cache_dir)
    # Imported only now, so that the model loads while they are (about 0.15 s in all).
    from bot.library import load_library
    from bot.terminal import commands, console
    from bot.terminal.progress import progress_reporter
    from bot.warm_start import kept_for_the_process
    from retrieval import Answerer

    if args.command in ("add", "remove"):
        from bot.terminal import library_commands

        try:
            if args.command == "add":
                return library_commands.add(settings, seeds, args.source)
            return library_commands.remove_article(seeds, args.article_id)
        except BrokenPipeError:  # `article-bot add URL | head`: the change itself is made
            return EXIT_OK
    try:
        with kept_for_the_process():
            corpus = load_library(
                settings.semantic, seeds, settings.index_cache_dir, progress_reporter(sys.stderr)
            )
            answerer = Answerer(corpus)
        top_k = getattr(args, "top_k", None) or settings.top_k
        if wants_discord:
            return _discord(settings, answerer, args)
        if args.command == "ask":
            return commands.ask(answerer, args, top_k)
        if args.command == "inspect":
            print(console.render_inspection(answerer.corpus), end="")
            return EXIT_OK
        if args.command == "eval":
            return commands.evaluate(answerer, args)
        if args.command == "export-feedback":
            return commands.export_feedback(settings, answerer, args)
        notice = None
        if args.command is None:
            notice = (
                "No DISCORD_TOKEN is set, so article-bot runs in the terminal. "
                "To connect it to Discord, put DISCORD_TOKEN in .env (see .env.example)."
            )
        return commands.chat(answerer, top_k, notice)
    except SeedsFolderError as error:
        print(f"article-bot: {_seeds_problem(error, from_argument)}", file=sys.stderr)
        return EXIT_DATA
    except RetrievalError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
    except BrokenPipeError:
        return EXIT_OK
