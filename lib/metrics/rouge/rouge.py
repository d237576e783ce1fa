"""ROUGE, as the Hub's `rouge` module (Google's rouge-score), with a tokenizer that keeps Vietnamese.

rouge-score's default tokenizer lowercases, then replaces every character outside [a-z0-9] with a
space: "Việt Nam" becomes "vi t nam" and most Vietnamese syllables fall apart. Here the default
tokenizer lowercases and splits on \\W+ in Unicode mode (after NFC), so "việt" stays one token.
"""
import re
import unicodedata

import datasets
from rouge_score import rouge_scorer, scoring

import evaluate

_DESCRIPTION = """
ROUGE (Recall-Oriented Understudy for Gisting Evaluation) compares a generated summary with reference
summaries: rouge1 and rouge2 by unigram and bigram overlap, rougeL by the longest common subsequence,
rougeLsum by the LCS computed per line ("\\n"-separated sentences). Each is an F-measure in 0-1.
Unlike the Hub's, the default tokenizer here keeps non-ASCII letters (Vietnamese, French, ...).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): texts to score.
    references (`list` of `str`, or `list` of `list` of `str`): one or more references per prediction.
    rouge_types (`list` of `str`): among "rouge1".."rouge9", "rougeL", "rougeLsum". Defaults to all four.
    use_aggregator (`bool`): return the bootstrap-aggregated (mid) F-measure instead of one per prediction.
    use_stemmer (`bool`): Porter-stem English words longer than 3 letters (as rouge-score). Defaults to False.
    tokenizer (callable): str -> list of tokens, replacing the Unicode tokenizer.
Returns:
    rouge1, rouge2, rougeL, rougeLsum (`float`, or `list` of `float` without the aggregator): 0-1, higher is better.
Examples:
    >>> rouge = evaluate.load("lib/metrics/rouge")
    >>> rouge.compute(predictions=["hello there", "general kenobi"], references=["hello there", "general kenobi"])
    {'rouge1': 1.0, 'rouge2': 1.0, 'rougeL': 1.0, 'rougeLsum': 1.0}
"""

_CITATION = """
@inproceedings{lin-2004-rouge,
    title = "{ROUGE}: A Package for Automatic Evaluation of Summaries",
    author = "Lin, Chin-Yew",
    booktitle = "Text Summarization Branches Out",
    year = "2004",
    pages = "74--81",
}
"""

_NON_WORD = re.compile(r"\W+")  # str pattern: Unicode-aware, so Vietnamese letters count as word characters


class UnicodeTokenizer:
    """rouge-score's tokenizer interface (a `tokenize` method) for any script: NFC, lowercase, split on \\W+."""

    def __init__(self, use_stemmer=False):
        self.stemmer = None
        if use_stemmer:
            from nltk.stem import porter

            self.stemmer = porter.PorterStemmer("ORIGINAL_ALGORITHM")  # as rouge_score.tokenize

    def tokenize(self, text):
        tokens = [t for t in _NON_WORD.split(unicodedata.normalize("NFC", text).lower()) if t]
        if self.stemmer is not None:
            tokens = [self.stemmer.stem(t) if len(t) > 3 else t for t in tokens]
        return tokens


class CallableTokenizer:
    """Wraps a plain function (the Hub's `tokenizer` argument) into rouge-score's interface."""

    def __init__(self, function):
        self.function = function

    def tokenize(self, text):
        return self.function(text)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Rouge(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features({
                    "predictions": datasets.Value("string", id="sequence"),
                    "references": datasets.Sequence(datasets.Value("string", id="sequence")),
                }),
                datasets.Features({
                    "predictions": datasets.Value("string", id="sequence"),
                    "references": datasets.Value("string", id="sequence"),
                }),
            ],
            codebase_urls=["https://github.com/google-research/google-research/tree/master/rouge"],
            reference_urls=["https://en.wikipedia.org/wiki/ROUGE_(metric)"],
        )

    def _compute(self, predictions, references, rouge_types=None, use_aggregator=True, use_stemmer=False,
                 tokenizer=None):
        rouge_types = rouge_types or ["rouge1", "rouge2", "rougeL", "rougeLsum"]
        multi_ref = isinstance(references[0], list)
        splitter = CallableTokenizer(tokenizer) if tokenizer is not None else UnicodeTokenizer(use_stemmer)
        scorer = rouge_scorer.RougeScorer(rouge_types=rouge_types, tokenizer=splitter)
        scores = [scorer.score_multi(ref, pred) if multi_ref else scorer.score(ref, pred)
                  for ref, pred in zip(references, predictions)]
        if not use_aggregator:
            return {key: [s[key].fmeasure for s in scores] for key in rouge_types}
        aggregator = scoring.BootstrapAggregator()
        for score in scores:
            aggregator.add_scores(score)
        return {key: float(value.mid.fmeasure) for key, value in aggregator.aggregate().items()}
