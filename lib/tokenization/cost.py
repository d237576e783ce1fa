"""The "token tax": what the same meaning costs in tokens in Vietnamese and in English.

Measured on the project's parallel sentences (data/translation/vi_en.jsonl): every
tokenizer reads both sides, and the figures are normalised by units a linguist would count.
Words and syllables are runs of letters or digits (punctuation is not counted); a
Vietnamese word is what underthesea's segmenter joins ("Việt Nam" is one word, two syllables).
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

from lib.sections import ROOT
from lib.tokenization import catalog

PARALLEL_FILE = ROOT / "data" / "translation" / "vi_en.jsonl"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@lru_cache(maxsize=1)
def parallel_pairs() -> tuple[dict, ...]:
    with PARALLEL_FILE.open(encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f if line.strip())


def _units(text: str) -> int:
    return len(_WORD.findall(text))


def vietnamese_words(sentences: list[str]) -> int:
    """Words with at least one letter or digit, as segmented by underthesea."""
    return sum(1 for s in sentences for word, _, _ in catalog.segment_words(s) if _WORD.search(word))


def token_tax(tokenizer_ids: list[str], pairs: tuple[dict, ...] | None = None) -> list[dict]:
    """One row per tokenizer and language with totals and the three ratios the chart shows.

    tokens_per_word: Vietnamese words (segmented) or English words; tokens_per_syllable:
    Vietnamese only (an English word has no written syllable boundary); chars_per_token: both.
    `tax` is Vietnamese tokens divided by English tokens for the same sentences.
    """
    pairs = parallel_pairs() if pairs is None else pairs
    texts = {"vi": [p["vi"] for p in pairs], "en": [p["en"] for p in pairs]}
    words = {"vi": vietnamese_words(texts["vi"]), "en": sum(_units(s) for s in texts["en"])}
    syllables = sum(_units(s) for s in texts["vi"])
    chars = {lang: sum(len(s) for s in sentences) for lang, sentences in texts.items()}
    rows = []
    for tokenizer_id in tokenizer_ids:
        tokenizer = catalog.load(tokenizer_id)
        tokens = {lang: sum(len(e.ids) for e in tokenizer.encode_batch(sentences, add_special_tokens=False))
                  for lang, sentences in texts.items()}
        for lang in ("vi", "en"):
            rows.append({
                "tokenizer": catalog.spec(tokenizer_id).name,
                "lang": lang,
                "tokens": tokens[lang],
                "words": words[lang],
                "chars": chars[lang],
                "tokens_per_word": tokens[lang] / words[lang],
                "tokens_per_syllable": tokens[lang] / syllables if lang == "vi" else None,
                "chars_per_token": chars[lang] / tokens[lang],
                "tax": tokens["vi"] / tokens["en"],
            })
    return rows


def utf8_bytes(text: str) -> list[tuple[str, int]]:
    """Each character with its UTF-8 length: "a" is 1 byte, "ệ" is 3, an emoji 4."""
    return [(ch, len(ch.encode("utf-8"))) for ch in text]


def normal_forms(text: str, tokenizer_ids: list[str]) -> list[dict]:
    """The same-looking text in NFC and in NFD, tokenized by each tokenizer.

    A tokenizer whose normalizer composes (or strips) accents gives the same tokens for both;
    one without a normalizer (byte-level BPE) sees different bytes and gives different tokens.
    """
    forms = {form: unicodedata.normalize(form, text) for form in ("NFC", "NFD")}
    rows = []
    for tokenizer_id in tokenizer_ids:
        tokenizer = catalog.load(tokenizer_id)
        encoded = {form: tokenizer.encode(value, add_special_tokens=False) for form, value in forms.items()}
        rows.append({
            "tokenizer": catalog.spec(tokenizer_id).name,
            "nfc_tokens": len(encoded["NFC"].ids),
            "nfd_tokens": len(encoded["NFD"].ids),
            "same": encoded["NFC"].ids == encoded["NFD"].ids,
            "nfc": encoded["NFC"].tokens,
            "nfd": encoded["NFD"].tokens,
        })
    return rows


def code_points(text: str, form: str) -> list[str]:
    """U+XXXX for each code point of text in the given normal form, e.g. NFD "ệ" -> 3 code points."""
    return [f"U+{ord(ch):04X}" for ch in unicodedata.normalize(form, text)]
