"""The one analyzer: folding, possessives, hyphens, acronyms, numbers, stop words, synonyms."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Analyzer, Corpus, SynonymsError
from retrieval.analysis import base_tokens
from retrieval.synonyms import load_synonyms, parse_synonyms
from retrieval.text import clean_question


def terms(text: str) -> list[str]:
    return [t.term for t in base_tokens(text)]


def test_us_spellings_all_become_one_term_but_the_pronoun_does_not() -> None:
    """U.S., US, u.s. and 'the us' name the country; 'tell us' is a stop word."""
    assert terms("U.S.") == terms("US") == terms("u.s.") == terms("the us") == ["usa"]
    assert terms("tell us") == []


@pytest.mark.parametrize(
    "text",
    [
        "Aid from the us arrived.",
        "They told us that the US and the U.S. agreed.",
        "US troops and Us and uS",
        "Tell us more about the us-Europe deal, the Us envoy said.",
    ],
)
def test_indexing_reads_every_us_as_questions_do(text: str) -> None:
    """The indexing pass, fast or word by word, finds the terms a question would."""
    assert Analyzer().document_profile(text)[0] == terms(text)


def test_possessives_and_plurals_meet_their_base_word() -> None:
    """Ukraine's, Ukraine and countries/country share terms."""
    assert terms("Ukraine's") == terms("ukraine")
    assert terms("countries") == terms("country")
    assert terms("Ukraine’s") == terms("Ukraine")


def test_hyphenated_words_match_their_parts_and_the_joined_form() -> None:
    """'post-war' matches 'post war' and 'postwar'."""
    assert set(terms("post war")) <= set(terms("post-war"))
    assert set(terms("postwar")) <= set(terms("post-war"))


def test_numbers_are_kept_and_ordinals_match_their_number() -> None:
    """'the 6th' matches '6'; '800 billion' keeps 800; '1,000' is 1000."""
    assert terms("the 6th") == terms("6")
    assert "800" in terms("800 billion euros")
    assert terms("1,000") == ["1000"]


def test_accents_and_damage_marks_fold_consistently() -> None:
    """Micheál and Micheal are one term; the damaged Miche?l stays a word of its own."""
    assert terms("Micheál") == terms("Micheal")
    assert terms("Miche?l") == ["miche?l"]


def test_stop_words_and_chat_filler_carry_no_terms() -> None:
    """A question of only function words and filler has no content terms."""
    assert terms("wat did u say abt it lol") == []


def test_invisible_and_zero_width_characters_do_not_split_words() -> None:
    """A zero-width space inside a word does not change its term."""
    assert terms(clean_question("Mac\u200bron")) == terms("Macron")


def test_solr_synonym_lines_parse_into_rules() -> None:
    """Equivalences, explicit mappings, comments and escaped commas."""
    rules = parse_synonyms(
        Path("s.txt"), "# comment\nuk, britain\n\nbn, b => billion\na\\,b, c  # trailing\n"
    )
    assert [r.sources for r in rules] == [("uk", "britain"), ("bn", "b"), ("a,b", "c")]
    assert rules[0].is_equivalence
    assert not rules[1].is_equivalence
    assert rules[1].targets == ("billion",)


@pytest.mark.parametrize(
    ("line", "problem"),
    [("lonely", "two or more"), ("a => b => c", "only once"), (" => b", "no phrase")],
)
def test_a_bad_synonym_line_is_reported_with_its_number(line: str, problem: str) -> None:
    """The first bad line raises with the file and line number."""
    with pytest.raises(SynonymsError, match=rf"s\.txt:2: .*{problem}"):
        parse_synonyms(Path("s.txt"), f"ok, fine\n{line}\n")


def test_a_synonyms_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    """A broken synonyms file names itself."""
    path = tmp_path / "synonyms.txt"
    path.write_bytes(b"caf\xe9, coffee\n")
    with pytest.raises(SynonymsError, match=r"synonyms\.txt:1"):
        load_synonyms(path)


def test_equivalent_phrases_meet_in_document_and_question() -> None:
    """'United Kingdom' in a question finds 'Britain' in a sentence, multi-word phrases too."""
    rules = parse_synonyms(Path("s.txt"), "uk, united kingdom, britain\n")
    analyzer = Analyzer(rules)
    document = {t.term for t in analyzer.document("Britain spoke.")}
    question = {t.term for t in analyzer.query("What did the United Kingdom say?")}
    assert question
    assert question <= document


def test_an_explicit_mapping_rewrites_the_question_only_one_way() -> None:
    """'bn => billion': a question saying bn looks for billion."""
    analyzer = Analyzer(parse_synonyms(Path("s.txt"), "bn => billion\n"))
    assert [t.term for t in analyzer.query("800bn")] == [
        t.term for t in analyzer.query("800 billion")
    ]


def test_the_bundled_synonyms_link_demonyms_capitals_and_acronyms(corpus: Corpus) -> None:
    """The shipped rules join the names readers use for the article's countries and bodies."""
    analyzer = corpus.analyzer
    for question, sentence in [
        ("british", "the UK"),
        ("the kremlin", "Russia has opposed"),
        ("european union", "the EU summit"),
        ("prime minister", "the PM"),
        ("aussie", "Australia"),
        ("defence", "defense"),
    ]:
        asked = {t.term for t in analyzer.query(question)}
        found = {t.term for t in analyzer.document(sentence)}
        assert asked & found, (question, sentence)


def test_a_sentences_term_ids_are_its_highlight_terms(corpus: Corpus) -> None:
    """The index's tokens a decision signal reads (sentence_term_ids) hold exactly the terms
    the highlights are made from, synonyms included."""
    for position in range(len(corpus.sentences)):
        highlighted = {corpus.own.term_id(t) for t in corpus.term_spans(position)}
        assert corpus.sentence_term_ids(position) == highlighted
