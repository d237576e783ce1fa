"""Trainer lab widgets: a live fine-tuning run, the "train your own" wizard, LoRA and Accelerate."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts
from lib.i18n import current_lang, read, t, translate
from lib.ui import jobs
from lib.ui.widgets import chart, data_table, filled, learner_errors, notices, show_code, upload_help

PLOTLY = {"displaylogo": False}
BASES = ["multilingual-e5-small", "all-minilm-l6-v2"]
BUNDLED = {"reviews": "data/sentiment/reviews.csv", "acceptability": "data/acceptability/sentences.csv"}


@st.cache_resource(show_spinner=False)
def _sentiment():
    from lib.training.data import prepare_sentiment

    return prepare_sentiment()


def _config(key: str, lora: bool):
    """The TrainingArguments a learner may change, as widgets; returns a TrainConfig."""
    from lib.training.trainer import TrainConfig

    lang = current_lang()
    left, middle, right = st.columns(3)
    base = left.selectbox(t("train_base"), BASES, key=f"{key}_base",
                          format_func=lambda b: translate(lang, f"train_base_{b.replace('-', '_')}"))
    method = middle.segmented_control(t("train_method"), ["full", "lora"], default="full", key=f"{key}_method",
                                      format_func=lambda m: translate(lang, f"train_method_{m}")) if lora else "full"
    epochs = right.slider(t("train_epochs"), 1, 5, 2, key=f"{key}_epochs")
    left, middle, right = st.columns(3)
    rate = left.select_slider(t("train_learning_rate"), ["auto", 1e-5, 3e-5, 5e-5, 1e-4, 3e-4, 1e-3], value="auto",
                              key=f"{key}_rate", help=t("train_learning_rate_help"),
                              format_func=lambda r: translate(lang, "train_rate_auto") if r == "auto" else f"{r:g}")
    batch = middle.select_slider(t("train_batch"), [4, 8, 16, 32], value=16, key=f"{key}_batch")
    length = right.select_slider(t("train_max_length"), [32, 64, 128, 256], value=64, key=f"{key}_length")
    return TrainConfig(base=base, epochs=epochs, learning_rate=None if rate == "auto" else rate, batch_size=batch,
                       max_length=length,
                       method=method or "full")


def trainer_lab() -> None:
    from lib.training import trainer

    st.subheader(t("train_title"))
    st.markdown(read("labs/training/trainer.md"))
    with learner_errors():
        prepared = _sentiment()
        st.caption(t("train_data_sizes", train=prepared.sizes["train"], test=prepared.sizes["test"]))
        config = _config("train_live", lora=True)
        show_code(trainer.code(config))
        training_panel(prepared, config, "train_live")


def training_panel(prepared, config, key: str) -> None:
    """Start / stop a run, its live chart, then its results: scores, confusion matrix, try it, download."""
    from lib.training import trainer

    def work(on_event, stop):
        return trainer.train(prepared, config, on_event, stop, jobs.output_dir("hhf-trained-"))

    jobs.panel(f"{key}_job", t("train_start"), work, lambda result: _results(result, key),
               lambda job: _curve(job, key), t("train_busy"), icon="🏋️")


def _curve(job, key: str) -> None:
    logs = [e for e in job.history if e.get("kind") == "log" and "loss" in e]
    evals = [e for e in job.history if e.get("kind") == "eval" and "accuracy" in e]
    last = job.history[-1] if job.history else {}
    if last.get("max_steps"):
        st.progress(min(1.0, last.get("step", 0) / last["max_steps"]),
                    text=t("train_progress", step=last.get("step", 0), steps=last["max_steps"],
                           seconds=last.get("seconds", 0)))
    if logs or evals:
        chart(st, charts.lines_chart({t("train_loss"): ([e["step"] for e in logs], [e["loss"] for e in logs]),
                                            t("train_accuracy"): ([e["step"] for e in evals],
                                                                  [e["accuracy"] for e in evals])},
                                           t("train_step"), t("train_value")), config=PLOTLY, key=f"{key}_curve")
    if job.running:
        st.caption(t("train_running"))


def _results(result, key: str) -> None:
    from lib.training import export

    if result.stopped:
        st.info(t("train_was_stopped", steps=result.steps, total=result.max_steps))
    columns = st.columns(4)
    baseline = (result.baseline or {}).get("accuracy")
    columns[0].metric(t("train_accuracy"), f"{result.metrics['accuracy']:.3f}",
                      delta=None if baseline is None else f"{result.metrics['accuracy'] - baseline:+.3f}")
    columns[1].metric("F1 (macro)", f"{result.metrics['f1_macro']:.3f}")
    columns[2].metric(t("train_seconds"), f"{result.train_seconds:.0f}")
    columns[3].metric(t("train_trainable"), t("number", value=result.trainable_params))
    if baseline is not None:
        st.caption(t("train_baseline", accuracy=baseline))
    chart(st, charts.heatmap(result.confusion, result.labels, t("metric_count"), result.labels),
                    config=PLOTLY, key=f"{key}_confusion")
    text = st.text_input(t("train_try"), value=translate(current_lang(), "train_try_default"), max_chars=500,
                         key=f"{key}_try")
    if filled(text):
        with learner_errors(), st.spinner(t("working")):
            classifier = _trained_pipeline(str(result.output_dir))
            scores = classifier(text, top_k=None, truncation=True)
            chart(st, charts.score_bars([s["label"] for s in scores], [s["score"] for s in scores],
                                              t("score_axis")), config=PLOTLY, key=f"{key}_try_scores")
    st.download_button(t("train_download"), lambda: export.zip_folder(result.output_dir), file_name="my-classifier.zip",
                       mime="application/zip", icon="📦", key=f"{key}_zip", on_click="ignore")
    show_code(f'from transformers import pipeline\n\nclassifier = pipeline("text-classification", model="my-classifier")'
              f"  # the unzipped folder\nprint(classifier({text!r}))\n")


def _trained_pipeline(folder: str):
    """The learner's trained model from its folder, through the shared cache (it counts in the budget)."""
    from lib.models.loader import shared_cache

    def factory():
        from transformers import pipeline

        return pipeline("text-classification", model=folder, device="cpu", model_kwargs={"use_safetensors": True})

    return shared_cache().get(f"trained:{folder}", factory)


# --- the "train your own" wizard -----------------------------------------------------------

def wizard_lab() -> None:
    from lib.training.data import prepare

    st.subheader(t("wizard_title"))
    st.markdown(read("labs/training/wizard.md"))
    lang = current_lang()
    source = st.segmented_control(t("wizard_source"), ["reviews", "acceptability", "upload"], default="reviews",
                                  key="wizard_source", format_func=lambda s: translate(lang, f"wizard_source_{s}"))
    with learner_errors():
        frame = _wizard_frame(source or "reviews")
        if frame is None:
            return
        st.dataframe(frame.head(5), hide_index=True)
        columns = [str(c) for c in frame.columns]
        left, right = st.columns(2)
        text_column = left.selectbox(t("wizard_text_column"), columns, key="wizard_text",
                                     index=columns.index(_guess(columns, ("text", "sentence", "review"))))
        label_column = right.selectbox(t("wizard_label_column"), columns, key="wizard_label",
                                       index=columns.index(_guess(columns, ("label", "sentiment", "class"))))
        prepared = prepare(frame, text_column, label_column)
        notices(prepared.notices)
        st.caption(t("wizard_prepared", train=prepared.sizes["train"], test=prepared.sizes["test"],
                     labels=", ".join(prepared.labels)))
        config = _config("wizard", lora=False)
        training_panel(prepared, config, "wizard")


def _guess(columns: list[str], names: tuple[str, ...]) -> str:
    return next((c for c in columns if c.lower() in names), columns[-1] if names[0] == "text" else columns[0])


def _wizard_frame(source: str):
    from lib.datasets_lab import uploads
    from lib.sections import ROOT

    if source != "upload":
        return pd.read_csv(ROOT / BUNDLED[source])
    upload = st.file_uploader(t("wizard_upload"), type=["csv", "tsv", "json", "jsonl", "parquet"], key="wizard_upload",
                              help=upload_help())
    if upload is None:
        st.info(t("wizard_waiting"))
        return None
    loaded = uploads.load_upload(upload.getvalue(), upload.name, st.get_option("server.maxUploadSize") * 1_000_000)
    notices(loaded.notices)
    return loaded.dataset.to_pandas()


# --- PEFT and Accelerate (tools page) -------------------------------------------------------

def lora_lab() -> None:
    import json

    from lib.models.loader import pack_path
    from lib.training import lora

    st.subheader(t("lora_title"))
    st.markdown(read("labs/training/lora.md"))
    lang = current_lang()
    left, middle, right = st.columns(3)
    base = left.selectbox(t("train_base"), BASES, key="lora_base",
                          format_func=lambda b: translate(lang, f"train_base_{b.replace('-', '_')}"))
    rank = middle.select_slider(t("lora_rank"), [1, 2, 4, 8, 16, 32, 64], value=8, key="lora_rank")
    targets = right.multiselect(t("lora_targets"), ["query", "key", "value", "dense"], default=["query", "value"],
                                key="lora_targets")
    with learner_errors():
        if not targets:
            st.warning(t("lora_no_targets"))
            return
        config = json.loads((pack_path(base) / "config.json").read_text(encoding="utf-8"))
        counted = lora.lora_parameter_count(config, r=rank, target_modules=targets)
        columns = st.columns(3)
        columns[0].metric(t("lora_trainable"), t("number", value=counted["trainable"]))
        columns[1].metric(t("lora_total"), t("number", value=counted["total"]))
        columns[2].metric(t("lora_share"), f"{counted['trainable'] / counted['total']:.2%}")
        per_module = counted["per_module"]
        kinds = {}
        for name, count in per_module.items():
            kind = name.rsplit(".", 1)[-1] if not name.endswith("dense") else ".".join(name.split(".")[-2:])
            kinds[kind] = kinds.get(kind, 0) + count
        kinds[t("lora_head")] = counted["head"]
        chart(st, charts.grouped_bars(list(kinds), {t("lora_trainable"): list(kinds.values())},
                                            t("lora_parameters")), config=PLOTLY, key="lora_bars")
        st.caption(t("lora_formula", r=rank, layers=len(per_module)))
        show_code("from peft import LoraConfig, get_peft_model\nfrom transformers import "
                  "AutoModelForSequenceClassification\n\n"
                  f'model = AutoModelForSequenceClassification.from_pretrained(".cache/pack/{base}", num_labels=2)\n'
                  f'lora = LoraConfig(task_type="SEQ_CLS", r={rank}, target_modules={targets!r},\n'
                  '                  modules_to_save=["classifier", "pooler"])\n'
                  "model = get_peft_model(model, lora)\n"
                  "print(model.get_nb_trainable_parameters())  # (trainable, total): the same numbers as above\n")
    st.markdown(f"#### {t('lora_compare_title')}")
    st.caption(t("lora_compare_text"))
    compare_panel()


def compare_panel() -> None:
    from lib.training import lora
    from lib.training.trainer import TrainConfig

    def work(on_event, stop):
        return lora.compare_full_and_lora(_sentiment(), TrainConfig(), jobs.output_dir("hhf-compare-"),
                                          on_event=on_event, stop=stop)

    jobs.panel("lora_compare_job", t("lora_compare_start"), work, _compare_result, _compare_progress, t("train_busy"),
               icon="⚖️")


def _compare_progress(job) -> None:
    if job.running:
        last = job.history[-1] if job.history else {}
        st.caption(t("lora_compare_running", step=last.get("step", 0), steps=last.get("max_steps", "…")))


def _compare_result(result) -> None:
    table = pd.DataFrame(result).T[["seconds", "accuracy", "f1_macro", "trainable", "total", "rss_growth_mb"]]
    methods = [t("train_method_full"), t("train_method_lora")]
    data_table(st, table.round(3).set_axis(methods).rename_axis("method").reset_index())
    chart(st, charts.grouped_bars(methods, {
        t("train_accuracy"): list(table["accuracy"]),
        t("lora_trainable_share"): list(table["trainable"] / table["total"])}, t("train_value")),
        config=PLOTLY, key="lora_compare_bars")


def accelerate_lab() -> None:
    from lib.training import accelerate_loop

    st.subheader(t("accel_title"))
    st.markdown(read("labs/training/accelerate.md"))
    steps = st.slider(t("accel_steps"), 4, 24, 12, 4, key="accel_steps")
    if st.button(t("accel_run"), icon="🏎️", key="accel_run"):
        with learner_errors(), st.spinner(t("working")):
            result = accelerate_loop.run_loop(_sentiment(), steps=steps)
            columns = st.columns(3)
            columns[0].metric(t("accel_device"), result.device)
            columns[1].metric(t("accel_precision"), result.mixed_precision)
            columns[2].metric(t("accel_bf16"), t("accel_bf16_yes") if result.bf16_native else t("accel_bf16_no"))
            chart(st, charts.lines_chart({t("train_loss"): (list(range(1, len(result.losses) + 1)),
                                                                  result.losses)}, t("train_step"), t("train_loss")),
                            config=PLOTLY, key="accel_losses")
            show_code(result.code)
    else:
        show_code(accelerate_loop.code(None, steps))
