"""Fixes for accessibility gaps in Streamlit's own markup that the theme options cannot reach."""
from __future__ import annotations

import re

import streamlit as st

FALLBACK_RING = "#9A3412"


def focus_ring_css(colour: str) -> str:
    """A visible keyboard-focus ring for links (WCAG 2.4.7).

    Streamlit's sidebar navigation and st.page_link links only tint their background on focus
    (rgba(157,173,190,0.15), barely visible), so a keyboard user cannot see where they are.
    `:focus-visible` leaves mouse clicks without a ring.
    """
    if not re.fullmatch(r"#[0-9A-Fa-f]{3,8}", colour or ""):
        colour = FALLBACK_RING
    return (
        "<style>"
        "a:focus-visible, [data-testid='stSidebarNavLink']:focus-visible, "
        "[data-testid='stPageLink-NavLink']:focus-visible"
        f"{{outline: 3px solid {colour} !important; outline-offset: 2px;}}"
        "</style>"
    )


def focus_styles() -> None:
    """Add the focus ring to the page; call once per run from the entry script (Home.py).

    A style-only st.html goes to Streamlit's event container, so it takes no space on the page.
    """
    st.html(focus_ring_css(st.get_option("theme.primaryColor") or FALLBACK_RING))
