"""The sidebar's tools on every page: search across lessons and glossary, and the link to share."""
from __future__ import annotations

import streamlit as st

from lib.i18n import current_lang, t
from lib.sections import page
from lib.ui import share


def search_box() -> None:
    from lib import site_search

    query = st.sidebar.text_input(t("search_label"), placeholder=t("search_placeholder"), max_chars=200,
                                  key="site_search", icon="🔎")
    if not query.strip():
        return
    hits = site_search.search(query, current_lang())
    if not hits:
        st.sidebar.caption(t("search_none"))
        return
    for hit in hits:
        st.sidebar.page_link(page(hit.page).file, label=hit.title, icon="📖" if hit.kind == "term" else None,
                             query_params=dict(hit.params), help=hit.snippet)


def share_box() -> None:
    with st.sidebar.popover(t("share_label"), icon="🔗", width="stretch"):
        st.caption(t("share_help"))
        st.code(share.link(), language=None, wrap_lines=True)
