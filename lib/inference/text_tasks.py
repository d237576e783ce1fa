"""Text tasks the offline pack can do honestly: sentiment, zero-shot by similarity, Vietnamese NER.

- Sentiment: the pack's `sentiment-e5-vi-en`, fine-tuned here from multilingual-e5-small on
  raw review text (no "query: " prefix: train_builders.build_sentiment feeds the texts as they
  are), run through a real transformers text-classification pipeline.
- Zero-shot: NOT an NLI model (none is available offline). The text and each label are
  embedded with multilingual-e5-small and ranked by cosine similarity, turned into scores that
  sum to 1 with a softmax at e5's training temperature. Good for topics, weak for negation.
- NER: underthesea's bundled CRF tagger; its B-/I- word tags are merged into entities with
  character spans in the learner's original text.
Heavy libraries are imported inside functions.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from lib.inference.embeddings import E5_CODE
from lib.models.loader import load_model, load_tokenizer, shared_cache
from lib.text_input import InputProblem

SENTIMENT = "sentiment-e5-vi-en"
E5 = "multilingual-e5-small"
MAX_LABELS = 10
SIMILARITY_TEMPERATURE = 0.01  # e5's contrastive training temperature: cosines differ by hundredths


class LabelScores(list):
    """A list of (label, score), best first, that also says whether the text was cut to fit the model."""

    def __init__(self, scores, truncated: bool = False, tokens: int = 0):
        super().__init__(scores)
        self.truncated = truncated
        self.tokens = tokens  # tokens of the whole text, special tokens included


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # PER, LOC, ORG or MISC (VLSP 2016 tags)
    start: int  # character offsets in the original text: text[start:end]
    end: int


# --------------------------------------------------------------------------- sentiment
def _sentiment_pipeline():
    """The text-classification pipeline over the cached model and tokenizer, built once."""
    def factory():
        from transformers import pipeline

        model = load_model(SENTIMENT, "AutoModelForSequenceClassification")
        # Fine-tuned from e5 with e5's own tokenizer (the folder keeps a copy): one shared instance,
        # because an XLM-R tokenizer holds ~370 MB once loaded (its 250,000-piece Unigram model).
        return pipeline("text-classification", model=model, tokenizer=load_tokenizer(E5), top_k=None, device="cpu")

    return shared_cache().get(f"pipeline:text-classification:{SENTIMENT}", factory)


def classify_sentiment(texts: list[str]) -> list[LabelScores]:
    """Per text, [(label, probability), ...] best first (labels "negative"/"positive").

    Each result is a `LabelScores` list with `.truncated` (the text was longer than the
    model's 512 tokens and only its start was read) and `.tokens`. Any blank text is refused
    with "text_empty" so that results stay aligned with the learner's lines.
    """
    texts = list(texts)
    if not texts or any(not text.strip() for text in texts):
        raise InputProblem("text_empty")
    classifier = _sentiment_pipeline()
    tokenizer = classifier.tokenizer
    limit = tokenizer.model_max_length
    lengths = [len(ids) for ids in tokenizer(texts, truncation=False, verbose=False)["input_ids"]]
    outputs = classifier(texts, truncation=True, max_length=limit)
    return [LabelScores([(p["label"], float(p["score"])) for p in predictions], truncated=n > limit, tokens=n)
            for predictions, n in zip(outputs, lengths)]


# --------------------------------------------------------------------------- zero-shot
def clean_labels(labels: list[str]) -> list[str]:
    """Stripped, non-empty, first occurrence of each (case-insensitive), at most MAX_LABELS."""
    seen, kept = set(), []
    for label in labels:
        label = " ".join(str(label).split())
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            kept.append(label)
    return kept[:MAX_LABELS]


def _e5():
    return load_model(E5), load_tokenizer(E5)


def zero_shot_by_embedding(text: str, labels: list[str], template: str = "{}") -> list[tuple[str, float]]:
    """[(label, score), ...] best first; scores sum to 1. Similarity, not entailment.

    The text is embedded as a "query: ", each label (put into `template`, e.g. "Chủ đề: {}")
    as a "passage: ", and softmax(cosine / 0.01) ranks the labels.
    """
    import numpy as np

    from lib.models.e5 import PASSAGE_PREFIX, QUERY_PREFIX, embed

    if not text or not text.strip():
        raise InputProblem("text_empty")
    labels = clean_labels(labels)
    if not labels:
        raise InputProblem("zero_shot_no_labels")
    model, tokenizer = _e5()
    vectors = embed(model, tokenizer, [QUERY_PREFIX + text.strip()]
                    + [PASSAGE_PREFIX + _template(template).replace("{}", label) for label in labels])
    cosines = vectors[1:] @ vectors[0]
    logits = cosines / SIMILARITY_TEMPERATURE
    scores = np.exp(logits - logits.max())
    scores /= scores.sum()
    return sorted(zip(labels, scores.astype(float).tolist()), key=lambda pair: -pair[1])


def _template(template: str) -> str:
    """The learner's template with a "{}" slot; one without a slot gets the label appended."""
    template = " ".join((template or "").split()) or "{}"
    return template if "{}" in template else template + " {}"


# --------------------------------------------------------------------------- NER
def _skeleton(text: str) -> tuple[str, list[int]]:
    """Letters without tone marks, lower-cased, spaces removed, and each one's index in `text`.

    underthesea normalises what it returns ("Hoà" -> "Hòa", NFD -> NFC, runs of spaces ->
    one), so words are found in the original by this skeleton, not by exact string search.
    """
    letters, owners = [], []
    for i, ch in enumerate(text):
        for base in unicodedata.normalize("NFD", ch):
            if unicodedata.category(base) == "Mn" or base.isspace():
                continue
            letters.append(base.lower())
            owners.append(i)
    return "".join(letters), owners


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int] | None]:
    """Character span in `text` of each word, in order; None for a word that cannot be found."""
    skeleton, owners = _skeleton(text)
    spans, cursor = [], 0
    for word in words:
        key = _skeleton(word)[0]
        at = skeleton.find(key, cursor) if key else -1
        if at < 0:
            spans.append(None)
            continue
        start, end = owners[at], owners[at + len(key) - 1] + 1
        while end < len(text) and unicodedata.category(text[end]) == "Mn":  # decomposed marks
            end += 1
        spans.append((start, end))
        cursor = at + len(key)
    return spans


def vietnamese_ner(text: str) -> list[Entity]:
    """Named entities (PER, LOC, ORG, MISC) found by underthesea's CRF, with spans in `text`.

    underthesea.ner returns one (word, POS, chunk, NER tag) tuple per word; B-X starts an
    entity, I-X continues one of the same type (an I-X without a B-X starts one too).
    """
    from underthesea import ner

    if not text or not text.strip():
        raise InputProblem("text_empty")
    from lib.models.cache import UNDERTHESEA

    with UNDERTHESEA:
        tagged = ner(text)
    spans = _word_spans(text, [row[0] for row in tagged])
    groups: list[tuple[str, list[tuple[int, int] | None], bool]] = []  # (label, word spans, still open)
    for row, span in zip(tagged, spans):
        tag = row[-1]
        prefix, _, label = tag.partition("-")
        if prefix == "I" and groups and groups[-1][0] == label and groups[-1][2]:
            groups[-1][1].append(span)
        elif prefix in ("B", "I") and label:
            groups.append((label, [span], True))
        elif groups:
            groups[-1] = (groups[-1][0], groups[-1][1], False)  # an O closes the open entity
    entities = []
    for label, parts, _open in groups:
        found = [p for p in parts if p is not None]
        if found:
            start, end = found[0][0], found[-1][1]
            entities.append(Entity(text[start:end], label, start, end))
    return entities


# --------------------------------------------------------------------------- code shown to learners
def _literal(value: str, limit: int = 300) -> str:
    short = value[:limit]
    return repr(short) + ("  # (shortened)" if len(value) > limit else "")


def code_sentiment(texts: list[str]) -> str:
    """Minimal runnable code for the sentiment widget (the pack folder; the model has no Hub id)."""
    lines = ["from transformers import pipeline", "",
             "# fine-tuned in this app from intfloat/multilingual-e5-small; not on the Hub:",
             f'classifier = pipeline("text-classification", model=".cache/pack/{SENTIMENT}", top_k=None)',
             "# online, a Hub model id works the same, e.g. model=\"distilbert/distilbert-base-uncased-finetuned-sst-2-english\" (English only)",
             "", "texts = ["]
    lines += [f"    {_literal(t)}," for t in list(texts)[:10]]
    lines += ["]", "for text, scores in zip(texts, classifier(texts, truncation=True)):",
              "    print(text, scores)"]
    return "\n".join(lines) + "\n"


def code_zero_shot(text: str, labels: list[str], template: str = "{}") -> str:
    """Minimal e5 similarity code (transformers only, no sentence-transformers) for the zero-shot widget."""
    labels = clean_labels(labels)
    return "\n".join([
        "import torch",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        *E5_CODE,
        "",
        f"text = {_literal(text)}",
        f"labels = {labels!r}",
        f"template = {_template(template)!r}",
        "# not an NLI model: we compare meanings (cosine similarity) of the text and each label",
        'query = embed(["query: " + text])',
        'passages = embed(["passage: " + template.replace("{}", label) for label in labels])',
        "cosines = (passages @ query.T).squeeze(1)",
        "scores = torch.softmax(cosines / 0.01, dim=0)  # 0.01: e5's training temperature",
        "for label, cosine, score in sorted(zip(labels, cosines.tolist(), scores.tolist()), key=lambda r: -r[2]):",
        '    print(f"{label}: cosine {cosine:.3f}, score {score:.2f}")',
    ]) + "\n"


def code_ner(text: str) -> str:
    """Minimal runnable underthesea NER code for the widget."""
    return "\n".join([
        "from underthesea import ner",
        "",
        f"text = {_literal(text)}",
        "for word, pos, chunk, tag in ner(text):  # tag: B-PER, I-PER, B-LOC, ..., O",
        "    print(word, tag)",
    ]) + "\n"
