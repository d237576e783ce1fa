"""SacreBLEU, as the Hub's `sacrebleu` module: sacrebleu.corpus_bleu, same inputs and output keys.

A local copy so that `evaluate.load("lib/metrics/sacrebleu")` works offline.
"""
import datasets
import sacrebleu as scb

import evaluate

_DESCRIPTION = """
SacreBLEU computes shareable, reproducible BLEU scores (0-100) on detokenised text, with its own
standard tokenisation, so that two papers report comparable numbers.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): translations to score (plain, detokenised text).
    references (`list` of `list` of `str`): references for each prediction; the same number for each.
    smooth_method (`str`): 'none', 'floor', 'add-k' or 'exp' (default).
    smooth_value (`float`): for 'floor' (default 0.1) and 'add-k' (default 1).
    tokenize (`str`): '13a' (default), 'intl', 'char', 'zh', 'none', ...
    lowercase (`bool`): case-insensitive. Defaults to False.
    force (`bool`): accept already tokenised input. Defaults to False.
    use_effective_order (`bool`): ignore n-gram orders with no candidates; use it for sentence-level BLEU.
Returns:
    score (0-100, higher is better), counts, totals, precisions (percentages), bp, sys_len, ref_len.
Examples:
    >>> sacrebleu = evaluate.load("lib/metrics/sacrebleu")
    >>> round(sacrebleu.compute(predictions=["hello there general kenobi", "on our way to ankh morpork"],
    ...     references=[["hello there general kenobi", "hello there !"], ["goodbye ankh morpork", "ankh morpork"]])["score"], 1)
    39.8
"""

_CITATION = """
@inproceedings{post-2018-call,
    title = "A Call for Clarity in Reporting {BLEU} Scores",
    author = "Post, Matt",
    booktitle = "Proceedings of the Third Conference on Machine Translation",
    year = "2018",
    pages = "186--191",
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Sacrebleu(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            homepage="https://github.com/mjpost/sacrebleu",
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
            reference_urls=["https://github.com/mjpost/sacrebleu"],
        )

    def _compute(self, predictions, references, smooth_method="exp", smooth_value=None, force=False,
                 lowercase=False, tokenize=None, use_effective_order=False):
        if isinstance(references[0], str):
            references = [[ref] for ref in references]
        slots = len(references[0])
        if any(len(refs) != slots for refs in references):
            raise ValueError("Sacrebleu requires the same number of references for each prediction")
        streams = [[refs[i] for refs in references] for i in range(slots)]
        output = scb.corpus_bleu(predictions, streams, smooth_method=smooth_method, smooth_value=smooth_value,
                                 force=force, lowercase=lowercase, use_effective_order=use_effective_order,
                                 **({"tokenize": tokenize} if tokenize else {}))
        return {"score": output.score, "counts": output.counts, "totals": output.totals,
                "precisions": output.precisions, "bp": output.bp, "sys_len": output.sys_len,
                "ref_len": output.ref_len}
