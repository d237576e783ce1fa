"""A learner's progress: which leaves of the map they opened and which quiz questions they got right.

It lives in the learner's own browser session (and a JSON file they export), never on the server:
no account, nothing to leak between the students of a class. The JSON is validated on import,
because it is a file from outside.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from lib.sections import AREAS, all_leaves
from lib.text_input import InputProblem

APP = "hoc-hugging-face"
VERSION = 1
MAX_BYTES = 200_000  # a full progress file is ~5 KB
LEAF_KEYS = frozenset(leaf.key for leaf in all_leaves())
AREA_IDS = frozenset(a.id for a in AREAS)


def empty() -> dict:
    return {"app": APP, "version": VERSION, "visited": [], "quiz": {}}


def visit(state: dict, leaf_key: str) -> bool:
    """Marks a leaf as opened; True when it was new (so the caller knows to save)."""
    if leaf_key not in LEAF_KEYS or leaf_key in state["visited"]:
        return False
    state["visited"].append(leaf_key)
    return True


def answer(state: dict, area: str, question_id: str, right: bool) -> None:
    """The learner's latest answer to one question counts (a second try can fix a first mistake)."""
    state["quiz"].setdefault(area, {})[question_id] = bool(right)


def merge(mine: dict, other: dict) -> dict:
    """Both visits; for each question, right if right in either (a saved file never undoes progress)."""
    merged = empty()
    merged["visited"] = [key for key in LEAF_KEYS if key in set(mine["visited"]) | set(other["visited"])]
    merged["visited"].sort()
    for source in (mine, other):
        for area, answers in source["quiz"].items():
            for question_id, right in answers.items():
                old = merged["quiz"].setdefault(area, {}).get(question_id, False)
                merged["quiz"][area][question_id] = old or right
    return merged


def to_json(state: dict) -> str:
    return json.dumps({**state, "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds")},
                      ensure_ascii=False, indent=2, sort_keys=True)


def from_json(data: bytes | str) -> dict:
    """A progress file read back; unknown leaves, areas and fields are dropped, not trusted."""
    if len(data) > MAX_BYTES:
        raise InputProblem("progress_too_big", limit_kb=MAX_BYTES // 1000)
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # RecursionError: "[[[[..." too deep
        raise InputProblem("progress_bad_file") from None
    if not isinstance(raw, dict) or raw.get("app") != APP:
        raise InputProblem("progress_bad_file")
    if raw.get("version") != VERSION:
        raise InputProblem("progress_wrong_version", version=str(raw.get("version")))
    state = empty()
    visited = raw.get("visited") if isinstance(raw.get("visited"), list) else []
    state["visited"] = sorted({key for key in visited if isinstance(key, str) and key in LEAF_KEYS})
    quiz = raw.get("quiz") if isinstance(raw.get("quiz"), dict) else {}
    for area, answers in quiz.items():
        if area in AREA_IDS and isinstance(answers, dict):
            kept = {str(q)[:80]: right for q, right in answers.items() if isinstance(right, bool)}
            if kept:
                state["quiz"][area] = kept
    return state


def leaf_rows(state: dict, questions: dict[str, list], lang: str) -> list[dict]:
    """One row per leaf of the map: visited, and quiz questions of that leaf answered right / in all.

    `questions` maps an area id to its quiz questions (anything with .id and .leaf).
    """
    visited = set(state["visited"])
    rows = []
    for area in AREAS:
        answers = state["quiz"].get(area.id, {})
        for leaf in area.leaves:
            ids = [q.id for q in questions.get(area.id, []) if q.leaf == leaf.id]
            rows.append({"area": area.title[lang], "area_id": area.id, "leaf": leaf.title[lang], "key": leaf.key,
                         "visited": leaf.key in visited, "right": sum(answers.get(i, False) for i in ids),
                         "questions": len(ids)})
    return rows


def summary(rows: list[dict]) -> dict:
    """Totals for the headline: leaves opened, questions right."""
    return {"visited": sum(r["visited"] for r in rows), "leaves": len(rows),
            "right": sum(r["right"] for r in rows), "questions": sum(r["questions"] for r in rows)}
