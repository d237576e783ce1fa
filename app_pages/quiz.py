"""Quizzes per area of the map, with the score kept in the learner's progress."""
import streamlit as st

from lib.i18n import current_lang
from lib.sections import AREAS
from lib.ui.lesson import page_header
from lib.ui.quiz_lab import quiz_lab

lang = current_lang()
page_header("quiz")
labels = {a.id: f"{a.icon} {a.title[lang]}" for a in AREAS}
requested = st.query_params.get("area")
tabs = st.tabs(list(labels.values()), key=f"quiz_tab_{lang}", on_change="rerun",
               default=labels.get(requested, labels[AREAS[0].id]))
for tab, area_id in zip(tabs, labels):
    if tab.open:
        st.query_params["area"] = area_id
        with tab:
            quiz_lab(area_id)
