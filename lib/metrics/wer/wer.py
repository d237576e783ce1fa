"""Word error rate, as the Hub's `wer` module: jiwer, same inputs, and (like the Hub's) a bare float.

A local copy so that `evaluate.load("lib/metrics/wer")` works offline. The word alignment behind the
number is in lib/metrics/alignment.py for the UI.
"""
import datasets
import jiwer

import evaluate

_DESCRIPTION = """
Word error rate (WER) counts the word edits that turn the prediction into the reference, divided by
the number of reference words: WER = (S + D + I) / N, with S substitutions, D deletions, I insertions
and N = S + D + C reference words (C correct). 0 is perfect, lower is better; insertions can push it above 1.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): transcriptions to score.
    references (`list` of `str`): reference transcriptions.
    concatenate_texts (`bool`): kept for the Hub's signature; with jiwer >= 2.3 it gives the same number,
        because jiwer aligns each sentence pair and sums the edits. Defaults to False.
Returns:
    (`float`): the word error rate over all pairs (total edits / total reference words).
Examples:
    >>> wer = evaluate.load("lib/metrics/wer")
    >>> wer.compute(predictions=["this is the prediction", "there is an other sample"],
    ...             references=["this is the reference", "there is another one"])
    0.5
"""

_CITATION = """
@inproceedings{morris2004,
    author = {Morris, Andrew and Maier, Viktoria and Green, Phil},
    year = {2004},
    title = {From WER and RIL to MER and WIL: improved evaluation measures for connected speech recognition.}
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class WER(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Value("string", id="sequence"),
                "references": datasets.Value("string", id="sequence"),
            }),
            codebase_urls=["https://github.com/jitsi/jiwer/"],
            reference_urls=["https://en.wikipedia.org/wiki/Word_error_rate"],
        )

    def _compute(self, predictions=None, references=None, concatenate_texts=False):
        # the Hub sums S + D + I and S + D + C over pairs: exactly jiwer's corpus-level WER
        return float(jiwer.process_words(list(references), list(predictions)).wer)
