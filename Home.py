"""Entry point: page config, language switch and navigation built from the map (lib/sections.py)."""
import os

# Before torch is first imported (lazily, by a widget): with several learners on two cores,
# torch's busy-waiting threads made generation 7-10x slower (bench/chat_first_token.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import streamlit as st  # noqa: E402

from lib.environment import hub_offline  # noqa: E402
from lib.i18n import language_selector, t  # noqa: E402
from lib.sections import GROUPS, pages_by_group  # noqa: E402
from lib.ui import present, progress_ui, sidebar  # noqa: E402
from lib.ui.accessibility import focus_styles  # noqa: E402

st.set_page_config(page_icon="🤗", layout="wide")
focus_styles()  # a visible ring on whatever the keyboard is on

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
sidebar.search_box()
present.controls()
st.sidebar.caption(t("sidebar_offline" if hub_offline() else "sidebar_online"))
navigation.run()
progress_ui.sync_with_browser(on_home=navigation.url_path == "")
sidebar.share_box()
