"""The offline pack, for real: every part loads and gives a sensible answer on real input.

These tests need `make setup` (or `python -m lib.models.provision`) to have built the pack;
a part that is not built fails its test rather than being skipped.
"""
import json
import re
import shutil

import numpy as np
import pytest

from lib.models.loader import load_model, load_tokenizer, pack_path
from lib.models.pack import COMPONENTS, status

pytestmark = pytest.mark.pack


@pytest.mark.parametrize("c", COMPONENTS, ids=[c.id for c in COMPONENTS])
def test_every_part_is_built_intact_with_a_model_card(c):
    assert status(c, deep=True) == "ready", f"{c.id}: run `python -m lib.models.provision`"
    card = (c.path / "README.md").read_text(encoding="utf-8")
    assert len(card) > 300 and c.licence.split()[0].lower() in card.lower()


def test_no_pickle_weights_anywhere_in_the_pack():
    for c in COMPONENTS:
        assert not list(c.path.rglob("*.bin")) or c.id == "whisper-base-ct2", c.id  # CTranslate2's own format
        assert not list(c.path.rglob("*.pt")) and not list(c.path.rglob("*.pkl")), c.id


def test_minilm_ranks_the_paraphrase_first():
    import torch

    tokenizer, model = load_tokenizer("all-minilm-l6-v2"), load_model("all-minilm-l6-v2")
    sentences = ["A man is eating food.", "A man is eating a piece of bread.", "A man is riding a horse.",
                 "The stock market fell sharply today."]
    batch = tokenizer(sentences, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1)
    vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    scores = (vectors[1:] @ vectors[0]).tolist()
    assert scores[0] == max(scores) and scores[0] > 0.6 > scores[2]


def test_minilm_vocab_is_bert_base_uncased_wordpiece():
    tokenizer = load_tokenizer("all-minilm-l6-v2")
    assert len(tokenizer) == 30522
    assert tokenizer.tokenize("Tokenization") == ["token", "##ization"]


def test_e5_ranks_the_vietnamese_paraphrase_first():
    from lib.models.e5 import embed

    tokenizer, model = load_tokenizer("multilingual-e5-small"), load_model("multilingual-e5-small")
    passages = ["Hà Nội là thủ đô của nước Cộng hòa Xã hội Chủ nghĩa Việt Nam.",
                "Phở là món ăn nổi tiếng của Việt Nam.", "Tokyo is the capital of Japan.",
                "Sông Mê Kông chảy qua sáu quốc gia.", "Paris là thủ đô của nước Pháp.",
                "Mùa mưa ở miền Nam thường kéo dài từ tháng năm đến tháng mười một."]
    query = embed(model, tokenizer, ["query: Thủ đô của Việt Nam là thành phố nào?"])
    docs = embed(model, tokenizer, [f"passage: {p}" for p in passages])
    scores = docs @ query[0]
    assert int(np.argmax(scores)) == 0, scores
    assert len(tokenizer) == 250002 and tokenizer.tokenize("Việt Nam") == ["▁Việt", "▁Nam"]


def test_gpt2_tokenizer_gives_real_gpt2_ids():
    tokenizer = load_tokenizer("gpt2-tokenizer")
    assert tokenizer("Hello world")["input_ids"] == [15496, 995]
    assert len(tokenizer("Xin chào Việt Nam")["input_ids"]) > len(tokenizer("Hello Vietnam")["input_ids"])


def test_smollm2_answers_a_simple_factual_question():
    from transformers import pipeline

    generator = pipeline("text-generation", model=str(pack_path("smollm2-135m-instruct")))
    messages = [{"role": "user", "content": "What is the capital of France?"}]
    reply = generator(messages, max_new_tokens=20, do_sample=False)[0]["generated_text"][-1]["content"]
    assert "Paris" in reply, reply


def test_sentiment_classifier_reaches_85_percent_on_the_held_out_split():
    from transformers import pipeline

    from lib.models.train_builders import sentiment_split

    _, test = sentiment_split()
    classify = pipeline("text-classification", model=str(pack_path("sentiment-e5-vi-en")))
    predictions = [p["label"] for p in classify(list(test["text"]), batch_size=16)]
    accuracy = float(np.mean([p == gold for p, gold in zip(predictions, test["label"])]))
    print(f"sentiment held-out accuracy: {accuracy:.3f} on {len(test)} reviews")
    assert accuracy >= 0.85
    recorded = json.loads((pack_path("sentiment-e5-vi-en") / "eval_results.json").read_text())
    assert abs(recorded["test_accuracy"] - accuracy) < 0.02


def test_vit_digits_reaches_90_percent_on_held_out_digits():
    from transformers import pipeline

    from lib.models.train_builders import digits_split

    images, labels, _, test_idx = digits_split()
    classify = pipeline("image-classification", model=str(pack_path("vit-digits")))
    predictions = [r[0]["label"] for r in classify([images[i] for i in test_idx], top_k=1)]
    accuracy = float(np.mean([p == str(labels[i]) for p, i in zip(predictions, test_idx)]))
    print(f"digits held-out accuracy: {accuracy:.3f} on {len(test_idx)} images")
    assert accuracy >= 0.90


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref = re.findall(r"\w+", reference.lower())
    hyp = re.findall(r"\w+", hypothesis.lower())
    distance = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, distance[0] = distance[0], i
        for j, h in enumerate(hyp, 1):
            previous, distance[j] = distance[j], min(distance[j] + 1, distance[j - 1] + 1, previous + (r != h))
    return distance[-1] / len(ref)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is installed by `make setup`")
def test_whisper_transcribes_espeak_ng_speech():
    from lib.models.speech_builders import synthesize_espeak, transcribe

    reference = "The quick brown fox jumps over the lazy dog."
    audio, rate = synthesize_espeak(reference, "en")
    result = transcribe(pack_path("whisper-base-ct2"), audio, sample_rate=rate)
    wer = word_error_rate(reference, result["text"])
    print(f"whisper on espeak-ng English: {result['text']!r}, language {result['language']}, WER {wer:.2f}")
    assert result["language"] == "en" and wer <= 0.25


def test_piper_speaks_english():
    from lib.models.speech_builders import synthesize_english

    audio, rate = synthesize_english(pack_path("piper-en-us-joe"), "Hello class, welcome to Hugging Face.")
    assert rate >= 16000 and 1.0 < len(audio) / rate < 8.0
    assert float(np.abs(audio).max()) > 0.05, "the voice produced silence"
