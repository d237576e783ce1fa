"""The shape every lesson page shares: title, introduction, contents, then one section per leaf."""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import streamlit as st

from lib.charts import reading_minutes
from lib.glossary import link_terms
from lib.i18n import content, current_lang, glossary, prose_words, read, t
from lib.sections import Leaf, leaves_of_page, page
from lib.ui import present, progress_ui, share


def page_header(page_id: str) -> None:
    spec = page(page_id)
    title = spec.title[current_lang()]
    st.set_page_config(page_title=f"{title} · {t('app_name')}")
    st.title(f"{spec.icon} {title}")
    st.markdown(read(spec.intro_path))


def leaf_section(leaf: Leaf) -> None:
    lang = current_lang()
    st.header(f"{leaf.icon} {leaf.title[lang]}", anchor=leaf.anchor, divider="gray")
    st.markdown(read(leaf.content_path))


def lesson_page(page_id: str) -> None:
    """Render a page of the map: its introduction, a table of contents and every leaf."""
    leaves = leaves_of_page(page_id)
    page_header(page_id)
    if len(leaves) > 1:
        lang = current_lang()
        with st.container(border=True):
            st.markdown(f"**{t('contents')}**")
            st.markdown("\n".join(f"- [{leaf.icon} {leaf.title[lang]}](#{leaf.anchor})" for leaf in leaves))
    for leaf in leaves:
        leaf_section(leaf)


Widget = Callable[[], None]


def lab_page(page_id: str, labs: list[tuple[str, Widget]], leaf_labs: dict[str, list[Widget]]) -> None:
    """A page whose leaves come with live widgets: one lazy tab per lab, then one per leaf.

    Only the open tab runs (st.tabs on_change="rerun"), and each widget is a fragment, so
    typing in one widget re-runs that widget alone: not the menu, the header or its neighbours.
    A leaf tab shows the lesson (folded, to keep the widget in view) and then that leaf's
    widgets. `labs` are (translated tab label, widget).
    """
    lang = current_lang()
    leaves = leaves_of_page(page_id)
    if present.presenting():
        present.slide_deck(page_id, leaves, leaf_labs, labs)
        return
    page_header(page_id)
    labels = [label for label, _ in labs] + [f"{leaf.icon} {leaf.title[lang]}" for leaf in leaves]
    # The open tab is in the link as ?tab=<leaf id> (or lab-<n>), so a shared link opens it.
    tab_ids = [f"lab-{i + 1}" for i in range(len(labs))] + [leaf.id for leaf in leaves]
    # A learner switching language stays in the tab they were in: the open tab is remembered by
    # position and becomes the default of the new language's tabs. The default must not change
    # while the language stays the same: it is part of the widget's identity, and a new identity
    # would drop the learner's next click.
    position_key, default_key = f"{page_id}_tab_position", f"{page_id}_tab_default"
    share.seed(position_key, "tab", lambda raw: tab_ids.index(raw) if raw in tab_ids else None)
    if st.session_state.get(default_key, (None,))[0] != lang:
        st.session_state[default_key] = (lang, st.session_state.get(position_key, 0))
    default = labels[st.session_state[default_key][1]]
    tabs = st.tabs(labels, key=f"{page_id}_tab_{lang}", default=default, on_change="rerun")
    st.session_state[position_key] = next((i for i, tab in enumerate(tabs) if tab.open), 0)
    share.keep("tab", tab_ids[st.session_state[position_key]])
    for tab, (_, widget) in zip(tabs, labs):
        if tab.open:
            with tab:
                st.fragment(widget)()
    for tab, leaf in zip(tabs[len(labs):], leaves):
        if tab.open:
            progress_ui.visit(leaf.key)
            with tab:
                st.header(f"{leaf.icon} {leaf.title[lang]}", anchor=leaf.anchor, divider="gray")
                lesson = read(leaf.content_path)
                with st.expander(t("lesson_read", minutes=reading_minutes(prose_words(lesson))), icon="📖"):
                    st.markdown(linked_lesson(lang, leaf.content_path))
                for widget in leaf_labs.get(leaf.id, []):
                    st.fragment(widget)()
    quiz_link(leaves[0].area)


@lru_cache(maxsize=None)
def linked_lesson(lang: str, relpath: str) -> str:
    """A lesson with its glossary links, made once per process (182 terms scanned: ~10 ms a lesson)."""
    return link_terms(content(lang, relpath), glossary(lang), lang)


def quiz_link(area_id: str) -> None:
    st.divider()
    st.page_link(page("quiz").file, label=t("quiz_link"), icon="📝", query_params={"area": area_id})
