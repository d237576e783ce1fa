"""Exact match, as the Hub's `exact_match` (same options, same order of normalisation steps).

A local copy so that `evaluate.load("lib/metrics/exact_match")` works offline.
"""
import re
import string

import datasets
import numpy as np

import evaluate

_DESCRIPTION = """
The rate at which predicted strings exactly match their references, after optional normalisation
(regexes removed first, then case, punctuation and digits). Same options as the Hub's `exact_match`.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): predicted texts.
    references (`list` of `str`): reference texts.
    regexes_to_ignore (`list` of `str`): regular expressions removed from both sides before the options below.
    ignore_case (`bool`): lowercase both sides. Defaults to False.
    ignore_punctuation (`bool`): remove ASCII punctuation (string.punctuation). Defaults to False.
    ignore_numbers (`bool`): remove digits. Defaults to False.
        If normalisation empties both strings, they match only when the originals were identical.
Returns:
    exact_match (`float`): between 0 and 1; higher is better.
Examples:
    >>> em = evaluate.load("lib/metrics/exact_match")
    >>> em.compute(references=["the cat", "theater", "YELLING", "agent007"],
    ...            predictions=["cat?", "theater", "yelling", "agent"])
    {'exact_match': 0.25}
"""

_CITATION = ""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ExactMatch(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Value("string", id="sequence"),
                "references": datasets.Value("string", id="sequence"),
            }),
            reference_urls=[],
        )

    def _compute(self, predictions, references, regexes_to_ignore=None, ignore_case=False,
                 ignore_punctuation=False, ignore_numbers=False):
        original_predictions = np.asarray(predictions, dtype=str)
        original_references = np.asarray(references, dtype=str)
        predictions, references = original_predictions.copy(), original_references.copy()
        for pattern in regexes_to_ignore or []:
            predictions = np.array([re.sub(pattern, "", x) for x in predictions], dtype=str)
            references = np.array([re.sub(pattern, "", x) for x in references], dtype=str)
        if ignore_case:
            predictions, references = np.char.lower(predictions), np.char.lower(references)
        if ignore_punctuation:
            table = str.maketrans("", "", string.punctuation)
            predictions, references = np.char.translate(predictions, table), np.char.translate(references, table)
        if ignore_numbers:
            table = str.maketrans("", "", string.digits)
            predictions, references = np.char.translate(predictions, table), np.char.translate(references, table)
        matches = (predictions == references) & ((predictions != "") | (original_predictions == original_references))
        return {"exact_match": float(np.mean(matches))}
