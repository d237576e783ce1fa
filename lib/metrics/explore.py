"""The metric explorer's sums, done by the project's evaluate modules (pure: no Streamlit).

Each function takes what a learner typed (labels, sentences) and returns the modules' own
outputs, shaped for one chart, so the page only draws.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.metrics import compute
from lib.text_input import InputProblem

MAX_ROWS = 500


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def paired_lines(predictions: str, references: str) -> tuple[list[str], list[str]]:
    """One prediction per line against one reference per line; the counts must match."""
    preds, refs = _lines(predictions), _lines(references)
    if not preds or not refs:
        raise InputProblem("metric_empty")
    if len(preds) != len(refs):
        raise InputProblem("metric_line_counts", predictions=len(preds), references=len(refs))
    if len(preds) > MAX_ROWS:
        raise InputProblem("metric_too_many", limit=MAX_ROWS)
    return preds, refs


@dataclass(frozen=True)
class Classification:
    labels: list[str]
    scores: dict[str, float]  # accuracy, macro precision / recall / f1, matthews_correlation
    per_class: dict[str, list[float]]  # precision / recall / f1, one value per label
    confusion: list[list[int]]  # rows: reference label, columns: predicted label


def classification(references: list[str], predictions: list[str]) -> Classification:
    """Every classification metric of the lab on the same labels (strings mapped to ids in order of appearance)."""
    pairs = [(str(r).strip(), str(p).strip()) for r, p in zip(references, predictions, strict=True)
             if str(r).strip() and str(p).strip()]
    if not pairs:
        raise InputProblem("metric_empty")
    if len(pairs) > MAX_ROWS:
        raise InputProblem("metric_too_many", limit=MAX_ROWS)
    labels = list(dict.fromkeys(label for pair in pairs for label in pair))
    ids = {label: i for i, label in enumerate(labels)}
    refs, preds = [ids[r] for r, _ in pairs], [ids[p] for _, p in pairs]
    every = list(range(len(labels)))
    scores = {"accuracy": compute("accuracy", predictions=preds, references=refs)["accuracy"],
              "matthews_correlation": compute("matthews_correlation", predictions=preds,
                                              references=refs)["matthews_correlation"]}
    per_class = {}
    for name in ("precision", "recall", "f1"):
        scores[name] = compute(name, predictions=preds, references=refs, average="macro", labels=every,
                               zero_division=0)[name]
        per_class[name] = list(compute(name, predictions=preds, references=refs, average=None, labels=every,
                                       zero_division=0)[name])
    confusion = compute("confusion_matrix", predictions=preds, references=refs, labels=every)["confusion_matrix"]
    return Classification(labels, scores, per_class, confusion)


def translation(predictions: list[str], references: list[str]) -> dict:
    """BLEU with its n-gram precisions and brevity penalty, chrF and ROUGE, on the same sentences."""
    bleu = compute("bleu", predictions=predictions, references=[[r] for r in references])
    chrf = compute("chrf", predictions=predictions, references=[[r] for r in references])
    rouge = compute("rouge", predictions=predictions, references=references)
    return {"bleu": bleu, "chrf": chrf["score"], "rouge": rouge}


def speech(reference: str, prediction: str) -> dict:
    """WER and CER of one sentence and the word alignment behind WER."""
    from lib.metrics.alignment import alignment

    if not reference.strip() or not prediction.strip():
        raise InputProblem("metric_empty")
    return {"wer": compute("wer", predictions=[prediction], references=[reference])["wer"],
            "cer": compute("cer", predictions=[prediction], references=[reference])["cer"],
            "alignment": alignment(reference, prediction)}


def system_profiles(systems: dict[str, list[str]], references: list[str]) -> dict[str, dict[str, float]]:
    """Several systems' outputs for the same references, each scored 0..1 on four metrics (for a radar)."""
    profiles = {}
    for name, outputs in systems.items():
        if len(outputs) != len(references):
            raise InputProblem("metric_line_counts", predictions=len(outputs), references=len(references))
        scores = translation(outputs, references)
        wer = compute("wer", predictions=outputs, references=references)["wer"]
        profiles[name] = {"BLEU": scores["bleu"]["bleu"], "chrF": scores["chrf"] / 100,
                          "ROUGE-L": scores["rouge"]["rougeL"], "1 − WER": max(0.0, 1 - wer)}
    return profiles


def evaluate_classifier(rows: int = 96) -> dict:
    """evaluate's own Evaluator on the pack's sentiment pipeline and the held-out reviews.

    The Evaluator runs the pipeline over a `datasets.Dataset`, maps its labels to ids and calls the
    metric module: the loop a learner would otherwise write by hand.
    """
    from datasets import ClassLabel, Dataset
    from evaluate import evaluator

    from lib.inference.text_tasks import _sentiment_pipeline
    from lib.metrics import load
    from lib.models.train_builders import SENTIMENT_LABELS, sentiment_split

    _tensorflow_free_transformers()
    _, test = sentiment_split()
    test = test.head(rows)
    data = Dataset.from_dict({"text": list(test["text"]), "label": list(test["label"])})
    data = data.cast_column("label", ClassLabel(names=list(SENTIMENT_LABELS)))
    from transformers import pipeline

    shared = _sentiment_pipeline()  # the app's pipeline answers every label (top_k=None); the
    # Evaluator wants the best label only: a second pipeline over the same model and tokenizer
    classifier = pipeline("text-classification", model=shared.model, tokenizer=shared.tokenizer, device="cpu")
    task = evaluator("text-classification")
    result = task.compute(model_or_pipeline=classifier, data=data, metric=load("accuracy"),
                          input_column="text", label_column="label",
                          label_mapping={label: i for i, label in enumerate(SENTIMENT_LABELS)})
    return {"accuracy": result["accuracy"], "rows": len(test), "seconds": result["total_time_in_seconds"],
            "samples_per_second": result["samples_per_second"]}


def _tensorflow_free_transformers() -> None:
    """evaluate 0.4.6's Evaluator asks `isinstance(model, transformers.TFPreTrainedModel)`, a class
    transformers 5 removed with TensorFlow: name an empty stand-in so that check is simply False."""
    import importlib

    base = importlib.import_module("evaluate.evaluator.base")
    if not hasattr(base.transformers, "TFPreTrainedModel"):
        base.transformers.TFPreTrainedModel = type("TFPreTrainedModel", (), {})


EVALUATOR_CODE = '''from datasets import ClassLabel, load_dataset
from evaluate import evaluator, load
from transformers import pipeline

data = load_dataset("csv", data_files="data/sentiment/reviews.csv", split="train")
data = data.cast_column("label", ClassLabel(names=["negative", "positive"]))
classifier = pipeline("text-classification", model=".cache/pack/sentiment-e5-vi-en")
result = evaluator("text-classification").compute(
    model_or_pipeline=classifier, data=data, metric=load("lib/metrics/accuracy"),
    input_column="text", label_column="label", label_mapping={"negative": 0, "positive": 1})
print(result["accuracy"], result["samples_per_second"])
'''
