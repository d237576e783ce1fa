"""LoRA with peft: wrap a classifier, count its trainable parameters by hand, compare with full.

The count is done by the formula a learner can check on paper (r x (in + out) per targeted
Linear, plus the head that stays fully trainable) and the tests hold it to peft's own count.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

# The classification head (and BERT's pooler, which e5 ships untrained) stays fully trainable.
MODULES_TO_SAVE = ["classifier", "pooler"]


def lora_config(config):
    """peft's LoraConfig for a sequence-classification model (TrainConfig fields)."""
    from peft import LoraConfig, TaskType

    return LoraConfig(task_type=TaskType.SEQ_CLS, r=config.lora_r, lora_alpha=config.lora_alpha,
                      lora_dropout=config.lora_dropout, target_modules=list(config.target_modules),
                      modules_to_save=list(MODULES_TO_SAVE))


def apply_lora(model, config):
    """The model wrapped by peft: base weights frozen, adapters and head trainable."""
    from peft import get_peft_model

    return get_peft_model(model, lora_config(config))


def _skeleton(config_dict: dict, num_labels: int):
    """A weightless (meta device) classifier built from a config, to read Linear shapes."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    values = {k: v for k, v in config_dict.items() if k not in ("architectures", "_name_or_path")}
    config = AutoConfig.for_model(values.pop("model_type"), **values)
    config.num_labels = num_labels
    with torch.device("meta"):
        return AutoModelForSequenceClassification.from_config(config)


def _targeted(name: str, targets: list[str]) -> bool:
    """peft's rule for a list of names: the module name equals a target or ends with ".target"."""
    return any(name == t or name.endswith("." + t) for t in targets)


def lora_parameter_count(model_or_config: Any, r: int = 8, target_modules: list[str] | None = None,
                         num_labels: int = 2, modules_to_save: list[str] | None = None) -> dict:
    """LoRA's trainable parameters by formula: dict(trainable, total, per_module, head, base).

    `model_or_config`: a transformers model or its config as a dict (e.g. config.json).
    per_module: {module name: r * (in_features + out_features)} for each targeted Linear.
    total follows peft's convention: the base model + adapters + the trainable copy of the head
    (peft keeps the original head beside it).
    """
    import torch

    targets = list(target_modules or ["query", "value"])
    saved = list(MODULES_TO_SAVE if modules_to_save is None else modules_to_save)
    model = _skeleton(model_or_config, num_labels) if isinstance(model_or_config, dict) else model_or_config
    per_module: dict[str, int] = {}
    head = 0
    for name, module in model.named_modules():
        leaf = name.split(".")[-1]
        if leaf in saved:
            head += sum(p.numel() for p in module.parameters())
            continue
        if any(part in saved for part in name.split(".")):
            continue  # inside a head that is trained whole
        if isinstance(module, torch.nn.Linear) and _targeted(name, targets):
            per_module[name] = r * (module.in_features + module.out_features)
    base = sum(p.numel() for p in model.parameters())
    trainable = sum(per_module.values()) + head
    return {"trainable": trainable, "total": base + sum(per_module.values()) + head,
            "per_module": per_module, "head": head, "base": base}


def compare_full_and_lora(prepared, config, output_dir: Path | str, on_event=None,
                          stop: threading.Event | None = None) -> dict:
    """Both trainings on the same data and settings: {"full": {...}, "lora": {...}}.

    Each entry: seconds, rss_growth_mb, trainable, total, accuracy, f1_macro, baseline_accuracy.
    Runs one after the other (never in parallel: the timings would disturb each other).
    """
    from dataclasses import replace

    from lib.training.trainer import train

    results = {}
    for method in ("full", "lora"):
        result = train(prepared, replace(config, method=method),
                       on_event=(lambda e, m=method: on_event({**e, "method": m})) if on_event else None,
                       stop=stop, output_dir=Path(output_dir) / method)
        results[method] = {
            "seconds": result.train_seconds, "rss_growth_mb": result.rss_growth_mb,
            "trainable": result.trainable_params, "total": result.total_params,
            "accuracy": result.metrics.get("accuracy"), "f1_macro": result.metrics.get("f1_macro"),
            "baseline_accuracy": (result.baseline or {}).get("accuracy"), "stopped": result.stopped,
        }
    return results
