"""Training tokenizers with the real `tokenizers` trainers on the bundled Vietnamese corpus."""
import contextlib
import io
import json
import subprocess
import sys
import threading
import time

import pytest
from tokenizers import Tokenizer

from lib.sections import ROOT
from lib.tokenization import training
from lib.tokenization.training import (
    ALGORITHMS,
    PRE_TOKENIZERS,
    TrainOptions,
    build_tokenizer,
    bundled_corpus,
    characters_per_word,
    corpus_lines,
    held_out_split,
    loading_code,
    readable_token,
    to_json,
    tokens_per_syllable,
    train_tokenizer,
    training_code,
    vocab_size_sweep,
    vocabulary_sample,
)

pytestmark = pytest.mark.skipif(not (ROOT / "data" / "corpus" / "vi.txt").exists(), reason="no bundled corpus")


@pytest.fixture(scope="module")
def lines():
    return corpus_lines(bundled_corpus("vi"))


@pytest.fixture(scope="module")
def split(lines):
    return held_out_split(lines, fraction=0.2, seed=0)


@pytest.fixture(scope="module")
def bpe_1000(split):
    return train_tokenizer(split[0], TrainOptions("bpe", 1000))


# --- options ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    dict(algorithm="sentencepiece", vocab_size=1000),
    dict(algorithm="bpe", vocab_size=99),
    dict(algorithm="bpe", vocab_size=30_001),
    dict(algorithm="bpe", vocab_size=1000.0),
    dict(algorithm="bpe", vocab_size=True),
    dict(algorithm="bpe", vocab_size=1000, normalizers=("nfkc",)),
    dict(algorithm="bpe", vocab_size=1000, normalizers="nfc"),
    dict(algorithm="bpe", vocab_size=1000, normalizers=("nfc", "nfd")),
    dict(algorithm="bpe", vocab_size=1000, pre_tokenizer="bert"),
])
def test_invalid_options_raise_value_error(kwargs):
    with pytest.raises(ValueError):
        TrainOptions(**kwargs)


def test_options_are_canonical_and_hashable():
    a = TrainOptions("bpe", 1000, ("lowercase", "strip_accents", "lowercase"))
    b = TrainOptions("bpe", 1000, ["strip_accents", "lowercase"])
    assert a == b and hash(a) == hash(b)
    assert a.normalizers == ("lowercase", "strip_accents")
    # strip_accents needs decomposed text: NFD comes first, and replaces NFC.
    assert TrainOptions("bpe", 1000, ("nfc", "strip_accents", "lowercase")).normalizer_steps == (
        "nfd", "strip_accents", "lowercase")
    assert TrainOptions("bpe", 1000, ()).normalizer_steps == ()
    assert build_tokenizer(TrainOptions("bpe", 1000, ())).normalizer is None


def test_lowercase_and_strip_accents_turn_viet_nam_into_viet_nam():
    tokenizer = build_tokenizer(TrainOptions("bpe", 1000, ("lowercase", "strip_accents")))
    assert tokenizer.normalizer.normalize_str("Việt Nam") == "viet nam"
    # "đ" is a letter, not d + a combining mark: it survives StripAccents.
    assert tokenizer.normalizer.normalize_str("Đà Nẵng") == "đa nang"
    # Without NFD first, StripAccents does nothing to precomposed letters: that is why it is implied.
    from tokenizers import normalizers
    assert normalizers.StripAccents().normalize_str("Việt") == "Việt"


def test_special_tokens_come_first_and_match_the_algorithm(split):
    for algorithm in ALGORITHMS:
        result = train_tokenizer(split[0][:40], TrainOptions(algorithm, 300, pre_tokenizer="metaspace"))
        specials = training.SPECIAL_TOKENS[algorithm]
        assert [result.tokenizer.token_to_id(t) for t in specials] == list(range(len(specials)))
    wordpiece = train_tokenizer(split[0][:40], TrainOptions("wordpiece", 300)).tokenizer
    tokens = wordpiece.encode("Việt Nam").tokens
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"


# --- corpus ----------------------------------------------------------------------------------

def test_corpus_lines_and_bundled_corpus(lines):
    assert corpus_lines("  a \n\n b\n   \n") == ["a", "b"]
    assert len(lines) > 100 and all(line == line.strip() and line for line in lines)
    assert "Việt" in bundled_corpus() or "việt" in bundled_corpus()
    assert corpus_lines(bundled_corpus("en"))
    with pytest.raises(ValueError):
        bundled_corpus("fr")


def test_held_out_split_is_deterministic_disjoint_and_ordered(lines):
    train, held = held_out_split(lines, 0.2, seed=0)
    assert (train, held) == held_out_split(lines, 0.2, seed=0)
    assert held != held_out_split(lines, 0.2, seed=1)[1]
    assert len(held) == round(len(lines) * 0.2) and len(train) + len(held) == len(lines)
    assert sorted(train + held) == sorted(lines)
    order = {line: i for i, line in enumerate(lines)}
    assert [order[x] for x in held] == sorted(order[x] for x in held)
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            held_out_split(lines, bad)
    with pytest.raises(ValueError):
        held_out_split(["only one"])


# --- training ------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_each_algorithm_reaches_the_requested_size(lines, algorithm):
    result = train_tokenizer(lines, TrainOptions(algorithm, 1000, pre_tokenizer="metaspace"))
    assert result.vocab_size == result.tokenizer.get_vocab_size() == 1000
    assert result.seconds > 0 and result.options.algorithm == algorithm
    # Asking for more than the corpus can give stops at what it allows, never above the request.
    big = train_tokenizer(lines, TrainOptions(algorithm, 30_000, pre_tokenizer="metaspace"))
    assert 1000 < big.vocab_size < 30_000


def test_default_bpe_reaches_the_requested_size(bpe_1000):
    assert bpe_1000.vocab_size == 1000 and bpe_1000.trainer_vocab_size == 1000


def test_below_the_alphabet_bpe_keeps_the_alphabet_and_unigram_is_raised_to_it(lines):
    bpe = train_tokenizer(lines, TrainOptions("bpe", 100))
    assert bpe.vocab_size > 100  # every character of the corpus stays in the vocabulary
    unigram = train_tokenizer(lines, TrainOptions("unigram", 100))  # the raw trainer would raise
    assert unigram.trainer_vocab_size > 100 and unigram.vocab_size >= 100


def test_trained_bpe_beats_characters_on_held_out(split, bpe_1000):
    held = split[1]
    per_word = tokens_per_syllable(bpe_1000.tokenizer, held)
    chars = characters_per_word(held)
    assert 1.0 <= per_word < chars
    assert per_word < 0.6 * chars  # by a wide margin, not a rounding error
    with pytest.raises(ValueError):
        tokens_per_syllable(bpe_1000.tokenizer, ["", "   "])


def test_larger_vocab_means_fewer_tokens_per_word(split):
    train, held = split
    sizes = [200, 500, 1000, 2000]
    start = time.perf_counter()
    bpe = vocab_size_sweep(train, held, "bpe", sizes)
    seconds = time.perf_counter() - start
    assert [p.requested for p in bpe] == sizes and [p.vocab_size for p in bpe] == sizes
    per_word = [p.tokens_per_syllable for p in bpe]
    assert per_word == sorted(per_word, reverse=True) and len(set(per_word)) == len(per_word)
    assert seconds < 10  # ~0.3 s for five sizes on this machine
    for algorithm in ("wordpiece", "unigram"):
        points = vocab_size_sweep(train, held, algorithm, sizes, pre_tokenizer="metaspace")
        per_word = [p.tokens_per_syllable for p in points]
        assert per_word == sorted(per_word, reverse=True) and per_word[0] > per_word[-1]


def test_progress_is_monotonic_reaches_one_and_runs_on_the_callers_thread(lines):
    calls = []
    caller = threading.get_ident()
    big = lines * 25  # long enough for several "reading" updates
    train_tokenizer(big, TrainOptions("bpe", 2000),
                    progress=lambda f, stage: calls.append((f, stage, threading.get_ident())))
    fractions = [f for f, _, _ in calls]
    assert fractions == sorted(fractions) and fractions[0] == 0.0
    assert len(set(fractions)) == len(fractions)  # no repeated reports
    assert calls[-1][:2] == (1.0, training.STAGE_DONE)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert {stage for _, stage, _ in calls} <= {training.STAGE_READING, training.STAGE_TRAINING, training.STAGE_DONE}
    assert all(thread == caller for _, _, thread in calls)


def test_training_errors_reach_the_caller_with_or_without_progress(monkeypatch):
    with pytest.raises(ValueError):
        train_tokenizer(["", "  "], TrainOptions("bpe", 1000))

    class Broken:
        def train_from_iterator(self, iterator, trainer, length):
            next(iterator)
            raise RuntimeError("trainer failed")

    monkeypatch.setattr(training, "build_tokenizer", lambda options: Broken())
    calls = []
    with pytest.raises(RuntimeError, match="trainer failed"):  # raised in the worker, re-raised here
        train_tokenizer(["a b", "c d"], TrainOptions("bpe", 1000), progress=lambda f, s: calls.append(f))
    assert calls and calls[-1] < 1.0  # never reported "done"
    with pytest.raises(RuntimeError, match="trainer failed"):
        train_tokenizer(["a b", "c d"], TrainOptions("bpe", 1000))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_byte_level_decodes_back_to_the_exact_text(split, algorithm):
    train, held = split
    tokenizer = train_tokenizer(train, TrainOptions(algorithm, 1000, pre_tokenizer="byte_level")).tokenizer
    for text in held[:20]:
        assert tokenizer.decode(tokenizer.encode(text).ids) == text
    unseen = "Xin chào 👋 — Đà Nẵng, 2024!"  # an emoji the corpus never shows
    tokens = tokenizer.encode(unseen).tokens
    if algorithm == "wordpiece":
        # WordPiece only has "##x" continuations for bytes seen inside words, so a word with an
        # unseen character still becomes [UNK] whole: byte-level input does not save it.
        assert "[UNK]" in tokens
    else:
        assert "<unk>" not in tokens and tokenizer.decode(tokenizer.encode(unseen).ids) == unseen


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_metaspace_decodes_known_characters_back(split, algorithm):
    train, _ = split
    tokenizer = train_tokenizer(train, TrainOptions(algorithm, 1000, pre_tokenizer="metaspace")).tokenizer
    for text in train[:20]:
        assert tokenizer.decode(tokenizer.encode(text).ids) == text


@pytest.mark.parametrize("pre_tokenizer", PRE_TOKENIZERS)
def test_every_pre_tokenizer_trains_and_tokenizes(split, pre_tokenizer):
    for algorithm in ALGORITHMS:
        result = train_tokenizer(split[0], TrainOptions(algorithm, 500, pre_tokenizer=pre_tokenizer))
        assert result.tokenizer.encode("Việt Nam").ids


# --- showing ----------------------------------------------------------------------------------

def test_vocabulary_sample_is_readable_deterministic_and_skips_specials(split):
    tokenizer = train_tokenizer(split[0], TrainOptions("bpe", 2000, pre_tokenizer="byte_level")).tokenizer
    sample = vocabulary_sample(tokenizer, n=30, seed=0)
    assert sample == vocabulary_sample(tokenizer, n=30, seed=0)
    assert len(sample) == 30 and [i for _, i in sample] == sorted(i for _, i in sample)
    assert all(tok not in training.SPECIAL_TOKENS["bpe"] for tok, _ in sample)
    assert all(len(tok.lstrip("Ġ")) >= 2 for tok, _ in sample)
    vietnamese = "ăâđêôơưàáảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịýỳỷỹỵ"
    assert any(any(ch in vietnamese for ch in tok.lower()) for tok, _ in sample)
    mojibake = [tok for tok, _ in sample if "á»" in tok or "Ã" in tok]  # raw fragments of a character
    assert len(mojibake) <= len(sample) // 3


def test_readable_token_decodes_whole_utf8_and_keeps_fragments(split):
    byte_level = build_tokenizer(TrainOptions("bpe", 1000, pre_tokenizer="byte_level"))
    assert readable_token(byte_level, "Ġviá»ĩt") == "Ġviệt"
    assert readable_token(byte_level, "á»") == "á»"  # half a character: shown raw
    whitespace = build_tokenizer(TrainOptions("bpe", 1000))
    assert readable_token(whitespace, "Ġviá»ĩt") == "Ġviá»ĩt"


def test_to_json_round_trips(split, bpe_1000):
    text = split[1][0]
    again = Tokenizer.from_str(to_json(bpe_1000.tokenizer))
    assert again.encode(text).ids == bpe_1000.tokenizer.encode(text).ids
    assert json.loads(to_json(bpe_1000.tokenizer))["model"]["type"] == "BPE"


# --- code the learner copies ---------------------------------------------------------------

def _exec(code: str, cwd, monkeypatch) -> dict:
    monkeypatch.chdir(cwd)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)
    return namespace


PIPELINE_KEYS = ("normalizer", "pre_tokenizer", "post_processor", "decoder", "added_tokens")


@pytest.mark.parametrize("options", [
    TrainOptions("bpe", 300),
    TrainOptions("bpe", 300, ("nfc", "lowercase"), "byte_level"),
    TrainOptions("wordpiece", 300, ("strip_accents", "lowercase"), "metaspace"),
    TrainOptions("wordpiece", 300, ("nfd",), "byte_level"),
    TrainOptions("wordpiece", 300, (), "punctuation"),
    TrainOptions("unigram", 100, ("nfc",), "whitespace_split"),
    TrainOptions("unigram", 400, ("lowercase",), "metaspace"),
], ids=lambda o: f"{o.algorithm}-{o.pre_tokenizer}-{'+'.join(o.normalizers) or 'none'}")
def test_training_code_runs_and_builds_the_same_tokenizer(tmp_path, monkeypatch, lines, options):
    tiny = lines[:40]
    (tmp_path / "corpus.txt").write_text("\n".join(tiny) + "\n", encoding="utf-8")
    result = train_tokenizer(tiny, options)
    _exec(result.code(), tmp_path, monkeypatch)
    theirs = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    ours = json.loads(to_json(result.tokenizer))
    for key in PIPELINE_KEYS:
        assert theirs[key] == ours[key], key
    assert theirs["model"]["type"] == ours["model"]["type"]
    # Same trainer, same lines: same vocabulary. Only BPE is bit-for-bit reproducible, though
    # (tokenizers 0.23.3, even between two train_from_iterator calls): WordPiece numbers its
    # "##" alphabet in hash-map order and breaks ties at the size limit differently (a token
    # or two), and Unigram's parallel EM moves log-probabilities in the third decimal.
    theirs_vocab, ours_vocab = theirs["model"]["vocab"], ours["model"]["vocab"]
    if options.algorithm == "bpe":
        assert theirs_vocab == ours_vocab and theirs["model"]["merges"] == ours["model"]["merges"]
    else:
        theirs_set, ours_set = {_piece(v) for v in theirs_vocab}, {_piece(v) for v in ours_vocab}
        assert len(theirs_set ^ ours_set) <= 0.02 * len(ours_set)


def _piece(entry) -> str:
    return entry if isinstance(entry, str) else entry[0]  # WordPiece: token; Unigram: [piece, score]


def test_training_code_defaults_to_the_options_size():
    code = training_code(TrainOptions("unigram", 1234, pre_tokenizer="metaspace"), "vi.txt", "out.json")
    assert "vocab_size=1234" in code and '"vi.txt"' in code and '"out.json"' in code
    assert 'unk_token="<unk>"' in code
    assert code.startswith("from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers\n")
    compile(code, "<snippet>", "exec")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_loading_code_works_with_transformers(tmp_path, monkeypatch, split, algorithm):
    result = train_tokenizer(split[0], TrainOptions(algorithm, 800, pre_tokenizer="metaspace"))
    result.tokenizer.save(str(tmp_path / "my-tokenizer.json"))
    namespace = _exec(loading_code("my-tokenizer.json", algorithm), tmp_path, monkeypatch)
    hf = namespace["tokenizer"]
    for role, token in training._ROLES[algorithm].items():
        assert getattr(hf, role) == token
    text = "Xin chào Việt Nam"
    assert namespace["encoded"]["input_ids"] == result.tokenizer.encode(text).ids
    batch = hf(["Việt Nam", "Xin chào Việt Nam"], padding=True)
    assert len(batch["input_ids"][0]) == len(batch["input_ids"][1])
    assert hf.decode(hf(text)["input_ids"], skip_special_tokens=True) == text
    with pytest.raises(ValueError):
        loading_code("x.json", "sentencepiece")


def test_importing_the_modules_stays_light():
    """Pages may import these at the top: nothing heavy (not even tokenizers) may load until a function runs."""
    script = ("import sys, lib.tokenization.training, lib.tokenization.speed; "
              "print(sorted(m for m in ('tokenizers', 'transformers', 'torch', 'streamlit') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
