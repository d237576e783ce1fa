"""Progress: visits and quiz answers, exported and imported as JSON, never trusted blindly."""
import json

import pytest

from lib import progress
from lib.i18n import translate
from lib.text_input import InputProblem


def filled() -> dict:
    state = progress.empty()
    assert progress.visit(state, "tokenizers.bpe") and not progress.visit(state, "tokenizers.bpe")
    assert not progress.visit(state, "tokenizers.nonexistent")
    progress.answer(state, "tokenizers", "bpe_merges", True)
    progress.answer(state, "tools", "lora_share", False)
    return state


def test_export_import_round_trips():
    state = filled()
    again = progress.from_json(progress.to_json(state))
    assert again == state
    assert json.loads(progress.to_json(state))["saved_at"]  # when it was saved, for the learner


def test_merge_keeps_the_best_of_both():
    mine, other = filled(), progress.empty()
    progress.visit(other, "datasets.viewer")
    progress.answer(other, "tools", "lora_share", True)
    merged = progress.merge(mine, other)
    assert merged["visited"] == ["datasets.viewer", "tokenizers.bpe"]
    assert merged["quiz"]["tools"]["lora_share"] is True and merged["quiz"]["tokenizers"]["bpe_merges"] is True


@pytest.mark.parametrize("data,key", [
    (b"not json", "progress_bad_file"), (b"\xff\xfe", "progress_bad_file"), (b"[]", "progress_bad_file"),
    (json.dumps({"app": "other"}).encode(), "progress_bad_file"),
    (json.dumps({"app": progress.APP, "version": 99}).encode(), "progress_wrong_version"),
    (b" " * (progress.MAX_BYTES + 1), "progress_too_big"),
])
def test_bad_files_get_a_clear_message(data, key):
    with pytest.raises(InputProblem) as problem:
        progress.from_json(data)
    assert problem.value.key == key
    for lang in ("vi", "en"):
        assert "{" not in translate(lang, key, **problem.value.values)


def test_unknown_parts_of_a_file_are_dropped():
    raw = {"app": progress.APP, "version": 1, "visited": ["tokenizers.bpe", "../etc", 5, "hub.nlp"],
           "quiz": {"tokenizers": {"q1": True, "q2": "yes"}, "nowhere": {"q": True}, "tools": []},
           "extra": "<script>alert(1)</script>"}
    state = progress.from_json(json.dumps(raw))
    assert state == {"app": progress.APP, "version": 1, "visited": ["hub.nlp", "tokenizers.bpe"],
                     "quiz": {"tokenizers": {"q1": True}}}


def test_leaf_rows_count_visits_and_right_answers_per_leaf():
    class Q:
        def __init__(self, id, leaf):
            self.id, self.leaf = id, leaf

    state = filled()
    rows = progress.leaf_rows(state, {"tokenizers": [Q("bpe_merges", "bpe"), Q("bpe_other", "bpe")]}, "en")
    bpe = next(r for r in rows if r["key"] == "tokenizers.bpe")
    assert bpe["visited"] and (bpe["right"], bpe["questions"]) == (1, 2) and bpe["leaf"].startswith("BPE")
    totals = progress.summary(rows)
    assert totals == {"visited": 1, "leaves": len(progress.LEAF_KEYS), "right": 1, "questions": 2}
