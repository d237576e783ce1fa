"""One search box for the whole app: lesson sections and glossary terms in the learner's
language, forgiving missing Vietnamese diacritics ("tach tu" finds "tách từ")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lib.glossary import fold
from lib.i18n import content, glossary
from lib.sections import PAGES, all_leaves

MAX_RESULTS = 8
_MARKUP = re.compile(r"```.*?```|`|\*\*|__|^#+\s*|\[([^\]]*)\]\([^)]*\)", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Hit:
    kind: str  # "section" | "term"
    title: str
    snippet: str
    page: str  # page id to open
    params: tuple[tuple[str, str], ...]  # query parameters: the tab of a leaf, the term in the glossary


def _plain(markdown: str) -> str:
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", markdown).split())


@lru_cache(maxsize=None)
def _index(lang: str) -> tuple[tuple[Hit, str, str], ...]:
    """(hit, folded title, folded text) for every page introduction, leaf lesson and glossary term."""
    entries = []
    for spec in PAGES:
        text = _plain(content(lang, spec.intro_path))
        entries.append((Hit("section", f"{spec.icon} {spec.title[lang]}", text, spec.id, ()), spec.title[lang], text))
    for leaf in all_leaves():
        text = _plain(content(lang, leaf.content_path))
        entries.append((Hit("section", f"{leaf.icon} {leaf.title[lang]}", text, leaf.page, (("tab", leaf.id),)),
                        leaf.title[lang], text))
    other = "en" if lang == "vi" else "vi"
    other_terms = {entry["id"]: entry["term"] for entry in glossary(other)}
    for entry in glossary(lang):
        other_term = other_terms.get(entry["id"], "")
        title = entry["term"] if other_term in ("", entry["term"]) else f"{entry['term']} ({other_term})"
        entries.append((Hit("term", title, entry["definition"], "glossary", (("q", entry["term"]),)),
                        f"{entry['term']} ({other_term})", entry["definition"]))
    return tuple((hit, fold(title), fold(text)) for hit, title, text in entries)


def _snippet(text: str, word: str, width: int = 160) -> str:
    position = max(fold(text).find(word), 0)
    start = max(position - width // 3, 0)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def search(query: str, lang: str, limit: int = MAX_RESULTS) -> list[Hit]:
    """Hits containing every word of the query; title matches first, then terms, then by count."""
    folded = fold(query[:200]).strip()
    words = folded.split()
    if not words:
        return []
    scored = []
    for hit, title, text in _index(lang):
        if all(word in title or word in text for word in words):
            in_title = sum(word in title for word in words)
            count = sum(text.count(word) for word in words)
            exact = any(part.strip(" )") == folded for part in title.split("("))
            scored.append(((not exact, -in_title, hit.kind != "term", -count), hit, text))
    scored.sort(key=lambda item: item[0])
    return [Hit(hit.kind, hit.title, _snippet(hit.snippet, words[0]), hit.page, hit.params)
            for _, hit, _ in scored[:limit]]
