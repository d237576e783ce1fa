"""Word alignment behind WER, for the UI: which words were kept, substituted, inserted or deleted.

jiwer computes the alignment anyway; exposing it lets a page colour each word instead of showing
one bare number.
"""
from __future__ import annotations

OPS = ("equal", "substitute", "insert", "delete")


def alignment(reference: str, prediction: str) -> list[tuple[str, str | None, str | None]]:
    """(op, ref_word, hyp_word) in reading order, from jiwer.process_words with WER's own transform.

    op is "equal", "substitute", "insert" (ref_word None) or "delete" (hyp_word None); the number of
    non-"equal" rows divided by the number of reference words is the sentence's WER.
    """
    import jiwer

    output = jiwer.process_words(reference, prediction)
    ref_words, hyp_words = output.references[0], output.hypotheses[0]
    rows: list[tuple[str, str | None, str | None]] = []
    for chunk in output.alignments[0]:
        refs = ref_words[chunk.ref_start_idx:chunk.ref_end_idx]
        hyps = hyp_words[chunk.hyp_start_idx:chunk.hyp_end_idx]
        if chunk.type in ("equal", "substitute"):  # spans of the same length, word for word
            rows += [(chunk.type, r, h) for r, h in zip(refs, hyps)]
        elif chunk.type == "insert":
            rows += [("insert", None, h) for h in hyps]
        else:
            rows += [("delete", r, None) for r in refs]
    return rows
