"""seqeval, as the Hub's `seqeval` module: entity-level scores for BIO-tagged sequences (NER, chunking).

A local copy so that `evaluate.load("lib/metrics/seqeval")` works offline.
"""
import importlib

import datasets
from seqeval.metrics import accuracy_score, classification_report

import evaluate

_DESCRIPTION = """
seqeval scores sequence labelling by whole entities, not tags: an entity counts as found only if its
type and its span (begin and end) both match. Formats: IOB1, IOB2, IOE1, IOE2, IOBES, BILOU.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `list` of `str`): predicted tags, one list per sentence.
    references (`list` of `list` of `str`): reference tags.
    suffix (`bool`): the IOB prefix comes after the type (PER-B). Defaults to False.
    scheme (`str`): "IOB1", "IOB2", "IOE1", "IOE2", "IOBES" or "BILOU". Defaults to None (lenient, conlleval).
    mode (`str`): "strict" counts only exact matches of the scheme. Defaults to None.
    sample_weight (`list` of `float`): per-sentence weights. Defaults to None.
    zero_division ("warn", 0 or 1): the value of an undefined score. Defaults to "warn".
Returns:
    one dict per entity type {precision, recall, f1, number}, and overall_precision, overall_recall,
    overall_f1 (micro average over entities) and overall_accuracy (per tag). All 0-1, higher is better.
Examples:
    >>> seqeval = evaluate.load("lib/metrics/seqeval")
    >>> results = seqeval.compute(predictions=[["O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]],
    ...                           references=[["O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"], ["B-PER", "I-PER", "O"]])
    >>> results["overall_f1"], results["PER"]["f1"]
    (0.5, 1.0)
"""

_CITATION = """
@misc{seqeval,
  title={{seqeval}: A Python framework for sequence labeling evaluation},
  url={https://github.com/chakki-works/seqeval},
  author={Hiroki Nakayama},
  year={2018},
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Seqeval(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            homepage="https://github.com/chakki-works/seqeval",
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
                "references": datasets.Sequence(datasets.Value("string", id="label"), id="sequence"),
            }),
            codebase_urls=["https://github.com/chakki-works/seqeval"],
            reference_urls=["https://github.com/chakki-works/seqeval"],
        )

    def _compute(self, predictions, references, suffix=False, scheme=None, mode=None, sample_weight=None,
                 zero_division="warn"):
        if scheme is not None:
            try:
                scheme = getattr(importlib.import_module("seqeval.scheme"), scheme)
            except AttributeError:
                raise ValueError(f"Scheme should be one of [IOB1, IOB2, IOE1, IOE2, IOBES, BILOU], got {scheme}")
        report = classification_report(y_true=references, y_pred=predictions, suffix=suffix, output_dict=True,
                                       scheme=scheme, mode=mode, sample_weight=sample_weight,
                                       zero_division=zero_division)
        report.pop("macro avg")
        report.pop("weighted avg")
        overall = report.pop("micro avg")
        scores = {
            entity: {"precision": float(s["precision"]), "recall": float(s["recall"]), "f1": float(s["f1-score"]),
                     "number": int(s["support"])}
            for entity, s in report.items()
        }
        scores["overall_precision"] = float(overall["precision"])
        scores["overall_recall"] = float(overall["recall"])
        scores["overall_f1"] = float(overall["f1-score"])
        scores["overall_accuracy"] = float(accuracy_score(y_true=references, y_pred=predictions))
        return scores
