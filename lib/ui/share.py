"""Shareable links: the address bar holds the language, the page, the open tab and the main
inputs (tokenizer text and choice, prompts, chosen models), so a teacher can send a link that
opens exactly that view.

Each shared widget calls `seed` before it is drawn (a value from the link, once per session)
and `keep` after (its value back into the address bar). Values from a link are cut to
MAX_CHARS and checked by the caller like typed input.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

MAX_CHARS = 500  # a link carries a sentence or a prompt, not a book
_LAST = "share_last"  # param -> the value this session last put in the address bar


def seed(key: str, param: str, parse: Callable[[str], object] | None = None) -> None:
    """Puts ?param= into the widget's state when the link says something new: a shared link on
    a new session, or an in-app link (search result, quiz link); not the value `keep` wrote."""
    last = st.session_state.setdefault(_LAST, {})
    raw = st.query_params.get(param)
    if raw is None or raw == last.get(param):
        return
    last[param] = raw
    value = (parse or str)(raw[:MAX_CHARS])
    if value not in (None, "", []):
        st.session_state[key] = value


def keep(param: str, value: str | None) -> None:
    """Writes the widget's current value into the address bar (removed when empty)."""
    last = st.session_state.setdefault(_LAST, {})
    if value:
        st.query_params[param] = last[param] = value[:MAX_CHARS]
    else:
        last.pop(param, None)
        if param in st.query_params:
            del st.query_params[param]


def link() -> str:
    """The full link of the current view, to copy."""
    base = (st.context.url or "").split("?")[0]  # None outside a browser (AppTest)
    query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    return f"{base}?{query}" if query else base
