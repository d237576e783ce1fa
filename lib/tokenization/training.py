"""Train your own tokenizer with the real `tokenizers` trainers (BPE, WordPiece, Unigram).

Learners pick an algorithm, a vocabulary size, normalizers and a pre-tokenizer, train on the
bundled Vietnamese corpus (or their own text) and compare tokens per word on held-out lines.
Every choice is also rendered as the minimal `tokenizers` code that does the same thing, so
the "show code" expander never drifts from what the lab actually ran.

`tokenizers` is imported inside the functions, so a page can import this module at the top
without loading anything heavy; `transformers` is never needed here.
"""
from __future__ import annotations

import functools
import json
import random
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from lib.sections import LANGS, ROOT

if TYPE_CHECKING:  # the annotations only; `tokenizers` itself is imported where it is used
    from tokenizers import Tokenizer

ALGORITHMS = ("bpe", "wordpiece", "unigram")
NORMALIZERS = ("nfc", "nfd", "lowercase", "strip_accents")
PRE_TOKENIZERS = ("whitespace", "byte_level", "metaspace", "whitespace_split", "punctuation")
VOCAB_MIN, VOCAB_MAX = 100, 30_000

# Special tokens go first in the trained vocabulary (ids 0, 1, ...), in this order.
SPECIAL_TOKENS: dict[str, tuple[str, ...]] = {
    "wordpiece": ("[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"),
    "bpe": ("<unk>", "<s>", "</s>", "<pad>"),
    "unigram": ("<unk>", "<s>", "</s>", "<pad>"),
}
# The kwargs PreTrainedTokenizerFast needs to know which added token plays which role.
_ROLES: dict[str, dict[str, str]] = {
    "wordpiece": {"unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                  "pad_token": "[PAD]", "mask_token": "[MASK]"},
    "bpe": {"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"},
    "unigram": {"unk_token": "<unk>", "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"},
}

# Progress stage keys passed to the callback; the UI translates them (lib/ stays language-neutral).
STAGE_READING, STAGE_TRAINING, STAGE_DONE = "reading", "training", "done"
_READ_SHARE = 0.9  # reading the corpus is reported in [0, 0.9]; the merge phase cannot report
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class TrainOptions:
    """What the learner chose. Frozen and hashable, so it can key `st.cache_data`.

    `normalizers` is a set of names applied in a fixed, sensible order whatever order they were
    given in: Unicode form first, then StripAccents, then Lowercase. StripAccents only removes
    combining marks, which exist only in decomposed text, so "strip_accents" implies NFD first
    (and replaces "nfc"); "nfc" with "nfd" is contradictory and rejected. Note that "đ" is a
    letter of its own, not d + a mark, so it survives StripAccents.

    `pre_tokenizer` "punctuation" is WhitespaceSplit followed by Punctuation: a bare Punctuation
    pre-tokenizer would keep spaces inside pieces and let tokens span several words.
    """

    algorithm: str
    vocab_size: int
    normalizers: tuple[str, ...] = ("nfc",)
    pre_tokenizer: str = "whitespace"

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {self.algorithm!r}; choose one of {ALGORITHMS}")
        if isinstance(self.vocab_size, bool) or not isinstance(self.vocab_size, int):
            raise ValueError(f"vocab_size must be an integer, not {self.vocab_size!r}")
        if not VOCAB_MIN <= self.vocab_size <= VOCAB_MAX:
            raise ValueError(f"vocab_size must be between {VOCAB_MIN} and {VOCAB_MAX}, not {self.vocab_size}")
        if isinstance(self.normalizers, str):
            raise ValueError("normalizers must be a sequence of names, not a single string")
        names = tuple(self.normalizers)
        unknown = [n for n in names if n not in NORMALIZERS]
        if unknown:
            raise ValueError(f"unknown normalizer(s) {unknown}; choose from {NORMALIZERS}")
        if "nfc" in names and "nfd" in names:
            raise ValueError("choose either 'nfc' or 'nfd', not both")
        # Canonical order and no duplicates, so equal choices compare (and cache) equal.
        object.__setattr__(self, "normalizers", tuple(n for n in NORMALIZERS if n in names))
        if self.pre_tokenizer not in PRE_TOKENIZERS:
            raise ValueError(f"unknown pre-tokenizer {self.pre_tokenizer!r}; choose one of {PRE_TOKENIZERS}")

    @property
    def special_tokens(self) -> tuple[str, ...]:
        return SPECIAL_TOKENS[self.algorithm]

    @property
    def normalizer_steps(self) -> tuple[str, ...]:
        """The normalizers actually applied, in order (see the class docstring)."""
        names = set(self.normalizers)
        steps: list[str] = []
        if "nfd" in names or "strip_accents" in names:
            steps.append("nfd")
        elif "nfc" in names:
            steps.append("nfc")
        if "strip_accents" in names:
            steps.append("strip_accents")
        if "lowercase" in names:
            steps.append("lowercase")
        return tuple(steps)


@dataclass(frozen=True)
class TrainResult:
    tokenizer: Tokenizer = field(repr=False)
    seconds: float
    vocab_size: int  # actual size, which may differ from options.vocab_size (see train_tokenizer)
    options: TrainOptions
    trainer_vocab_size: int  # what the trainer was asked for; pass it to training_code

    def code(self, corpus_file: str = "corpus.txt", output_file: str = "tokenizer.json") -> str:
        """The `tokenizers` code that trains this very tokenizer (see `training_code`)."""
        return training_code(self.options, corpus_file, output_file, vocab_size=self.trainer_vocab_size)


class SweepPoint(NamedTuple):
    requested: int
    vocab_size: int
    tokens_per_syllable: float


# --- building -------------------------------------------------------------------------------

def _normalizer(options: TrainOptions):
    from tokenizers import normalizers

    make = {"nfc": normalizers.NFC, "nfd": normalizers.NFD,
            "strip_accents": normalizers.StripAccents, "lowercase": normalizers.Lowercase}
    steps = [make[name]() for name in options.normalizer_steps]
    return normalizers.Sequence(steps) if steps else None


def _pre_tokenizer(name: str):
    from tokenizers import pre_tokenizers

    if name == "whitespace":
        return pre_tokenizers.Whitespace()
    if name == "byte_level":  # GPT-2 style: no prefix space, so decode gives back the exact text
        return pre_tokenizers.ByteLevel(add_prefix_space=False)
    if name == "metaspace":
        return pre_tokenizers.Metaspace()
    if name == "whitespace_split":
        return pre_tokenizers.WhitespaceSplit()
    return pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])


def _decoder(options: TrainOptions):
    """The decoder that undoes what the pre-tokenizer and model mark.

    WordPiece's decoder joins pieces with spaces and strips "##"; with byte_level or metaspace
    the spaces are already encoded as "Ġ" / "▁", so its added spaces are removed again before
    the ByteLevel / Metaspace decoder turns the markers back into text. BPE and Unigram over
    whitespace-style pre-tokenizers have no decoder: the word boundaries were thrown away by
    pre-tokenization, so decode can only join the pieces with spaces. That is exactly why
    GPT-2 uses byte_level and SentencePiece uses metaspace.

    Byte-level input makes BPE and Unigram lossless on any text, but not WordPiece: its
    continuation pieces ("##x") exist only for bytes seen inside words during training, so
    a word with an unseen character (an emoji, say) still becomes [UNK] whole.
    """
    from tokenizers import decoders

    marker = {"byte_level": decoders.ByteLevel, "metaspace": decoders.Metaspace}.get(options.pre_tokenizer)
    if options.algorithm == "wordpiece":
        if marker is None:
            return decoders.WordPiece()
        return decoders.Sequence([decoders.WordPiece(cleanup=False), decoders.Replace(" ", ""), marker()])
    return marker() if marker else None


def _post_processor(options: TrainOptions):
    """BERT's "[CLS] text [SEP]" for WordPiece; BPE and Unigram add nothing, like GPT-2."""
    if options.algorithm != "wordpiece":
        return None
    from tokenizers import processors

    specials = options.special_tokens  # ids are their positions: trainers put specials first
    cls, sep = specials.index("[CLS]"), specials.index("[SEP]")
    return processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )


def build_tokenizer(options: TrainOptions) -> Tokenizer:
    """An untrained tokenizer with the chosen pipeline, ready for a trainer."""
    from tokenizers import Tokenizer, models

    unk = options.special_tokens[0]
    if options.algorithm == "bpe":
        model = models.BPE(unk_token=unk)
    elif options.algorithm == "wordpiece":
        model = models.WordPiece(unk_token=unk)
    else:
        model = models.Unigram()
    tokenizer = Tokenizer(model)
    normalizer = _normalizer(options)
    if normalizer is not None:
        tokenizer.normalizer = normalizer
    tokenizer.pre_tokenizer = _pre_tokenizer(options.pre_tokenizer)
    decoder = _decoder(options)
    if decoder is not None:
        tokenizer.decoder = decoder
    post_processor = _post_processor(options)
    if post_processor is not None:
        tokenizer.post_processor = post_processor
    return tokenizer


def _initial_alphabet(options: TrainOptions) -> list[str]:
    """Byte-level models start from all 256 byte symbols, so no input is ever unknown."""
    if options.pre_tokenizer != "byte_level":
        return []
    from tokenizers import pre_tokenizers

    return pre_tokenizers.ByteLevel.alphabet()


def _trainer(options: TrainOptions, vocab_size: int):
    from tokenizers import trainers

    common = dict(vocab_size=vocab_size, special_tokens=list(options.special_tokens),
                  initial_alphabet=_initial_alphabet(options), show_progress=False)
    if options.algorithm == "bpe":
        return trainers.BpeTrainer(**common)
    if options.algorithm == "wordpiece":
        return trainers.WordPieceTrainer(**common)
    return trainers.UnigramTrainer(unk_token=options.special_tokens[0], **common)


def _alphabet_size(tokenizer: Tokenizer, lines: Sequence[str], options: TrainOptions) -> int:
    """Distinct characters the model will see after normalization and pre-tokenization."""
    chars = set(_initial_alphabet(options))
    normalizer, pre_tokenizer = tokenizer.normalizer, tokenizer.pre_tokenizer
    for line in lines:
        text = normalizer.normalize_str(line) if normalizer is not None else line
        for piece, _ in pre_tokenizer.pre_tokenize_str(text):
            chars.update(piece)
    return len(chars)


# --- training -------------------------------------------------------------------------------

def train_tokenizer(
    lines: Sequence[str],
    options: TrainOptions,
    progress: Callable[[float, str], None] | None = None,
) -> TrainResult:
    """Train with the real trainer via `train_from_iterator`, reporting progress as lines are read.

    The `tokenizers` trainer pulls the Python iterator from one of its own threads, so a
    callback called from inside the iterator would run off the caller's thread (and Streamlit
    drops widget updates from foreign threads). Training therefore runs in a worker thread and
    the caller's thread polls a line counter and calls `progress(fraction, stage)` itself, with
    fraction non-decreasing: reading is reported in [0, 0.9] ("reading"), then 0.9 ("training",
    the merge phase, which cannot report), then 1.0 ("done"). If the callback raises (say a
    Streamlit rerun), the exception propagates at once and the worker finishes in the background.

    The actual vocabulary can differ from the requested size: BPE and WordPiece cannot go below
    the corpus's alphabet, every algorithm stops when the corpus has nothing more to merge, and
    Unigram refuses to train below the alphabet size, so its request is raised to that size.
    """
    lines = list(lines)
    if not any(line.strip() for line in lines):
        raise ValueError("the corpus is empty")
    tokenizer = build_tokenizer(options)
    vocab_size = options.vocab_size
    if options.algorithm == "unigram":
        vocab_size = max(vocab_size, _alphabet_size(tokenizer, lines, options))
    trainer = _trainer(options, vocab_size)
    consumed = 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            yield line
            consumed += 1

    start = time.perf_counter()
    if progress is None:
        tokenizer.train_from_iterator(feed(), trainer, length=len(lines))
    else:
        _train_in_worker(tokenizer, trainer, feed(), len(lines), lambda: consumed, progress)
    seconds = time.perf_counter() - start
    if progress is not None:
        progress(1.0, STAGE_DONE)
    return TrainResult(tokenizer=tokenizer, seconds=seconds, vocab_size=tokenizer.get_vocab_size(),
                       options=options, trainer_vocab_size=vocab_size)


def _train_in_worker(tokenizer, trainer, iterator, total, consumed, progress) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            tokenizer.train_from_iterator(iterator, trainer, length=total)
        except BaseException as error:  # re-raised in the caller's thread below
            errors.append(error)

    worker = threading.Thread(target=work, name="tokenizer-training", daemon=True)
    progress(0.0, STAGE_READING)
    last = 0.0
    worker.start()
    while worker.is_alive():
        worker.join(_POLL_SECONDS)
        done = consumed()
        fraction = _READ_SHARE * done / total if done < total else _READ_SHARE
        stage = STAGE_READING if done < total else STAGE_TRAINING
        if fraction > last:
            progress(fraction, stage)
            last = fraction
    if errors:
        raise errors[0]


# --- corpus ---------------------------------------------------------------------------------

def bundled_corpus(lang: str = "vi") -> str:
    """The project's own corpus (data/corpus/<lang>.txt: title line, body line, blank line...)."""
    if lang not in LANGS:
        raise ValueError(f"no bundled corpus for {lang!r}; choose one of {LANGS}")
    return (ROOT / "data" / "corpus" / f"{lang}.txt").read_text(encoding="utf-8")


def corpus_lines(text: str) -> list[str]:
    """Non-empty stripped lines: one training example each."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def held_out_split(lines: Sequence[str], fraction: float = 0.2, seed: int = 0) -> tuple[list[str], list[str]]:
    """(train, held_out), deterministic for a seed and keeping the corpus order in each part.

    Measuring on lines the tokenizer never saw is the honest test: on its own training text
    a big vocabulary simply memorises whole words.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction must be between 0 and 1, not {fraction}")
    lines = list(lines)
    if len(lines) < 2:
        raise ValueError("need at least two lines to hold some out")
    n_held = min(max(1, round(len(lines) * fraction)), len(lines) - 1)
    held = set(random.Random(seed).sample(range(len(lines)), n_held))
    train = [line for i, line in enumerate(lines) if i not in held]
    held_out = [line for i, line in enumerate(lines) if i in held]
    return train, held_out


# --- measuring ------------------------------------------------------------------------------

def _word_count(texts: Sequence[str]) -> int:
    words = sum(len(text.split()) for text in texts)
    if words == 0:
        raise ValueError("no words to measure")
    return words


def tokens_per_syllable(tokenizer: Tokenizer, texts: Sequence[str]) -> float:
    """Tokens (no special tokens) per space-separated unit: a syllable in Vietnamese, which is how the
    lab compares tokenizers on held-out lines (the Cost tab counts segmented words instead)."""
    texts = list(texts)
    words = _word_count(texts)
    encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
    return sum(len(e.ids) for e in encodings) / words


def characters_per_word(texts: Sequence[str]) -> float:
    """The character-level baseline: what tokens per word would be with one token per character.

    Counted on NFC text (one code point per Vietnamese letter, however many marks it carries),
    so the baseline is the kindest possible to characters.
    """
    texts = [unicodedata.normalize("NFC", text) for text in texts]
    words = _word_count(texts)
    return sum(len(word) for text in texts for word in text.split()) / words


def vocab_size_sweep(
    train_lines: Sequence[str],
    held_out: Sequence[str],
    algorithm: str,
    sizes: Sequence[int],
    normalizers: Sequence[str] = ("nfc",),
    pre_tokenizer: str = "whitespace",
) -> list[SweepPoint]:
    """Train once per size and measure tokens per word on the held-out lines.

    On the bundled corpus five sizes take well under a second in total (each training is tens
    of milliseconds), so the UI can run it on demand.
    """
    points = []
    for size in sizes:
        options = TrainOptions(algorithm, int(size), tuple(normalizers), pre_tokenizer)
        result = train_tokenizer(train_lines, options)
        points.append(SweepPoint(int(size), result.vocab_size, tokens_per_syllable(result.tokenizer, held_out)))
    return points


# --- showing --------------------------------------------------------------------------------

def readable_token(tokenizer: Tokenizer, token: str) -> str:
    """Byte-level tokens shown as text ("Ġviá»ĩt" -> "Ġviệt") when their bytes are whole UTF-8."""
    if type(tokenizer.pre_tokenizer).__name__ != "ByteLevel":
        return token
    byte_of = _byte_level_table()
    try:
        text = bytes(byte_of[char] for char in token).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return token  # a fragment of a multi-byte character: the raw symbols are the honest view
    return text.replace(" ", "Ġ")


@functools.cache
def _byte_level_table() -> dict[str, int]:
    """GPT-2's symbol -> byte table: printable bytes stand for themselves, the others shift past 255."""
    printable = {*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)}
    table, shift = {}, 0
    for b in range(256):
        if b in printable:
            table[chr(b)] = b
        else:
            table[chr(256 + shift)] = b
            shift += 1
    return table


def vocabulary_sample(tokenizer: Tokenizer, n: int = 40, seed: int = 0) -> list[tuple[str, int]]:
    """A readable sample of learned tokens: drawn among the longest multi-character ones.

    Returns (readable token, id) sorted by id; for BPE and WordPiece the id order is the order in
    which merges were learned, so the list reads from common fragments to whole words.
    """
    specials = set(SPECIAL_TOKENS["wordpiece"]) | set(SPECIAL_TOKENS["bpe"])
    candidates = []
    for token, token_id in tokenizer.get_vocab(with_added_tokens=False).items():
        if token in specials:
            continue
        shown = readable_token(tokenizer, token)
        core = shown.removeprefix("##").lstrip("Ġ▁")
        if len(core) >= 2:
            candidates.append((len(core), token_id, shown))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    pool = candidates[: max(3 * n, n)]
    picked = random.Random(seed).sample(pool, min(n, len(pool)))
    return [(shown, token_id) for _, token_id, shown in sorted(picked, key=lambda c: c[1])]


def to_json(tokenizer: Tokenizer) -> str:
    """The tokenizer.json a learner downloads; the same file `Tokenizer.from_file` reads."""
    return tokenizer.to_str(pretty=True)


# --- code the learner copies ----------------------------------------------------------------

_NORMALIZER_CODE = {"nfc": "normalizers.NFC()", "nfd": "normalizers.NFD()",
                    "strip_accents": "normalizers.StripAccents()", "lowercase": "normalizers.Lowercase()"}
_PRE_TOKENIZER_CODE = {
    "whitespace": "pre_tokenizers.Whitespace()",
    "byte_level": "pre_tokenizers.ByteLevel(add_prefix_space=False)",
    "metaspace": "pre_tokenizers.Metaspace()",
    "whitespace_split": "pre_tokenizers.WhitespaceSplit()",
    "punctuation": "pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])",
}


def _q(value: str) -> str:
    """A double-quoted Python string literal, as a learner would type it."""
    return json.dumps(value, ensure_ascii=False)


def training_code(
    options: TrainOptions,
    corpus_file: str = "corpus.txt",
    output_file: str = "tokenizer.json",
    vocab_size: int | None = None,
) -> str:
    """Minimal runnable `tokenizers` code that builds and trains the same tokenizer as the lab.

    `vocab_size` overrides `options.vocab_size`: pass `TrainResult.trainer_vocab_size` (or use
    `TrainResult.code()`), since Unigram's request may have been raised to the alphabet size.
    """
    specials = list(options.special_tokens)
    unk = specials[0]
    body = []
    model = {"bpe": f"models.BPE(unk_token={_q(unk)})", "wordpiece": f"models.WordPiece(unk_token={_q(unk)})",
             "unigram": "models.Unigram()"}[options.algorithm]
    body.append(f"tokenizer = Tokenizer({model})")
    steps = [_NORMALIZER_CODE[name] for name in options.normalizer_steps]
    if steps:
        body.append(f"tokenizer.normalizer = normalizers.Sequence([{', '.join(steps)}])")
    body.append(f"tokenizer.pre_tokenizer = {_PRE_TOKENIZER_CODE[options.pre_tokenizer]}")
    marker = {"byte_level": "decoders.ByteLevel()", "metaspace": "decoders.Metaspace()"}.get(options.pre_tokenizer)
    if options.algorithm == "wordpiece":
        decoder = ("decoders.WordPiece()" if marker is None else
                   f'decoders.Sequence([decoders.WordPiece(cleanup=False), decoders.Replace(" ", ""), {marker}])')
        body.append(f"tokenizer.decoder = {decoder}")
        cls, sep = specials.index("[CLS]"), specials.index("[SEP]")
        body += ["tokenizer.post_processor = processors.TemplateProcessing(",
                 '    single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",',
                 f'    special_tokens=[("[CLS]", {cls}), ("[SEP]", {sep})],',
                 ")"]
    elif marker:
        body.append(f"tokenizer.decoder = {marker}")
    trainer_class = {"bpe": "BpeTrainer", "wordpiece": "WordPieceTrainer", "unigram": "UnigramTrainer"}[options.algorithm]
    body += [f"trainer = trainers.{trainer_class}(",
             f"    vocab_size={vocab_size or options.vocab_size},",
             f"    special_tokens=[{', '.join(_q(t) for t in specials)}],"]
    if options.algorithm == "unigram":
        body.append(f"    unk_token={_q(unk)},")
    if options.pre_tokenizer == "byte_level":
        body.append("    initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),")
    body.append(")")
    # Not tokenizer.train([file]): it keeps each line's "\n", which Metaspace (unlike the
    # whitespace pre-tokenizers) leaves in place, so "\n" would become a token.
    body += [f'with open({_q(corpus_file)}, encoding="utf-8") as f:',
             "    lines = [line.strip() for line in f if line.strip()]",
             "tokenizer.train_from_iterator(lines, trainer)",
             f"tokenizer.save({_q(output_file)})",
             "",
             'print(tokenizer.encode("Xin chào Việt Nam").tokens)']
    code = "\n".join(body)
    modules = [m for m in ("decoders", "models", "normalizers", "pre_tokenizers", "processors", "trainers")
               if f"{m}." in code]
    return f"from tokenizers import Tokenizer, {', '.join(modules)}\n\n{code}\n"


def loading_code(filename: str = "tokenizer.json", algorithm: str = "bpe") -> str:
    """Minimal code to use the downloaded file from transformers, with its special-token roles."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; choose one of {ALGORITHMS}")
    roles = "".join(f"    {role}={_q(token)},\n" for role, token in _ROLES[algorithm].items())
    return (
        "from transformers import PreTrainedTokenizerFast\n"
        "\n"
        "tokenizer = PreTrainedTokenizerFast(\n"
        f"    tokenizer_file={_q(filename)},\n"
        f"{roles}"
        ")\n"
        'encoded = tokenizer("Xin chào Việt Nam")\n'
        'print(encoded["input_ids"])\n'
        'print(tokenizer.convert_ids_to_tokens(encoded["input_ids"]))\n'
    )
