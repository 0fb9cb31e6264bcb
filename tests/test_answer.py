"""The answer policy on the real article: hit rates, refusals, passages and context."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from retrieval import Answerer, Corpus
from retrieval.evaluation import evaluate, read_questions, score
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("name", "p_at_1", "r_at_3", "refused_answerable", "refused_unanswerable"),
    [
        # Floors set below the measured values (docs/quality.md): a guard, not a target.
        # 0.591 since function-word questions are shown as "not sure" ("what time is it").
        # R@3 0.929 (was 0.957) since the word-piece signals: two follow-up-style questions
        # ("what does the uk need from america") lose their answer below the third place.
        ("questions-dev.jsonl", 0.82, 0.92, 0.03, 0.55),
        # 0.667 since the ordering model learns from no SQuAD 2.0 dev article (more "not sure").
        ("questions-test.jsonl", 0.87, 0.93, 0.03, 0.62),
        # Unanswerable refused 0.088 (was 0.118) since the word-piece signals: one question
        # moved from refused to "not sure" (docs/quality.md).
        ("blind-dev.jsonl", 0.77, 0.85, 0.07, 0.08),
        ("blind-test.jsonl", 0.77, 0.90, 0.03, 0.25),
    ],
)
def test_hit_rates_on_our_question_files_stay_above_their_floors(
    answerer: Answerer,
    name: str,
    p_at_1: float,
    r_at_3: float,
    refused_answerable: float,
    refused_unanswerable: float,
) -> None:
    """Questions written as Discord users ask them keep their measured quality."""
    questions = read_questions(DATA / name)
    assert sum(q.answerable for q in questions) >= 30
    assert sum(not q.answerable for q in questions) >= 15
    scores = score(evaluate(answerer, questions))
    assert scores.p_at_1 >= p_at_1
    assert scores.r_at_3 >= r_at_3
    assert scores.refused_answerable <= refused_answerable
    assert scores.refused_unanswerable >= refused_unanswerable
    assert scores.mean_top_length < 300


@pytest.mark.parametrize(
    ("name", "answered_right", "confident_unanswerable", "ece"),
    [
        # Floors and ceilings below and above the measured values (docs/quality.md). Since the
        # ordering model learns from no SQuAD 2.0 dev article, confident_at is 0.408 (was
        # 0.485): right 0.645 -> 0.742 and 0.677 -> 0.774, confident unanswerable 0.235 ->
        # 0.353 and 0.324 -> 0.353 (blind-dev, blind-test). With the model's int8 graph
        # blind-dev's calibration error is 0.181 (0.165 with the float graph).
        ("blind-dev.jsonl", 0.68, 0.38, 0.20),
        ("blind-test.jsonl", 0.70, 0.38, 0.21),
        ("questions-test.jsonl", 0.74, 0.07, 0.18),
    ],
)
def test_the_three_answers_keep_their_measured_rates(
    answerer: Answerer,
    name: str,
    answered_right: float,
    confident_unanswerable: float,
    ece: float,
) -> None:
    """Answered confidently and right, unanswerable questions answered confidently, and the
    calibration error stay where they were measured."""
    scores = score(evaluate(answerer, read_questions(DATA / name)))
    assert scores.answered_right >= answered_right
    assert scores.confident_unanswerable <= confident_unanswerable
    assert scores.ece <= ece


def test_every_body_sentence_answers_at_least_one_question(corpus: Corpus) -> None:
    """The question files cover the whole article."""
    from retrieval.evaluation import gold_pattern, passage_matches

    golds = [
        gold_pattern(g)
        for f in ("questions-dev.jsonl", "questions-test.jsonl")
        for q in read_questions(DATA / f)
        for g in q.gold
    ]
    for sentence in corpus.sentences:
        assert any(passage_matches(sentence.text, [g]) for g in golds), sentence.citation_id


@pytest.mark.parametrize("question", ["starmer?", "Lavrov", "NATO?", "merseyside"])
def test_one_word_questions_are_answered(answerer: Answerer, question: str) -> None:
    """A single name is a question too."""
    answer = answerer.ask(question)
    assert answer.found
    word = question.strip("?").casefold()
    assert word in answer.passages[0].sentence.text.casefold()


@pytest.mark.parametrize(
    "question",
    [
        "any good burger places in Lyon?",
        "how do I change my nickname",
        "what did Spain's king say?",
    ],
)
def test_questions_the_article_cannot_answer_are_refused_with_topics(
    answerer: Answerer, question: str
) -> None:
    """A refusal has no passage and names topics the article does cover."""
    answer = answerer.ask(question)
    assert not answer.found
    assert answer.topics
    assert "Coalition of Will" in answer.topics or any("Paris" in t for t in answer.topics)


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather in Paris tomorrow",
        "is it raining in Paris today?",
        "recommend a hotel in Paris",
        "best burger in Ireland?",
    ],
)
def test_an_off_topic_question_naming_a_place_of_the_article_is_never_answered_confidently(
    answerer: Answerer, question: str
) -> None:
    """Naming Paris does not make a weather question answerable: at most "not sure" (the
    model puts these between 0.12 and 0.19, about the refusal threshold, measured in
    docs/quality.md)."""
    answer = answerer.ask(question)
    assert not answer.confident
    assert answer.confidence < 0.3


def test_a_refusal_lists_the_closest_topics_first(answerer: Answerer) -> None:
    """A refused question sharing a word with a topic sees that topic first (refused here by
    thresholds that refuse everything, so the order is tested apart from the decision)."""
    strict = dataclasses.replace(answerer.decider, shown_at=1.0, confident_at=1.0)
    answer = Answerer(answerer.corpus, decider=strict).ask("what's the weather in Paris tomorrow")
    assert not answer.found
    assert "Paris" in answer.topics[0] or "France" in answer.topics[0]


def test_a_question_with_no_content_words_is_refused_as_such(answerer: Answerer) -> None:
    """'hi' has nothing to search for."""
    answer = answerer.ask("hi")
    assert not answer.found
    assert not answer.has_content_words


def test_passages_are_verbatim_with_citations_and_highlights(
    answerer: Answerer, corpus: Corpus
) -> None:
    """Each passage quotes its sentence exactly; highlights point at the matched words."""
    answer = answerer.ask("wat did macorn say abt troops")
    assert answer.corrections == (("macorn", "macron"),)
    top = answer.passages[0]
    assert top.sentence.citation_id == "coalition-of-will:p9s1"
    assert corpus.sentence(top.sentence.citation_id) == top.sentence
    highlighted = [top.sentence.text[s.start : s.end] for s in top.highlights]
    assert highlighted == ["Macron", "troops"]
    assert top.matched_terms == ("Macron", "troops")


def test_top_k_limits_the_passages_and_rest_holds_the_next_ones(answerer: Answerer) -> None:
    """top_k passages are shown; further ranked passages wait in rest for paging."""
    answer = answerer.ask("Ukraine", top_k=2, pool=5)
    assert len(answer.passages) == 2
    assert len(answer.rest) == 5
    assert answerer.ask("Ukraine", top_k=2).rest == ()
    ids = [p.sentence.citation_id for p in (*answer.passages, *answer.rest)]
    assert len(ids) == len(set(ids))


def test_neighbouring_sentences_are_available_as_context(answerer: Answerer) -> None:
    """A passage carries the sentences before and after it."""
    passage = answerer.ask("what did lavrov say").passages[0]
    assert passage.sentence.citation_id == "coalition-of-will:p11s2"
    assert passage.before is not None
    assert passage.before.text == "Russia has opposed these discussions."
    assert passage.after is not None
    assert passage.after.citation_id == "coalition-of-will:p12s1"


@pytest.mark.parametrize(
    ("question", "citation"),
    [
        ("what did starmer stress about the plan", "coalition-of-will:p10s3"),
        ("what did starmer emphasize about european partners", "coalition-of-will:p10s4"),
        ("what does the france chiefs of staff meeting coincide with", "coalition-of-will:p7s2"),
    ],
)
def test_sentences_that_lean_on_the_one_before_are_found_by_what_it_names(
    answerer: Answerer, question: str, citation: str
) -> None:
    """'He stressed...' is found by 'starmer' through its lead-in context."""
    ranked = [p.sentence.citation_id for p in answerer.ask(question).passages]
    assert citation in ranked


def test_lead_in_context_measurably_helps_pronoun_questions(corpus: Corpus) -> None:
    """Without the lead-in field, pronoun-dependent questions score worse (docs/quality.md)."""
    from retrieval import Policy

    questions = [
        q
        for f in ("questions-dev.jsonl", "questions-test.jsonl")
        for q in read_questions(DATA / f)
        if q.kind == "pronoun"
    ]
    with_context = score(evaluate(Answerer(corpus), questions))
    without = score(
        evaluate(Answerer(corpus, Policy(context_weight=0.0, context_evidence=0.0)), questions)
    )
    assert with_context.mrr_at_10 > without.mrr_at_10


def test_an_overlong_question_is_cut_not_rejected(answerer: Answerer) -> None:
    """A question drowned in emoji still gets its answer; the noise carries no words."""
    answer = answerer.ask("what did lavrov say " + "🙂" * 6000)
    assert answer.found


def test_the_question_file_reader_names_a_bad_line(tmp_path: Path) -> None:
    """A malformed question file fails with its line number."""
    from retrieval.evaluation import QuestionFileError

    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "ok", "gold": []}\n{"question": 3}\n', encoding="utf-8")
    with pytest.raises(QuestionFileError, match=r"q\.jsonl:2:"):
        read_questions(path)


def test_gold_matching_tolerates_white_space_and_damaged_characters() -> None:
    """'Micheál  Martin' as gold matches the source's 'Miche?l Martin'."""
    from retrieval.evaluation import gold_pattern, passage_matches

    assert passage_matches("Prime Minister Miche?l Martin said", [gold_pattern("Micheál  Martin")])
    assert not passage_matches("Prime Minister Martin said", [gold_pattern("Micheál Martin")])


def test_the_refusal_decision_does_not_depend_on_top_k(answerer: Answerer) -> None:
    """Asking for one passage or ten, every question of our files is answered or refused alike
    (the decision always looks at the top three)."""
    questions = [
        q for f in ("questions-dev.jsonl", "questions-test.jsonl") for q in read_questions(DATA / f)
    ]
    for question in questions:
        decisions = {answerer.ask(question.question, top_k=k).found for k in (1, 3, 10)}
        assert len(decisions) == 1, question.question
