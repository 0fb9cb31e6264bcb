"""Loading a folder of article files as `article-bot` does, with its progress shown.

Usage: python benchmarks/load_folder.py [--sentences 50000] [--semantic] [--folder PATH]

Writes the large benchmark corpus (benchmarks/corpora.py) as .txt files into a temporary folder
(or --folder), then times `article-bot inspect` on it as a whole process, its progress on
standard error (a bar on a terminal, one line a stage when piped).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import large_articles


def write_folder(folder: Path, sentences: int) -> int:
    """The corpus as one .txt file per article; returns the sentence count written."""
    written = 0
    for article in large_articles(sentences):
        body = "\n".join(" ".join(s.text for s in p.sentences) for p in article.paragraphs)
        (folder / f"{article.id}.txt").write_text(f"{article.headline}\n{body}\n", "utf-8")
        written += len(article.sentences)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=50_000)
    parser.add_argument("--semantic", action="store_true", help="encode the sentences too")
    parser.add_argument("--folder", type=Path, help="write the corpus here (default: a temp dir)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="article-bot-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    count = write_folder(folder, args.sentences)
    files = len(list(folder.glob("*.txt")))
    print(f"{count:,} sentences in {files} files at {folder}", flush=True)
    env = {**os.environ, "SEMANTIC": "true" if args.semantic else "false", "INDEX_CACHE_DIR": ""}
    command = [sys.executable, "-m", "bot", "inspect", "--seeds", str(folder)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    print(f"article-bot inspect: exit {result.returncode}, {elapsed:.2f} s as a whole process")


if __name__ == "__main__":
    main()
