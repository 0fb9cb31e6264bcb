"""The packed list and wordfreq's own table give wordfreq's exact Zipf figures, or step aside."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import msgpack
import pytest
from wordfreq import get_frequency_dict, zipf_frequency

from retrieval import lexicon
from retrieval.word_frequency import (
    ENGLISH,
    LIST_SHA256,
    SCANS_BEFORE_TABLE,
    EnglishFrequencies,
    PackedList,
    is_plain,
    list_path,
    read_packed,
)


@pytest.fixture(scope="module")
def english_list() -> Path:
    path = list_path()
    assert path is not None
    assert path.is_file()
    return path


@pytest.fixture(scope="module")
def plain_words(english_list: Path) -> list[str]:
    buckets = msgpack.unpackb(gzip.decompress(english_list.read_bytes()), raw=False)[1:]
    words = [word for bucket in buckets for word in bucket if is_plain(word)]
    assert len(words) > 100_000
    return words


def test_the_installed_list_is_the_pinned_one(english_list: Path) -> None:
    assert hashlib.sha256(english_list.read_bytes()).hexdigest() == LIST_SHA256


def test_every_sampled_listed_word_has_wordfreqs_exact_figure(
    english_list: Path, plain_words: list[str]
) -> None:
    frequencies = EnglishFrequencies(english_list)
    sample = plain_words[::7]
    mismatched = [
        (word, frequencies.zipf(word), zipf_frequency(word, "en"))
        for word in sample
        if frequencies.zipf(word) != zipf_frequency(word, "en")
    ]
    assert mismatched == []


def test_every_buckets_figure_is_wordfreqs(english_list: Path) -> None:
    buckets = msgpack.unpackb(gzip.decompress(english_list.read_bytes()), raw=False)[1:]
    frequencies = EnglishFrequencies(english_list)
    firsts = [next((w for w in bucket if is_plain(w)), None) for bucket in buckets]
    words = [word for word in firsts if word is not None]
    assert len(words) > 500  # many of the 800 buckets are empty
    assert [frequencies.zipf(w) for w in words] == [zipf_frequency(w, "en") for w in words]


def test_unlisted_plain_words_get_wordfreqs_minimum(
    english_list: Path, plain_words: list[str]
) -> None:
    listed = set(plain_words)
    made_up = [word + "qzx" for word in plain_words[:2_000:40]] + ["macorn", "abt", "zzzzq"]
    frequencies = EnglishFrequencies(english_list)
    for word in made_up:
        expected = zipf_frequency(word, "en")
        assert frequencies.zipf(word) == expected, word
        if word not in listed:
            assert expected == 0.0


def test_scanning_and_the_table_agree(english_list: Path, plain_words: list[str]) -> None:
    packed = read_packed(english_list, LIST_SHA256)
    assert packed is not None
    words = [*plain_words[::5003], "nowordlikethis"]
    scanned = []
    for word in words:
        fresh = read_packed(english_list, LIST_SHA256)
        assert fresh is not None
        scanned.append(fresh.bucket_of(word))  # one lookup each: always a scan
    packed.complete()
    assert [packed.bucket_of(word) for word in words] == scanned
    assert scanned[-1] is None
    assert all(index is not None for index in scanned[:-1])


def test_many_lookups_build_the_table_and_answers_stay_the_same() -> None:
    packed = PackedList([["the", "of"], ["news"], ["coalition"]])
    answers = [packed.bucket_of(word) for word in ["coalition", "missing"] * SCANS_BEFORE_TABLE]
    assert answers == [2, None] * SCANS_BEFORE_TABLE
    assert packed._table is not None  # the many-words caller now looks words up in a table


@pytest.mark.parametrize("word", ["Macron", "don't", "2025", "café", "e-mail", "", "UK"])
def test_words_wordfreq_would_tokenise_or_fold_are_left_to_it(
    english_list: Path, word: str
) -> None:
    assert EnglishFrequencies(english_list).zipf(word) is None


def test_a_list_that_is_not_the_pinned_one_is_not_read(tmp_path: Path, english_list: Path) -> None:
    copy = tmp_path / "large_en.msgpack.gz"
    copy.write_bytes(english_list.read_bytes())
    assert EnglishFrequencies(copy, expected_sha256="0" * 64).zipf("news") is None
    assert EnglishFrequencies(tmp_path / "absent.msgpack.gz").zipf("news") is None
    assert EnglishFrequencies(None).zipf("news") is None


@pytest.mark.parametrize(
    "content",
    [
        b"not gzip at all",
        gzip.compress(b"\xc1 not msgpack"),
        gzip.compress(msgpack.packb([{"format": "other", "version": 1}, ["news"]])),
        gzip.compress(msgpack.packb({"format": "cB"})),
    ],
)
def test_a_damaged_list_with_a_matching_pin_reads_as_none(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "damaged.msgpack.gz"
    path.write_bytes(content)
    assert read_packed(path, hashlib.sha256(content).hexdigest()) is None
    assert EnglishFrequencies(path, hashlib.sha256(content).hexdigest()).zipf("news") is None


def test_the_lexicon_figures_are_wordfreqs_whichever_way_they_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = ["the", "coalition", "troops", "macorn", "Macron", "don't", "2025", "peacekeeping"]
    expected = [zipf_frequency(word, "en") for word in words]
    quick = EnglishFrequencies(list_path())
    monkeypatch.setattr(lexicon, "ENGLISH", quick)
    lexicon.zipf.cache_clear()
    assert [lexicon.zipf(word) for word in words] == expected
    assert quick.zipf("coalition") is not None  # the plain words were read from the list
    quick.use_table(get_frequency_dict("en", "best"))
    lexicon.zipf.cache_clear()
    assert quick.zipf("coalition") == zipf_frequency("coalition", "en")
    assert [lexicon.zipf(word) for word in words] == expected
    lexicon.zipf.cache_clear()


def test_wordfreqs_own_table_gives_its_exact_figures(
    english_list: Path, plain_words: list[str]
) -> None:
    """What a long-running process reads plain words from, once wordfreq is loaded."""
    frequencies = EnglishFrequencies(english_list)
    frequencies.use_table(get_frequency_dict("en", "best"))
    sample = [*plain_words[::7], "macorn", "zzzzq", "nowordlikethis"]
    mismatched = [
        (word, frequencies.zipf(word), zipf_frequency(word, "en"))
        for word in sample
        if frequencies.zipf(word) != zipf_frequency(word, "en")
    ]
    assert mismatched == []
    assert frequencies.zipf("Macron") is None  # not plain: still wordfreq's to tokenise


def test_a_long_running_process_reads_frequencies_from_wordfreq_alone() -> None:
    lexicon.prepare()
    assert ENGLISH.zipf("coalition") == zipf_frequency("coalition", "en")
    assert ENGLISH.zipf("nowordlikethis") == 0.0
    assert lexicon.rarity("coalition") == max(0.0, (6.0 - zipf_frequency("coalition", "en")) / 6)
