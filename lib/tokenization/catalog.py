"""The tokenizers the lab compares: five real ones from the offline pack and two linguistic baselines.

Each pretrained tokenizer is the pack folder's own `tokenizer.json` loaded with the Rust
`tokenizers` library, so what the learner sees is exactly what the model would receive.
The baselines answer "compared with what?": syllables (Vietnamese writes one syllable per
space-separated unit) and words found by a Vietnamese word segmenter (underthesea).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lib.models.loader import pack_path, shared_cache


@dataclass(frozen=True)
class TokenizerSpec:
    id: str
    name: str  # shown as is in both languages: these are product names
    family: str  # "wordpiece" | "bpe" | "unigram" | "baseline"
    component: str | None = None  # pack folder holding tokenizer.json; None for baselines and Hub ids
    source: str = ""  # where it comes from, for the learner and for the online code

    @property
    def is_baseline(self) -> bool:
        return self.family == "baseline"


PRETRAINED: tuple[TokenizerSpec, ...] = (
    TokenizerSpec("bert", "BERT WordPiece (uncased)", "wordpiece", "all-minilm-l6-v2",
                  "sentence-transformers/all-MiniLM-L6-v2"),
    TokenizerSpec("gpt2", "GPT-2 byte-level BPE", "bpe", "gpt2-tokenizer", "openai-community/gpt2"),
    TokenizerSpec("xlmr", "XLM-R SentencePiece (Unigram)", "unigram", "multilingual-e5-small",
                  "intfloat/multilingual-e5-small"),
    TokenizerSpec("smollm2", "SmolLM2 BPE", "bpe", "smollm2-135m-instruct",
                  "HuggingFaceTB/SmolLM2-135M-Instruct"),
    TokenizerSpec("whisper", "Whisper multilingual BPE", "bpe", "whisper-base-ct2", "openai/whisper-base"),
)
BASELINES: tuple[TokenizerSpec, ...] = (
    TokenizerSpec("syllables", "syllables", "baseline", source="str.split()"),
    TokenizerSpec("words", "words", "baseline", source="underthesea.word_tokenize"),
)
ALL = PRETRAINED + BASELINES


def spec(tokenizer_id: str) -> TokenizerSpec:
    for s in ALL:
        if s.id == tokenizer_id:
            return s
    return hub_spec(tokenizer_id)


def hub_spec(hub_id: str) -> TokenizerSpec:
    """Any Hub tokenizer a learner adds when online; its family is read once it is loaded."""
    return TokenizerSpec(hub_id, hub_id, "hub", source=hub_id)


def load(tokenizer_id: str) -> Any:
    """The Rust `tokenizers.Tokenizer` for a pack or Hub id, shared by every session.

    Padding and truncation saved in some tokenizer.json files (MiniLM pads to 128) are
    switched off: the lab counts every token of the learner's text and shows those steps itself.
    """
    s = spec(tokenizer_id)
    if s.is_baseline:
        raise ValueError(f"{tokenizer_id} is a baseline, not a tokenizers.Tokenizer")

    def factory():
        from tokenizers import Tokenizer

        if s.component:
            tokenizer = Tokenizer.from_file(str(pack_path(s.component) / "tokenizer.json"))
        else:
            tokenizer = _hub_tokenizer(s.id)
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    return shared_cache().get(f"fast-tokenizer:{tokenizer_id}", factory)


def _hub_tokenizer(hub_id: str) -> Any:
    """A Hub repo's tokenizer.json, or the fast tokenizer transformers converts from slow files."""
    from tokenizers import Tokenizer

    try:
        return Tokenizer.from_pretrained(hub_id)
    except Exception:  # no tokenizer.json in the repo: let transformers convert the slow files
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(hub_id).backend_tokenizer


def unknown_token(tokenizer: Any) -> str | None:
    """The model's unknown token, if it has one (byte-level BPE never needs one)."""
    model = tokenizer.model
    unk = getattr(model, "unk_token", None)
    if unk:
        return unk
    unk_id = getattr(model, "unk_id", None)  # Unigram keeps an id, not a string
    return tokenizer.id_to_token(unk_id) if unk_id is not None else None



def syllables(text: str) -> list[tuple[str, int, int]]:
    """Space-separated units with their character spans: syllables in Vietnamese, words in English."""
    return [(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def segment_words(text: str) -> list[tuple[str, int, int]]:
    """Vietnamese words (one or more syllables: "Việt Nam") from underthesea's CRF segmenter, with spans.

    underthesea returns strings only; spans are found again in the text, allowing any run of
    whitespace (or none: it writes "<b>" as "< b") where the segmenter put one space.
    """
    if not text.strip():
        return []
    from underthesea import word_tokenize

    from lib.models.cache import UNDERTHESEA

    with UNDERTHESEA:
        segmented = word_tokenize(text)
    words, position = [], 0
    for word in segmented:
        span = _find_spaced(text, word.split(), position)
        if span is None:  # the segmenter changed the text: keep the word, with an empty span
            words.append((word, position, position))
            continue
        words.append((text[span[0]:span[1]], *span))
        position = span[1]
    return words


def _find_spaced(text: str, parts: list[str], position: int) -> tuple[int, int] | None:
    """Where `parts` occur in text from `position`, separated by optional whitespace only."""
    if not parts:
        return None
    start = text.find(parts[0], position)
    if start < 0:
        return None
    end = start + len(parts[0])
    for part in parts[1:]:
        while end < len(text) and text[end].isspace():
            end += 1
        if not text.startswith(part, end):
            return None
        end += len(part)
    return start, end
