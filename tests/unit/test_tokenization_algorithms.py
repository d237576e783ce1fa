"""The hand-written BPE, WordPiece and Unigram walk-throughs give the same answers as `tokenizers`."""
import itertools
import json
import math
import random
import time
import unicodedata

import pytest

from lib.models.pack import pack_dir
from lib.sections import ROOT
from lib.tokenization import algorithms as A

tokenizers = pytest.importorskip("tokenizers")

MINILM_VOCAB = pack_dir() / "all-minilm-l6-v2" / "vocab.txt"
E5_TOKENIZER = pack_dir() / "multilingual-e5-small" / "tokenizer.json"


def needs(path):
    """Mark a test as using the offline pack, and skip it cleanly when the pack is not built."""
    def mark(test):
        skip = pytest.mark.skipif(not path.exists(), reason=f"offline pack not provisioned: {path}")
        return pytest.mark.pack(skip(test))
    return mark


needs_minilm = needs(MINILM_VOCAB)
needs_e5 = needs(E5_TOKENIZER)

VI_TEXT = (ROOT / "data" / "corpus" / "vi.txt").read_text(encoding="utf-8")
EN_TEXT = (ROOT / "data" / "corpus" / "en.txt").read_text(encoding="utf-8")
CLASSIC = " ".join(["low"] * 5 + ["lower"] * 2 + ["newest"] * 6 + ["widest"] * 3)


# ------------------------------------------------------------------------------ pre-tokenizer

def test_whitespace_split_matches_the_library_on_mixed_text():
    from tokenizers.pre_tokenizers import Whitespace
    text = ("Năm 1687, Isaac Newton công bố \"Các nguyên lý\"... F = ma; e-mail: a_b@c.vn "
            "Việt\u0301 ①② x²  tab\there ⓐⓑ 🤗🤗! ٣٤ 東京\u3000done")
    assert A.whitespace_split(text) == [w for w, _ in Whitespace().pre_tokenize_str(text)]


def test_whitespace_character_classes_match_the_library_on_the_whole_bmp():
    """Each BMP character is placed between "a" and a control char; the split reveals its class."""
    from tokenizers.pre_tokenizers import Whitespace
    chars = [chr(i) for i in range(0x10000)
             if not 0xD800 <= i < 0xE000 and unicodedata.category(chr(i)) != "Cn"]
    text = "".join("a" + ch + "\x01" for ch in chars)
    starts = {offsets[0]: piece for piece, offsets in Whitespace().pre_tokenize_str(text)}
    for index, ch in enumerate(chars):
        first = starts[3 * index]
        expected = "w" if first == "a" + ch else ("p" if 3 * index + 1 in starts else "s")
        assert A._char_class(ch) == expected, (hex(ord(ch)), unicodedata.category(ch))


def test_word_frequencies_counts_words_in_order_of_appearance():
    assert A.word_frequencies("the cat, the hat") == {"the": 2, "cat": 1, ",": 1, "hat": 1}


# ------------------------------------------------------------------------------ BPE

def library_merges(corpus: str, num_merges: int) -> list[tuple[str, str]]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    alphabet = len(A.bpe_initial(corpus).alphabet)
    trainer = trainers.BpeTrainer(vocab_size=alphabet + num_merges, min_frequency=0,
                                  show_progress=False, initial_alphabet=[], special_tokens=[])
    tokenizer.train_from_iterator([corpus], trainer=trainer)
    merges = json.loads(tokenizer.to_str())["model"]["merges"]
    return [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in merges]


@pytest.mark.parametrize("corpus, num_merges", [
    ("low lower newest widest", 15),
    (CLASSIC, 10),
    ("hug pug pun bun hugs " * 3 + "hug hug pug", 12),  # the Hugging Face course example
    ("\n".join([line for line in VI_TEXT.splitlines() if line.strip()][:6]), 40),
    ("\n".join([line for line in EN_TEXT.splitlines() if line.strip()][:6]), 40),
    (VI_TEXT, 150),
    ("aaaa aaa aa a aaaaa bbb ab ba abab", 12),  # overlapping pairs: "aaa" -> [aa, a]
    ("Tiếng Việt có dấu: tiếng, tiến, tiền, tiện, tiêng, việc, viết, việt, Việt Nam!", 25),
])
def test_bpe_merges_equal_the_library_in_order(corpus, num_merges):
    steps = A.bpe_training_steps(corpus, num_merges)
    assert 0 < len(steps) <= num_merges  # fewer when every word has become one token
    assert [step.pair for step in steps] == library_merges(corpus, num_merges)


def test_bpe_ties_are_broken_like_the_library_on_random_corpora():
    """Tiny alphabets make many pairs equally frequent, which exercises the tie-breaking."""
    for seed in range(40):
        rng = random.Random(seed)
        letters = rng.choice(["ab", "abc", "aàá", "xyz.", "aab"])
        words = ("".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
                 for _ in range(rng.randint(3, 30)))
        corpus = " ".join(words)
        num_merges = rng.randint(1, 30)
        mine = [step.pair for step in A.bpe_training_steps(corpus, num_merges)]
        assert mine == library_merges(corpus, num_merges), (seed, corpus)


def test_bpe_ties_go_to_the_smallest_token_ids_not_the_alphabet():
    # After ("a", "b"), the pairs ("ab", "c") and ("d", "x") both occur twice. Alphabetically
    # "ab" < "d", but characters get the first ids and "ab" a later one, so ("d", "x") wins.
    corpus = "ab ab ab abc abc dx dx"
    steps = A.bpe_training_steps(corpus, 3)
    assert steps[0].pair == ("a", "b")
    assert steps[1].top_pairs[:2] == [(("d", "x"), 2), (("ab", "c"), 2)]
    assert steps[1].pair == ("d", "x")
    assert [s.pair for s in steps] == library_merges(corpus, 3)


def test_bpe_steps_are_consistent():
    corpus = CLASSIC
    initial = A.bpe_initial(corpus)
    assert initial.word_counts == {"low": 5, "lower": 2, "newest": 6, "widest": 3}
    assert initial.words["newest"] == list("newest")
    assert initial.alphabet == sorted(set("lowernewestwidest"))
    assert initial.vocab_size == len(initial.alphabet)

    previous = initial.words
    for step in A.bpe_training_steps(corpus, 10):
        # The winner is the top of the table, and the table is recomputable from the last step.
        assert step.top_pairs[0] == (step.pair, step.count)
        recount = {}
        for word, pieces in previous.items():
            for pair in zip(pieces, pieces[1:]):
                recount[pair] = recount.get(pair, 0) + initial.word_counts[word]
        assert step.count == max(recount.values()) == recount[step.pair]
        assert all(recount[pair] == count for pair, count in step.top_pairs)
        assert [c for _, c in step.top_pairs] == sorted((c for _, c in step.top_pairs), reverse=True)
        assert step.new_token == "".join(step.pair)
        assert step.vocab_size == initial.vocab_size + step.number
        for word, pieces in step.words.items():
            assert "".join(pieces) == word
        previous = step.words
    assert previous["newest"] == ["newest"] and previous["widest"] == ["widest"]


def test_bpe_stops_when_nothing_is_left_to_merge():
    steps = A.bpe_training_steps("ab ab a", 10)
    assert [s.pair for s in steps] == [("a", "b")]
    assert A.bpe_training_steps("", 5) == []


def test_bpe_is_fast_enough_for_the_page():
    corpus = " ".join(EN_TEXT.split()[:600])
    start = time.perf_counter()
    A.bpe_training_steps(corpus, 30)
    assert time.perf_counter() - start < 1.0


# ------------------------------------------------------------------------------ WordPiece

WORDPIECE_WORDS = [
    "hello", "tokenization", "unaffable", "playing", "transformers", "huggingface",
    "antidisestablishmentarianism", "xylophonist", "a", "i", "123", "2024", "3.14", "don't",
    # Vietnamese, lower-cased and accent-stripped as BERT uncased sees it, and with accents
    "viet", "nam", "tieng", "nguoi", "pho", "duong", "nguyen", "khuyu", "đuong", "đ",
    "việt", "tiếng", "người", "phở", "đường", "nguyễn", "khuỷu", "nghiêng",
    # oddities
    "😀", "🤗", "a😀b", "##", "[UNK]", "中文", "東京", "ĳ", "x" * 120, "a" * 100, "a" * 101,
    "ab" * 50, "ab" * 50 + "c",
]


@needs_minilm
def test_wordpiece_matches_the_library_on_the_minilm_vocab():
    from tokenizers.models import WordPiece
    model = WordPiece.from_file(str(MINILM_VOCAB), unk_token="[UNK]")
    vocab = A.load_wordpiece_vocab(MINILM_VOCAB)
    assert len(vocab) == 30522
    for word in WORDPIECE_WORDS:
        expected = [token.value for token in model.tokenize(word)]
        assert A.wordpiece_steps(word, vocab).tokens == expected, word


@needs_minilm
def test_wordpiece_steps_show_the_greedy_search():
    vocab = A.load_wordpiece_vocab(MINILM_VOCAB)
    result = A.wordpiece_steps("tokenization", vocab)
    assert result.tokens == ["token", "##ization"]
    first, second = result.steps
    assert first.start == 0 and first.end == 5 and first.accepted == "token"
    assert [c for c, _ in first.candidates][:2] == ["tokenization", "tokenizatio"]
    assert first.candidates[-1] == ("token", True)
    assert not any(found for _, found in first.candidates[:-1])
    assert second.start == 5 and second.candidates[0][0] == "##ization"
    # Candidates shrink by one character each time.
    lengths = [len(c) for c, _ in first.candidates]
    assert lengths == list(range(12, 4, -1))


def test_wordpiece_unknown_words_become_one_unk_token():
    vocab = {"un", "##aff", "##able", "[UNK]", "a"}
    assert A.wordpiece_steps("unaffable", vocab).tokens == ["un", "##aff", "##able"]
    # "b" matches nowhere at position 5: the *whole* word becomes [UNK], as in BERT.
    result = A.wordpiece_steps("unaffb", vocab)
    assert result.tokens == ["[UNK]"] and result.is_unknown
    assert result.steps[-1].accepted is None and result.steps[-1].start == 5
    too_long = A.wordpiece_steps("a" * 5, vocab, max_input_chars_per_word=4)
    assert too_long.tokens == ["[UNK]"] and too_long.too_long and too_long.steps == []
    assert A.wordpiece_steps("", vocab).tokens == []


def test_wordpiece_word_is_fast():
    vocab = {f"w{i}" for i in range(30000)}
    start = time.perf_counter()
    A.wordpiece_steps("x" * 100, vocab)
    assert time.perf_counter() - start < 0.05


# ------------------------------------------------------------------------------ Unigram

UNIGRAM_WORDS = [
    "Việt", "Nam", "tiếng", "người", "Nguyễn", "phở", "đường", "khuỷu", "nghiêng", "quốc",
    "Hà Nội", "thành phố", "Hồ Chí Minh", "trường", "học", "máy", "mã hóa",
    unicodedata.normalize("NFD", "Việt"),  # decomposed accents: a different segmentation
    "tokenization", "Hugging", "Face", "unbelievable", "the", "transformers", "12345",
    # oddities: emoji, characters outside the vocabulary (fused into one unknown token)
    "😀", "🤗x", "\U000e0100\U000e0101", "a\U000e0100b\U000e0101\U000e0102c", "ab<unk>", "ĳ",
]


@pytest.fixture(scope="module")
def e5_pieces():
    return A.unigram_pieces(E5_TOKENIZER)


@needs_e5
def test_unigram_best_segmentation_matches_the_library(e5_pieces):
    model = tokenizers.Tokenizer.from_file(str(E5_TOKENIZER)).model
    assert len(e5_pieces) == 250002
    for word in UNIGRAM_WORDS:
        marked = A.metaspace(word)
        expected = [token.value for token in model.tokenize(marked)]
        assert A.unigram_segment(marked, e5_pieces).best == expected, word


@needs_e5
def test_unigram_result_is_consistent(e5_pieces):
    result = A.unigram_segment("▁tokenization", e5_pieces, top=5)
    assert result.best == result.candidates[0][0]
    assert len(result.candidates) == 5
    scores = [score for _, score in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert result.best_score == scores[0]
    assert [p.piece for p in result.pieces_used] == result.best
    assert math.isclose(sum(p.log_prob for p in result.pieces_used), result.best_score)
    for piece, log_prob in result.pieces_used:
        assert e5_pieces[piece] == log_prob
    assert all(0 < p.prob < 1 for p in result.pieces_used)
    for pieces, score in result.candidates:
        assert "".join(pieces) == "▁tokenization"
        assert math.isclose(sum(e5_pieces[p] for p in pieces), score)


@needs_e5
def test_unigram_unknown_characters_score_like_the_library(e5_pieces):
    result = A.unigram_segment("▁a\U000e0100\U000e0101", e5_pieces)
    assert e5_pieces.unk_piece == "<unk>"
    assert e5_pieces.unk_score == min(e5_pieces.values()) - 10
    assert result.best[-1] == "\U000e0100\U000e0101" and result.unknown == ["\U000e0100\U000e0101"]
    assert result.pieces_used[-1].log_prob == 2 * e5_pieces.unk_score


@needs_e5
def test_unigram_is_fast_for_a_word(e5_pieces):
    start = time.perf_counter()
    for word in ("▁nghiêng", "▁antidisestablishmentarianism", "▁Hồ▁Chí▁Minh"):
        A.unigram_segment(word, e5_pieces, top=10)
    assert time.perf_counter() - start < 0.15


def all_segmentations(word, vocab):
    """Every way to cut `word` into vocabulary pieces, by brute force (small words only)."""
    for cuts in itertools.product([False, True], repeat=len(word) - 1):
        pieces, start = [], 0
        for position, cut in enumerate(cuts, start=1):
            if cut:
                pieces.append(word[start:position])
                start = position
        pieces.append(word[start:])
        if all(piece in vocab for piece in pieces):
            yield pieces, sum(vocab[p] for p in pieces)


def test_unigram_k_best_equals_brute_force_on_a_toy_vocab():
    rng = random.Random(0)
    letters = "abc"
    vocab = {"<unk>": 0.0}
    for length in (1, 2, 3, 4):
        for chars in itertools.product(letters, repeat=length):
            if length == 1 or rng.random() < 0.5:
                vocab["".join(chars)] = -rng.uniform(1, 10)
    for _ in range(20):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
        result = A.unigram_segment(word, vocab, top=7)
        expected = sorted((score for _, score in all_segmentations(word, vocab)), reverse=True)[:7]
        assert [score for _, score in result.candidates] == pytest.approx(expected)
        assert result.best_score == pytest.approx(expected[0])


def test_unigram_plain_dict_with_unknown_characters():
    vocab = {"<unk>": 0.0, "▁": -1.0, "a": -2.0, "b": -3.0, "▁a": -2.5}
    result = A.unigram_segment(A.metaspace("axyb"), vocab)
    assert result.best == ["▁a", "xy", "b"]
    assert result.unknown == ["xy"]
    assert result.pieces_used[1].log_prob == 2 * (-3.0 - 10)
    with pytest.raises(ValueError):
        A.unigram_segment("x", {"a": -1.0})


def test_metaspace_marks_word_starts():
    assert A.metaspace("Việt") == "▁Việt"
    assert A.metaspace("▁Việt") == "▁Việt"
    assert A.metaspace("Hà Nội") == "▁Hà▁Nội"
    assert A.metaspace("") == ""


def test_module_stays_light():
    import subprocess
    import sys
    code = ("import sys, lib.tokenization.algorithms; "
            "print(sorted(m for m in ('tokenizers', 'transformers', 'streamlit', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
