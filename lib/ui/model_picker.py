"""The model picker every widget shares: the pack model by default, Hub models when online."""
from __future__ import annotations

import streamlit as st

from lib.environment import hub_offline
from lib.i18n import current_lang, t, translate
from lib.models import registry
from lib.models.choice import ModelChoice, choices, free_text_choice, hub_code, hub_problem
from lib.ui import share

OTHER = "__other__"


@st.cache_data(ttl=300, show_spinner=False)
def cached_hub_problem(model_id: str) -> str | None:
    return hub_problem(model_id)


def model_picker(task_id: str, key: str) -> ModelChoice | None:
    """Returns the learner's choice, or None (with a translated explanation) when nothing can run."""
    lang = current_lang()
    online = not hub_offline()
    options = choices(task_id, online, lang)
    note = registry.task_text(task_id, lang)["offline_note"]
    if not options and not online:
        st.info(t("picker_needs_hub", task=registry.task_text(task_id, lang)["title"]) + "\n\n" + note)
        st.code(hub_code(task_id), language="python")
        return None

    def label(choice: ModelChoice | str) -> str:  # uses the captured lang: Streamlit may call it later
        if choice == OTHER:
            return translate(lang, "picker_other")
        offline = choice.source != "hub"
        tag = translate(lang, "picker_offline_tag") if offline else translate(lang, "picker_hub_tag")
        return f"{choice.id} · {tag}"

    share.seed(key, key, lambda raw: next((option for option in options if option.id == raw), None))
    picked = st.selectbox(t("picker_label"), options + ([OTHER] if online else []), format_func=label,
                          key=key, help=note)
    share.keep(key, None if picked == OTHER or picked == options[0] else picked.id)
    if picked == OTHER:
        typed = st.text_input(t("picker_free_text"), key=f"{key}_free", placeholder="owner/model-name", max_chars=200)
        if not typed.strip():
            return None
        picked = free_text_choice(typed)
        if picked is None:
            st.error(t("picker_invalid_id"))
            return None
    if picked.source == "hub":
        problem = cached_hub_problem(picked.id)
        if problem:
            st.warning(t(problem, model=picked.id))
            return None
    if picked.source != "hub":
        card = registry.card(picked.id, lang)
        st.caption(f"{card['summary']} {card['bad']}")
    return picked


def runs_here(task_id: str, choice: ModelChoice) -> bool:
    """True when the widget runs the chosen model itself (the offline ones); a Hub model is run
    here instead, on the plain inputs of its task."""
    if choice.source != "hub":
        return True
    from lib.ui.hub_lab import run_hub_model

    run_hub_model(task_id, choice.id)
    return False


def lab_intro(title: str, text_path: str, task_id: str, key: str) -> ModelChoice | None:
    """The top every model widget shares: its title, how to read it, and the model to run.

    The offline model the widget should run, or None when it has nothing more to do (offline
    with no pack model, or a Hub model chosen, which has been run here already).
    """
    from lib.i18n import read

    st.subheader(title)
    st.markdown(read(text_path))
    choice = model_picker(task_id, key=key)
    return choice if choice is not None and runs_here(task_id, choice) else None
