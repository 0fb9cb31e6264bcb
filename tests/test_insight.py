"""Admins' insight without Discord: server settings over defaults, /stats numbers, the chart,
and export-feedback feeding `article-bot eval`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bot.settings import Settings
from bot.store import AskedQuestion, GuildSettings, Store
from bot.store.chart import questions_per_day_png
from bot.store.engines import SqliteAsyncStore
from bot.store.feedback_export import TO_LABEL_DOWN, TO_LABEL_REFUSED, export_feedback
from bot.store.server_config import ServerConfigs, effective
from bot.store.stats import DAY, build_report
from retrieval import Answerer
from tests.test_cli import run

NOW = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC).timestamp()


def settings(**values: object) -> Settings:
    """Environment defaults for a test."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def asked(
    question: str,
    days_ago: float,
    refused: bool = False,
    up: int = 0,
    down: int = 0,
    citation: str = "coalition-of-will:p11s1",
) -> AskedQuestion:
    """A stored question, as the store returns it."""
    return AskedQuestion(
        id=int(days_ago * 1000) + len(question),
        asked_at=NOW - days_ago * DAY,
        guild_id=1,
        question=question,
        citations=() if refused else (citation,),
        scores=() if refused else (3.0,),
        refused=refused,
        latency_ms=0.25,
        up=up,
        down=down,
    )


def test_stored_values_override_the_environment_and_none_means_default() -> None:
    """A server's /config wins where set; everything else follows the environment."""
    env = settings(top_k=4, private_by_default=True, allowed_channel_ids="5,6")
    assert effective(env, GuildSettings()).top_k == 4
    config = effective(env, GuildSettings(top_k=2, private_default=False, allowed_channels=(9,)))
    assert (config.top_k, config.private_default, config.allowed_channels) == (2, False, (9,))
    assert config.answer_mentions is True
    assert config.articles == ()
    assert config.allows_channel(9, None)
    assert not config.allows_channel(5, None)
    assert config.allows_channel(77, 9)  # a thread under an allowed channel


async def test_changes_are_written_through_and_reset_restores_defaults(tmp_path: Path) -> None:
    """The cache never serves a stale value after a change, and a new process reads it."""
    path = tmp_path / "bot.sqlite3"
    configs = ServerConfigs(settings(), SqliteAsyncStore(Store(path)))
    await configs.load()
    assert configs.for_guild(1).top_k == 3
    assert (await configs.change(1, top_k=5)).top_k == 5
    assert configs.for_guild(1).top_k == 5
    assert configs.for_guild(2).top_k == 3
    assert (await configs.change(1, top_k=None)).top_k == 3
    await configs.change(1, private_default=True, articles=("x",))
    restarted = ServerConfigs(settings(), SqliteAsyncStore(Store(path)))
    await restarted.load()
    assert restarted.for_guild(1).private_default
    assert await configs.reset(1) == configs.for_guild(2)
    assert configs.for_guild(None).top_k == 3  # DMs: the environment's defaults


def test_the_report_counts_weeks_months_refusals_and_groups_variants() -> None:
    """Counts over 7 and 30 days; 'Who opposed?' and 'who opposed' are one question."""
    questions = [
        asked("Who opposed?", 1),
        asked("who  opposed", 2),
        asked("who opposed!", 10),
        asked("how old is starmer", 3, refused=True),
        asked("How old is Starmer?", 20, refused=True),
        asked("stock price of tesla", 5, refused=True),
        asked("macron troops", 4, up=1, down=3, citation="coalition-of-will:p3s1"),
        asked("lavrov", 6, up=2, down=1),
        asked("ancient question", 45),
    ]
    report = build_report(questions, NOW)
    assert (report.last_7, report.last_30) == (6, 8)
    assert (report.refused_7, report.refused_30) == (2, 3)
    assert report.refused_share_30 == 3 / 8
    assert report.top_questions[0] == ("Who opposed?", 3)
    assert report.top_refused[0][1] == 2
    assert report.top_refused[0][0].lower().startswith("how old is starmer")
    assert [r.question for r in report.rated_down] == ["macron troops", "lavrov"]
    assert report.rated_down[0].citation == "coalition-of-will:p3s1"
    assert len(report.per_day) == 30
    assert report.per_day[-1][0] == dt.date(2026, 11, 27)
    assert sum(n for _, n in report.per_day) == 8
    assert report.median_latency_ms == 0.25


def test_an_empty_report_has_zero_shares_not_errors() -> None:
    """A server nobody asked in yet."""
    report = build_report([], NOW)
    assert (report.last_30, report.refused_share_30, report.median_latency_ms) == (0, 0.0, None)
    assert report.top_questions == ()


def test_the_chart_is_a_png() -> None:
    """matplotlib draws offline into PNG bytes."""
    report = build_report([asked("who opposed", 1), asked("lavrov", 3)], NOW)
    png = questions_per_day_png(report.per_day)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 2000


def test_export_takes_gold_from_thumbs_up_and_lists_the_rest_to_label(
    answerer: Answerer,
) -> None:
    """👍 gives the rated passage as gold; refused and 👎-only questions get empty gold and a
    kind asking for a label; unrated answers and repeats are left out."""
    questions = [
        asked("who opposed the coalition", 1, up=2),
        asked("Who opposed the coalition?", 3, up=1),
        asked("how old is starmer", 2, refused=True),
        asked("macron troops", 2, down=2),
        asked("lavrov", 2),
        asked("gone", 2, up=1, citation="deleted-article:p1s1"),
    ]
    export = export_feedback(questions, answerer.corpus)
    by_question = {q.question: q for q in export.questions}
    assert set(by_question) == {"who opposed the coalition", "how old is starmer", "macron troops"}
    gold = by_question["who opposed the coalition"].gold
    assert gold == (answerer.corpus.sentence("coalition-of-will:p11s1").text,)  # type: ignore[union-attr]
    assert by_question["how old is starmer"].kind == TO_LABEL_REFUSED
    assert by_question["macron troops"].kind == TO_LABEL_DOWN
    assert len(export.skipped) == 1
    assert "deleted-article" in export.skipped[0]


def test_export_feedback_output_scores_with_eval(tmp_path: Path) -> None:
    """The command line round trip: database -> question file -> eval."""
    database = tmp_path / "bot.sqlite3"
    store = Store(database)
    rated = store.record_question(
        guild_id=1,
        channel_id=2,
        user_id=3,
        question="who opposed the coalition?",
        citations=["coalition-of-will:p11s1"],
        scores=[5.0],
        refused=False,
        latency_ms=0.2,
        way="slash",
    )
    store.record_vote(rated, 4, 1)
    store.record_question(
        guild_id=1,
        channel_id=2,
        user_id=3,
        question="any good burger places in Lyon?",
        citations=[],
        scores=[],
        refused=True,
        latency_ms=0.2,
        way="mention",
    )
    store.close()
    out = tmp_path / "feedback.jsonl"
    result = run("export-feedback", "--database", str(database), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 questions exported, 1 of them for you to label" in result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["question"] for line in lines] == [
        "who opposed the coalition?",
        "any good burger places in Lyon?",
    ]
    scored = run("eval", str(out), "--json")
    assert scored.returncode == 0, scored.stderr
    overall = json.loads(scored.stdout)["overall"]
    assert overall["answerable"] == 1
    assert overall["p@1"] == 1.0
    assert overall["refused_unanswerable"] == 1.0


def test_export_feedback_without_a_database_says_so(tmp_path: Path) -> None:
    """No file yet: one line, exit 1, and no empty database created."""
    missing = tmp_path / "none.sqlite3"
    result = run("export-feedback", "--database", str(missing))
    assert result.returncode == 1
    assert "no database yet" in result.stderr
    assert not missing.exists()


def test_not_sure_answers_are_counted_and_exported_for_labelling(tmp_path: Path) -> None:
    """/stats counts the third answer on its own; export-feedback offers unrated not-sure
    answers to label, as it does refusals."""
    from bot.store.feedback_export import TO_LABEL_UNSURE, export_feedback
    from bot.store.stats import build_report
    from retrieval import load_corpus
    from tests.conftest import SEEDS

    store = Store(tmp_path / "bot.sqlite3")
    common = {"guild_id": 1, "channel_id": 2, "user_id": 3, "latency_ms": 1.0, "way": "slash"}
    store.record_question(
        question="sure one",
        citations=["coalition-of-will:p11s1"],
        scores=[1.0],
        refused=False,
        **common,
    )  # type: ignore[arg-type]
    store.record_question(
        question="unsure one",
        citations=["coalition-of-will:p9s1"],
        scores=[0.2],
        refused=False,
        unsure=True,
        confidence=0.3,
        **common,
    )  # type: ignore[arg-type]
    asked = store.questions(1)
    report = build_report(asked, now=asked[-1].asked_at + 1)
    assert (report.last_30, report.unsure_30, report.refused_30) == (2, 1, 0)
    assert report.unsure_share_30 == 0.5
    exported = export_feedback(asked, load_corpus(SEEDS))
    assert [(q.question, q.kind) for q in exported.questions] == [("unsure one", TO_LABEL_UNSURE)]
