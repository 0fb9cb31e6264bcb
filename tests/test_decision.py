"""The decision: a calibrated confidence and three answers, and passages that carry their
antecedent."""

from __future__ import annotations

import dataclasses

import pytest

from bot import wording
from bot.terminal import console
from retrieval import Answerer
from retrieval.decision import Verdict, bundled_decider, decider_from_dict
from retrieval.evaluation import EvalQuestion, Outcome, expected_calibration_error, reliability
from retrieval.linear import load_bundled, model_from_dict
from retrieval.passages import leans_on_previous
from retrieval.signals import CANDIDATE_FEATURES, QUESTION_FEATURES, type_miss


def test_the_shipped_models_match_the_signals_the_code_computes() -> None:
    """Each weights file names exactly the features the code computes, in order."""
    for semantic in (True, False):
        decider = bundled_decider(semantic)
        assert decider.model.features == QUESTION_FEATURES
        assert 0.0 <= decider.shown_at <= decider.confident_at <= 1.0
        kind = "semantic" if semantic else "bm25"
        ranker = load_bundled(f"ranker-{kind}.json")
        assert tuple(ranker["model"]["features"]) == CANDIDATE_FEATURES  # type: ignore[index]
        assert tuple(ranker["evidence"]["features"]) == CANDIDATE_FEATURES  # type: ignore[index]


def test_a_model_for_other_features_is_refused() -> None:
    """Weights written for another set of signals never load silently."""
    data = load_bundled("decision-semantic.json")
    model = dict(data["model"])  # type: ignore[call-overload]
    model["features"] = [*model["features"][:-1], "something_else"]
    with pytest.raises(Exception, match="features"):
        model_from_dict(model, QUESTION_FEATURES)
    with pytest.raises(ValueError, match="thresholds"):
        decider_from_dict({**data, "shown_at": 0.9, "confident_at": 0.1})


def test_the_verdict_follows_the_thresholds() -> None:
    """Below shown_at: not found; up to confident_at: not sure; above: answered."""
    decider = bundled_decider(True)
    assert decider.verdict(0.0) is Verdict.NOT_FOUND
    assert decider.verdict(decider.confident_at) is Verdict.ANSWERED
    middle = (decider.shown_at + decider.confident_at) / 2
    assert decider.verdict(middle) is Verdict.NOT_SURE


def test_every_answer_carries_a_confidence_consistent_with_its_verdict(
    answerer: Answerer,
) -> None:
    """Found answers are answered or not sure; refusals are not found; the confidence lies
    where the thresholds put that verdict."""
    decider = answerer.decider
    for question in (
        "who opposed the coalition?",
        "how many troops will the uk send?",
        "any good pizza in paris?",
        "lavrov",
    ):
        answer = answerer.ask(question)
        assert 0.0 <= answer.confidence <= 1.0
        if not answer.found:
            assert answer.confidence < decider.shown_at
            assert not answer.confident
        elif answer.confident:
            assert answer.confidence >= decider.confident_at
        else:
            assert answer.verdict is Verdict.NOT_SURE


def test_not_sure_is_said_in_the_terminal_and_in_json(answerer: Answerer) -> None:
    """Passages the bot is not sure of come under the plain caveat, and JSON says so."""
    found = answerer.ask("who opposed the coalition?")
    unsure = dataclasses.replace(found, verdict=Verdict.NOT_SURE, confidence=0.3)
    shown = console.render_answer(unsure, answerer.corpus)
    assert shown.startswith(wording.NOT_SURE)
    data = console.answer_json(unsure, answerer.corpus)
    assert data["confident"] is False
    assert data["passages"]
    assert data["answer"] == "not_sure"
    sure = dataclasses.replace(found, verdict=Verdict.ANSWERED, confidence=0.9)
    assert wording.NOT_SURE not in console.render_answer(sure, answerer.corpus)


def test_the_decision_never_depends_on_top_k(answerer: Answerer) -> None:
    """One passage or ten: the same confidence and the same verdict."""
    for question in ("who opposed the coalition?", "how many troops will the uk send?"):
        answers = [answerer.ask(question, top_k=k) for k in (1, 3, 10)]
        assert len({(a.confidence, a.verdict) for a in answers}) == 1


@pytest.mark.parametrize(
    ("question", "sentence", "missed"),
    [
        ("how many troops will the uk send", "The UK will send troops to Ukraine.", 1.0),
        ("how many troops will the uk send", "The UK will send 5,000 troops.", 0.0),
        ("when is the summit", "The summit is on the 11th.", 0.0),
        ("when is the summit", "The summit is in Paris.", 1.0),
        ("who chairs the meeting", "The meeting is chaired by the minister.", 1.0),
        ("who chairs the meeting", "Jane Doe chairs the meeting.", 0.0),
        ("what did she say", "Anything at all.", 0.0),
    ],
)
def test_the_answer_type_check_looks_past_the_question_s_own_words(
    question: str, sentence: str, missed: float
) -> None:
    """A number, a date or a name must be in the sentence beyond what the question says."""
    assert type_miss(question, sentence) == missed


def _outcome(confidence: float, right: bool) -> Outcome:
    question = EvalQuestion(question="q", gold=("g",) if right else ())
    return Outcome(question, False, 1 if right else None, 10, confidence, confidence >= 0.5)


def test_calibration_error_is_zero_when_confidence_matches_the_hit_rate() -> None:
    """Ten answers at 0.8 of which eight are right: calibrated; all right: off by 0.2."""
    calibrated = [_outcome(0.8, i < 8) for i in range(10)]
    assert expected_calibration_error(calibrated) == pytest.approx(0.0)
    overconfident = [_outcome(0.8, False) for _ in range(10)]
    assert expected_calibration_error(overconfident) == pytest.approx(0.8)
    (row,) = reliability(calibrated)
    assert row[3] == 10


def test_a_sentence_leaning_on_the_one_before_is_quoted_with_it(answerer: Answerer) -> None:
    """ "He stressed..." is shown after the sentence that names him, as exact source text."""
    corpus = answerer.corpus
    leaning = [s for s in corpus.sentences if s.text.startswith("He stressed")]
    assert leaning
    answer = answerer.ask("what did starmer stress about the ukraine security plan?", top_k=3)
    joined = [p for p in answer.passages if p.lead is not None]
    assert joined
    for passage in joined:
        article = corpus.article(passage.sentence.article_id)
        assert article is not None
        assert passage.text == article.text[passage.lead.start : passage.sentence.end]
        assert leans_on_previous(passage.sentence, passage.lead)


def test_only_sentences_that_lean_back_get_a_lead(answerer: Answerer) -> None:
    """A sentence naming its own subject is quoted alone."""
    corpus = answerer.corpus
    first = corpus.sentence("coalition-of-will:p11s1")
    second = corpus.sentence("coalition-of-will:p11s2")
    assert first is not None
    assert second is not None
    assert not leans_on_previous(second, first)


def test_no_answer_quotes_a_sentence_twice(answerer: Answerer) -> None:
    """A lead already shown as a passage above is not repeated before the next passage."""
    from retrieval.evaluation import read_questions
    from tests.conftest import DATA

    for question in read_questions(DATA / "blind-dev.jsonl"):
        answer = answerer.ask(question.question, top_k=5)
        quoted = [p.sentence.citation_id for p in answer.passages]
        quoted += [p.lead.citation_id for p in answer.passages if p.lead is not None]
        assert len(quoted) == len(set(quoted)), question.question
