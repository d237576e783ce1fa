"""Tokenizers lab widgets for the algorithms: BPE merges, WordPiece lookups, Unigram scores,
fast vs slow, and training your own tokenizer."""
from __future__ import annotations

import threading
import unicodedata

import pandas as pd
import streamlit as st

from lib.charts import grouped_bars, lines_chart, pair_counts_bar, segmentation_scores_bar
from lib.i18n import current_lang, read, t, translate
from lib.models.loader import pack_path, shared_cache
from lib.text_input import MAX_CHARS, decode_upload, prepare
from lib.tokenization import algorithms, catalog, speed, training
from lib.tokenization import code as snippets
from lib.ui.token_view import pieces_html
from lib.ui.widgets import chart, filled, learner_errors, md_literal, notices, show_code

BPE_CORPUS_CHARS = 3_000  # one merge per step is for reading, not for big corpora
BPE_PRESETS = {
    "vi": "người người người nguyên nguyên nguồn ngày ngày ngày ngày nghe nghe nghĩ nghỉ nghỉ",
    "en": "low low low low low lower lower newest newest newest newest newest newest widest widest widest",
}


@st.cache_data(max_entries=32, show_spinner=False)
def _bpe(corpus: str, merges: int) -> tuple[algorithms.BpeState, list[algorithms.BpeStep]]:
    return algorithms.bpe_initial(corpus), algorithms.bpe_training_steps(corpus, merges)


def bpe_lab() -> None:
    st.subheader(t("algo_bpe_title"))
    st.markdown(read("labs/tokenizers/bpe_steps.md"))
    lang = current_lang()
    preset = st.segmented_control(t("tok_presets"), list(BPE_PRESETS), default="vi", key="bpe_preset",
                                  format_func=lambda p: translate(lang, f"tok_preset_{p}"))
    corpus = st.text_area(t("algo_bpe_corpus"), value=BPE_PRESETS[preset or "vi"], height=90,
                          max_chars=BPE_CORPUS_CHARS, key=f"bpe_corpus_{preset}")
    merges = st.slider(t("algo_bpe_merges"), 1, 60, 12, key="bpe_merges")
    if not filled(corpus):
        return
    initial, steps = _bpe(corpus, merges)
    if not steps:
        st.info(t("algo_bpe_nothing"))
        return
    st.caption(t("algo_bpe_start", words=len(initial.word_counts), alphabet=initial.vocab_size,
                 letters=md_literal(" ".join(initial.alphabet[:60]))))
    number = st.slider(t("algo_bpe_step"), 1, len(steps), len(steps) if len(steps) < 4 else 3, key="bpe_step") \
        if len(steps) > 1 else 1
    step = steps[number - 1]
    st.markdown(t("algo_bpe_merge", number=step.number, left=md_literal(step.pair[0]), right=md_literal(step.pair[1]),
                  new=md_literal(step.new_token), count=step.count, vocab=step.vocab_size))
    left, right = st.columns([3, 2])
    chart(left, pair_counts_bar(step.top_pairs, step.pair, t("algo_bpe_pair_axis")),
                      config={"displaylogo": False}, key="bpe_pairs")
    left.dataframe(pd.DataFrame([{t("algo_col_pair"): f"{a} + {b}", t("algo_col_count"): count}
                                 for (a, b), count in step.top_pairs]), hide_index=True)
    right.dataframe(pd.DataFrame([
        {t("algo_col_word"): word, t("algo_col_count"): initial.word_counts[word],
         t("algo_col_segmentation"): " ".join(pieces)}
        for word, pieces in step.words.items()
    ]), hide_index=True, height=min(420, 38 + 35 * len(step.words)))
    with st.expander(t("algo_bpe_all_merges", count=len(steps))):
        st.dataframe(pd.DataFrame([
            {t("algo_col_step"): s.number, t("algo_col_pair"): f"{s.pair[0]} + {s.pair[1]}",
             t("algo_col_new_token"): s.new_token, t("algo_col_count"): s.count, t("algo_col_vocab"): s.vocab_size}
            for s in steps
        ]), hide_index=True)
    st.caption(t("algo_checked"))
    show_code(snippets.bpe_code(corpus, initial.vocab_size + len(steps)))


@st.cache_resource(show_spinner=False)
def _bert_vocab() -> dict[str, int]:
    return algorithms.load_wordpiece_vocab(pack_path("all-minilm-l6-v2") / "vocab.txt")


def wordpiece_lab() -> None:
    st.subheader(t("algo_wordpiece_title"))
    st.markdown(read("labs/tokenizers/wordpiece_steps.md"))
    text = st.text_input(t("algo_wordpiece_word"), value="tokenization nguyễn", max_chars=200, key="wp_text")
    if not filled(text):
        return
    with learner_errors():
        tokenizer = catalog.load("bert")
        normalized = tokenizer.normalizer.normalize_str(text)
        words = [word for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalized)][:6]
        st.caption(t("algo_wordpiece_normalized", normalized=md_literal(normalized)))
        vocab = _bert_vocab()
        for word in words:
            result = algorithms.wordpiece_steps(word, vocab)
            library = [token.value for token in tokenizer.model.tokenize(word)]
            with st.container(border=True):
                st.markdown(t("algo_wordpiece_result", word=md_literal(word), tokens=md_literal(" ".join(result.tokens))))
                if result.too_long:
                    st.caption(t("algo_wordpiece_too_long"))
                st.dataframe(pd.DataFrame([
                    {t("algo_col_position"): s.start,
                     t("algo_col_tried"): " → ".join(c + (" ✅" if ok else " ✗") for c, ok in s.candidates),
                     t("algo_col_accepted"): s.accepted or "[UNK]"}
                    for s in result.steps
                ]), hide_index=True)
                same = "✅" if library == result.tokens else "❌"
                st.caption(t("algo_library_says", tokens=" ".join(library), same=same))
        show_code(snippets.wordpiece_code(text))


def unigram_lab() -> None:
    st.subheader(t("algo_unigram_title"))
    st.markdown(read("labs/tokenizers/unigram_steps.md"))
    word = st.text_input(t("algo_unigram_word"), value="Việt Nam", max_chars=60, key="uni_word")
    top = st.slider(t("algo_unigram_top"), 2, 10, 6, key="uni_top")
    if not filled(word):
        return
    with learner_errors():
        marked = algorithms.metaspace(unicodedata.normalize("NFC", word.strip()))
        pieces = algorithms.unigram_pieces(pack_path("multilingual-e5-small") / "tokenizer.json")  # lru-cached
        result = algorithms.unigram_segment(marked, pieces, top=top)
        st.markdown(t("algo_unigram_best", word=md_literal(marked), tokens=md_literal(" ".join(result.best)),
                      score=result.best_score))
        st.html(pieces_html(result.best))
        left, right = st.columns(2)
        chart(left, segmentation_scores_bar(result.candidates, t("algo_unigram_score_axis")),
                          config={"displaylogo": False}, key="uni_candidates")
        right.dataframe(pd.DataFrame([
            {t("algo_col_piece"): p.piece, t("algo_col_log_prob"): round(p.log_prob, 3),
             t("algo_col_prob"): f"{p.prob:.2e}"} for p in result.pieces_used
        ]), hide_index=True)
        library = [token.value for token in catalog.load("xlmr").model.tokenize(marked)]
        same = "✅" if library == result.best else "❌"
        st.caption(t("algo_library_says", tokens=" ".join(library), same=same))
        show_code(snippets.unigram_code(word))


TRAIN_SIZES = (250, 500, 1000, 2000, 4000, 8000)


@st.cache_data(max_entries=16, show_spinner=False)
def _sweep(train_lines: tuple[str, ...], held_out: tuple[str, ...], algorithm: str, normalizers: tuple[str, ...],
           pre_tokenizer: str) -> list[training.SweepPoint]:
    return training.vocab_size_sweep(train_lines, held_out, algorithm, TRAIN_SIZES, normalizers, pre_tokenizer)


@st.cache_data(show_spinner=False)
def _pretrained_tokens_per_syllable(held_out: tuple[str, ...]) -> dict[str, float]:
    return {s.name: training.tokens_per_syllable(catalog.load(s.id), held_out) for s in catalog.PRETRAINED}


def _training_corpus() -> str | None:
    lang = current_lang()
    source = st.segmented_control(t("train_corpus"), ["bundled", "upload"], default="bundled", key="train_source",
                                  format_func=lambda s: translate(lang, f"train_corpus_{s}"))
    if source != "upload":
        return training.bundled_corpus("vi")
    upload = st.file_uploader(t("tok_upload"), type=["txt"], key="train_upload", help=t("tok_upload_help", limit=MAX_CHARS))
    if upload is None:
        st.info(t("train_upload_first"))
        return None
    with learner_errors():
        prepared = prepare(decode_upload(upload.getvalue()))
        notices(prepared.notices)
        return prepared.text
    return None


def train_lab() -> None:
    lang = current_lang()
    st.subheader(t("tok_train_title"))
    st.markdown(read("labs/tokenizers/train.md"))
    corpus = _training_corpus()
    if corpus is None:
        return
    lines = training.corpus_lines(corpus)
    if len(lines) < 2:
        st.warning(t("train_need_lines"))
        return
    if len(lines) >= 5:
        train_lines, held_out = training.held_out_split(lines)
    else:
        train_lines, held_out = lines[:-1], lines[-1:]
        st.caption(t("train_small_held_out"))
    st.caption(t("train_corpus_size", chars=len(corpus), lines=len(train_lines), held_out=len(held_out)))
    left, right = st.columns(2)
    algorithm = left.segmented_control(t("train_algorithm"), list(training.ALGORITHMS), default="bpe",
                                       key="train_algorithm", format_func=lambda a: translate(lang, f"train_algo_{a}"))
    vocab_size = right.select_slider(t("train_vocab"), options=[100, 250, 500, 1000, 2000, 4000, 8000, 16000],
                                     value=1000, key="train_vocab")
    normalizers = left.pills(t("train_normalizers"), ["nfc", "lowercase", "strip_accents"], selection_mode="multi",
                             default=["nfc"], key="train_normalizers",
                             format_func=lambda n: translate(lang, f"train_norm_{n}"))
    # Unigram learns whole words only with SentencePiece's ▁ marker; over plain words it stops early.
    default_pre = training.PRE_TOKENIZERS.index("metaspace" if algorithm == "unigram" else "whitespace")
    pre_tokenizer = right.selectbox(t("train_pre_tokenizer"), training.PRE_TOKENIZERS, index=default_pre,
                                    key=f"train_pre_{algorithm}", format_func=lambda p: translate(lang, f"train_pre_{p}"))
    options = training.TrainOptions(algorithm or "bpe", vocab_size, tuple(normalizers), pre_tokenizer)
    if st.button(t("train_button"), type="primary", icon="🏋️", key="train_button"):
        bar = st.progress(0.0, text=t("train_stage_reading"))
        result = training.train_tokenizer(
            train_lines, options, lambda fraction, stage: bar.progress(fraction, text=t(f"train_stage_{stage}")))
        st.session_state["train_run"] = (result, tuple(train_lines), tuple(held_out))
    if "train_run" in st.session_state:
        _trained(*st.session_state["train_run"])


def _trained(result: training.TrainResult, train_lines: tuple[str, ...], held_out: tuple[str, ...]) -> None:
    options = result.options
    ours = training.tokens_per_syllable(result.tokenizer, held_out)
    st.success(t("train_done", seconds=result.seconds, vocab=result.vocab_size, tokens_per_syllable=ours))
    if result.vocab_size < options.vocab_size:
        st.caption(t("train_vocab_smaller", asked=options.vocab_size, got=result.vocab_size))
    st.markdown(t("train_sample"))
    st.html(pieces_html(token for token, _ in training.vocabulary_sample(result.tokenizer)))
    sentence = held_out[0][:300]
    st.markdown(t("tok_train_try", sentence=md_literal(sentence)))
    st.html(pieces_html(result.tokenizer.encode(sentence, add_special_tokens=False).tokens))
    with learner_errors():
        if st.toggle(t("train_sweep"), key="train_sweep"):
            with st.spinner(t("train_sweeping")):
                points = _sweep(train_lines, held_out, options.algorithm, options.normalizers, options.pre_tokenizer)
            references = _pretrained_tokens_per_syllable(held_out)
            chart(st, lines_chart({t(f"train_algo_{options.algorithm}"): ([p.vocab_size for p in points],
                                                                                [p.tokens_per_syllable for p in points])},
                                        t("train_vocab"), t("tok_metric_tokens_per_syllable"), references),
                            config={"displaylogo": False}, key="train_sweep_chart")
    st.download_button(t("tok_train_download"), training.to_json(result.tokenizer), file_name="tokenizer.json",
                       mime="application/json", icon="⬇️", key="train_download")
    show_code(result.code() + "\n" + training.loading_code("tokenizer.json", options.algorithm))


_MEASURING = threading.Lock()


@st.cache_data(ttl=60, show_spinner=False)
def _measure(chars: int) -> tuple[list[speed.SpeedResult], int]:
    """One measurement at a time, shared for a minute: a class pressing "Measure" together
    would otherwise share two CPU cores and all get meaningless figures."""
    with _MEASURING:
        fast, slow = shared_cache().get("fast-and-slow:bert",
                                        lambda: speed.load_fast_and_slow(pack_path("all-minilm-l6-v2")))
        texts = speed.sample_texts(chars)
        return speed.measure(texts, fast, slow, budget_seconds=3.0), len(speed.mismatches(texts[:50], fast, slow))


def fast_slow_lab() -> None:
    lang = current_lang()
    st.subheader(t("speed_title"))
    st.markdown(read("labs/tokenizers/fast_slow.md"))
    chars = st.select_slider(t("speed_size"), options=[5_000, 20_000, 50_000], value=20_000, key="speed_chars",
                             format_func=lambda n: f"{n:,}")
    if st.button(t("speed_button"), icon="⏱️", key="speed_button"):
        with learner_errors(), st.spinner(t("speed_measuring")):
            st.session_state["speed_run"] = (chars, *_measure(chars))
    if "speed_run" not in st.session_state:
        return
    measured_chars, results, different = st.session_state["speed_run"]
    by_key = {(r.implementation, r.mode): r for r in results}
    modes = list(speed.MODES)
    chart(st, grouped_bars([translate(lang, f"speed_mode_{m}") for m in modes],
                                 {translate(lang, f"speed_{i}"): [by_key[(i, m)].mb_per_s for m in modes]
                                  for i in speed.IMPLEMENTATIONS}, "MB/s"),
                    config={"displaylogo": False}, key="speed_chart")
    ratios = speed.speedup(results)
    st.markdown(t("speed_result", chars=measured_chars, single=ratios.get("single", 0), batch=ratios.get("batch", 0)))
    st.caption(t("speed_same_ids") if not different else t("speed_different_ids", count=different))
    show_code(snippets.fast_slow_code())
