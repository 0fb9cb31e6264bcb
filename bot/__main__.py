"""Entry point for ``python -m bot`` and the ``article-bot`` console script."""

from __future__ import annotations

import sys

from bot import process_defaults

process_defaults.apply()  # before anything imports NumPy

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
