"""Quizzes: valid, structurally identical in both languages, and their live answers computed by
the real tokenizers and metrics."""
import re
import unicodedata

import pytest

from lib import quiz
from lib.sections import area

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def pairs():
    for area_id in quiz.AREA_IDS:
        yield area_id, quiz.load(area_id, "vi"), quiz.load(area_id, "en")


def shape(question: quiz.Question):
    return (question.id, question.leaf, question.kind, question.live,
            [(c.correct, c.value) for c in question.choices])


@pytest.mark.parametrize("area_id", quiz.AREA_IDS)
def test_each_area_has_enough_valid_questions_in_both_languages(area_id):
    leaves = {leaf.id for leaf in area(area_id).leaves}
    vi, en = quiz.load(area_id, "vi"), quiz.load(area_id, "en")
    assert len(vi) >= 8 and [shape(q) for q in vi] == [shape(q) for q in en]
    assert len({q.id for q in vi}) == len(vi)
    assert {q.kind for q in vi} <= set(quiz.KINDS)
    assert sum(bool(q.live) for q in vi) >= 2, "at least two questions computed from live results"
    for question in (*vi, *en):
        assert question.leaf in leaves and question.question.strip() and len(question.choices) >= 2
        assert all(c.text.strip() and c.explain.strip() for c in question.choices), question.id
        if not question.live:
            right = sum(bool(c.correct) for c in question.choices)
            assert right == 1 if question.kind == "single" else right >= 2, question.id
        texts = [question.question] + [c.text for c in question.choices] + [c.explain for c in question.choices]
        for text in texts:
            assert unicodedata.is_normalized("NFC", text), question.id
            allowed = {"answer", "tokens"} if question.live else set()
            assert set(PLACEHOLDER.findall(text)) <= allowed, (question.id, text)


def test_both_kinds_of_questions_are_used():
    kinds = {q.kind for area_id in quiz.AREA_IDS for q in quiz.load(area_id, "en")}
    assert kinds == set(quiz.KINDS)


@pytest.mark.pack
def test_every_live_question_has_exactly_one_right_choice_by_the_real_library():
    for area_id, vi, en in pairs():
        for question in (*vi, *en):
            if question.live:
                resolved = quiz.resolve(question)
                assert len(resolved.correct) == 1, (area_id, question.id, quiz.live_answer(question.live))
                assert all("{" not in c.explain for c in resolved.choices)


@pytest.mark.pack
def test_live_answers_are_the_libraries_own():
    assert quiz.live_answer({"check": "token_count", "tokenizer": "gpt2", "text": "Hello world"})[0] == 2
    tokens, extra = quiz.live_answer({"check": "tokens", "tokenizer": "bert", "text": "tokenization"})
    assert tokens == "token ##ization" and extra["tokens"] == "token | ##ization"
    fewer, _ = quiz.live_answer({"check": "fewer_tokens", "tokenizers": ["gpt2", "xlmr"],
                                 "text": "Tôi yêu Hà Nội"})
    assert fewer == "xlmr"
    assert quiz.live_answer({"check": "metric", "metric": "accuracy", "predictions": [1, 0, 1, 1],
                             "references": [1, 1, 1, 0]})[0] == 0.5
    with pytest.raises(ValueError):
        quiz.live_answer({"check": "oracle"})


def test_grading_single_and_multiple():
    choices = tuple(quiz.Choice(text=str(i), explain="x", correct=i in (0, 2)) for i in range(3))
    multiple = quiz.Question("q", "tools", "peft", "multiple", "?", choices)
    assert quiz.grade(multiple, {0, 2}) and not quiz.grade(multiple, {0}) and not quiz.grade(multiple, {0, 1, 2})
    assert not quiz.grade(multiple, set())
    single = quiz.Question("s", "tools", "peft", "single", "?",
                           tuple(quiz.Choice(text=str(i), explain="x", correct=i == 1) for i in range(3)))
    assert quiz.grade(single, {1}) and not quiz.grade(single, {0})


def test_a_live_question_whose_choices_miss_the_answer_marks_none():
    question = quiz.Question("q", "tokenizers", "bpe", "single", "?",
                             tuple(quiz.Choice(text=str(v), explain="{answer}", value=v) for v in (7, 8)),
                             live={"check": "metric", "metric": "accuracy", "predictions": [1], "references": [1]})
    resolved = quiz.resolve(question)
    assert resolved.correct == frozenset() and resolved.choices[0].explain == "1.0"
