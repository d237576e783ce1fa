"""Fine-tune a pack encoder into a text classifier with transformers' real `Trainer`, live.

The page runs `train` in a background thread and charts the events it forwards; a
`threading.Event` lets the learner stop a run and still get a usable model. Metrics come
from scikit-learn (accuracy, macro-F1), not `evaluate`, so this module does not depend on
the project's metric modules being present (`evaluate.load("accuracy")` needs the Hub).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Base models the lab offers. `top_layers`: how many encoder layers are trained in "full"
# mode (None = all). e5's 96M-parameter embedding table dominates its size, and freezing it
# with the lower layers keeps a run within minutes on a laptop CPU (as the pack's own
# sentiment model was trained, lib/models/train_builders.py).
BASE_MODELS = {
    "multilingual-e5-small": {"top_layers": 4, "reset_pooler": True, "hub_id": "intfloat/multilingual-e5-small"},
    "all-minilm-l6-v2": {"top_layers": None, "reset_pooler": False,
                         "hub_id": "sentence-transformers/all-MiniLM-L6-v2"},
}
DEFAULT_BASE = "multilingual-e5-small"
# LoRA's few, zero-initialised adapter weights need a larger step than full fine-tuning.
DEFAULT_LEARNING_RATE = {"full": 1e-4, "lora": 1e-3}


@dataclass
class TrainConfig:
    base: str = DEFAULT_BASE
    epochs: float = 2
    learning_rate: float | None = None  # None: DEFAULT_LEARNING_RATE of the method
    batch_size: int = 16
    max_length: int = 64
    seed: int = 42
    method: str = "full"  # "full" | "lora"
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    target_modules: list[str] = field(default_factory=lambda: ["query", "value"])
    logging_steps: int = 4
    eval_steps: int | None = None  # None: evaluate at the end of each epoch
    eval_on_start: bool = True  # the untrained baseline is the first point of the chart
    top_layers: int | None = -1  # -1: the base model's default (BASE_MODELS); None: all layers


@dataclass
class Result:
    model: Any
    tokenizer: Any
    output_dir: Path
    labels: list[str]
    history: list[dict]  # every forwarded event, in order
    metrics: dict  # final eval on the test split: accuracy, f1_macro, loss
    baseline: dict | None  # eval before the first step (eval_on_start), else None
    confusion: list[list[int]]  # rows: true label, columns: predicted (order of `labels`)
    train_seconds: float
    rss_growth_mb: float  # peak resident memory during the run minus resident memory before
    trainable_params: int
    total_params: int
    stopped: bool  # the learner stopped the run early
    steps: int  # optimisation steps done
    max_steps: int
    code: str


def _rss_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Reset VmHWM so the peak measured is this run's (Linux >= 4.0); False where refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def compute_metrics(prediction) -> dict:
    """Accuracy and macro-F1 with scikit-learn (the Trainer prefixes them with "eval_")."""
    from sklearn.metrics import accuracy_score, f1_score

    logits, labels = prediction.predictions, prediction.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    predicted = logits.argmax(-1)
    return {"accuracy": float(accuracy_score(labels, predicted)),
            "f1_macro": float(f1_score(labels, predicted, average="macro"))}


def load_base(config: TrainConfig, labels: list[str]):
    """A fresh, trainable copy of the pack model with a new classification head.

    The shared cache is not used on purpose: training changes the weights, and the cached
    model serves every other learner's widgets.
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from lib.models.loader import pack_path

    spec = BASE_MODELS[config.base]
    folder = pack_path(config.base)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForSequenceClassification.from_pretrained(
        folder, use_safetensors=True, num_labels=len(labels), id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    if spec["reset_pooler"]:
        # e5 ships no trained pooler (the pack stores zeros): tanh(0) would hide every input.
        model.bert.pooler.dense.reset_parameters()
    return model, tokenizer


def freeze_lower(model, config: TrainConfig) -> None:
    """Freeze the embeddings and all but the top layers: backpropagation stops early."""
    top = BASE_MODELS[config.base]["top_layers"] if config.top_layers == -1 else config.top_layers
    if top is None:
        return
    encoder = model.base_model
    for module in [encoder.embeddings, *encoder.encoder.layer[:len(encoder.encoder.layer) - top]]:
        module.requires_grad_(False)


def count_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameters; peft models count themselves (base + adapter copies)."""
    if hasattr(model, "get_nb_trainable_parameters"):
        return model.get_nb_trainable_parameters()
    return (sum(p.numel() for p in model.parameters() if p.requires_grad),
            sum(p.numel() for p in model.parameters()))


def tokenize(splits, tokenizer, max_length: int):
    """Token ids for both splits; padding is left to the collator (per batch, shorter)."""
    return splits.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length),
                      batched=True, remove_columns=["text"])


def _callback(on_event, stop: threading.Event, samples: list[int]):
    from transformers import TrainerCallback

    class LiveCallback(TrainerCallback):
        """Forwards logs and evaluations to the page, and stops when the learner asks."""

        def __init__(self):
            self.start = time.perf_counter()

        def _send(self, kind: str, state, values: dict) -> None:
            event = {"kind": kind, "step": state.global_step, "max_steps": state.max_steps,
                     "epoch": round(state.epoch or 0.0, 3),
                     "seconds": round(time.perf_counter() - self.start, 2), **values}
            on_event(event)

        def on_train_begin(self, args, state, control, **kwargs):
            self.start = time.perf_counter()
            self._send("start", state, {})

        def on_log(self, args, state, control, logs=None, **kwargs):
            logs = logs or {}
            if "loss" in logs:  # eval logs arrive through on_evaluate; skip the final summary
                self._send("log", state, {"loss": logs["loss"], "learning_rate": logs.get("learning_rate"),
                                          "grad_norm": logs.get("grad_norm")})

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            metrics = metrics or {}
            self._send("eval", state, {k.removeprefix("eval_"): v for k, v in metrics.items()
                                       if k in ("eval_loss", "eval_accuracy", "eval_f1_macro")})

        def on_step_end(self, args, state, control, **kwargs):
            samples.append(_rss_kb("VmRSS"))
            if stop.is_set():
                control.should_training_stop = True
                control.should_evaluate = False  # the final evaluation below reports the model

    return LiveCallback()


def learning_rate(config: TrainConfig) -> float:
    return DEFAULT_LEARNING_RATE[config.method] if config.learning_rate is None else config.learning_rate


def training_arguments(config: TrainConfig, output_dir: Path | str) -> dict:
    """Keyword arguments of `TrainingArguments`, the single source for the run and its code."""
    return dict(
        output_dir=str(output_dir),
        num_train_epochs=config.epochs,
        learning_rate=learning_rate(config),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=64,
        eval_strategy="epoch" if config.eval_steps is None else "steps",
        **({} if config.eval_steps is None else {"eval_steps": config.eval_steps}),
        eval_on_start=config.eval_on_start,
        logging_strategy="steps",
        logging_steps=config.logging_steps,
        save_strategy="no",
        seed=config.seed,
        use_cpu=True,
        dataloader_num_workers=0,
        report_to="none",
        disable_tqdm=True,
    )


def train(prepared, config: TrainConfig, on_event: Callable[[dict], None] | None = None,
          stop: threading.Event | None = None, output_dir: Path | str = "trained-model") -> Result:
    """One real `Trainer` run in the caller's thread; the trained model is saved to output_dir."""
    import torch
    from sklearn.metrics import confusion_matrix
    from transformers import PrinterCallback, Trainer, TrainingArguments, set_seed

    on_event = on_event or (lambda event: None)
    stop = stop or threading.Event()
    output_dir = Path(output_dir)
    threads = torch.get_num_threads()
    history: list[dict] = []

    def forward(event: dict) -> None:
        history.append(event)
        on_event(event)

    rss_before = _rss_kb("VmRSS")
    peak_reset = _reset_peak_rss()
    samples: list[int] = [rss_before]
    set_seed(config.seed)  # the new head's initial weights
    model, tokenizer = load_base(config, prepared.labels)
    if config.method == "lora":
        from lib.training.lora import apply_lora

        model = apply_lora(model, config)
    elif config.method == "full":
        freeze_lower(model, config)
    else:
        raise ValueError(f"unknown method {config.method!r}")
    trainable, total = count_parameters(model)
    encoded = tokenize(prepared.splits, tokenizer, config.max_length)
    trainer = Trainer(
        model=model, args=TrainingArguments(**training_arguments(config, output_dir)),
        train_dataset=encoded["train"], eval_dataset=encoded["test"], processing_class=tokenizer,
        compute_metrics=compute_metrics, callbacks=[_callback(forward, stop, samples)],
    )
    trainer.remove_callback(PrinterCallback)  # the page charts the events; keep the console quiet
    start = time.perf_counter()
    try:
        trainer.train()
        seconds = time.perf_counter() - start
        output = trainer.predict(encoded["test"])
    finally:
        torch.set_num_threads(threads)  # never leave a changed global behind for other sessions
    metrics = {k.removeprefix("test_"): v for k, v in output.metrics.items()
               if k in ("test_loss", "test_accuracy", "test_f1_macro")}
    forward({"kind": "final", "step": trainer.state.global_step, "max_steps": trainer.state.max_steps,
             "epoch": round(trainer.state.epoch or 0.0, 3), "seconds": round(seconds, 2), **metrics})
    predicted = output.predictions.argmax(-1)
    confusion = confusion_matrix(output.label_ids, predicted, labels=list(range(len(prepared.labels))))
    peak = max(_rss_kb("VmHWM") if peak_reset else 0, *samples, _rss_kb("VmRSS"))
    if config.method == "lora":
        model = model.merge_and_unload()  # a plain transformers model: pipeline() loads it as is
    model.eval()
    output_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    evals = [e for e in history if e["kind"] == "eval"]
    baseline = evals[0] if config.eval_on_start and evals and evals[0]["step"] == 0 else None
    return Result(
        model=model, tokenizer=tokenizer, output_dir=output_dir, labels=list(prepared.labels),
        history=history, metrics=metrics, baseline=baseline, confusion=confusion.tolist(),
        train_seconds=round(seconds, 2), rss_growth_mb=round((peak - rss_before) / 1024, 1),
        trainable_params=int(trainable), total_params=int(total), stopped=stop.is_set(),
        steps=trainer.state.global_step, max_steps=trainer.state.max_steps, code=code(config),
    )


def code(config: TrainConfig) -> str:
    """The notebook code a learner would write for the same run (Hub ids instead of the pack)."""
    args = training_arguments(config, "my-classifier")
    lines = ",\n".join(f"    {key}={value!r}" for key, value in args.items())
    spec = BASE_MODELS[config.base]
    top = spec["top_layers"] if config.top_layers == -1 else config.top_layers
    if config.method == "lora":
        prepare_model = (
            "from peft import LoraConfig, get_peft_model\n\n"
            f"lora = LoraConfig(task_type=\"SEQ_CLS\", r={config.lora_r}, lora_alpha={config.lora_alpha},\n"
            f"                  lora_dropout={config.lora_dropout}, target_modules={config.target_modules!r},\n"
            "                  modules_to_save=[\"classifier\", \"pooler\"])\n"
            "model = get_peft_model(model, lora)\nmodel.print_trainable_parameters()\n")
    elif top is not None:
        prepare_model = (
            f"# train only the top {top} layers: freeze the embeddings and the layers below\n"
            "for module in [model.bert.embeddings, *model.bert.encoder.layer[:-%d]]:\n"
            "    module.requires_grad_(False)\n" % top)
    else:
        prepare_model = ""
    pooler = "model.bert.pooler.dense.reset_parameters()  # e5 ships no trained pooler\n" if spec["reset_pooler"] else ""
    save = "model = model.merge_and_unload()\n" if config.method == "lora" else ""
    return f'''import numpy as np
from datasets import load_dataset
from sklearn.metrics import accuracy_score, f1_score
from transformers import (AutoModelForSequenceClassification, AutoTokenizer,
                          Trainer, TrainingArguments)

data = load_dataset("csv", data_files="reviews.csv", split="train")
data = data.class_encode_column("label")
splits = data.train_test_split(test_size=0.2, seed={config.seed}, stratify_by_column="label")
labels = splits["train"].features["label"].names

checkpoint = "{spec['hub_id']}"
tokenizer = AutoTokenizer.from_pretrained(checkpoint)
model = AutoModelForSequenceClassification.from_pretrained(
    checkpoint, num_labels=len(labels),
    id2label=dict(enumerate(labels)), label2id={{l: i for i, l in enumerate(labels)}})
{pooler}{prepare_model}
encoded = splits.map(lambda b: tokenizer(b["text"], truncation=True, max_length={config.max_length}),
                     batched=True)

def compute_metrics(prediction):
    predicted = np.argmax(prediction.predictions, axis=-1)
    return {{"accuracy": accuracy_score(prediction.label_ids, predicted),
            "f1_macro": f1_score(prediction.label_ids, predicted, average="macro")}}

args = TrainingArguments(
{lines},
)
trainer = Trainer(model=model, args=args, train_dataset=encoded["train"],
                  eval_dataset=encoded["test"], processing_class=tokenizer,
                  compute_metrics=compute_metrics)
trainer.train()
print(trainer.evaluate())
{save}model.save_pretrained("my-classifier")
tokenizer.save_pretrained("my-classifier")
'''


def config_dict(config: TrainConfig) -> dict:
    """The config as plain values (for a results table or JSON)."""
    return asdict(config)
