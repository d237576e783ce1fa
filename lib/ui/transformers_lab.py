"""Transformers lab widgets: text tasks, Hub-only tasks explained, model anatomy, attention."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, read, t, translate
from lib.models import registry
from lib.ui.hub_lab import score_chart, show_entities
from lib.ui.model_picker import lab_intro, model_picker, runs_here
from lib.ui.widgets import chart, family_names, filled, learner_errors, show_code

PLOTLY = {"displaylogo": False}


def sentiment_lab() -> None:
    from lib.inference import text_tasks

    if not lab_intro(t("sent_title"), "labs/transformers/sentiment.md", "text-classification", key="sent_model"):
        return
    text = st.text_area(t("sent_text"), value=translate(current_lang(), "sent_default"), max_chars=5_000,
                        key="sent_text", height=90)
    if not filled(text):
        return
    with learner_errors(), st.spinner(t("working")):
        result = text_tasks.classify_sentiment([text])[0]
        score_chart([(t(f"sent_label_{label.lower()}"), score) for label, score in result], "sent_scores")
        if result.truncated:
            st.info(t("text_truncated_model", limit=512))  # e5's max_position_embeddings
        show_code(text_tasks.code_sentiment([text]))


def zero_shot_lab() -> None:
    from lib.inference import text_tasks

    if not lab_intro(t("zs_title"), "labs/transformers/zero_shot.md", "zero-shot-classification", key="zs_model"):
        return
    lang = current_lang()
    text = st.text_area(t("zs_text"), value=translate(lang, "zs_default"), max_chars=3_000, key="zs_text", height=80)
    labels = st.text_input(t("zs_labels"), value=translate(lang, "zs_labels_default"), max_chars=500, key="zs_labels",
                           help=t("zs_labels_help"))
    if not filled(text):
        return
    with learner_errors(), st.spinner(t("working")):
        scores = text_tasks.zero_shot_by_embedding(text, labels.split(","))
        score_chart(scores, "zs_scores")
        st.caption(t("zs_honest"))
        show_code(text_tasks.code_zero_shot(text, text_tasks.clean_labels(labels.split(","))))


def ner_lab() -> None:
    from lib.inference import text_tasks

    if not lab_intro(t("ner_title"), "labs/transformers/ner.md", "token-classification", key="ner_model"):
        return
    text = st.text_area(t("ner_text"), value=translate(current_lang(), "ner_default"), max_chars=3_000,
                        key="ner_text", height=80)
    if not filled(text):
        return
    with learner_errors(), st.spinner(t("working")):
        show_entities(text, text_tasks.vietnamese_ner(text))
        st.caption(t("ner_honest"))
        show_code(text_tasks.code_ner(text))


def hub_only_lab(task_id: str):
    """A task no pack model can do: say so, show the code, run it when online."""
    def widget() -> None:
        lang = current_lang()
        st.subheader(registry.task_text(task_id, lang)["title"])
        choice = model_picker(task_id, key=f"hub_{task_id}")  # offline: says why, shows the code
        if choice is not None:  # online: runs the chosen Hub model
            runs_here(task_id, choice)
        from lib.inference import prompting

        if task_id in prompting.TASKS:
            _by_prompting(task_id)

    widget.__name__ = widget.__qualname__ = f"hub_only_{task_id.replace('-', '_')}"  # a distinct fragment per task
    return widget


def _by_prompting(task_id: str) -> None:
    """The offline stand-in: SmolLM2 asked to do the task, clearly labelled as guessing."""
    from lib.inference import generation, prompting

    lang = current_lang()
    with st.expander(t("prompting_title"), icon="🧪"):
        st.caption(t("prompting_honest"))
        context = st.text_area(t("prompting_context"), value=translate(lang, f"prompting_default_{task_id.replace('-', '_')}"),
                               max_chars=prompting.MAX_INPUT_CHARS, key=f"prompt_{task_id}_context", height=100)
        question = st.text_input(t("prompting_question"), value=translate(lang, "prompting_default_question"),
                                 max_chars=300, key=f"prompt_{task_id}_question") if task_id == "question-answering" else ""
        target = st.segmented_control(t("prompting_target"), ["en", "vi"], default=lang, key=f"prompt_{task_id}_target",
                                      format_func=lambda code: translate(lang, f"lang_{code}")) \
            if task_id == "translation" else "en"
        if st.button(t("prompting_button"), key=f"prompt_{task_id}_run"):
            with learner_errors():
                messages = prompting.build_messages(task_id, context, question, target or "en")
                st.code(messages[0]["content"], language=None, wrap_lines=True)
                stream = generation.stream_chat(messages, max_new_tokens=96, temperature=0)
                st.write_stream(stream)
                show_code(prompting.prompting_code(messages))


# --- model anatomy and attention ------------------------------------------------------------

def anatomy_lab() -> None:
    from lib.inference import anatomy

    st.subheader(t("anatomy_title"))
    st.markdown(read("labs/transformers/anatomy.md"))
    keys = anatomy.model_keys()
    lang = current_lang()
    model_key = st.segmented_control(t("anatomy_model"), keys, default=keys[0], key="anatomy_model",
                                     format_func=lambda k: anatomy.summary(k)["name"])
    with learner_errors(), st.spinner(t("working")):
        summary = anatomy.summary(model_key or keys[0])
        columns = st.columns(4)
        for column, field in zip(columns, ("params", "layers", "hidden", "heads"), strict=True):
            value = summary["total_params"] if field == "params" else summary[field]
            column.metric(t(f"anatomy_{field}"), t("number", value=value))
        st.caption(t("anatomy_family", family=translate(lang, f"anatomy_family_{summary['family'].replace('-', '_')}"),
                     auto=summary["auto_class"], task=summary["task"], year=summary["year"]))
        chart(st, charts.parameter_treemap(anatomy.parameter_tree(model_key or keys[0]), t("anatomy_hover")),
                        config=PLOTLY, key="anatomy_tree", alt=t("anatomy_tree_alt", model=summary["name"]))
        table = pd.DataFrame([anatomy.summary(k) for k in keys]).rename(columns={"total_params": "params"})
        chart(st, charts.params_by_year(table, t("anatomy_params"), t("anatomy_year"), family_names(set(table["family"]))),
              config=PLOTLY, key="anatomy_years", alt=t("anatomy_years_alt"))
        show_code(anatomy.anatomy_code(model_key or keys[0]))


def attention_lab() -> None:
    from lib.inference import attention

    st.subheader(t("attn_title"))
    st.markdown(read("labs/transformers/attention.md"))
    lang = current_lang()
    component = st.segmented_control(t("attn_model"), ["multilingual-e5-small", "all-minilm-l6-v2"],
                                     default="multilingual-e5-small", key="attn_model")
    text = st.text_input(t("attn_text"), value=translate(lang, "attn_default"), max_chars=400, key="attn_text")
    if not filled(text):
        return
    with learner_errors(), st.spinner(t("working")):
        maps = attention.attention_maps(component or "multilingual-e5-small", text)
        if maps.truncated:
            st.info(t("attn_truncated", limit=len(maps.tokens)))
        layers, heads = maps.weights.shape[:2]
        left, right = st.columns(2)
        layer = left.slider(t("attn_layer"), 1, layers, layers, key="attn_layer")
        head = right.select_slider(t("attn_head"), options=["avg", *range(1, heads + 1)], value="avg", key="attn_head",
                                   format_func=lambda h: translate(lang, "attn_average") if h == "avg" else str(h))
        weights = attention.head_average(maps.weights, layer - 1) if head == "avg" else maps.weights[layer - 1, head - 1]
        chart(st, charts.heatmap(weights, maps.tokens, t("attn_weight")), config=PLOTLY, key="attn_map")
        show_code(attention.attention_code(component or "multilingual-e5-small", text))
