"""Fast (Rust) versus slow (pure Python) tokenizer on the same BERT vocabulary, in MB/s.

Both sides load the same all-MiniLM-L6-v2 vocabulary (bert-base-uncased WordPiece, 30,522
tokens), so the only difference the learner sees is the implementation. Two details make
the comparison honest:

- The pack's tokenizer.json comes from sentence-transformers with truncation *and* padding
  to 128 tokens switched on, so a raw `Tokenizer.from_file` returns exactly 128 ids for every
  text. `load_fast_and_slow` switches both off; with them off, the fast and slow tokenizers
  give identical ids on all of the project's Vietnamese and English texts (and on a set of
  edge cases in the tests: accents, CJK, emoji, control characters, literal "[CLS]").
- BERT uncased strips accents, so Vietnamese loses its diacritics ("Việt" -> "viet") on
  both sides alike; that is the vocabulary's doing, not a fast/slow difference.

Both `tokenizers` and `transformers` (needed only for the slow tokenizer) are imported inside
`load_fast_and_slow`, so importing this module costs nothing.

Measured here (2 vCPUs): fast ~1.1-1.3 MB/s, slow ~0.27 MB/s, so about 4-5x in both modes;
batching barely helps the fast side on two cores.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.sections import ROOT

IMPLEMENTATIONS = ("fast", "slow")
MODES = ("single", "batch")


@dataclass(frozen=True)
class SpeedResult:
    """One measurement: all rounds of one implementation in one mode.

    `megabytes` (UTF-8, 10**6 bytes) and `tokens` are totals over all `rounds`, so
    `mb_per_s` is simply megabytes / seconds.
    """

    implementation: str  # "fast" | "slow"
    mode: str  # "single" (a Python loop of encode calls) | "batch" (one call for all texts)
    megabytes: float
    seconds: float
    tokens: int
    rounds: int
    mb_per_s: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mb_per_s", self.megabytes / self.seconds if self.seconds > 0 else 0.0)

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


def load_fast_and_slow(minilm_dir: Path) -> tuple[Any, Any]:
    """(fast, slow) on the same vocabulary: a `tokenizers.Tokenizer` and transformers' Python BERT.

    The fast one is the raw Rust tokenizer (no transformers wrapper), with the pack's
    padding/truncation to 128 switched off so it tokenizes whole texts like the slow one.
    """
    from tokenizers import Tokenizer
    from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

    minilm_dir = Path(minilm_dir)
    fast = Tokenizer.from_file(str(minilm_dir / "tokenizer.json"))
    fast.no_padding()
    fast.no_truncation()
    slow = BertTokenizerLegacy(str(minilm_dir / "vocab.txt"), do_lower_case=True)
    return fast, slow


def fast_ids(fast, text: str, add_special_tokens: bool = True) -> list[int]:
    return fast.encode(text, add_special_tokens=add_special_tokens).ids


def slow_ids(slow, text: str, add_special_tokens: bool = True) -> list[int]:
    return slow.encode(text, add_special_tokens=add_special_tokens)


def mismatches(texts: Sequence[str], fast, slow) -> list[int]:
    """Indices of texts the two implementations tokenize differently (empty when they agree)."""
    return [i for i, text in enumerate(texts) if fast_ids(fast, text) != slow_ids(slow, text)]


def sample_texts(n_chars: int) -> list[str]:
    """About `n_chars` characters of the project's corpus, alternating Vietnamese and English lines.

    Lines are cycled if more text is asked for than the corpus holds; the last line is cut so
    that the total (newlines excluded) is exactly `n_chars`.
    """
    if n_chars <= 0:
        raise ValueError("n_chars must be positive")
    corpora = [_lines(ROOT / "data" / "corpus" / f"{lang}.txt") for lang in ("vi", "en")]
    interleaved = [line for pair in zip(*corpora) for line in pair]
    longest = max(corpora, key=len)
    interleaved += longest[min(len(c) for c in corpora):]
    texts, total, i = [], 0, 0
    while total < n_chars:
        line = interleaved[i % len(interleaved)][: n_chars - total]
        texts.append(line)
        total += len(line)
        i += 1
    return texts


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _runners(fast, slow) -> dict[tuple[str, str], Callable[[list[str]], list]]:
    """What one round does. Token ids are read after timing; see `_count_tokens`."""
    return {
        ("fast", "single"): lambda texts: [fast.encode(text) for text in texts],
        ("fast", "batch"): lambda texts: fast.encode_batch(texts),  # Rust threads (rayon)
        ("slow", "single"): lambda texts: [slow.encode(text) for text in texts],
        ("slow", "batch"): lambda texts: slow(texts)["input_ids"],
    }


def _count_tokens(output) -> int:
    return sum(len(item.ids) if hasattr(item, "ids") else len(item) for item in output)


def measure(texts: Sequence[str], fast, slow, budget_seconds: float = 2.0) -> list[SpeedResult]:
    """Time fast/slow x single/batch, each for repeated rounds within a quarter of the budget.

    Every measurement runs at least one full round (so a text too big for the budget overruns
    it: keep the slow side's round well under budget/4, e.g. ~50,000 characters here), then
    stops before a round that would cross its share. Rounds of the four measurements are not
    interleaved; each starts with a short untimed warm-up call.
    """
    texts = list(texts)
    if not texts:
        raise ValueError("no texts to measure")
    if budget_seconds <= 0:
        raise ValueError("budget_seconds must be positive")
    megabytes_per_round = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    share = budget_seconds / 4
    results = []
    for (implementation, mode), run in _runners(fast, slow).items():
        run(texts[:1])  # warm-up: lazy initialisation is not what we measure
        seconds, rounds, tokens_per_round = 0.0, 0, 0
        while rounds == 0 or seconds + seconds / rounds <= share:
            start = time.perf_counter()
            output = run(texts)
            seconds += time.perf_counter() - start
            if rounds == 0:
                tokens_per_round = _count_tokens(output)
            rounds += 1
        results.append(SpeedResult(implementation, mode, megabytes_per_round * rounds, seconds,
                                   tokens_per_round * rounds, rounds))
    return results


def speedup(results: Sequence[SpeedResult]) -> dict[str, float]:
    """fast MB/s divided by slow MB/s, per mode present in both."""
    by_key = {(r.implementation, r.mode): r for r in results}
    ratios = {}
    for mode in MODES:
        fast, slow = by_key.get(("fast", mode)), by_key.get(("slow", mode))
        if fast and slow and slow.mb_per_s > 0:
            ratios[mode] = fast.mb_per_s / slow.mb_per_s
    return ratios
