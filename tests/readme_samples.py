"""The README's sample outputs, made by running the real commands.

`python -m tests.readme_samples` rewrites them in README.md; tests/test_readme.py fails when
the README and the real output differ, so a sample can never drift from what the bot prints.
A sample is a fenced block between `<!-- sample: ARGS -->` and `<!-- end sample -->`; with
`sample-json:` the command's one-line JSON is shown indented.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SAMPLE = re.compile(
    r"(<!-- sample(?P<json>-json)?: (?P<args>.+?) -->\n)(?P<body>.*?)(<!-- end sample -->)",
    re.DOTALL,
)


def run_sample(args: str, as_json: bool) -> str:
    """The fenced block for one sample: the command as typed, then what it printed."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISCORD_TOKEN", "SEEDS_DIR", "TOP_K", "COLUMNS"}
    }
    environment["NO_COLOR"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "bot", *shlex.split(args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=True,
    )
    if as_json:
        shown = json.dumps(json.loads(result.stdout), indent=2, ensure_ascii=False)
        return f"```json\n{shown}\n```\n"
    return f"```text\n$ article-bot {args}\n{result.stdout.rstrip()}\n```\n"


def render(readme: str) -> str:
    """The README with every sample block replaced by the real output."""
    return SAMPLE.sub(lambda m: m[1] + run_sample(m["args"], bool(m["json"])) + m[5], readme)


def samples(readme: str) -> list[tuple[str, str]]:
    """Each sample's arguments and its block as the README has it."""
    return [(m["args"], m["body"]) for m in SAMPLE.finditer(readme)]


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
