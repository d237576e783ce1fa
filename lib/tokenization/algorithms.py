"""The three subword algorithms (BPE, WordPiece, Unigram) written out step by step for learners.

The real `tokenizers` library does all of this in Rust, fast and opaque. Here each algorithm is
small, readable Python that returns every intermediate step as plain dataclasses, so the
Tokenizers lab can chart them. Each one is tested against the library and gives the same answer,
including how ties are broken, so what the learner sees is what Hugging Face really does.

Pure and light: only the standard library is imported (no `tokenizers`, no Streamlit).
"""
from __future__ import annotations

import heapq
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

SPIECE_UNDERLINE = "▁"  # U+2581, SentencePiece's visible marker for "a word starts here"
UNK_PENALTY = 10.0  # tokenizers' K_UNK_PENALTY: an unknown character costs min_score - 10


# --------------------------------------------------------------------------------------------
# Pre-tokenization (same splits as tokenizers.pre_tokenizers.Whitespace)
# --------------------------------------------------------------------------------------------

# Symbols (category So) that Unicode nevertheless counts as letters (Other_Alphabetic):
# the circled and squared Latin letters. The library's regex `\w` treats them as word characters.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
# Python's str.isspace() also accepts these four "information separators"; the library does not.
_NOT_SPACE = frozenset("\x1c\x1d\x1e\x1f")


def _char_class(ch: str) -> str:
    """'w' for a word character, 's' for white space, 'p' for anything else (punctuation...).

    Mirrors the library's regex `\\w+|[^\\w\\s]+`, where Unicode `\\w` means letters, marks,
    decimal digits, letter-numbers and connector punctuation. Python's own `re` disagrees on
    combining marks and a few digits, hence this explicit version (checked on every code point).
    """
    category = unicodedata.category(ch)
    if (category[0] in "LM" or category in ("Nd", "Nl", "Pc") or ch in "\u200c\u200d"
            or any(lo <= ord(ch) <= hi for lo, hi in _ALPHABETIC_SYMBOLS)):
        return "w"
    if ch.isspace() and ch not in _NOT_SPACE:
        return "s"
    return "p"


def whitespace_split(text: str) -> list[str]:
    """Split text into words and punctuation runs, like `pre_tokenizers.Whitespace`.

    "Xin chào, thế giới!" -> ["Xin", "chào", ",", "thế", "giới", "!"]. Trainers never merge
    across these pieces: a BPE token can not contain both a letter and a comma, nor a space.
    """
    return ["".join(run) for kind, run in groupby(text, key=_char_class) if kind != "s"]


def word_frequencies(corpus: str) -> dict[str, int]:
    """How many times each pre-tokenized word occurs, in order of first appearance.

    BPE training works on this table, not on the running text: a word seen 50 times is
    stored once with weight 50, which is why training is fast even on big corpora.
    """
    return dict(Counter(whitespace_split(corpus)))


# --------------------------------------------------------------------------------------------
# 1. BPE training, one merge per step
# --------------------------------------------------------------------------------------------

@dataclass
class BpeState:
    """Step 0 of BPE training: every word spelled out in single characters."""

    word_counts: dict[str, int]
    words: dict[str, list[str]]
    alphabet: list[str]  # sorted by code point: this is also the order of the first token ids
    vocab_size: int


@dataclass
class BpeStep:
    """One merge: which pair won, how often it occurred, and the corpus after merging it."""

    number: int  # 1-based
    pair: tuple[str, str]
    count: int
    new_token: str
    top_pairs: list[tuple[tuple[str, str], int]]  # the 10 most frequent pairs *before* this merge
    words: dict[str, list[str]]  # each distinct word's segmentation *after* this merge
    vocab_size: int


def bpe_initial(corpus: str) -> BpeState:
    """The starting point: the alphabet is the vocabulary, every word is a list of characters."""
    counts = word_frequencies(corpus)
    alphabet = sorted({ch for word in counts for ch in word})
    return BpeState(
        word_counts=counts,
        words={word: list(word) for word in counts},
        alphabet=alphabet,
        vocab_size=len(alphabet),
    )


def _merge_word(symbols: list[int], left: int, right: int, new: int) -> list[int]:
    """Replace every (left, right) in a word, scanning left to right without overlap.

    So "aaa" merging (a, a) gives [aa, a], exactly as the library does.
    """
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
            merged.append(new)
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def _add_pairs(pair_counts: Counter, symbols: list[int], weight: int) -> None:
    """Count each neighbouring pair of a word `weight` times (negative weight: uncount)."""
    for pair in zip(symbols, symbols[1:]):
        pair_counts[pair] += weight
        if not pair_counts[pair]:
            del pair_counts[pair]  # keep only pairs that still occur


def bpe_training_steps(corpus: str, num_merges: int) -> list[BpeStep]:
    """Train BPE on a small corpus and return every merge, one step at a time.

    The algorithm (Sennrich et al., 2016), as `tokenizers.trainers.BpeTrainer` runs it:
      1. Split the corpus into words and count them (`word_frequencies`).
      2. Spell every word as characters; the vocabulary is the set of characters.
      3. Count every pair of neighbouring symbols, weighted by how often its word occurs.
      4. Merge the most frequent pair everywhere into a new symbol, add it to the vocabulary.
      5. Repeat 3-4 `num_merges` times (fewer if every word is already a single symbol).

    Ties: when several pairs are equally frequent, the library picks the pair whose token ids
    are smallest, comparing the left id first. Ids are handed out to the characters in
    code-point order, then to each new token in the order it was created. So among
    single characters this looks alphabetical, but a merged token ("lo") always ranks after
    every character. We reproduce that, so the steps match the library's merges.

    Bookkeeping: the pair counts are computed once, then after each merge only the words that
    contained the pair are recounted (their old pairs subtracted, their new pairs added).
    The library does the same, plus a priority queue to find the winner faster.
    """
    state = bpe_initial(corpus)
    counts = state.word_counts
    id_to_token: list[str] = list(state.alphabet)
    token_to_id = {token: i for i, token in enumerate(id_to_token)}
    segmented: dict[str, list[int]] = {w: [token_to_id[ch] for ch in w] for w in counts}

    shown: dict[str, list[str]] = dict(state.words)  # the same, as strings, for the steps
    pair_counts: Counter[tuple[int, int]] = Counter()
    for word, symbols in segmented.items():
        _add_pairs(pair_counts, symbols, counts[word])

    steps: list[BpeStep] = []
    for number in range(1, num_merges + 1):
        if not pair_counts:
            break  # every word is one token: nothing left to merge
        # Most frequent first; among equals, the smallest (left id, right id).
        ranked = heapq.nsmallest(10, pair_counts.items(), key=lambda item: (-item[1], item[0]))
        (left, right), count = ranked[0]
        new_token = id_to_token[left] + id_to_token[right]
        # Two different merges can spell the same string ("a"+"bc", "ab"+"c"): reuse its id.
        new_id = token_to_id.get(new_token)
        if new_id is None:
            new_id = len(id_to_token)
            id_to_token.append(new_token)
            token_to_id[new_token] = new_id
        for word, symbols in segmented.items():
            if left in symbols:
                merged = _merge_word(symbols, left, right, new_id)
                if len(merged) != len(symbols):
                    _add_pairs(pair_counts, symbols, -counts[word])
                    _add_pairs(pair_counts, merged, counts[word])
                    segmented[word] = merged
                    shown[word] = [id_to_token[i] for i in merged]
        steps.append(BpeStep(
            number=number,
            pair=(id_to_token[left], id_to_token[right]),
            count=count,
            new_token=new_token,
            top_pairs=[((id_to_token[a], id_to_token[b]), c) for (a, b), c in ranked],
            words=dict(shown),  # unchanged words share their (read-only) list with the last step
            vocab_size=len(id_to_token),
        ))
    return steps


# --------------------------------------------------------------------------------------------
# 2. WordPiece: greedy longest-match-first
# --------------------------------------------------------------------------------------------

@dataclass
class WordPieceStep:
    """One position in the word: every candidate tried, longest first, and the winner."""

    start: int  # character index where this piece starts
    candidates: list[tuple[str, bool]]  # (candidate as looked up, with "##" after the start; in vocab?)
    accepted: str | None  # the piece kept, or None when nothing matched (the word becomes [UNK])
    end: int  # character index after the accepted piece (== start when nothing matched)


@dataclass
class WordPieceResult:
    word: str
    tokens: list[str]
    steps: list[WordPieceStep] = field(default_factory=list)
    is_unknown: bool = False  # the whole word became the unknown token
    too_long: bool = False  # longer than max_input_chars_per_word: [UNK] without even trying


def wordpiece_steps(word: str, vocab: Mapping[str, int] | set[str] | frozenset[str],
                    unk_token: str = "[UNK]", prefix: str = "##",
                    max_input_chars_per_word: int = 100) -> WordPieceResult:
    """Split one word the way BERT's WordPiece does, recording every lookup.

    Start at the beginning of the word and try the longest remaining substring; if it is not
    in the vocabulary, drop its last character and try again, until something matches. Keep
    that piece and continue from where it ended. Pieces that do not start the word are looked
    up with the continuation prefix ("##ing"), so "playing" -> ["play", "##ing"].

    As in BERT (and `tokenizers.models.WordPiece`), if some position has no match at all,
    the *whole word* becomes a single unknown token, not just the bad part; and a word longer
    than `max_input_chars_per_word` characters becomes the unknown token straight away.
    """
    if len(word) > max_input_chars_per_word:
        return WordPieceResult(word=word, tokens=[unk_token], is_unknown=True, too_long=True)
    tokens: list[str] = []
    steps: list[WordPieceStep] = []
    start = 0
    while start < len(word):
        candidates: list[tuple[str, bool]] = []
        accepted, end = None, len(word)
        while end > start:
            candidate = word[start:end] if start == 0 else prefix + word[start:end]
            found = candidate in vocab
            candidates.append((candidate, found))
            if found:
                accepted = candidate
                break
            end -= 1
        if accepted is None:
            steps.append(WordPieceStep(start=start, candidates=candidates, accepted=None, end=start))
            return WordPieceResult(word=word, tokens=[unk_token], steps=steps, is_unknown=True)
        steps.append(WordPieceStep(start=start, candidates=candidates, accepted=accepted, end=end))
        tokens.append(accepted)
        start = end
    return WordPieceResult(word=word, tokens=tokens, steps=steps)


def load_wordpiece_vocab(vocab_path: str | Path) -> dict[str, int]:
    """Read a BERT `vocab.txt` (one token per line, the line number is the id)."""
    with open(vocab_path, encoding="utf-8") as handle:
        return {line.rstrip("\n"): i for i, line in enumerate(handle)}


# --------------------------------------------------------------------------------------------
# 3. Unigram (SentencePiece): the most probable segmentation
# --------------------------------------------------------------------------------------------

class UnigramVocab(dict):
    """piece -> log probability, plus what the search needs to know about unknown characters.

    A plain dict works too (see `unigram_segment`); this one just remembers the values
    so they are not recomputed over 250,000 pieces for every word.
    """

    unk_piece: str | None
    unk_score: float
    max_piece_chars: int


class PieceScore(NamedTuple):
    """A piece of the best path with its log probability; `.prob` is exp(log_prob)."""

    piece: str
    log_prob: float

    @property
    def prob(self) -> float:
        return math.exp(self.log_prob)


@dataclass
class UnigramResult:
    word: str
    best: list[str]
    best_score: float  # sum of the pieces' log probabilities
    candidates: list[tuple[list[str], float]]  # the `top` best segmentations, best first
    pieces_used: list[PieceScore]  # aligned with `best`
    unknown: list[str] = field(default_factory=list)  # pieces of `best` that are unknown characters


def metaspace(word: str) -> str:
    """Mark the start of a word the SentencePiece way: "Việt" -> "▁Việt".

    Spaces become "▁" too. The real XLM-R tokenizer first normalizes the text (roughly NFKC,
    with runs of spaces collapsed); give this function composed (NFC) text and they agree.
    """
    marked = word.replace(" ", SPIECE_UNDERLINE)
    return marked if not marked or marked.startswith(SPIECE_UNDERLINE) else SPIECE_UNDERLINE + marked


def _finish_vocab(vocab: UnigramVocab, unk_piece: str | None) -> UnigramVocab:
    vocab.unk_piece = unk_piece
    vocab.unk_score = min(vocab.values(), default=0.0) - UNK_PENALTY
    vocab.max_piece_chars = max((len(piece) for piece in vocab), default=1)
    return vocab


@lru_cache(maxsize=4)
def unigram_pieces(tokenizer_json_path: str | Path) -> UnigramVocab:
    """Read the Unigram vocabulary (piece -> log probability) from a `tokenizer.json`.

    Cached: the XLM-R file has 250,002 pieces. Treat the result as read-only.
    """
    with open(tokenizer_json_path, encoding="utf-8") as handle:
        model = json.load(handle)["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"{tokenizer_json_path} holds a {model.get('type')} model, not Unigram")
    vocab = UnigramVocab((piece, float(score)) for piece, score in model["vocab"])
    unk_id = model.get("unk_id")
    return _finish_vocab(vocab, model["vocab"][unk_id][0] if unk_id is not None else None)


def _as_unigram_vocab(pieces: Mapping[str, float]) -> UnigramVocab:
    if isinstance(pieces, UnigramVocab) and hasattr(pieces, "unk_score"):
        return pieces
    return _finish_vocab(UnigramVocab(pieces), "<unk>" if "<unk>" in pieces else None)


def unigram_segment(word: str, pieces: Mapping[str, float], top: int = 5) -> UnigramResult:
    """Find the most probable ways to cut `word` into vocabulary pieces (Viterbi, k-best).

    A Unigram model gives each piece a probability p and treats pieces as independent, so a
    segmentation's probability is the product of its pieces' p, i.e. the *sum* of their log
    probabilities. Among the many ways to cut a word, the tokenizer keeps the one with the
    highest sum. Dynamic programming finds it without listing them all: walking left to right,
    remember for each position the best ways to reach it (here the `top` best, not just one),
    and extend each of them with every piece that starts there.

    A character that no piece covers becomes the unknown piece, scored like the library:
    (lowest score in the vocabulary) - 10; neighbouring unknown characters are fused into one
    token, shown as the original text. Ties go to the path found first, as in the library.
    Pass `unigram_pieces(...)` for speed; a plain dict (a toy vocabulary) works too.
    """
    vocab = _as_unigram_vocab(pieces)
    n = len(word)
    # beams[i]: up to `top` (score, path) pairs ending at character i, best first.
    # A path is a tuple of (start, end, score, is_unknown) nodes.
    beams: list[list[tuple[float, tuple]]] = [[] for _ in range(n + 1)]
    beams[0] = [(0.0, ())]

    def extend(start: int, end: int, score: float, is_unknown: bool) -> None:
        node = (start, end, score, is_unknown)
        merged = beams[end] + [(total + score, path + (node,)) for total, path in beams[start]]
        merged.sort(key=lambda item: -item[0])  # stable: among equal scores, the earlier stays first
        beams[end] = merged[:top]

    for start in range(n):
        if not beams[start]:
            continue  # unreachable (only when there is no unknown piece to fall back on)
        has_single_char = False
        for end in range(start + 1, min(n, start + vocab.max_piece_chars) + 1):
            score = vocab.get(word[start:end])
            if score is not None:
                extend(start, end, score, False)
                has_single_char = has_single_char or end == start + 1
        if not has_single_char and vocab.unk_piece is not None:
            extend(start, start + 1, vocab.unk_score, True)

    if not beams[n]:
        raise ValueError(f"cannot segment {word!r}: a character is not in the vocabulary "
                         "and there is no unknown piece")

    def fuse(path: tuple) -> tuple[list[PieceScore], list[str]]:
        """Turn nodes into pieces, gluing runs of unknown characters together like the library."""
        out: list[PieceScore] = []
        unknown: list[str] = []
        previous_unknown = False
        for start, end, score, is_unknown in path:
            text = word[start:end]
            if is_unknown and previous_unknown:
                out[-1] = PieceScore(out[-1].piece + text, out[-1].log_prob + score)
                unknown[-1] += text
            else:
                out.append(PieceScore(text, score))
                if is_unknown:
                    unknown.append(text)
            previous_unknown = is_unknown
        return out, unknown

    candidates = [([p.piece for p in fuse(path)[0]], total) for total, path in beams[n]]
    best_total, best_path = beams[n][0]
    pieces_used, unknown = fuse(best_path)
    return UnigramResult(
        word=word,
        best=[p.piece for p in pieces_used],
        best_score=best_total,
        candidates=candidates,
        pieces_used=pieces_used,
        unknown=unknown,
    )
