"""The command line run as a user runs it, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, write_article


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "SEEDS_DIR", "TOP_K"}
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_ask_prints_quoted_passages_with_citations() -> None:
    """A question on the command line gets quotes and citation ids."""
    result = run("ask", "who opposed the coalition?")
    assert result.returncode == 0, result.stderr
    assert "“Russia has opposed these discussions.”" in result.stdout
    assert "coalition-of-will:p11s1" in result.stdout
    assert "matched:" in result.stdout


def test_ask_reads_one_question_per_line_from_stdin_in_order() -> None:
    """Without a question argument, each input line is answered in turn."""
    result = run("ask", "--json", stdin="lavrov\n\nany good burger places in Lyon?\nstarmer?\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in lines] == [
        "lavrov",
        "any good burger places in Lyon?",
        "starmer?",
    ]
    assert lines[1]["passages"] == []


def test_json_output_follows_the_documented_contract() -> None:
    """Each line: question, passages with text, score and the citation fields, the confidence
    and which of the three answers it is, nothing else."""
    result = run("ask", "--json", "--top-k", "2", "what did macron say about troops")
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "passages", "confident", "confidence", "answer"}
    assert isinstance(answer["confident"], bool)
    assert 0.0 <= answer["confidence"] <= 1.0
    assert answer["answer"] in {"answered", "not_sure", "not_found"}
    assert answer["confident"] == (answer["answer"] == "answered")
    assert 1 <= len(answer["passages"]) <= 2
    source = (ROOT / "seeds" / "coalition-of-will.txt").read_text(encoding="utf-8")
    for passage in answer["passages"]:
        assert set(passage) == {"text", "score", "citation"}
        assert isinstance(passage["score"], float)
        assert passage["text"] in source
        citation = passage["citation"]
        assert set(citation) - {"from", "page", "url"} == {
            "article",
            "title",
            "paragraph",
            "sentence",
        }
        assert citation["article"] == "coalition-of-will"
        assert isinstance(citation["paragraph"], int)
        assert isinstance(citation["sentence"], int)


def test_a_missing_seeds_folder_is_one_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    """No traceback: one line naming the folder."""
    result = run("--seeds", str(tmp_path / "missing"), "ask", "x")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_broken_article_names_the_file(tmp_path: Path) -> None:
    """A non-UTF-8 article stops the load with its file name."""
    write_article(tmp_path, "good.txt", "Headline\nA sentence.\n")
    (tmp_path / "bad.txt").write_bytes(b"Headline\n\xff\xfe\n")
    result = run("ask", "x", "--seeds", str(tmp_path))
    assert result.returncode == 1
    assert "bad.txt" in result.stderr
    assert "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_setting_names_the_variable() -> None:
    """TOP_K=99 is rejected with the variable's name and exit code 2."""
    result = run("ask", "x", env={"TOP_K": "99"})
    assert result.returncode == 2
    assert "TOP_K" in result.stderr


def test_a_bad_top_k_argument_is_a_usage_error() -> None:
    """--top-k 0 is refused by the parser."""
    result = run("ask", "--top-k", "0", "x")
    assert result.returncode == 2


def test_inspect_lists_every_quotable_sentence_with_its_id() -> None:
    """An admin sees exactly what can be quoted."""
    result = run("inspect")
    assert result.returncode == 0
    assert "coalition-of-will:p15s2" in result.stdout
    assert "footer (never quoted)" in result.stdout
    assert result.stdout.count("coalition-of-will:p") == 30


def test_starting_without_a_token_opens_the_terminal_chat() -> None:
    """The default start-up explains how to connect to Discord and answers in the terminal."""
    result = run(stdin="wat did macorn say abt troops\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "DISCORD_TOKEN" in result.stdout
    assert "willingness to deploy troops" in result.stdout


def test_eval_scores_a_question_file() -> None:
    """The eval command prints P@1, R@3 and MRR@10, also as JSON."""
    result = run("eval", str(DATA / "questions-test.jsonl"), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["overall"]["answerable"] >= 40
    assert 0.0 <= report["overall"]["p@1"] <= 1.0


def test_eval_reports_a_malformed_file_with_its_line(tmp_path: Path) -> None:
    """A bad question file fails with the line number."""
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "a", "gold": []}\nnot json\n', encoding="utf-8")
    result = run("eval", str(path))
    assert result.returncode == 1
    assert "q.jsonl:2" in result.stderr


@pytest.mark.parametrize("flag", ["--help", "ask --help"])
def test_help_works(flag: str) -> None:
    """The parser describes its commands."""
    result = run(*flag.split())
    assert result.returncode == 0
    assert "usage: article-bot" in result.stdout


@pytest.mark.parametrize("command", ["run", "sync"])
def test_discord_commands_without_a_token_exit_2_with_directions(command: str) -> None:
    """run and sync need DISCORD_TOKEN: exit 2, pointing to .env.example and the chat."""
    result = run(command, env={"DISCORD_TOKEN": ""})
    assert result.returncode == 2
    assert ".env.example" in result.stderr
    assert "article-bot chat" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_invalid_discord_setting_names_the_variable() -> None:
    """A bad id list stops start-up with the variable's name."""
    result = run("run", env={"DEV_GUILD_IDS": "not-a-number", "DISCORD_TOKEN": "x"})
    assert result.returncode == 2
    assert "DEV_GUILD_IDS" in result.stderr
    assert "not-a-number" not in result.stderr


def test_index_cache_dir_keeps_the_analysis_between_runs(tmp_path: Path) -> None:
    """INDEX_CACHE_DIR: the first run writes the analysis, the next answers the same from it."""
    cache = tmp_path / "cache"
    first = run("ask", "who opposed the coalition?", env={"INDEX_CACHE_DIR": str(cache)})
    assert first.returncode == 0, first.stderr
    assert len(list(cache.glob("analysis-*.npz"))) == 1
    second = run("ask", "who opposed the coalition?", env={"INDEX_CACHE_DIR": str(cache)})
    assert second.stdout == first.stdout


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_is_a_usage_error(question: str) -> None:
    """ask "" prints a one-line usage hint and exits 2 instead of printing nothing."""
    result = run("ask", question)
    assert result.returncode == 2
    assert "the question is empty" in result.stderr
    assert result.stdout == ""


def test_run_checks_the_token_before_loading_anything(tmp_path: Path) -> None:
    """Without a token, run exits 2 even when the seeds folder is missing."""
    result = run("run", "--seeds", str(tmp_path / "missing"), env={"DISCORD_TOKEN": ""})
    assert result.returncode == 2
    assert ".env.example" in result.stderr


def test_a_missing_seeds_folder_from_dot_env_says_where_it_looked_and_why(tmp_path: Path) -> None:
    """The error names the absolute folder and that SEEDS_DIR in .env pointed there."""
    (tmp_path / ".env").write_text("SEEDS_DIR=nowhere\n", encoding="utf-8")
    result = run("ask", "x", cwd=tmp_path)
    assert result.returncode == 1
    assert str(tmp_path.resolve() / "nowhere") in result.stderr
    assert "SEEDS_DIR in" in result.stderr
    assert ".env" in result.stderr
