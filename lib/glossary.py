"""Glossary search that forgives missing diacritics, so "ma hoa" finds "mã hóa"."""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ -> d), so learners can type without Vietnamese accents."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def glossary_rows(entries: list[dict], other_entries: list[dict]) -> list[dict]:
    """Join a language's glossary with the other language's terms by id."""
    other = {entry["id"]: entry["term"] for entry in other_entries}
    return [
        {"id": e["id"], "term": e["term"], "other": other.get(e["id"], ""), "area": e["area"],
         "definition": e["definition"]}
        for e in entries
    ]


def search(rows: list[dict], query: str = "", areas: list[str] | None = None) -> list[dict]:
    """Rows whose terms or definition contain every word of the query; term matches first."""
    words = fold(query).split()

    def matches(text: str) -> bool:
        folded = fold(text)
        return all(word in folded for word in words)

    found = [
        row for row in rows
        if (not areas or row["area"] in areas)
        and matches(" ".join((row["term"], row["other"], row["definition"])))
    ]
    return sorted(found, key=lambda row: not matches(f"{row['term']} {row['other']}"))


_PROTECTED = re.compile(r"```.*?```|`[^`\n]*`|!?\[[^\]]*\]\([^)]*\)|^#+ [^\n]*$|<[^>\n]+>|https?://\S+|\*\*|__",
                        re.DOTALL | re.MULTILINE)


def link_terms(markdown: str, entries: list[dict], lang: str, limit: int = 12) -> str:
    """The lesson with the first appearance of glossary terms linked to the glossary page.

    Code, existing links, headings and HTML are left alone; at most `limit` links per lesson,
    the earliest first (longer terms win where two start together), so the text stays readable.
    """
    free, position = [], 0
    for protected in _PROTECTED.finditer(markdown):
        free.append((position, protected.start()))
        position = protected.end()
    free.append((position, len(markdown)))
    candidates = []
    for entry in entries:
        if len(entry["term"]) < 4 and entry["term"].islower():  # "kho", "lô": too often plain words
            continue
        pattern = re.compile(r"(?<![\w-])" + re.escape(entry["term"]) + r"(?![\w-])", re.IGNORECASE)
        for start, end in free:
            found = pattern.search(markdown, start, end)
            if found:
                candidates.append((found.start(), -len(found.group()), found.end(), entry["term"]))
                break
    chosen, last_end = [], -1
    for start, _, end, term in sorted(candidates):
        if start >= last_end and len(chosen) < limit:
            chosen.append((start, end, term))
            last_end = end
    out, position = [], 0
    for start, end, term in chosen:
        target = f"glossary?lang={lang}&q={quote(term)}"
        out += [markdown[position:start], f"[{markdown[start:end]}]({target})"]
        position = end
    return "".join(out) + markdown[position:]
