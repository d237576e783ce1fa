"""SQuAD v1.1 exact match and F1, as the Hub's `squad` module and the official evaluation script.

A local copy so that `evaluate.load("lib/metrics/squad")` works offline. The normalisation is the
official one, step by step: lowercase, drop ASCII punctuation, drop the English articles a/an/the,
collapse whitespace. It was written for English: Vietnamese answers keep their words (lowercase is
Unicode-aware), but typographic quotes or "…" are not removed, and no Vietnamese article is dropped.
"""
import re
import string
import sys
from collections import Counter

import datasets

import evaluate

_DESCRIPTION = """
The official scorer of the Stanford Question Answering Dataset v1.1: exact match (EM) and token F1
between the predicted answer span and the best-matching gold answer, after normalisation. 0-100.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: list of {"id": str, "prediction_text": str}.
    references: list of {"id": str, "answers": {"text": [str, ...], "answer_start": [int, ...]}};
        answer_start is not used by the score.
Returns:
    exact_match (`float`, 0-100), f1 (`float`, 0-100): higher is better; a question with no prediction scores 0.
Examples:
    >>> squad = evaluate.load("lib/metrics/squad")
    >>> squad.compute(predictions=[{"prediction_text": "1976", "id": "56e10a3be3433e1400422b22"}],
    ...               references=[{"answers": {"answer_start": [97], "text": ["1976"]}, "id": "56e10a3be3433e1400422b22"}])
    {'exact_match': 100.0, 'f1': 100.0}
"""

_CITATION = """
@inproceedings{Rajpurkar2016SQuAD10,
  title={SQuAD: 100,000+ Questions for Machine Comprehension of Text},
  author={Pranav Rajpurkar and Jian Zhang and Konstantin Lopyrev and Percy Liang},
  booktitle={EMNLP},
  year={2016}
}
"""

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(s):
    """Official v1.1: lower, remove punctuation, remove articles, fix whitespace (in that order)."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in _PUNCTUATION)
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def f1_score(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    return max(metric_fn(prediction, ground_truth) for ground_truth in ground_truths)


def compute_score(references, predictions):
    """The official compute_score over a flat list of questions; `predictions` maps id -> text."""
    f1 = exact_match = total = 0
    for qa in references:
        total += 1
        if qa["id"] not in predictions:
            print(f"Unanswered question {qa['id']} will receive score 0.", file=sys.stderr)
            continue
        ground_truths = qa["answers"]["text"]
        prediction = predictions[qa["id"]]
        exact_match += metric_max_over_ground_truths(exact_match_score, prediction, ground_truths)
        f1 += metric_max_over_ground_truths(f1_score, prediction, ground_truths)
    return {"exact_match": 100.0 * exact_match / total, "f1": 100.0 * f1 / total}


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Squad(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": {"id": datasets.Value("string"), "prediction_text": datasets.Value("string")},
                "references": {
                    "id": datasets.Value("string"),
                    "answers": datasets.features.Sequence({
                        "text": datasets.Value("string"),
                        "answer_start": datasets.Value("int32"),
                    }),
                },
            }),
            codebase_urls=["https://rajpurkar.github.io/SQuAD-explorer/"],
            reference_urls=["https://rajpurkar.github.io/SQuAD-explorer/"],
        )

    def _compute(self, predictions, references):
        by_id = {p["id"]: p["prediction_text"] for p in predictions}
        return compute_score(references, by_id)
