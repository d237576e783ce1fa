"""Character error rate, as the Hub's `cer` module: jiwer with the Hub's transform, a bare float.

A local copy so that `evaluate.load("lib/metrics/cer")` works offline. For Vietnamese, a missing
tone mark is one character error (a whole word error in WER).
"""
import datasets
import jiwer

import evaluate

_DESCRIPTION = """
Character error rate (CER) is WER computed on characters: (S + D + I) / N with N reference characters
(spaces included, runs of spaces collapsed). 0 is perfect, lower is better; it can exceed 1.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): transcriptions to score.
    references (`list` of `str`): reference transcriptions.
    concatenate_texts (`bool`): align all texts joined into one string instead of pair by pair. Defaults to False.
Returns:
    (`float`): the character error rate.
Examples:
    >>> cer = evaluate.load("lib/metrics/cer")
    >>> cer.compute(predictions=["this is the prediction", "there is an other sample"],
    ...             references=["this is the reference", "there is another one"])
    0.34146341463414637
"""

_CITATION = """
@inproceedings{morris2004,
    author = {Morris, Andrew and Maier, Viktoria and Green, Phil},
    year = {2004},
    title = {From WER and RIL to MER and WIL: improved evaluation measures for connected speech recognition.}
}
"""

# the Hub's cer_transform: collapse spaces, strip, then characters (joined with "" when concatenating)
_PAIRWISE = jiwer.Compose([jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.ReduceToListOfListOfChars()])
_JOINED = jiwer.Compose([jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.ReduceToSingleSentence(""),
                         jiwer.ReduceToListOfListOfChars()])


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class CER(evaluate.Metric):
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

    def _compute(self, predictions, references, concatenate_texts=False):
        transform = _JOINED if concatenate_texts else _PAIRWISE
        output = jiwer.process_characters(list(references), list(predictions), reference_transform=transform,
                                          hypothesis_transform=transform)
        return float(output.cer)
