"""The SQLite store against real files: settings, questions, votes, migrations, damage, crashes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, SCHEMA_VERSION, GuildSettings, Store, StoreError

ROOT = Path(__file__).resolve().parent.parent


def ask(store: Store, question: str = "who opposed?", **overrides: object) -> int:
    """Record one question with sensible defaults."""
    values: dict[str, object] = {
        "guild_id": 1,
        "channel_id": 2,
        "user_id": 3,
        "question": question,
        "citations": ["coalition-of-will:p11s1"],
        "scores": [4.2],
        "refused": False,
        "latency_ms": 0.3,
        "way": "slash",
    }
    values.update(overrides)
    return store.record_question(**values)  # type: ignore[arg-type]


def test_a_new_database_is_created_in_wal_mode_at_the_latest_schema(tmp_path: Path) -> None:
    """The file, its folder and the schema appear on first use."""
    store = Store(tmp_path / "nested" / "bot.sqlite3")
    assert store.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    store.close()


def test_guild_settings_round_trip_and_survive_reopening(tmp_path: Path) -> None:
    """What /config stores is what a restarted bot reads."""
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    assert store.guild_settings(42) == GuildSettings()
    wanted = GuildSettings(
        allowed_channels=(7, 8),
        private_default=True,
        top_k=2,
        answer_mentions=False,
        articles=("coalition-of-will",),
        log_questions=False,
    )
    store.save_guild_settings(42, wanted)
    store.close()
    reopened = Store(path)
    assert reopened.guild_settings(42) == wanted
    assert reopened.guild_settings(43) == GuildSettings()


def test_questions_and_votes_are_stored_with_hashed_users(tmp_path: Path) -> None:
    """A question keeps its text, citations and scores; the user id is never stored."""
    store = Store(tmp_path / "bot.sqlite3")
    first = ask(store, user_id=123456789)
    assert store.record_vote(first, 5, 1) is False
    assert store.record_vote(first, 6, -1) is False
    assert store.record_vote(first, 6, 1) is True  # a changed vote replaces the old one
    [asked] = store.questions(1)
    assert (asked.question, asked.citations, asked.up, asked.down) == (
        "who opposed?",
        ("coalition-of-will:p11s1",),
        2,
        0,
    )
    raw = (store.path).read_bytes() + Path(f"{store.path}-wal").read_bytes()
    assert b"123456789" not in raw
    assert store.user_hash(5) == store.user_hash(5) != store.user_hash(6)
    assert store.questions(99) == []


def test_the_user_pseudonym_differs_between_databases(tmp_path: Path) -> None:
    """Each database salts its hashes, so a leaked file cannot be joined with another."""
    assert Store(tmp_path / "a.sqlite3").user_hash(5) != Store(tmp_path / "b.sqlite3").user_hash(5)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Threads of one process and a second process write at once; every row is kept."""
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from bot.store import Store
        store = Store(Path({str(path)!r}))
        for i in range(200):
            store.record_question(guild_id=9, channel_id=1, user_id=i, question=f"other {{i}}",
                citations=[], scores=[], refused=True, latency_ms=0.1, way="mention")
        """
    )
    other = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)

    def write(worker: int) -> None:
        for i in range(100):
            ask(store, f"thread {worker} question {i}", user_id=worker)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert other.wait(timeout=60) == 0
    assert len(store.questions(1)) == 400
    assert len(store.questions(9)) == 200


def test_a_process_killed_between_writes_keeps_every_committed_row(tmp_path: Path) -> None:
    """SIGKILL in the middle of a burst: each question reported as stored is in the file, and
    the file is intact."""
    path = tmp_path / "bot.sqlite3"
    Store(path).close()
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from bot.store import Store
        store = Store(Path({str(path)!r}))
        i = 0
        while True:
            qid = store.record_question(guild_id=1, channel_id=1, user_id=i, question=f"q{{i}}",
                citations=["a:p1s1"], scores=[1.0], refused=False, latency_ms=0.1, way="slash")
            print(qid, flush=True)
            i += 1
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    acknowledged = [int(writer.stdout.readline()) for _ in range(300)]
    writer.kill()
    writer.wait()
    writer.stdout.close()
    store = Store(path)
    stored = {q.id for q in store.questions(1)}
    assert set(acknowledged) <= stored
    check = sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"


def test_a_database_of_an_older_schema_is_migrated_with_its_data(tmp_path: Path) -> None:
    """A file written by the first release (schema 1) gains the new columns; rows stay."""
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    old.execute("INSERT INTO meta VALUES ('user_salt', '00112233445566778899aabbccddeeff')")
    old.execute(
        "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, citations, "
        "scores, refused) VALUES (1.0, 1, 2, 'abc', 'old question', '[]', '[]', 1)"
    )
    old.execute("INSERT INTO guild_settings (guild_id, top_k, updated_at) VALUES (1, 4, 1.0)")
    old.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION > 1
    [asked] = store.questions(1)
    assert (asked.question, asked.refused, asked.latency_ms) == ("old question", True, None)
    assert store.guild_settings(1) == GuildSettings(top_k=4)
    ask(store, "new question", latency_ms=1.5)
    assert [q.latency_ms for q in store.questions(1)][-1] == 1.5


def test_a_corrupt_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    """Not a database: a clear error naming the file, and its bytes unchanged."""
    path = tmp_path / "bot.sqlite3"
    garbage = b"this is not a database, but someone's notes\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match=r"bot\.sqlite3: not a readable article-bot database"):
        Store(path)
    assert path.read_bytes() == garbage


def test_a_damaged_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    """A real database with overwritten pages fails its check instead of being used."""
    path = tmp_path / "bot.sqlite3"
    store = Store(path)
    for i in range(300):
        ask(store, f"question {i} " + "x" * 200)
    store.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 4] = b"\xff" * 8192
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="left untouched"):
        Store(path)
    assert path.read_bytes() == bytes(data)


def test_a_database_from_a_newer_release_is_refused(tmp_path: Path) -> None:
    """A schema this release does not know is never downgraded or written to."""
    path = tmp_path / "bot.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer article-bot"):
        Store(path)


def test_not_sure_answers_and_threads_are_stored_and_read_back(tmp_path: Path) -> None:
    """The third answer is kept apart from answered and refused, with its confidence; the
    threads setting round-trips like the others."""
    store = Store(tmp_path / "bot.sqlite3")
    ask(store, "sure", confidence=0.9)
    ask(store, "not sure", unsure=True, confidence=0.3)
    ask(store, "refused", refused=True, citations=[], scores=[], confidence=0.02)
    by_text = {q.question: q for q in store.questions(1)}
    assert (by_text["sure"].unsure, by_text["sure"].confidence) == (False, 0.9)
    assert (by_text["not sure"].unsure, by_text["not sure"].confidence) == (True, 0.3)
    assert by_text["refused"].refused
    assert not by_text["refused"].unsure
    store.save_guild_settings(5, GuildSettings(threads=True))
    assert store.guild_settings(5).threads is True


def test_a_version_2_database_gains_the_new_columns_with_its_rows(tmp_path: Path) -> None:
    """A file made by the release before (schema 2) migrates in place: old questions read as
    sure answers with no confidence, old settings with threads unset."""
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "\nPRAGMA user_version = 2;")
    db.execute(
        "INSERT INTO questions (asked_at, guild_id, channel_id, user_hash, question, citations, "
        "scores, refused, latency_ms, way) VALUES (1, 1, 2, 'h', 'old one', '[]', '[]', 0, 1, "
        "'slash')"
    )
    db.execute("INSERT INTO guild_settings (guild_id, top_k, updated_at) VALUES (1, 2, 0)")
    db.close()
    store = Store(path)
    [old] = store.questions(1)
    assert (old.question, old.unsure, old.confidence) == ("old one", False, None)
    assert store.guild_settings(1) == GuildSettings(top_k=2)
