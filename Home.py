"""Entry point: page config, language switch and navigation built from the map (lib/sections.py)."""
import streamlit as st

from lib.environment import hub_offline
from lib.i18n import language_selector, t
from lib.sections import GROUPS, pages_by_group

st.set_page_config(page_icon="🤗", layout="wide")

lang = language_selector()
navigation = st.navigation(
    {
        GROUPS[group][lang]: [
            st.Page(p.file, title=p.title[lang], icon=p.icon, url_path=p.url_path, default=p.id == "home")
            for p in pages
        ]
        for group, pages in pages_by_group().items()
    }
)
st.sidebar.caption(t("sidebar_offline" if hub_offline() else "sidebar_online"))
navigation.run()
