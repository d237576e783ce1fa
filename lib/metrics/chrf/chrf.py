"""chrF / chrF++, as the Hub's `chrf` module: sacrebleu's CHRF, same inputs and output keys.

A local copy so that `evaluate.load("lib/metrics/chrf")` works offline. Character n-grams suit
Vietnamese well: a wrong tone mark costs one character, not a whole word.
"""
import datasets
from sacrebleu import CHRF

import evaluate

_DESCRIPTION = """
chrF is the F-score of character n-gram matches (up to 6 characters) between a hypothesis and its
references, with recall weighted beta times as much as precision; chrF++ (word_order=2) adds word
unigrams and bigrams. Scores are 0-100, higher is better.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): hypotheses.
    references (`list` of `list` of `str`): references for each prediction; the same number for each.
    char_order (`int`): character n-gram order. Defaults to 6.
    word_order (`int`): word n-gram order; 2 gives chrF++. Defaults to 0.
    beta (`int`): weight of recall relative to precision. Defaults to 2.
    lowercase (`bool`): case-insensitive. Defaults to False.
    whitespace (`bool`): include whitespace in character n-grams. Defaults to False.
    eps_smoothing (`bool`): epsilon smoothing as chrF++.py, NLTK and Moses. Defaults to False.
Returns:
    score (`float`, 0-100), char_order, word_order, beta.
Examples:
    >>> chrf = evaluate.load("lib/metrics/chrf")
    >>> chrf.compute(predictions=["The relationship between cats and dogs is not exactly friendly.",
    ...                           "a good bookshop is just a genteel black hole that knows how to read."],
    ...              references=[["The relationship between dogs and cats is not exactly friendly."],
    ...                          ["A good bookshop is just a genteel Black Hole that knows how to read."]])
    {'score': 84.64214891738334, 'char_order': 6, 'word_order': 0, 'beta': 2}
"""

_CITATION = """
@inproceedings{popovic-2015-chrf,
    title = "chr{F}: character n-gram {F}-score for automatic {MT} evaluation",
    author = "Popovi{\\'c}, Maja",
    booktitle = "Proceedings of the Tenth Workshop on Statistical Machine Translation",
    year = "2015",
    pages = "392--395",
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class ChrF(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            homepage="https://github.com/mjpost/sacrebleu#chrf--chrf",
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features({
                    "predictions": datasets.Value("string", id="sequence"),
                    "references": datasets.Sequence(datasets.Value("string", id="sequence"), id="references"),
                }),
                datasets.Features({
                    "predictions": datasets.Value("string", id="sequence"),
                    "references": datasets.Value("string", id="sequence"),
                }),
            ],
            codebase_urls=["https://github.com/mjpost/sacrebleu#chrf--chrf"],
            reference_urls=["https://github.com/m-popovic/chrF"],
        )

    def _compute(self, predictions, references, char_order=CHRF.CHAR_ORDER, word_order=CHRF.WORD_ORDER,
                 beta=CHRF.BETA, lowercase=False, whitespace=False, eps_smoothing=False):
        if isinstance(references[0], str):
            references = [[ref] for ref in references]
        slots = len(references[0])
        if any(len(refs) != slots for refs in references):
            raise ValueError("ChrF, as implemented by sacrebleu, requires the same number of references "
                             "for each prediction")
        streams = [[refs[i] for refs in references] for i in range(slots)]
        output = CHRF(char_order, word_order, beta, lowercase, whitespace, eps_smoothing).corpus_score(
            predictions, streams)
        return {"score": output.score, "char_order": output.char_order, "word_order": output.word_order,
                "beta": output.beta}
