"""One text, many tokenizers: the tokens each one produces, with ids, spans and exact counts."""
from __future__ import annotations

import time
from dataclasses import dataclass

from lib.tokenization import catalog

DISPLAY_LIMIT = 200  # chips drawn per tokenizer (about a paragraph); counts always cover the whole text
MARKERS = ("##", "Ġ", "▁")  # WordPiece continuation, byte-level space, SentencePiece space


@dataclass(frozen=True)
class Token:
    text: str  # as stored in the vocabulary: "ĠVi", "##n", "▁Việt"
    id: int | None  # None for the linguistic baselines, which have no vocabulary
    start: int  # character span in the learner's text
    end: int
    special: bool = False
    unknown: bool = False

    def marker(self) -> tuple[str, str]:
        """(boundary marker, rest): the marker is drawn dimmed so the learner sees where spaces went."""
        for marker in MARKERS:
            if self.text.startswith(marker) and len(self.text) > len(marker):
                return marker, self.text[len(marker):]
        return "", self.text


@dataclass(frozen=True)
class TokenRow:
    spec: catalog.TokenizerSpec
    tokens: tuple[Token, ...]  # the first DISPLAY_LIMIT tokens
    count: int  # every token of the text
    unknown: int  # how many of them are the unknown token
    seconds: float

    @property
    def truncated(self) -> bool:
        return self.count > len(self.tokens)


def tokenize(tokenizer_id: str, text: str, limit: int = DISPLAY_LIMIT, add_special_tokens: bool = False) -> TokenRow:
    spec = catalog.spec(tokenizer_id)
    tokenizer = None if spec.is_baseline else catalog.load(tokenizer_id)  # loading is not timed
    started = time.perf_counter()
    if tokenizer is None:
        spans = catalog.syllables(text) if spec.id == "syllables" else catalog.segment_words(text)
        tokens = tuple(Token(piece, None, start, end) for piece, start, end in spans[:limit])
        return TokenRow(spec, tokens, len(spans), 0, time.perf_counter() - started)
    encoding = tokenizer.encode(text, add_special_tokens=add_special_tokens)
    unk = catalog.unknown_token(tokenizer)
    unk_id = tokenizer.token_to_id(unk) if unk else None
    ids = encoding.ids
    tokens = tuple(
        Token(piece, token_id, start, end, special=bool(special), unknown=token_id == unk_id)
        for piece, token_id, (start, end), special in zip(
            encoding.tokens[:limit], ids[:limit], encoding.offsets[:limit], encoding.special_tokens_mask[:limit]
        )
    )
    unknown = ids.count(unk_id) if unk_id is not None else 0
    return TokenRow(spec, tokens, len(ids), unknown, time.perf_counter() - started)


def compare(text: str, tokenizer_ids: list[str], limit: int = DISPLAY_LIMIT) -> list[TokenRow]:
    return [tokenize(tokenizer_id, text, limit) for tokenizer_id in tokenizer_ids]


def counts_table(rows: list[TokenRow], text: str) -> list[dict]:
    """Per tokenizer: tokens, characters per token and tokens per syllable, for the summary table."""
    syllable_count = len(catalog.syllables(text))
    return [
        {
            "tokenizer": row.spec.name,
            "tokens": row.count,
            "unknown": row.unknown,
            "chars_per_token": round(len(text) / row.count, 2) if row.count else None,
            "tokens_per_syllable": round(row.count / syllable_count, 2) if syllable_count else None,
        }
        for row in rows
    ]
