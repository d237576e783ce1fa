"""TRL lab: the post-training methods as a diagram, and a real LoRA SFT run of SmolLM2."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, read, t
from lib.ui import jobs
from lib.ui.widgets import chart, data_table, show_code

PLOTLY = {"displaylogo": False}
KIND_COLOURS = {"raw_text": "#E5E7EB", "demonstrations": "#BBF7D0", "preference_pairs": "#FDE68A",
                "prompts_reward": "#FBCFE8"}


def trl_lab() -> None:
    from lib.alignment import explain, sft

    st.subheader(t("trl_title"))
    st.markdown(read("labs/alignment/trl.md"))
    lang = current_lang()
    flow = explain.pipeline(lang)
    nodes = [{**node, "kind": node["data"], "hover": f"{node['learns']}<br>{node['data_label']}"} for node in flow["nodes"]]
    chart(st, charts.flow_diagram(nodes, flow["edges"], KIND_COLOURS), config=PLOTLY, key="trl_flow")
    methods_table = pd.DataFrame(explain.methods(lang)).fillna({"trl": "—"}).rename(columns={"label": "method"})
    data_table(st, methods_table[["method", "trl", "data_label", "reward_model", "reference_model",
                                  "generates_while_training", "models_in_memory", "runs_here"]])
    methods = {m: t(f"trl_method_{m}") for m in ("sft", "dpo")}
    method = st.radio(t("trl_method"), list(methods), format_func=methods.get,
                      horizontal=True, key="trl_method")
    st.markdown(f"#### {t(f'trl_{method}_title')}")
    if method == "dpo":
        columns = {"prompt": t("trl_question"), "chosen": t("trl_chosen"), "rejected": t("trl_rejected")}
        st.dataframe(pd.DataFrame([{label: row[part][-1]["content"] for part, label in columns.items()}
                                   for row in sft.load_preferences() if row["lang"] == lang]), hide_index=True)
    left, middle, right = st.columns(3)
    steps = left.slider(t("trl_steps"), 10, 40, 20 if method == "sft" else 10, 5, key=f"trl_{method}_steps")
    rank = middle.select_slider(t("lora_rank"), [4, 8, 16], value=8, key="trl_rank")
    rate = right.select_slider(t("train_learning_rate"), [2e-4, 5e-4, 1e-3, 2e-3],
                               value=1e-3 if method == "sft" else 5e-4, key=f"trl_{method}_rate",
                               format_func=lambda r: f"{r:g}")
    if method == "sft":
        show_code(sft.code(sft.SftSettings(steps=steps, lora_r=rank, learning_rate=rate)))
    else:
        beta = st.select_slider(t("trl_beta"), [0.05, 0.1, 0.2, 0.5], value=0.1, key="trl_beta",
                                help=t("trl_beta_help"))
        show_code(sft.dpo_code(steps, rate, beta, lora_r=rank))

    def work(on_event, stop):
        if method == "sft":
            return sft.sft_run(steps=steps, lora_r=rank, learning_rate=rate, on_event=on_event, stop=stop,
                               output_dir=jobs.output_dir("hhf-sft-"))
        return sft.dpo_run(steps=steps, lora_r=rank, learning_rate=rate, beta=beta, on_event=on_event, stop=stop,
                           output_dir=jobs.output_dir("hhf-dpo-"))

    jobs.panel("trl_job", t(f"trl_run_{method}"), work, _result, _progress, t("train_busy"), icon="🎯")


def _losses(points, margins=()) -> None:
    series = {t("train_loss"): points, t("trl_margin"): margins}
    series = {name: ([s for s, _ in pts], [v for _, v in pts]) for name, pts in series.items() if pts}
    if series:
        chart(st, charts.lines_chart(series, t("train_step"), t("train_loss")), config=PLOTLY, key="trl_losses")


def _progress(job) -> None:
    if not job.running:
        return
    phase = next((e["phase"] for e in reversed(job.history) if e.get("kind") == "phase"), "before")
    st.caption(t(f"trl_phase_{phase}"))
    logs = [e for e in job.history if e.get("kind") == "log" and "loss" in e]
    _losses([(e["step"], e["loss"]) for e in logs], [(e["step"], e["margin"]) for e in logs if e.get("margin") is not None])


def _result(result) -> None:
    columns = st.columns(3)
    columns[0].metric(t("train_seconds"), f"{result.train_seconds:.0f}")
    columns[1].metric(t("train_trainable"), t("number", value=result.trainable_params))
    columns[2].metric(t("lora_share"), f"{result.trainable_params / result.total_params:.2%}")
    margins = getattr(result, "margins", ())
    _losses(result.losses, margins)
    if margins:
        st.caption(t("trl_dpo_reading", first=result.losses[0][1], last=result.losses[-1][1], margin=margins[-1][1]))
    st.table(pd.DataFrame([{t("trl_prompt"): row["prompt"], t("trl_before"): row["before"], t("trl_after"): row["after"]}
                           for row in result.comparison]))
    st.caption(t("trl_honest"))
