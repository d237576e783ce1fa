"""The shape every lesson page shares: title, introduction, contents, then one section per leaf."""
from __future__ import annotations

import streamlit as st

from lib.i18n import current_lang, read, t
from lib.sections import Leaf, leaves_of_page, page


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
