"""Evaluate lab: metrics you can poke (edit predictions and references, watch the scores move)."""
from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, read, t, translate
from lib.ui.widgets import chart, learner_errors, show_code

PLOTLY = {"displaylogo": False}
KINDS = ["classification", "translation", "speech", "compare", "language_model", "evaluator"]
CLASSIFICATION_ROWS = [("positive", "positive"), ("negative", "negative"), ("neutral", "positive"),
                       ("positive", "positive"), ("negative", "neutral"), ("neutral", "neutral"),
                       ("positive", "negative"), ("negative", "negative"), ("positive", "positive"),
                       ("neutral", "neutral")]
OP_STYLES = {"equal": "", "substitute": "background:#FDE68A", "insert": "background:#BBF7D0",
             "delete": "background:#FECACA;text-decoration:line-through"}


def metrics_lab() -> None:
    st.subheader(t("metric_title"))
    st.markdown(read("labs/evaluate/metrics.md"))
    lang = current_lang()
    kind = st.segmented_control(t("metric_kind"), KINDS, default="classification", key="metric_kind",
                                format_func=lambda k: translate(lang, f"metric_kind_{k}")) or "classification"
    with learner_errors(), st.spinner(t("metric_working")):
        {"classification": _classification, "translation": _translation, "speech": _speech,
         "compare": _compare, "language_model": _language_model, "evaluator": _evaluator}[kind]()
    _cards()


def _cards() -> None:
    from lib.metrics import METRICS, card

    lang = current_lang()
    with st.expander(t("metric_cards"), icon="🪪"):
        name = st.selectbox(t("metric_card_pick"), METRICS, key="metric_card")
        st.markdown(card(name, lang))
        st.code(f'import evaluate\n\nmetric = evaluate.load("lib/metrics/{name}")  # on the Hub: '
                f'evaluate.load("{name}")\n', language="python")


def _classification() -> None:
    from lib.metrics import explore

    table = st.data_editor(pd.DataFrame(CLASSIFICATION_ROWS, columns=["reference", "prediction"]),
                           num_rows="dynamic", key="metric_cls_table", hide_index=True,
                           column_config={c: st.column_config.TextColumn(t(f"col_{c}")) for c in ("reference", "prediction")})
    result = explore.classification(list(table["reference"].fillna("")), list(table["prediction"].fillna("")))
    for column, (name, value) in zip(st.columns(5), result.scores.items(), strict=True):
        column.metric(name, f"{value:.3f}")
    left, right = st.columns(2)
    chart(left, charts.heatmap(result.confusion, result.labels, t("metric_count"), result.labels),
                      config=PLOTLY, key="metric_confusion")
    left.caption(t("metric_confusion_caption"))
    chart(right, charts.grouped_bars(result.labels, result.per_class, t("metric_score")), config=PLOTLY,
                       key="metric_per_class")
    show_code(_classification_code(result.labels))


def _classification_code(labels: list[str]) -> str:
    return ("import evaluate\n\n"
            f"labels = {labels!r}\n"
            "references = [labels.index(x) for x in reference_labels]\n"
            "predictions = [labels.index(x) for x in predicted_labels]\n"
            'f1 = evaluate.load("f1")  # offline, as here: evaluate.load("lib/metrics/f1")\n'
            'print(f1.compute(predictions=predictions, references=references, average="macro"))\n'
            'print(f1.compute(predictions=predictions, references=references, average=None))  # per class\n'
            'print(evaluate.load("confusion_matrix").compute(predictions=predictions, references=references))\n')


def _translation() -> None:
    from lib.metrics import explore

    lang = current_lang()
    left, right = st.columns(2)
    predictions = left.text_area(t("metric_predictions"), value=translate(lang, "metric_default_predictions"),
                                 height=140, max_chars=20_000, key="metric_tr_predictions")
    references = right.text_area(t("metric_references"), value=translate(lang, "metric_default_references"),
                                 height=140, max_chars=20_000, key="metric_tr_references")
    preds, refs = explore.paired_lines(predictions, references)
    scores = explore.translation(preds, refs)
    bleu = scores["bleu"]
    columns = st.columns(4)
    columns[0].metric("BLEU", f"{bleu['bleu']:.3f}")
    columns[1].metric("chrF", f"{scores['chrf']:.1f}")
    columns[2].metric("ROUGE-1", f"{scores['rouge']['rouge1']:.3f}")
    columns[3].metric("ROUGE-L", f"{scores['rouge']['rougeL']:.3f}")
    chart(st, charts.score_bars([f"{n}-gram" for n in range(1, 5)], list(bleu["precisions"]),
                                      t("metric_precision_axis")), config=PLOTLY, key="metric_bleu_precisions")
    st.caption(t("metric_bleu_caption", bp=bleu["brevity_penalty"], ratio=bleu["length_ratio"],
                 translation=bleu["translation_length"], reference=bleu["reference_length"]))
    show_code("import evaluate\n\n"
              f"predictions = {preds[:3]!r}\nreferences = {[[r] for r in refs[:3]]!r}\n"
              'print(evaluate.load("bleu").compute(predictions=predictions, references=references))\n'
              'print(evaluate.load("chrf").compute(predictions=predictions, references=references))\n'
              'print(evaluate.load("rouge").compute(predictions=predictions, references=[r[0] for r in references]))\n')


def _speech() -> None:
    from lib.metrics import explore

    lang = current_lang()
    reference = st.text_input(t("metric_reference"), value=translate(lang, "metric_default_speech_reference"),
                              max_chars=1_000, key="metric_sp_reference")
    prediction = st.text_input(t("metric_prediction"), value=translate(lang, "metric_default_speech_prediction"),
                               max_chars=1_000, key="metric_sp_prediction")
    result = explore.speech(reference, prediction)
    left, right = st.columns(2)
    left.metric("WER", f"{result['wer']:.3f}")
    right.metric("CER", f"{result['cer']:.3f}")
    st.html(alignment_html(result["alignment"]))
    counts = {op: sum(1 for row in result["alignment"] if row[0] == op) for op in OP_STYLES}
    st.caption(t("metric_alignment_caption", **counts))
    show_code("import evaluate\n\n"
              f"references = [{reference!r}]\npredictions = [{prediction!r}]\n"
              'print(evaluate.load("wer").compute(predictions=predictions, references=references))\n'
              'print(evaluate.load("cer").compute(predictions=predictions, references=references))\n'
              "import jiwer  # the alignment behind WER\n"
              "print(jiwer.visualize_alignment(jiwer.process_words(references, predictions)))\n")


def alignment_html(rows) -> str:
    """Each reference word with what the prediction did to it; every word escaped."""
    pieces = []
    for op, ref, hyp in rows:
        style = OP_STYLES[op]
        text = {"equal": ref, "substitute": f"{ref} → {hyp}", "insert": f"+ {hyp}", "delete": ref}[op]
        pieces.append(f'<span style="{style};color:#111827;padding:1px 4px;border-radius:4px;margin:2px;'
                      f'display:inline-block">{escape(text or "")}</span>')
    return '<div style="line-height:2.2">' + "".join(pieces) + "</div>"


def _compare() -> None:
    from lib.metrics import explore

    lang = current_lang()
    references = st.text_area(t("metric_references"), value=translate(lang, "metric_default_references"),
                              height=110, max_chars=20_000, key="metric_cmp_references")
    columns = st.columns(3)
    systems = {}
    for i, column in enumerate(columns, start=1):
        text = column.text_area(t("metric_system", number=i), value=translate(lang, f"metric_default_system_{i}"),
                                height=140, max_chars=20_000, key=f"metric_cmp_system_{i}")
        systems[t("metric_system", number=i)] = text
    refs = explore.paired_lines(references, references)[1]
    outputs = {name: explore.paired_lines(text, references)[0] for name, text in systems.items()}
    profiles = explore.system_profiles(outputs, refs)
    chart(st, charts.radar(profiles), config=PLOTLY, key="metric_radar")
    st.dataframe(pd.DataFrame(profiles).T.round(3))


def _language_model() -> None:
    from lib.metrics import compute, explore

    lang = current_lang()
    texts = st.text_area(t("metric_lm_texts"), value=translate(lang, "metric_default_lm_texts"), height=120,
                         max_chars=5_000, key="metric_lm_texts")
    lines = explore.paired_lines(texts, texts)[0][:10]
    if st.button(t("metric_lm_run"), icon="▶️", key="metric_lm_run"):
        result = compute("perplexity", predictions=lines)
        chart(st, charts.grouped_bars([line[:30] for line in lines], {"perplexity": result["perplexities"]},
                                            t("metric_perplexity_axis")), config=PLOTLY, key="metric_perplexity")
        st.caption(t("metric_perplexity_caption", mean=result["mean_perplexity"]))
        show_code('import evaluate\n\nperplexity = evaluate.load("lib/metrics/perplexity")  # SmolLM2 from the pack\n'
                  f"print(perplexity.compute(predictions={lines[:3]!r}))\n")


def _evaluator() -> None:
    from lib.metrics import explore

    st.markdown(t("metric_evaluator_text"))
    if st.button(t("metric_evaluator_run"), icon="▶️", key="metric_evaluator_run"):
        result = explore.evaluate_classifier()
        columns = st.columns(3)
        columns[0].metric("accuracy", f"{result['accuracy']:.3f}")
        columns[1].metric(t("metric_rows"), result["rows"])
        columns[2].metric(t("metric_per_second"), f"{result['samples_per_second']:.1f}")
    show_code(explore.EVALUATOR_CODE)
