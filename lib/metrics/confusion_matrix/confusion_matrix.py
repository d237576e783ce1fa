"""Confusion matrix, as the Hub's `confusion_matrix`: scikit-learn's confusion_matrix.

A local copy so that `evaluate.load("lib/metrics/confusion_matrix")` works offline. Unlike the Hub's
(a numpy array), the matrix comes back as a list of lists: JSON-friendly, ready for a Plotly heatmap.
"""
import datasets
from sklearn.metrics import confusion_matrix

import evaluate

_DESCRIPTION = """
The confusion matrix counts, for every true label (row i) and predicted label (column j), how many
samples with true label i were predicted as j. The diagonal holds the correct predictions.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted labels.
    references (`list` of `int`): ground-truth labels.
    labels (`list` of `int`): the labels (and their order) that index the matrix. Defaults to the sorted union.
    sample_weight (`list` of `float`): sample weights. Defaults to None.
    normalize (`str` or None): 'true' (rows sum to 1), 'pred' (columns sum to 1), 'all', or None (counts).
Returns:
    confusion_matrix (`list` of `list`): rows are true labels, columns predicted labels.
Examples:
    >>> cm = evaluate.load("lib/metrics/confusion_matrix")
    >>> cm.compute(references=[0, 1, 2, 0, 1, 2], predictions=[0, 1, 1, 2, 1, 0])
    {'confusion_matrix': [[1, 0, 1], [0, 2, 0], [1, 1, 0]]}
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
class ConfusionMatrix(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Value("int32"),
                "references": datasets.Value("int32"),
            }),
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.confusion_matrix.html"],
        )

    def _compute(self, predictions, references, labels=None, sample_weight=None, normalize=None):
        matrix = confusion_matrix(references, predictions, labels=labels, sample_weight=sample_weight,
                                  normalize=normalize)
        return {"confusion_matrix": matrix.tolist()}
