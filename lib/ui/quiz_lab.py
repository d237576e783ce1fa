"""A quiz: one area's questions, instant feedback with an explanation for every choice, the score."""
from __future__ import annotations

import streamlit as st

from lib import progress, quiz
from lib.i18n import current_lang, t
from lib.sections import area as area_spec
from lib.ui import progress_ui
from lib.ui.widgets import learner_errors


def quiz_lab(area_id: str) -> None:
    lang = current_lang()
    questions = quiz.load(area_id, lang)
    answers = progress_ui.state()["quiz"].get(area_id, {})
    right = sum(answers.get(q.id, False) for q in questions)
    st.progress(right / len(questions), text=t("quiz_score", right=right, total=len(questions)))
    leaves = {leaf.id: f"{leaf.icon} {leaf.title[lang]}" for leaf in area_spec(area_id).leaves}
    for number, question in enumerate(questions, start=1):
        with st.container(border=True):
            st.fragment(_question)(area_id, number, question, leaves[question.leaf])


def _question(area_id: str, number: int, question: quiz.Question, leaf_title: str) -> None:
    key = f"quiz_{area_id}_{question.id}"
    st.markdown(f"**{number}. {question.question}**")
    notes = [leaf_title, t("quiz_live_badge") if question.live else "",
             t("quiz_multiple_hint") if question.kind == "multiple" else ""]
    st.caption(" · ".join(filter(None, notes)))
    labels = [choice.text for choice in question.choices]
    if question.kind == "single":
        picked_label = st.radio(t("quiz_your_answer"), labels, index=None, key=f"{key}_pick",
                                label_visibility="collapsed")
        picked = {labels.index(picked_label)} if picked_label is not None else set()
    else:
        picked = {i for i, label in enumerate(labels) if st.checkbox(label, key=f"{key}_pick_{i}")}
    if not st.button(t("quiz_check"), key=f"{key}_check"):
        return
    if not picked:
        st.warning(t("quiz_nothing_picked"))
        return
    with learner_errors(), st.spinner(t("working")):
        resolved = quiz.resolve(question)
        right = quiz.grade(resolved, picked)
        progress.answer(progress_ui.state(), area_id, question.id, right)
        progress_ui.save_now(key)
        (st.success if right else st.error)(t("quiz_right" if right else "quiz_wrong"))
        for index, choice in enumerate(resolved.choices):
            mark = "✅" if choice.correct else "❌"
            chosen = f" *({t('quiz_your_choice')})*" if index in picked else ""
            st.markdown(f"{mark} **{choice.text}**{chosen}: {choice.explain}")
