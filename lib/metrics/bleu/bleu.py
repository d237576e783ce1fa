"""BLEU with the Hub `bleu` module's inputs and output keys, computed by sacrebleu.

The Hub's `bleu` fetches tensorflow/nmt's script from GitHub at run time; sacrebleu needs nothing,
so this module works offline. Output: bleu and precisions as fractions (0-1), as the Hub's.
"""
import math

import datasets
from sacrebleu.metrics import BLEU

import evaluate

_DESCRIPTION = """
BLEU (Bilingual Evaluation Understudy) scores a machine translation by its n-gram overlap with one or
more reference translations: the geometric mean of the 1- to 4-gram precisions, times a brevity penalty
for translations shorter than the references. Computed with sacrebleu (13a tokenisation, as the Hub's).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): translations to score.
    references (`list` of `str`, or `list` of `list` of `str`): one or more references per translation.
    tokenizer (callable): str -> list of tokens. Defaults to sacrebleu's 13a tokenizer (mteval-v13a, as WMT).
    max_order (`int`): the longest n-gram. Defaults to 4.
    smooth (`bool`): Lin and Och (2004) add-one smoothing of every n-gram precision. Defaults to False.
Returns:
    bleu (`float`, 0-1, higher is better), precisions (`list` of `float`, one per n-gram order),
    brevity_penalty, length_ratio, translation_length, reference_length.
Examples:
    >>> bleu = evaluate.load("lib/metrics/bleu")
    >>> bleu.compute(predictions=["hello there general kenobi", "foo bar foobar"],
    ...              references=[["hello there general kenobi", "hello there!"], ["foo bar foobar"]])["bleu"]
    1.0
"""

_CITATION = """
@inproceedings{papineni-etal-2002-bleu,
    title = "{B}leu: a Method for Automatic Evaluation of Machine Translation",
    author = "Papineni, Kishore and Roukos, Salim and Ward, Todd and Zhu, Wei-Jing",
    booktitle = "Proceedings of the 40th Annual Meeting of the ACL",
    year = "2002",
    pages = "311--318",
}
@inproceedings{post-2018-call,
    title = "A Call for Clarity in Reporting {BLEU} Scores",
    author = "Post, Matt",
    booktitle = "Proceedings of the Third Conference on Machine Translation",
    year = "2018",
    pages = "186--191",
}
"""


def transpose_references(references):
    """Hub layout (references per prediction) -> sacrebleu's streams, None-padded for uneven counts."""
    if isinstance(references[0], str):
        references = [[ref] for ref in references]
    slots = max(len(refs) for refs in references)
    return [[refs[i] if i < len(refs) else None for refs in references] for i in range(slots)]


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Bleu(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
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
            codebase_urls=["https://github.com/mjpost/sacrebleu"],
            reference_urls=["https://en.wikipedia.org/wiki/BLEU"],
        )

    def _compute(self, predictions, references, tokenizer=None, max_order=4, smooth=False):
        streams = transpose_references(references)
        tokenize = "13a"
        if tokenizer is not None:  # the learner's own tokenizer: pre-split, then let sacrebleu split on spaces
            predictions = [" ".join(tokenizer(p)) for p in predictions]
            streams = [[None if r is None else " ".join(tokenizer(r)) for r in stream] for stream in streams]
            tokenize = "none"
        scorer = BLEU(tokenize=tokenize, smooth_method="none", max_ngram_order=max_order)
        stats = scorer.corpus_score(predictions, streams)
        if smooth:  # Lin & Och: +1 on every order (sacrebleu's add-k skips unigrams)
            precisions = [(c + 1.0) / (t + 1.0) for c, t in zip(stats.counts, stats.totals)]
        else:
            precisions = [c / t if t > 0 else 0.0 for c, t in zip(stats.counts, stats.totals)]
        geo_mean = math.exp(sum(math.log(p) for p in precisions) / max_order) if min(precisions) > 0 else 0.0
        return {
            "bleu": geo_mean * stats.bp,
            "precisions": precisions,
            "brevity_penalty": stats.bp,
            "length_ratio": stats.sys_len / stats.ref_len if stats.ref_len else 0.0,
            "translation_length": stats.sys_len,
            "reference_length": stats.ref_len,
        }
