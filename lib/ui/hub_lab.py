"""A Hub model picked online, run on the learner's input: one widget for every task.

The offline widgets are shaped around their pack model; a Hub model gets the plain inputs of
its task (text, labels, a question, an image, a recording) and its answer charted, with the
code that does the same in a notebook.
"""
from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, t, translate
from lib.ui.widgets import chart, data_table, AUDIO_TYPES, IMAGE_TYPES, filled, learner_errors, notices, show_code, upload_help

PLOTLY = {"displaylogo": False}
ENTITY_COLOURS = {"PER": "#FDE68A", "LOC": "#BBF7D0", "ORG": "#BFDBFE", "MISC": "#FBCFE8"}

# The learner's first text for each task: the same defaults as the offline widgets.
TEXT_DEFAULTS = {"text-classification": "sent_default", "zero-shot-classification": "zs_default",
                 "token-classification": "ner_default", "fill-mask": "hub_default_mask",
                 "question-answering": "prompting_default_question_answering",
                 "summarization": "prompting_default_summarization", "translation": "prompting_default_translation",
                 "text-generation": "gen_prompt_default", "chat": "hub_default_chat",
                 "feature-extraction": "emb_sentences_default", "text-to-speech": "tts_default"}
LABEL_DEFAULTS = {"zero-shot-classification": "zs_labels_default", "zero-shot-image-classification": "hub_default_image_labels"}


def score_chart(scores: list[tuple[str, float]], key: str) -> None:
    chart(st, charts.score_bars([label for label, _ in scores], [score for _, score in scores], t("score_axis")),
                    config=PLOTLY, key=key)


def entities_html(text: str, entities) -> str:
    """The learner's text with each entity highlighted and labelled; everything escaped."""
    parts, position = [], 0
    for entity in entities:
        parts.append(escape(text[position:entity.start]))
        colour = ENTITY_COLOURS.get(entity.label, "#E5E7EB")
        parts.append(f'<mark style="background:{colour};color:#111827;padding:1px 4px;border-radius:4px">'
                     f"{escape(text[entity.start:entity.end])} <b>{escape(entity.label)}</b></mark>")
        position = entity.end
    parts.append(escape(text[position:]))
    return '<div style="line-height:2">' + "".join(parts) + "</div>"


def show_entities(text: str, entities) -> None:
    st.html(entities_html(text, entities))
    if entities:
        st.dataframe(pd.DataFrame([{t("ner_col_text"): e.text, t("ner_col_label"): e.label,
                                    t("ner_col_start"): e.start, t("ner_col_end"): e.end} for e in entities]),
                     hide_index=True)
    else:
        st.info(t("ner_none"))


def run_hub_model(task_id: str, model_id: str) -> None:
    """Inputs for the task, the Hub model's answer, and its code. Downloads happen on first use."""
    st.caption(t("hub_runs_here", model=model_id))
    key = f"hubrun_{task_id}"
    lang = current_lang()
    text = labels = question = ""
    image = samples = None
    if task_id in TEXT_DEFAULTS:
        text = st.text_area(t("hub_input_text"), value=translate(lang, TEXT_DEFAULTS[task_id]), max_chars=5_000,
                            key=f"{key}_text", height=100,
                            help=t("hub_mask_help") if task_id == "fill-mask" else None)
    if task_id == "question-answering":
        question = st.text_input(t("prompting_question"), value=translate(lang, "prompting_default_question"),
                                 max_chars=300, key=f"{key}_question")
    if task_id in LABEL_DEFAULTS:
        labels = st.text_input(t("zs_labels"), value=translate(lang, LABEL_DEFAULTS[task_id]), max_chars=500,
                               key=f"{key}_labels", help=t("zs_labels_help"))
    if task_id in ("image-classification", "zero-shot-image-classification", "object-detection"):
        upload = st.file_uploader(t("hub_input_image"), type=IMAGE_TYPES, key=f"{key}_image",
                                  help=upload_help())
        if upload is None:
            st.info(t("hub_waiting_image"))
            return
        image = upload.getvalue()
    if task_id == "automatic-speech-recognition":
        recorded = st.audio_input(t("asr_record"), key=f"{key}_rec")
        source = st.file_uploader(t("asr_upload"), type=AUDIO_TYPES, key=f"{key}_audio",
                                  help=upload_help()) or recorded
        if source is None:
            st.info(t("asr_waiting"))
            return
        samples = source.getvalue()
    if task_id in TEXT_DEFAULTS and not filled(text):
        return
    if not st.button(t("hub_run_button", model=model_id), icon="▶️", key=f"{key}_run"):
        return
    from lib.inference import hub
    from lib.text_input import InputProblem

    with learner_errors(), st.spinner(t("hub_working", model=model_id)):
        try:
            _answer(task_id, model_id, text, labels, question, image, samples)
        except InputProblem:
            raise
        except Exception as error:  # a download, an unknown architecture, a model too big: say it, keep going
            st.error(t("hub_run_failed", model=model_id, error=f"{type(error).__name__}: {str(error)[:300]}".replace("`", "'")))
    show_code(hub.code(task_id, model_id, text, labels.split(",") if labels else None))


def _answer(task_id, model_id, text, labels, question, image_bytes, audio_bytes) -> None:
    from lib.inference import hub

    key = f"hubrun_{task_id}"
    if image_bytes is not None:
        from lib.image_input import load_image

        image, image_notices = load_image(image_bytes)
        notices(image_notices)
    if task_id == "text-classification":
        score_chart(hub.classify_text(model_id, text), f"{key}_scores")
    elif task_id == "zero-shot-classification":
        score_chart(hub.zero_shot_text(model_id, text, labels.split(",")), f"{key}_scores")
    elif task_id == "token-classification":
        show_entities(text, hub.entities(model_id, text))
    elif task_id == "fill-mask":
        score_chart(hub.fill_mask(model_id, text), f"{key}_scores")
    elif task_id == "question-answering":
        found, score, start, end = hub.answer(model_id, question, text)
        st.html(f'<div style="line-height:1.8">{escape(text[:start])}<mark>{escape(found)}</mark>'
                f"{escape(text[end:])}</div>")
        st.success(t("hub_answer", answer=found, score=score))
    elif task_id in ("summarization", "translation", "text-generation", "chat"):
        output = hub.seq2seq(task_id, model_id, text) if task_id in ("summarization", "translation") \
            else hub.generate(model_id, text, chat=task_id == "chat")
        st.text(output)
    elif task_id == "feature-extraction":
        from lib.inference.embeddings import pca_2d

        lines = [line.strip() for line in text.splitlines() if line.strip()][:20]
        vectors = hub.embed(model_id, lines)
        points = pca_2d(vectors)
        left, right = st.columns(2)
        chart(left, charts.scatter_2d(points[:, 0], points[:, 1], lines), config=PLOTLY, key=f"{key}_scatter")
        chart(right, charts.heatmap(vectors @ vectors.T, lines, t("emb_similarity")), config=PLOTLY,
                           key=f"{key}_heatmap")
    elif task_id == "image-classification":
        st.image(image, width=224, alt=t("hub_input_image"))
        score_chart(hub.classify_image(model_id, image), f"{key}_scores")
    elif task_id == "zero-shot-image-classification":
        st.image(image, width=224, alt=t("hub_input_image"))
        score_chart(hub.zero_shot_image(model_id, image, labels.split(",")), f"{key}_scores")
    elif task_id == "object-detection":
        boxes = hub.detect(model_id, image)
        st.image(hub.draw_boxes(image, boxes), alt=t("hub_input_image"))  # the table below lists the boxes
        data_table(st, pd.DataFrame([vars(box) for box in boxes]))
    elif task_id == "automatic-speech-recognition":
        from lib.audio_input import load_audio

        samples, audio_notices = load_audio(audio_bytes)
        notices(audio_notices)
        st.text(hub.transcribe(model_id, samples))
    elif task_id == "text-to-speech":
        from lib.audio_input import to_wav_bytes

        samples, rate = hub.speak(model_id, text)
        st.audio(to_wav_bytes(samples, rate), format="audio/wav")

