"""Quizzes: questions per area in content/<lang>/quiz/<area>.yaml, graded here.

A "live" question has no written answer: its right choice is the one whose `value` equals what
the real library computes now (a tokenizer's token count, a metric's value), so the quiz checks
the learner against the same tools the lab pages run, and a wrong fact in a file fails a test.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache

import yaml

from lib.i18n import CONTENT_DIR
from lib.sections import AREAS

AREA_IDS = tuple(a.id for a in AREAS)
KINDS = ("single", "multiple")


@dataclass(frozen=True)
class Choice:
    text: str
    explain: str
    correct: bool | None = None  # None until a live question is resolved
    value: object = None  # live questions: compared with the computed answer


@dataclass(frozen=True)
class Question:
    id: str
    area: str
    leaf: str
    kind: str
    question: str
    choices: tuple[Choice, ...]
    live: dict | None = None

    @property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, choice in enumerate(self.choices) if choice.correct)


@lru_cache(maxsize=None)
def load(area: str, lang: str) -> tuple[Question, ...]:
    """The questions of one area as written (live ones not yet resolved)."""
    if area not in AREA_IDS:
        raise ValueError(f"unknown area {area!r}")
    with open(CONTENT_DIR / lang / "quiz" / f"{area}.yaml", encoding="utf-8") as f:
        rows = yaml.safe_load(f) or []
    return tuple(
        Question(id=row["id"], area=area, leaf=row["leaf"], kind=row["kind"], question=row["question"],
                 live=row.get("live"),
                 choices=tuple(Choice(text=str(c["text"]), explain=c["explain"], correct=c.get("correct"),
                                      value=c.get("value")) for c in row["choices"]))
        for row in rows
    )


# --- live answers -------------------------------------------------------------------------------

def _tokens(tokenizer_id: str, text: str) -> list[str]:
    from lib.tokenization import catalog

    return catalog.load(tokenizer_id).encode(text, add_special_tokens=False).tokens


def live_answer(live: dict) -> tuple[object, dict]:
    """(the right value, extra values for the explanations) computed with the real library."""
    check = live["check"]
    if check in ("token_count", "tokens"):
        tokens = _tokens(live["tokenizer"], live["text"])
        answer = len(tokens) if check == "token_count" else " ".join(tokens)
        return answer, {"tokens": " | ".join(tokens)}
    if check == "fewer_tokens":
        (a, b), text = live["tokenizers"], live["text"]
        counts = {name: len(_tokens(name, text)) for name in (a, b)}
        answer = "equal" if counts[a] == counts[b] else min(counts, key=counts.get)
        return answer, {"tokens": ", ".join(f"{name}: {count}" for name, count in counts.items())}
    if check == "metric":
        from lib.metrics import compute

        result = compute(live["metric"], predictions=live["predictions"], references=live["references"])
        return round(float(result[live["metric"]]), 2), {}
    raise ValueError(f"unknown live check {check!r}")


@lru_cache(maxsize=256)
def _live_cached(live_json: str) -> tuple[object, dict]:
    return live_answer(json.loads(live_json))


def _same(value: object, answer: object) -> bool:
    if isinstance(answer, float):
        return isinstance(value, (int, float)) and abs(float(value) - answer) < 0.005
    return str(value) == str(answer)


def resolve(question: Question) -> Question:
    """A live question with its right choice marked and {answer}/{tokens} filled in; others as they are."""
    if not question.live:
        return question
    answer, extra = _live_cached(json.dumps(question.live, sort_keys=True, ensure_ascii=False))
    values = {"answer": answer, **extra}
    choices = tuple(replace(c, correct=_same(c.value, answer), explain=c.explain.format(**values))
                    for c in question.choices)
    return replace(question, choices=choices)


def grade(question: Question, picked: set[int] | frozenset[int]) -> bool:
    """Right when exactly the correct choices are picked (one for single, all for multiple)."""
    return frozenset(picked) == question.correct and bool(picked)
