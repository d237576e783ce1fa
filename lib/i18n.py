"""Language handling: the current language, the string catalogue and content loading.

Vietnamese is the default. The language lives in a sidebar widget bound to the URL's
`?lang=` query parameter, so a shared link opens in its language and the choice survives
page switches without any extra bookkeeping.
"""
from __future__ import annotations

import re
import string
from functools import lru_cache

import yaml

from lib.sections import LANGS, ROOT, all_leaves

DEFAULT_LANG = "vi"
LANG_KEY = "lang"
_WIDGET_KEY = "lang_switch"
CONTENT_DIR = ROOT / "content"

_CODE_BLOCK = re.compile(r"```.*?```", re.DOTALL)


@lru_cache(maxsize=None)
def strings(lang: str) -> dict[str, str]:
    """The flat string catalogue of one language (content/<lang>/strings.yaml)."""
    with open(CONTENT_DIR / lang / "strings.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


class _NumberFormatter(string.Formatter):
    """Formats numbers the learner's way: 200,000 and 4.13 in English, 200.000 and 4,13 in Vietnamese."""

    def __init__(self, swap_separators: bool):
        self.swap = swap_separators

    def format_field(self, value, format_spec):
        text = super().format_field(value, format_spec)
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return text.translate(_SWAP_SEPARATORS) if self.swap and is_number else text


_SWAP_SEPARATORS = str.maketrans({",": ".", ".": ","})
_FORMATTERS = {"vi": _NumberFormatter(swap_separators=True), "en": _NumberFormatter(swap_separators=False)}


def translate(lang: str, key: str, **values) -> str:
    """A catalogue string with values filled in; pass numbers (not preformatted text) so that
    "{count:,}" and "{seconds:.2f}" come out with the language's separators."""
    text = strings(lang)[key]
    return _FORMATTERS[lang].format(text, **values) if values else text


@lru_cache(maxsize=None)
def content(lang: str, relpath: str) -> str:
    """A Markdown content file, e.g. content("vi", "tokenizers/bpe.md")."""
    return (CONTENT_DIR / lang / relpath).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def glossary(lang: str) -> list[dict]:
    with open(CONTENT_DIR / lang / "glossary.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def prose_words(markdown: str) -> int:
    """Words a learner reads, code blocks excluded (Vietnamese words are counted by syllable)."""
    return len(_CODE_BLOCK.sub(" ", markdown).split())


def leaf_words(lang: str) -> dict[str, int]:
    """Prose words per leaf of the map in one language: the size of each slice on Home."""
    return {leaf.key: prose_words(content(lang, leaf.content_path)) for leaf in all_leaves()}


def content_files(lang: str) -> list[str]:
    base = CONTENT_DIR / lang
    return sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())


# --- Streamlit side -------------------------------------------------------------------

def current_lang() -> str:
    import streamlit as st

    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **values) -> str:
    """The catalogue string for the current session's language."""
    return translate(current_lang(), key, **values)


def language_selector() -> str:
    """Sidebar switch mirrored in ?lang=.

    The URL sets the language of a new session; afterwards the session's own key (not the
    widget's, which Streamlit may drop on a page switch) is the truth, and the URL is
    rewritten on every run so that a copied link opens in the same language.
    """
    import streamlit as st

    state = st.session_state
    if LANG_KEY not in state:
        requested = st.query_params.get(LANG_KEY)
        state[LANG_KEY] = requested if requested in LANGS else DEFAULT_LANG
    state[_WIDGET_KEY] = state[LANG_KEY]

    def apply_choice() -> None:
        state[LANG_KEY] = state[_WIDGET_KEY]

    st.sidebar.segmented_control(
        translate(DEFAULT_LANG, "language_label"),
        options=list(LANGS),
        format_func=lambda lang: translate(lang, "language_name"),
        required=True,
        key=_WIDGET_KEY,
        on_change=apply_choice,
    )
    lang = current_lang()
    if st.query_params.get(LANG_KEY) != lang:
        st.query_params[LANG_KEY] = lang
    return lang


def read(relpath: str) -> str:
    """A content file in the current session's language."""
    return content(current_lang(), relpath)
