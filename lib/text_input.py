"""Learner text, typed or uploaded: decoded, checked and bounded before any widget works on it.

Problems are raised as catalogue keys (with format values) so the page can say them in the
learner's language; nothing here knows about Streamlit.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

MAX_CHARS = 200_000  # enough for a chapter; the lab still answers within a second or two


class InputProblem(ValueError):
    """An input (text, file, image, audio) a widget cannot work on; `key` is a catalogue key, `values` fill it in."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class PreparedText:
    text: str
    notices: list[tuple[str, dict]] = field(default_factory=list)  # (catalogue key, values) to show


def decode_upload(data: bytes) -> str:
    """Text of an uploaded .txt file: UTF-8 (with or without BOM) or UTF-16 with a BOM.

    A file with NUL bytes or many control characters is binary whatever its name says;
    other legacy encodings are refused with advice rather than guessed, because a wrong
    guess turns Vietnamese into mojibake that the learner would then tokenize.
    """
    if not data.strip():
        raise InputProblem("text_upload_empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputProblem("text_upload_not_utf8") from None
    if b"\x00" in data[:8192]:
        raise InputProblem("text_upload_binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputProblem("text_upload_not_utf8") from None
    sample = text[:8192]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t")
    if controls > 0.05 * len(sample):
        raise InputProblem("text_upload_binary")
    return text


def prepare(text: str, max_chars: int = MAX_CHARS) -> PreparedText:
    """The text a widget will process, with notices; empty text is a InputProblem.

    Blank text is processed (byte-level BPE turns spaces into tokens, worth seeing) with a notice.
    """
    if not text:
        raise InputProblem("text_empty")
    notices: list[tuple[str, dict]] = []
    if not text.strip():
        notices.append(("text_only_spaces", {}))
    if len(text) > max_chars:
        notices.append(("text_cut", {"length": len(text), "limit": max_chars}))
        text = text[:max_chars]
    return PreparedText(text, notices)
