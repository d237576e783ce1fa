"""Matthews correlation coefficient, as the Hub's `matthews_correlation`: scikit-learn's matthews_corrcoef.

A local copy so that `evaluate.load("lib/metrics/matthews_correlation")` works offline.
"""
import datasets
from sklearn.metrics import matthews_corrcoef

import evaluate

_DESCRIPTION = """
The Matthews correlation coefficient (MCC) is a correlation between predicted and true labels that uses
all four cells of the confusion matrix, so it stays honest on imbalanced classes: +1 is perfect, 0 no
better than chance, -1 always wrong. Same name, inputs and output as the Hub's `matthews_correlation`.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `int`): predicted labels.
    references (`list` of `int`): ground-truth labels.
    sample_weight (`list` of `float`): sample weights. Defaults to None.
    average (`str` or None): multilabel config only: None gives one MCC per label, 'macro' their mean.
Returns:
    matthews_correlation (`float`): between -1 and +1; higher is better.
Examples:
    >>> mcc = evaluate.load("lib/metrics/matthews_correlation")
    >>> mcc.compute(references=[1, 3, 2, 0, 3, 2], predictions=[1, 2, 2, 0, 3, 3])
    {'matthews_correlation': 0.5384615384615384}
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
class MatthewsCorrelation(evaluate.Metric):
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
            reference_urls=["https://scikit-learn.org/stable/modules/generated/sklearn.metrics.matthews_corrcoef.html"],
        )

    def _compute(self, predictions, references, sample_weight=None, average=None):
        if self.config_name != "multilabel":
            return {"matthews_correlation": float(matthews_corrcoef(references, predictions,
                                                                    sample_weight=sample_weight))}
        import numpy as np

        predictions, references = np.asarray(predictions), np.asarray(references)
        per_label = [float(matthews_corrcoef(references[:, i], predictions[:, i], sample_weight=sample_weight))
                     for i in range(references.shape[1])]
        if average == "macro":
            return {"matthews_correlation": float(np.mean(per_label))}
        if average is None:
            return {"matthews_correlation": per_label}
        raise ValueError("average must be None or 'macro' for the multilabel config")
