"""Precision, as the Hub's `precision` module: scikit-learn's precision_score.

A local copy so that `evaluate.load("lib/metrics/precision")` works offline.
"""
import datasets
from sklearn.metrics import precision_score

import evaluate

_DESCRIPTION = """
Precision is the fraction of predicted positives that are truly positive: TP / (TP + FP).
Same name, inputs and output as the Hub's `precision`.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted labels.
    references (`list` of `int`): ground-truth labels.
    labels (`list` of `int`): labels to include when average is not 'binary', and their order when average is None.
    pos_label (`int`): the positive class when average='binary'. Defaults to 1.
    average (`str` or None): 'binary' (default), 'micro', 'macro', 'weighted', 'samples' (multilabel),
        or None for one score per label.
    sample_weight (`list` of `float`): sample weights. Defaults to None.
    zero_division (`"warn"`, 0 or 1): the value when the score is undefined (e.g. no predicted positives).
Returns:
    precision (`float`, or `list` of `float` when average=None): between 0 and 1; higher is better.
Examples:
    >>> precision = evaluate.load("lib/metrics/precision")
    >>> precision.compute(references=[0, 1, 0, 1, 0], predictions=[0, 0, 1, 1, 0])
    {'precision': 0.5}
"""

_CITATION = """
@article{scikit-learn,
  title={Scikit-learn: Machine Learning in {P}ython},
  author={Pedregosa, F. and Varoquaux, G. and Gramfort, A. and others},
  journal={Journal of Machine Learning Research},
  volume={12},
  pages={2825--2830},
  year={2011}
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Precision(evaluate.Metric):
    def _info(self):
        label = datasets.Value("int32")
        multilabel = self.config_name == "multilabel"
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Sequence(label) if multilabel else label,
                "references": datasets.Sequence(label) if multilabel else label,
            }),
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.precision_score.html"],
        )

    def _compute(self, predictions, references, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
        score = precision_score(references, predictions, labels=labels, pos_label=pos_label, average=average,
                       sample_weight=sample_weight, zero_division=zero_division)
        # the Hub returns a numpy array for average=None; a list is JSON-friendly and shows in st.json
        if getattr(score, "ndim", 0) == 0:  # scikit-learn >= 1.8 returns a Python float here
            return {"precision": float(score)}
        return {"precision": [float(s) for s in score]}
