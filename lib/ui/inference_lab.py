"""Inference lab widgets: generation explained, chat, digits, speech recognition, speech, embeddings.

Every widget runs the offline pack model; the model picker offers Hub models when online and
explains itself when a task cannot run offline.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, t, translate
from lib.turns import TurnQueue
from lib.ui import share
from lib.ui.model_picker import lab_intro
from lib.ui.widgets import (chart, AUDIO_TYPES, IMAGE_TYPES, filled, learner_errors, md_literal, notices, show_code,
                             upload_help)

CHAT_KEY = "chat_messages"
PLOTLY = {"displaylogo": False}


# --- text generation ------------------------------------------------------------------------

@st.cache_data(max_entries=64, show_spinner=False)
def _next_token(prompt: str, temperature: float, top_k: int, top_p: float, repetition_penalty: float):
    from lib.inference import generation

    return generation.next_token_distribution(prompt, temperature=temperature, top_k=top_k, top_p=top_p,
                                              repetition_penalty=repetition_penalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _strategies(prompt: str, max_new_tokens: int, seed: int, temperature: float, top_k: int, top_p: float):
    from lib.inference import generation

    return generation.compare_strategies(prompt, max_new_tokens=max_new_tokens, seed=seed, temperature=temperature,
                                         top_k=top_k, top_p=top_p)


def generation_lab() -> None:
    from lib.inference import generation

    if not lab_intro(t("gen_title"), "labs/inference/generation.md", "text-generation", key="gen_model"):
        return
    share.seed("gen_prompt", "prompt")
    st.session_state.setdefault("gen_prompt", translate(current_lang(), "gen_prompt_default"))
    prompt = st.text_area(t("gen_prompt"), max_chars=2_000, key="gen_prompt", height=80)
    share.keep("prompt", prompt)
    if not filled(prompt):
        return
    left, right = st.columns(2)
    temperature = left.slider(t("gen_temperature"), 0.1, 2.0, 1.0, 0.1, key="gen_temperature")
    top_k = left.slider(t("gen_top_k"), 0, 100, 0, 1, key="gen_top_k", help=t("gen_zero_off"))
    top_p = right.slider(t("gen_top_p"), 0.05, 1.0, 1.0, 0.05, key="gen_top_p")
    penalty = right.slider(t("gen_repetition"), 1.0, 2.0, 1.0, 0.05, key="gen_repetition")
    with learner_errors(), st.spinner(t("gen_working")):
        result = _next_token(prompt, temperature, top_k, top_p, penalty)
        notices(result.notices)
        chart(st, charts.next_token_stages(result, {s.name: t(f"gen_stage_{s.name}") for s in result.stages},
                                                 t("gen_probability")), config=PLOTLY, key="gen_stages")
        st.caption(t("gen_kept", kept=result.stages[-1].kept))
        show_code(generation.code_next_token(prompt, temperature=temperature, top_k=top_k, top_p=top_p,
                                             repetition_penalty=penalty))

    st.subheader(t("gen_strategies_title"))
    left, right = st.columns(2)
    max_new = left.slider(t("gen_max_new"), 5, 80, 30, 5, key="gen_max_new")
    seed = right.number_input(t("gen_seed"), 0, 10_000, 0, 1, key="gen_seed")
    if st.button(t("gen_compare_button"), icon="⚖️", key="gen_compare"):
        with learner_errors(), st.spinner(t("gen_working")):
            st.session_state["gen_compared"] = _strategies(prompt, max_new, int(seed), temperature, top_k or 50, top_p)
    for generated in st.session_state.get("gen_compared", []):
        with st.container(border=True):
            st.markdown(t("gen_strategy_head", strategy=t(f"gen_strategy_{generated.strategy}"),
                          tokens=len(generated.tokens), seconds=generated.seconds))
            st.text(generated.text)
            show_code(generation.code_generate(prompt, generate_kwargs=generated.generate_kwargs, seed=int(seed)))


# --- chat -----------------------------------------------------------------------------------

_ANSWERING = TurnQueue()  # one answer at a time on a 2-core laptop; the others wait in line, first come first served


def chat_lab() -> None:
    from lib.inference import generation

    if not lab_intro(t("chat_title"), "labs/inference/chat.md", "chat", key="chat_model"):
        return
    share.seed("chat_system", "system")
    st.session_state.setdefault("chat_system", translate(current_lang(), "chat_system_default"))
    system = st.text_input(t("chat_system"), max_chars=500, key="chat_system")
    share.keep("system", system)
    messages = st.session_state.setdefault(CHAT_KEY, [])
    if st.button(t("chat_clear"), icon="🧹", key="chat_clear") and messages:
        messages.clear()
    for message in messages:
        with st.chat_message(message["role"]):
            st.markdown(md_literal(message["content"]))
    asked = st.chat_input(t("chat_placeholder"), max_chars=2_000, key="chat_input")
    if asked is not None:
        if not asked.strip():
            st.warning(t("text_empty"))
        else:
            messages.append({"role": "user", "content": asked})
            with st.chat_message("user"):
                st.markdown(md_literal(asked))
            conversation = ([{"role": "system", "content": system}] if system.strip() else []) + messages
            with st.chat_message("assistant"), learner_errors():
                waiting = st.empty()
                with _ANSWERING.turn(lambda ahead: waiting.caption(t("chat_waiting", ahead=ahead))):
                    waiting.empty()
                    stream = generation.stream_chat(conversation)  # drops the oldest turns if too long
                    st.write_stream(stream)
                messages.append({"role": "assistant", "content": stream.text})
                notices(stream.notices)
                if stream.reused_tokens:
                    st.caption(t("chat_reused", reused=stream.reused_tokens, total=len(stream.prompt_ids)))
    if messages:
        with st.expander(t("chat_template_shown"), icon="🧾"):
            st.code(generation.chat_prompt_text(messages), language=None, wrap_lines=True)
    show_code(generation.code_chat(messages[-4:] or [{"role": "user", "content": "Xin chào!"}]))


# --- image classification -------------------------------------------------------------------

@st.cache_data(show_spinner=False)
def _digit_samples():
    from lib.inference import vision

    return vision.digit_samples(10)


def digits_lab() -> None:
    from lib.image_input import load_image
    from lib.inference import vision

    if not lab_intro(t("digits_title"), "labs/inference/digits.md", "image-classification", key="digits_model"):
        return
    samples = _digit_samples()
    picked = st.segmented_control(t("digits_sample"), list(range(len(samples))), default=0, key="digits_sample",
                                  format_func=lambda i: str(samples[i][0]))
    upload = st.file_uploader(t("digits_upload"), type=IMAGE_TYPES, key="digits_upload",
                              help=upload_help())
    with learner_errors():
        from io import BytesIO

        from PIL import Image

        if upload is not None:
            image, image_notices = load_image(upload.getvalue())
            notices(image_notices)
        else:
            image = Image.open(BytesIO(samples[picked or 0][1])).convert("RGB")
        left, right = st.columns([1, 2])
        seen = vision.prepare_digit(image).resize((128, 128), Image.NEAREST)  # the 16x16 input, enlarged
        left.image([image, seen], caption=[t("digits_yours"), t("digits_input")], width=128)
        scores = vision.classify_digit(image)
        chart(right, charts.score_bars([str(label) for label, _ in scores], [score for _, score in scores],
                                             t("score_axis")), config=PLOTLY, key="digits_scores")
        st.success(t("digits_result", label=scores[0][0], score=scores[0][1]))
        show_code(vision.code_classify_digit())


# --- speech recognition and speech ----------------------------------------------------------

def asr_lab() -> None:
    from lib.audio_input import load_audio
    from lib.inference import speech

    if not lab_intro(t("asr_title"), "labs/inference/asr.md", "automatic-speech-recognition", key="asr_model"):
        return
    lang = current_lang()
    recorded = st.audio_input(t("asr_record"), key="asr_record")
    uploaded = st.file_uploader(t("asr_upload"), type=AUDIO_TYPES, key="asr_upload",
                                help=upload_help())
    language = st.segmented_control(t("asr_language"), ["auto", "vi", "en"], default="auto", key="asr_language",
                                    format_func=lambda code: translate(lang, f"asr_language_{code}"))
    source = uploaded or recorded
    if source is None:
        st.info(t("asr_waiting"))
        return
    with learner_errors(), st.spinner(t("asr_working")):
        samples, audio_notices = load_audio(source.getvalue())
        notices(audio_notices)
        result = speech.recognize(samples, None if language in (None, "auto") else language)
        st.markdown(t("asr_result", language=result.language, probability=result.language_probability,
                      seconds=result.seconds))
        st.text(result.text)
        st.dataframe(pd.DataFrame([{t("asr_col_start"): round(a, 2), t("asr_col_end"): round(b, 2),
                                    t("asr_col_text"): text} for a, b, text in result.segments]), hide_index=True)
        show_code(speech.code_recognize())


def tts_lab() -> None:
    from lib.audio_input import to_wav_bytes
    from lib.inference import speech
    from lib.models import registry

    choice = lab_intro(t("tts_title"), "labs/inference/tts.md", "text-to-speech", key="tts_model")
    if not choice:
        return
    voice = registry.model(choice.id).languages[0]  # Piper's voice speaks English, espeak-ng's Vietnamese
    text = st.text_area(t("tts_text"), value=translate(voice, "tts_default"), max_chars=2_000, key=f"tts_{voice}")
    if st.button(t("tts_button"), icon="🔊", key="tts_button") and filled(text):
        with learner_errors(), st.spinner(t("tts_working")):
            samples, rate, speech_notices = speech.speak(text, voice)
            notices(speech_notices)
            st.audio(to_wav_bytes(samples, rate), format="audio/wav")
            st.caption(t("tts_result", seconds=len(samples) / rate))
    show_code(speech.code_speak(voice))


# --- embeddings -----------------------------------------------------------------------------

def embeddings_lab() -> None:
    from lib.inference import embeddings

    choice = lab_intro(t("emb_title"), "labs/inference/embeddings.md", "feature-extraction", key="emb_model")
    if not choice:
        return
    model_id = choice.id  # e5 by default; MiniLM shows what an English-only encoder makes of Vietnamese
    lang = current_lang()
    query = st.text_input(t("emb_query"), value=translate(lang, "emb_query_default"), max_chars=300,
                          key="emb_query")
    among = st.segmented_control(t("emb_among"), ["all", "vi", "en"], default="all", key="emb_among",
                                 format_func=lambda code: translate(lang, "emb_among_all" if code == "all"
                                                                    else f"lang_{code}"), help=t("emb_among_help"))
    if not filled(query):
        return
    with learner_errors(), st.spinner(t("emb_working")):
        hits = embeddings.search(query, top=5, lang=None if among in (None, "all") else among, model_id=model_id)
        st.dataframe(pd.DataFrame([{t("emb_col_score"): round(score, 3), t("emb_col_lang"): passage.lang,
                                    t("emb_col_title"): passage.title, t("emb_col_text"): passage.text[:200] + "…"}
                                   for passage, score in hits]), hide_index=True)
    st.subheader(t("emb_map_title"))
    sentences = st.text_area(t("emb_sentences"), value=translate(lang, "emb_sentences_default"),
                             max_chars=3_000, height=160, key="emb_sentences")
    lines = [line.strip() for line in sentences.splitlines() if line.strip()][:20]
    if len(lines) < 2:
        st.warning(t("emb_need_two"))
        return
    with learner_errors():
        points = embeddings.projection_2d(lines, model_id)
        left, right = st.columns(2)
        chart(left, charts.scatter_2d(points[:, 0], points[:, 1], lines), config=PLOTLY, key="emb_scatter")
        chart(right, charts.heatmap(embeddings.similarity_matrix(lines, model_id), lines, t("emb_similarity")),
              config=PLOTLY, key="emb_heatmap")
        show_code(embeddings.code_search(query, model_id=model_id) + "\n" + embeddings.code_similarity(lines, model_id))

