"""Tokens as coloured chips: the one picture every tokenizer widget shares.

The HTML is built by a pure function (tested for escaping): every piece of learner text or
vocabulary goes through html.escape, because a token can be "<script>" as easily as "ĠVi".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import streamlit as st

from lib.tokenization.compare import MARKERS, Token

# Light pastels with dark text: readable on a projector in light and in dark themes.
PALETTE = ("#FDE68A", "#BFDBFE", "#BBF7D0", "#FBCFE8", "#DDD6FE", "#FED7AA", "#A5F3FC", "#E5E7EB")
# One style sheet per page run and short class names: chips are redrawn on every keystroke,
# and inline styles made 300 chips weigh 90 KB (now ~60 bytes a chip).
CHIP_CSS = "<style>" + "".join(f".hhf-chips .c{i}{{background:{colour}}}" for i, colour in enumerate(PALETTE)) + (
    ".hhf-chips{line-height:2.1}"
    ".hhf-chips>span{display:inline-block;margin:2px 1px;padding:1px 5px;border-radius:6px;color:#111827;"
    "font-family:'Source Code Pro',ui-monospace,SFMono-Regular,Menlo,monospace;font-size:0.92em;line-height:1.5;white-space:pre;"
    "border:1px solid transparent}"
    ".hhf-chips>span.u{background:#FECACA;border:2px solid #DC2626}"
    ".hhf-chips>span.s{background:#F3F4F6;border:1px dashed #6B7280}"
    ".hhf-chips i{font-style:normal;color:#6B7280;font-weight:600}"
    ".hhf-chips b{display:block;font-size:0.7em;font-weight:400;color:#374151;text-align:center}"
    ".hhf-row{border:1px solid #D1D5DB;border-radius:8px;padding:8px 12px;margin:8px 0}"
    ".hhf-head{font-weight:600;margin-bottom:4px}.hhf-note{font-size:0.85em;color:#4B5563}"
    ".hhf-piece{background:#E5E7EB;color:#111827;padding:1px 4px;border-radius:4px;white-space:pre}"
    "</style>")
_ESCAPE = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_ESCAPE_TABLE = str.maketrans(_ESCAPE)
# Chip labels: whitespace made visible and HTML escaped in one pass.
_LABEL_TABLE = str.maketrans({" ": "·", "\n": "⏎", "\t": "⇥", "\r": "␍", **_ESCAPE})
_MARKER_STARTS = frozenset(marker[0] for marker in MARKERS)


def chips_html(tokens: Sequence[Token], text: str, show_ids: bool = False,
               hover: str = "id {id} · {start}–{end} · «{piece}»") -> str:
    """One chip per token: boundary markers dimmed, unknown tokens red, special tokens dashed.

    `hover` is the tooltip in the learner's language, with {id}, {start}, {end} and {piece}
    (the characters of the original text the token covers). Needs CHIP_CSS on the page.
    Written for speed: it runs for every chip on every keystroke.
    """
    hover = escape(hover)
    chips = []
    for index, token in enumerate(tokens):
        marker, rest = token.marker() if token.text[:1] in _MARKER_STARTS else ("", token.text)
        kind = "u" if token.unknown else "s" if token.special else f"c{index % len(PALETTE)}"
        title = hover.format(id="–" if token.id is None else token.id, start=token.start, end=token.end,
                             piece=escape(text[token.start:token.end]))
        body = (f"<i>{marker}</i>" if marker else "") + (rest.translate(_LABEL_TABLE) or "∅")  # markers are ASCII-safe
        if show_ids and token.id is not None:
            body += f"<b>{token.id}</b>"
        chips.append(f'<span class="{kind}" title="{title}">{body}</span>')
    return '<div class="hhf-chips">' + "".join(chips) + "</div>"


def rows_html(rows: Sequence[tuple[str, Sequence[Token], str]], text: str, show_ids: bool, hover: str) -> str:
    """Every tokenizer's row in one block: (heading, tokens, note). One st.html call instead of
    a container, a heading and chips per row keeps a keystroke's re-render cheap."""
    return "".join(f'<div class="hhf-row"><div class="hhf-head">{escape(head)}</div>'
                   f"{chips_html(tokens, text, show_ids, hover)}"
                   + (f'<div class="hhf-note">{escape(note)}</div>' if note else "") + "</div>"
                   for head, tokens, note in rows)


def escape(text: str) -> str:
    """html.escape(text, quote=True) in one pass: it runs for every chip on every keystroke."""
    return text.translate(_ESCAPE_TABLE)


def pieces_html(pieces: Iterable[str]) -> str:
    """Plain grey chips for intermediate pieces (pre-tokens, model tokens) that have no ids yet."""
    chips = " ".join(f'<code class="hhf-piece">{escape(piece)}</code>' for piece in pieces)
    return chips or "<span>—</span>"  # st.html refuses empty content (blank text, empty vocabulary sample)


def chip_styles() -> None:
    """Call once per page run, before any chips."""
    st.html(CHIP_CSS)
