"""Inside a tokenizer: the learner's text through each stage of a real `tokenizers` pipeline.

Every stage is the library's own call (normalize_str, pre_tokenize_str, model.tokenize,
post_process, Encoding.truncate / pad, decode), so the demo cannot drift from what
`tokenizer(text)` really does; a test checks the stages end where `encode` ends.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from lib.tokenization import catalog

MAX_CHARS = 1_000  # the stages of a longer text are shown for its beginning: tables, not a novel


@dataclass(frozen=True)
class Stages:
    normalizer: str  # the normalizer's type, "" when there is none
    normalized: str
    pre_tokenizer: str
    pre_tokens: list[tuple[str, tuple[int, int]]]  # pieces with spans in the normalized text
    model: str
    model_tokens: list[list[tuple[str, int]]]  # per pre-token: (token, id)
    post_processor: str
    tokens: list[str]  # after truncation, special tokens and padding
    ids: list[int]
    type_ids: list[int]
    attention_mask: list[int]
    special_tokens_mask: list[int]
    offsets: list[tuple[int, int]]  # spans in the original text ((0, 0) for special and padding tokens)
    truncated: int  # tokens cut by truncation
    decoded: str  # decode(encode(text)): what the model's ids can give back
    lossless: bool
    differences: list[tuple[str, str, str]]  # (operation, original, decoded) where the round trip differs


def _name(component: Any) -> str:
    return type(component).__name__ if component is not None else ""


def pad_token(tokenizer: Any) -> tuple[str, int]:
    """The tokenizer's own padding token, found by the usual names; id 0 if none is defined."""
    for candidate in ("[PAD]", "<pad>", "<|endoftext|>", "<|im_end|>"):
        token_id = tokenizer.token_to_id(candidate)
        if token_id is not None:
            return candidate, token_id
    return tokenizer.id_to_token(0) or "", 0


def run(tokenizer_id: str, text: str, max_length: int | None = None, pad_to: int | None = None) -> Stages:
    """The stages for `text` (its first MAX_CHARS); max_length truncates (special tokens included), pad_to pads."""
    text = text[:MAX_CHARS]
    tokenizer = catalog.load(tokenizer_id)
    normalizer, pre_tokenizer = tokenizer.normalizer, tokenizer.pre_tokenizer
    normalized = normalizer.normalize_str(text) if normalizer else text
    pre_tokens = pre_tokenizer.pre_tokenize_str(normalized) if pre_tokenizer else [(normalized, (0, len(normalized)))]
    model_tokens = [[(t.value, t.id) for t in tokenizer.model.tokenize(piece)] for piece, _ in pre_tokens]

    encoding = tokenizer.encode(text, add_special_tokens=False)
    decoded = tokenizer.decode(encoding.ids)  # the round trip of the whole text, before truncation
    before = len(encoding.ids)
    if max_length is not None:
        encoding.truncate(max(max_length - tokenizer.num_special_tokens_to_add(False), 0))
    truncated = before - len(encoding.ids)
    encoding = tokenizer.post_process(encoding)
    if pad_to is not None and pad_to > len(encoding.ids):
        token, token_id = pad_token(tokenizer)
        encoding.pad(pad_to, pad_id=token_id, pad_token=token)

    return Stages(
        normalizer=_name(normalizer), normalized=normalized,
        pre_tokenizer=_name(pre_tokenizer), pre_tokens=pre_tokens,
        model=_name(tokenizer.model), model_tokens=model_tokens,
        post_processor=_name(tokenizer.post_processor),
        tokens=encoding.tokens, ids=encoding.ids, type_ids=encoding.type_ids,
        attention_mask=encoding.attention_mask, special_tokens_mask=encoding.special_tokens_mask,
        offsets=encoding.offsets, truncated=truncated,
        decoded=decoded, lossless=decoded == text, differences=differences(text, decoded),
    )


def differences(original: str, decoded: str, limit: int = 20) -> list[tuple[str, str, str]]:
    """Where decode(encode(text)) differs from text: lost case, accents, unknown characters, spaces."""
    matcher = difflib.SequenceMatcher(a=original, b=decoded, autojunk=False)
    changes = [(op, original[i1:i2], decoded[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    return changes[:limit]
