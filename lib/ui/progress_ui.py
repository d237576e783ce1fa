"""The learner's progress in this browser session: opened leaves and quiz answers, kept in the
browser's localStorage (so a reload or a link that opens a new session keeps it), exported and
imported as a JSON file, drawn on Home."""
from __future__ import annotations

import json

import streamlit as st

from lib import progress
from lib.i18n import current_lang, t
from lib.ui.widgets import chart, learner_errors

STATE_KEY = "progress"
STORAGE_KEY = "hhf-progress"

# Runs in the learner's browser: reads the saved progress once per session, writes it back when it changes.
_STORE_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const KEY = "%s";
  try {
    if (data && data.save) { window.localStorage.setItem(KEY, data.save); }
    if (data && data.load) { setStateValue("saved", window.localStorage.getItem(KEY) || ""); }
  } catch (error) {  // storage blocked (private mode, policy): progress stays in this session only
    if (data && data.load) { setStateValue("saved", ""); }
  }
}
""" % STORAGE_KEY


def state() -> dict:
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = progress.empty()
    return st.session_state[STATE_KEY]


@st.cache_resource(show_spinner=False)
def _store():
    return st.components.v2.component("hhf_progress_store", js=_STORE_JS)


def sync_with_browser(on_home: bool) -> None:
    """Called by Home.py at the end of every run: the first runs of a session restore what this
    browser saved, later runs save the progress whenever it changed."""
    with st.sidebar:
        _sync(on_home)


@st.fragment
def _sync(on_home: bool) -> None:
    """A fragment, so that the browser's answer (saved progress) reruns only this, not the page:
    a new session used to run its whole page three times (first paint, answer, save)."""
    session = st.session_state
    mine = state()
    data = {}
    if not session.get("progress_restored"):
        data["load"] = True
    else:
        snapshot = json.dumps(mine, sort_keys=True)
        if session.get("progress_saved") != snapshot:
            data["save"] = progress.to_json(mine)
            session["progress_saved"] = snapshot
    result = _store()(key="progress_store", data=data, on_saved_change=lambda: None, height=0)
    saved = getattr(result, "saved", None)
    if "load" in data and saved is not None:  # the browser answered (the empty string: nothing saved yet)
        session["progress_restored"] = True
        merged = mine
        if saved:
            try:
                merged = session[STATE_KEY] = progress.merge(mine, progress.from_json(saved))
            except ValueError:
                pass  # a stale or damaged entry: start afresh rather than fail
        save_now("merged")  # what this session added before the answer came (the leaf it opened)
        if on_home and merged != mine:
            st.rerun()  # Home's progress tab shows the restored progress


def save_now(key: str) -> None:
    """Saves at once from inside a fragment (a quiz answer), which does not run Home.py's sync."""
    mine = state()
    _store()(key=f"progress_store_{key}", data={"save": progress.to_json(mine)}, height=0)
    st.session_state["progress_saved"] = json.dumps(mine, sort_keys=True)


def visit(leaf_key: str) -> None:
    progress.visit(state(), leaf_key)


def panel() -> None:
    """Home's progress tab: the map coloured by progress, the totals, export, import, reset."""
    from lib import charts, quiz

    lang = current_lang()
    questions = {area: quiz.load(area, lang) for area in quiz.AREA_IDS}
    rows = progress.leaf_rows(state(), questions, lang)
    totals = progress.summary(rows)
    st.caption(t("progress_caption"))
    left, right = st.columns(2)
    left.metric(t("progress_leaves"), f"{totals['visited']} / {totals['leaves']}")
    right.metric(t("progress_questions"), f"{totals['right']} / {totals['questions']}")
    hover = {"opened": t("progress_opened"), "not_opened": t("progress_not_opened"), "quiz": t("progress_quiz")}
    chart(st, charts.progress_treemap(rows, t("home_map_root"), hover), config={"displaylogo": False},
                    key="progress_map")
    export, upload, reset = st.columns(3)
    export.download_button(t("progress_export"), progress.to_json(state()), file_name="hoc-hugging-face-progress.json",
                           mime="application/json", icon="💾", key="progress_export")
    with reset:
        if st.button(t("progress_reset"), icon="🗑️", key="progress_reset"):
            st.session_state["progress_confirm"] = True
        if st.session_state.get("progress_confirm"):
            st.warning(t("progress_reset_confirm"))
            if st.button(t("progress_reset_yes"), key="progress_reset_yes", type="primary"):
                st.session_state[STATE_KEY] = progress.empty()
                st.session_state["progress_confirm"] = False
                st.rerun()
    file = upload.file_uploader(t("progress_import"), type=["json"], key="progress_import")
    if file is not None and st.session_state.get("progress_imported") != file.file_id:
        with learner_errors():
            st.session_state[STATE_KEY] = progress.merge(state(), progress.from_json(file.getvalue()))
            st.session_state["progress_imported"] = file.file_id
            st.rerun()
