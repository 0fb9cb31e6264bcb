"""Properties over any question: no exception, at most top-k passages, verbatim quotes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from retrieval import Answerer

noise = st.sampled_from(
    [
        "\u200b",
        "\u200f",
        "\u202e",
        "\x00",
        "\x1b[31m",
        "\u0301" * 20,
        "@everyone",
        "<@123>",
        "```",
        "🙂",
    ]
)
questions = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(st.text(max_size=20), noise, st.sampled_from(["macron", "troops", "U.S.", "?"]))
    ).map(" ".join),
)


@given(question=questions, top_k=st.integers(min_value=1, max_value=10))
def test_any_question_returns_at_most_top_k_verbatim_passages(
    answerer: Answerer, question: str, top_k: int
) -> None:
    """Whatever is typed: no exception, <= top_k passages, each an exact slice of its article."""
    answer = answerer.ask(question, top_k=top_k)
    assert len(answer.passages) <= top_k
    for passage in answer.passages:
        sentence = passage.sentence
        article = answerer.corpus.article(sentence.article_id)
        assert article is not None
        assert article.text[sentence.start : sentence.end] == sentence.text
        for span in passage.highlights:
            assert 0 <= span.start < span.end <= len(sentence.text)


@given(
    question=st.sampled_from(["what did lavrov say", "macron troops", "starmer?"]),
    junk=st.lists(noise),
)
def test_noise_without_words_does_not_change_the_answer(
    answerer: Answerer, question: str, junk: list[str]
) -> None:
    """Invisible characters, emoji and markup around a question leave its answer unchanged."""
    noisy = " ".join([*junk, question, *junk]).replace("@everyone", "").replace("<@123>", "")
    plain = [p.sentence.citation_id for p in answerer.ask(question).passages]
    assert [p.sentence.citation_id for p in answerer.ask(noisy).passages] == plain
