"""Presentation mode's slides: a page's lesson text cut at its headings, so a teacher can step
through it on a projector while the page's widgets stay live under each slide."""
from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Slide:
    title: str
    body: str  # Markdown without the heading
    leaf: str | None = None  # the leaf whose widgets go under this slide (None: the page's introduction)


def split(markdown: str, title: str, leaf: str | None = None) -> list[Slide]:
    """Slides of one Markdown text: text before the first heading is titled `title`; headings
    inside code blocks do not cut."""
    slides, current_title, lines, in_code = [], title, [], False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            in_code = not in_code
        heading = None if in_code else _HEADING.match(line)
        if heading:
            if "\n".join(lines).strip():
                slides.append(Slide(current_title, "\n".join(lines).strip(), leaf))
            current_title, lines = heading.group(2), []
        else:
            lines.append(line)
    if "\n".join(lines).strip() or not slides:
        slides.append(Slide(current_title, "\n".join(lines).strip(), leaf))
    return slides


def deck(intro: tuple[str, str], leaves: list[tuple[str, str, str]]) -> list[Slide]:
    """A page's slides: (title, Markdown) of its introduction, then (leaf id, title, Markdown) per leaf."""
    slides = split(intro[1], intro[0])
    for leaf_id, title, text in leaves:
        slides.extend(split(text, title, leaf_id))
    return slides
