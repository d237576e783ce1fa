"""Accuracy, as the Hub's `accuracy` module: scikit-learn's accuracy_score.

A local copy so that `evaluate.load("lib/metrics/accuracy")` works offline (the evaluate wheel
ships no metric scripts and `evaluate.load("accuracy")` needs the Hub).
"""
import datasets
from sklearn.metrics import accuracy_score

import evaluate

_DESCRIPTION = """
Accuracy is the proportion of correct predictions among all cases processed:
Accuracy = (TP + TN) / (TP + TN + FP + FN). Same name, inputs and output as the Hub's `accuracy`.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted labels.
    references (`list` of `int`): ground-truth labels.
    normalize (`bool`): if False, the number of correct samples instead of the fraction. Defaults to True.
    sample_weight (`list` of `float`): sample weights. Defaults to None.
Returns:
    accuracy (`float`): between 0 and 1 (or 0 and the number of samples if normalize=False); higher is better.
Examples:
    >>> accuracy = evaluate.load("lib/metrics/accuracy")
    >>> accuracy.compute(references=[0, 1, 2, 0, 1, 2], predictions=[0, 1, 1, 2, 1, 0])
    {'accuracy': 0.5}
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
class Accuracy(evaluate.Metric):
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
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.accuracy_score.html"],
        )

    def _compute(self, predictions, references, normalize=True, sample_weight=None):
        return {"accuracy": float(accuracy_score(references, predictions, normalize=normalize,
                                                 sample_weight=sample_weight))}
