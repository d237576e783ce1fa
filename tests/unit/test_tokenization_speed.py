"""Fast (Rust) vs slow (Python) BERT tokenizer on the same vocabulary: same ids, honest timings."""
import time

import pytest

from lib.models.pack import pack_dir
from lib.sections import ROOT
from lib.tokenization.speed import (
    SpeedResult,
    load_fast_and_slow,
    measure,
    mismatches,
    sample_texts,
    speedup,
)

MINILM = pack_dir() / "all-minilm-l6-v2"
needs_pack = pytest.mark.skipif(not (MINILM / "vocab.txt").exists() or not (MINILM / "tokenizer.json").exists(),
                                reason="offline pack not provisioned (make setup)")

EDGE_CASES = [
    "Xin chào thế giới! Tiếng Việt có dấu: ă â đ ê ô ơ ư, Đà Nẵng.",
    "naïve café — “quotes” ½ ﬁ 中文 😀 zero\u200bwidth\u00a0nbsp",
    "[CLS] hello [SEP] [MASK] [cls] [unk]",
    "tab\there\nnew\rline ctrl\x00\x01\x7f end",
    "e\u0301 (combining) İstanbul ß ẞ Ｆｕｌｌｗｉｄｔｈ",
    "x" * 150,  # longer than WordPiece's 100-character limit: [UNK] on both sides
    "don't stop--now... 1,000.5% $3",
    "ОЧЕНЬ Ёлка العربية ไทย 日本語テキスト 한국어",
    "  leading  and trailing  ",
    "",
]


@pytest.fixture(scope="module")
def pair():
    return load_fast_and_slow(MINILM)


def _corpus_lines(lang):
    text = (ROOT / "data" / "corpus" / f"{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


@needs_pack
def test_fast_and_slow_give_identical_ids_on_the_project_texts(pair):
    fast, slow = pair
    texts = _corpus_lines("vi") + _corpus_lines("en")
    assert len(texts) > 200
    assert mismatches(texts, fast, slow) == []
    assert mismatches(EDGE_CASES, fast, slow) == []
    # Same vocabulary, same special tokens around the text.
    ids = fast.encode("Việt Nam").ids
    assert ids[0] == slow.cls_token_id and ids[-1] == slow.sep_token_id
    # Uncased BERT strips Vietnamese diacritics on both sides alike.
    assert fast.encode("Việt", add_special_tokens=False).tokens == slow.tokenize("Việt") == ["viet"]


@needs_pack
def test_the_pack_file_pads_and_truncates_to_128_until_switched_off(pair):
    """The documented difference: sentence-transformers saved padding and truncation in tokenizer.json."""
    from tokenizers import Tokenizer

    raw = Tokenizer.from_file(str(MINILM / "tokenizer.json"))
    long_text = " ".join(_corpus_lines("en"))
    assert len(raw.encode("hello").ids) == 128 and len(raw.encode(long_text).ids) == 128
    fast, slow = pair
    assert len(fast.encode("hello").ids) == 3
    assert len(fast.encode(long_text).ids) == len(slow.encode(long_text)) > 128


def test_sample_texts_mixes_the_corpora_and_hits_the_size():
    texts = sample_texts(2_000)
    assert sum(len(t) for t in texts) == 2_000 and all(t for t in texts)
    assert texts[0] in _corpus_lines("vi") and texts[1] in _corpus_lines("en")
    big = sample_texts(300_000)  # more than the corpora hold: lines are cycled
    assert sum(len(t) for t in big) == 300_000
    assert sample_texts(10) == [sample_texts(2_000)[0][:10]]
    for bad in (0, -5):
        with pytest.raises(ValueError):
            sample_texts(bad)


@needs_pack
def test_measure_structure_and_budget(pair):
    fast, slow = pair
    texts = sample_texts(5_000)
    budget = 1.0
    start = time.perf_counter()
    results = measure(texts, fast, slow, budget_seconds=budget)
    elapsed = time.perf_counter() - start
    assert elapsed < 5 * budget
    assert [(r.implementation, r.mode) for r in results] == [
        ("fast", "single"), ("fast", "batch"), ("slow", "single"), ("slow", "batch")]
    megabytes_per_round = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    tokens_per_round = {r.tokens // r.rounds for r in results}
    assert len(tokens_per_round) == 1  # same ids on both sides, so the same number of tokens
    assert tokens_per_round.pop() == sum(len(fast.encode(t).ids) for t in texts)
    for r in results:
        assert r.rounds >= 1 and r.seconds > 0 and r.tokens % r.rounds == 0
        assert r.megabytes == pytest.approx(megabytes_per_round * r.rounds)
        assert r.mb_per_s == pytest.approx(r.megabytes / r.seconds)
        assert r.tokens_per_s == pytest.approx(r.tokens / r.seconds)
        assert r.seconds <= budget  # each measurement stays within (roughly) its quarter
    ratios = speedup(results)
    assert set(ratios) == {"single", "batch"}
    by_key = {(r.implementation, r.mode): r for r in results}
    for mode, ratio in ratios.items():
        assert ratio == pytest.approx(by_key["fast", mode].mb_per_s / by_key["slow", mode].mb_per_s)
        assert ratio > 0  # which one is faster is not asserted: machines are noisy


def test_speed_result_and_speedup_edge_cases():
    zero = SpeedResult("fast", "single", megabytes=1.0, seconds=0.0, tokens=10, rounds=1)
    assert zero.mb_per_s == 0.0 and zero.tokens_per_s == 0.0
    one = SpeedResult("slow", "batch", megabytes=2.0, seconds=4.0, tokens=8, rounds=2)
    assert one.mb_per_s == 0.5
    assert speedup([one]) == {}  # no fast result for that mode: nothing to compare
    with pytest.raises(ValueError):
        measure([], None, None)


@needs_pack
def test_measure_rejects_a_non_positive_budget(pair):
    with pytest.raises(ValueError):
        measure(["a"], *pair, budget_seconds=0)
