"""Starting the Discord side from the command line: run or sync, each failure one clear line."""

from __future__ import annotations

import sys

from bot.exits import EXIT_DATA, EXIT_OK, EXIT_USAGE
from bot.settings import Settings
from retrieval import Answerer

NO_TOKEN = (
    "No DISCORD_TOKEN is set. Put the bot's token in .env (see .env.example), "
    "or try the same answers in the terminal with: article-bot chat"
)


def start_discord(
    settings: Settings,
    answerer: Answerer,
    command: str,
    guild: int | None = None,
    watch: bool = False,
) -> int:
    """Run the bot or sync its commands; the caller has checked that a token is set."""
    import asyncio

    import discord

    from bot.discord.runner import run_bot, setup_logging, sync_commands
    from bot.store import StoreError

    setup_logging(settings)
    try:
        if command == "sync":
            count = asyncio.run(sync_commands(settings, answerer, guild))
            where = (
                f"guild {guild}"
                if guild is not None
                else "all guilds (global; may take up to an hour)"
            )
            print(f"Synced {count} commands to {where}.")
        else:
            asyncio.run(run_bot(settings, answerer, watch=watch))
    except StoreError as error:
        print(f"article-bot: {error}", file=sys.stderr)
        return EXIT_DATA
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
