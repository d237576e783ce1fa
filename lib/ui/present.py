"""Presentation mode for classrooms (?present=1 or the sidebar toggle): no sidebar or toolbar,
large type, and a lab page's lesson stepped through as slides (cut at headings) with the
page's live widgets under each slide. Arrow keys, Page Up/Down and a clicker's keys turn slides."""
from __future__ import annotations

import streamlit as st

from lib import slides
from lib.i18n import current_lang, read, t
from lib.sections import page
from lib.ui import share

KEY = "present"

_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"],
[data-testid="stDecoration"], [data-testid="stHeader"] { display: none !important; }
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.5rem 3rem 4rem; }
.stApp [data-testid="stMarkdownContainer"] p, .stApp [data-testid="stMarkdownContainer"] li { font-size: 1.55rem; line-height: 1.5; }
.stApp h1 { font-size: 3rem; } .stApp h2 { font-size: 2.4rem; } .stApp h3 { font-size: 2rem; }
.stApp [data-testid="stCaptionContainer"] { font-size: 1.2rem; }
.stApp code { font-size: 1.3rem; }
</style>
"""

# Turns slides with the keyboard: a presenter's clicker sends Page Down / Page Up or the arrows.
_KEYS_JS = """
export default function(component) {
  if (window.__hhfSlideKeys) return;
  window.__hhfSlideKeys = true;
  document.addEventListener("keydown", (event) => {
    const tag = (event.target && event.target.tagName) || "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || (event.target && event.target.isContentEditable)) return;
    const next = ["ArrowRight", "PageDown"].includes(event.key);
    const previous = ["ArrowLeft", "PageUp"].includes(event.key);
    if (!next && !previous) return;
    const button = document.querySelector(next ? ".st-key-slide_next button" : ".st-key-slide_previous button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
}
"""


def presenting() -> bool:
    return bool(st.session_state.get(KEY))


def controls() -> None:
    """Home.py, every run: the sidebar toggle (seeded from ?present=1) and, when on, the styles and an exit."""
    share.seed(KEY, KEY, lambda raw: raw == "1")
    st.sidebar.toggle(t("present_toggle"), key=KEY, help=t("present_help"))
    share.keep(KEY, "1" if presenting() else None)
    if presenting():
        st.html(_CSS)
        st.button(t("present_exit"), icon="✖️", key="present_exit", on_click=st.session_state.update, args=({KEY: False},))


@st.cache_resource(show_spinner=False)
def _keys():
    return st.components.v2.component("hhf_slide_keys", js=_KEYS_JS)


def slide_deck(page_id: str, leaves, leaf_labs: dict, labs: list) -> None:
    """The page as slides: the lesson of the current slide, then the widgets of its leaf."""
    lang = current_lang()
    spec = page(page_id)
    deck = slides.deck((f"{spec.icon} {spec.title[lang]}", read(spec.intro_path)),
                       [(leaf.id, f"{leaf.icon} {leaf.title[lang]}", read(leaf.content_path)) for leaf in leaves])
    state_key = f"{page_id}_slide"
    share.seed(state_key, "slide", lambda raw: int(raw) - 1 if raw.isascii() and raw.isdigit() else None)
    index = min(max(int(st.session_state.get(state_key, 0)), 0), len(deck) - 1)
    slide = deck[index]
    titles = {leaf.id: f"{leaf.icon} {leaf.title[lang]}" for leaf in leaves}
    if slide.leaf and slide.title != titles[slide.leaf]:
        st.caption(titles[slide.leaf])
    st.markdown(f"# {slide.title}")
    st.markdown(slide.body)
    previous, counter, following = st.columns([1, 2, 1], vertical_alignment="center")
    if previous.button(t("present_previous"), icon="◀️", key="slide_previous", disabled=index == 0,
                       width="stretch"):
        st.session_state[state_key] = index - 1
        st.rerun()
    counter.markdown(f"<div style='text-align:center;font-size:1.5rem'>{index + 1} / {len(deck)}</div>",
                     unsafe_allow_html=True)
    if following.button(t("present_next"), icon="▶️", key="slide_next", disabled=index == len(deck) - 1,
                        width="stretch"):
        st.session_state[state_key] = index + 1
        st.rerun()
    share.keep("slide", str(index + 1))
    _keys()(key="slide_keys")
    widgets = leaf_labs.get(slide.leaf, []) if slide.leaf else [widget for _, widget in labs]
    for widget in widgets:
        st.fragment(widget)()
