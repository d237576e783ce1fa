"""Glossary search that forgives missing diacritics, so "ma hoa" finds "mã hóa"."""
from __future__ import annotations

import unicodedata


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
