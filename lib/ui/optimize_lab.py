"""Optimum lab: the same classifier as PyTorch, ONNX and int8 ONNX; Whisper in CTranslate2's types."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import read, t
from lib.ui import jobs
from lib.ui.widgets import chart, data_table, learner_errors

PLOTLY = {"displaylogo": False}


def optimum_lab() -> None:
    from lib.optimize import ctranslate2_demo, onnx_export

    st.subheader(t("opt_title"))
    st.markdown(read("labs/optimize/optimum.md"))
    # one thread: on a busy 2-core laptop PyTorch's two threads wait for each other (measured ~1 s a
    # sentence against 29 ms with one), which would make ONNX look 50x faster than it is
    jobs.panel("opt_job", t("opt_run"), lambda on_event, stop: onnx_export.compare(threads=1), _onnx_result,
               lambda job: st.caption(t("opt_running")) if job.running else None, t("train_busy"))
    code = onnx_export.code(".cache/pack/sentiment-e5-vi-en")
    steps = ["export", "quantize", "run", "optimum"]
    for tab, name in zip(st.tabs([t(f"opt_step_{name}") for name in steps]), steps, strict=True):
        tab.code(code[name], language="python")
    st.markdown(f"#### {t('opt_ct2_title')}")
    st.caption(t("opt_ct2_text"))
    if st.button(t("opt_ct2_run"), icon="🎙️", key="opt_ct2_run"):
        with learner_errors(), st.spinner(t("working")):
            speech = ctranslate2_demo.compare(rounds=1)
            st.caption(t("opt_ct2_reference", text=speech.reference, seconds=speech.audio_seconds))
            data_table(st, pd.DataFrame(speech.rows).round(3))
    st.code(ctranslate2_demo.code("int8"), language="python")


def _onnx_result(comparison) -> None:
    from lib.optimize import onnx_export

    data_table(st, pd.DataFrame(comparison.rows).round(4))
    chart(st, onnx_export.figure(comparison, {
        "size_mb": t("opt_chart_size"), "latency_ms": t("opt_chart_latency"),
        "throughput_per_s": t("opt_chart_throughput"), "accuracy": t("opt_chart_accuracy")}),
        config=PLOTLY, key="opt_chart")
    st.caption(t("opt_caption", rows=comparison.test_rows, exporter=comparison.exporter,
                 load=comparison.load_average[0]))
