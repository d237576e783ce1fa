"""The Hub runner on local folders: the pack's real models, and tiny random models built here with
the pack's real tokenizers for the tasks no pack model does (their answers are noise; what is
checked is that the code a Hub model would go through runs and returns the promised shapes)."""
import json

import numpy as np
import pytest
from PIL import Image

from lib.inference import hub
from lib.models.pack import pack_dir
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

PACK = pack_dir()


def _bert_config(**extra):
    from transformers import BertConfig

    return BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=512, **extra)


def _tiny(tmp_path_factory, name, model, tokenizer_from):
    from transformers import AutoTokenizer

    folder = tmp_path_factory.mktemp(name)
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tokenizer_from).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """Folders of tiny random BERTs with the pack's bert-base-uncased vocabulary, one per head."""
    import torch
    from transformers import BertForMaskedLM, BertForQuestionAnswering, BertForSequenceClassification, \
        BertForTokenClassification

    torch.manual_seed(0)
    tags = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}
    nli = {0: "contradiction", 1: "neutral", 2: "entailment"}
    heads = {"ner": BertForTokenClassification(_bert_config(id2label=tags, label2id={v: k for k, v in tags.items()})),
             "mask": BertForMaskedLM(_bert_config()),
             "qa": BertForQuestionAnswering(_bert_config()),
             "nli": BertForSequenceClassification(_bert_config(id2label=nli, label2id={v: k for k, v in nli.items()}))}
    return {name: _tiny(tmp_path_factory, name, model, PACK / "all-minilm-l6-v2") for name, model in heads.items()}


def test_text_classification_with_the_pack_classifier_as_if_from_the_hub():
    from lib.inference import text_tasks

    text = "Phim hay quá, diễn viên đóng rất tự nhiên, nhất định sẽ xem lại."
    scores = hub.classify_text(str(PACK / "sentiment-e5-vi-en"), text)
    assert scores[0][0] == "positive" and sum(s for _, s in scores) == pytest.approx(1, abs=1e-4)
    app = text_tasks.classify_sentiment([text])[0]  # the app's own path agrees
    assert [label for label, _ in scores] == [label for label, _ in app]
    assert [score for _, score in scores] == pytest.approx([score for _, score in app])


def test_image_classification_with_the_digits_vit():
    from lib.inference import vision

    label, png = vision.digit_samples(1)[0]
    import io

    scores = hub.classify_image(str(PACK / "vit-digits"), Image.open(io.BytesIO(png)).convert("RGB"))
    assert len(scores) == 5 and scores[0][1] >= scores[-1][1]
    assert all(0 <= s <= 1 for _, s in scores)


def test_embeddings_are_unit_vectors_and_meaning_wins():
    vectors = hub.embed(str(PACK / "all-minilm-l6-v2"), ["A cat sits on the mat.", "A kitten rests on a rug.",
                                                          "Stock markets fell sharply today."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_chat_generation_answers_as_text():
    answer = hub.generate(str(PACK / "smollm2-135m-instruct"), "What is the capital of France?", chat=True)
    assert "Paris" in answer
    completion = hub.generate(str(PACK / "smollm2-135m-instruct"), "The capital of France is", chat=False)
    assert isinstance(completion, str) and completion


def test_token_classification_returns_spans_of_the_text(tiny_bert):
    text = "Alice lives in Paris with Bob."
    found = hub.entities(tiny_bert["ner"], text)
    for entity in found:
        assert text[entity.start:entity.end] == entity.text and entity.label in {"PER", "LOC"}


def test_fill_mask_needs_exactly_one_mask(tiny_bert):
    scores = hub.fill_mask(tiny_bert["mask"], "Paris is the [MASK] of France.")
    assert len(scores) == 5 and all(isinstance(token, str) for token, _ in scores)
    for text, count in [("No mask here.", 0), ("[MASK] and [MASK]", 2)]:
        with pytest.raises(InputProblem) as problem:
            hub.fill_mask(tiny_bert["mask"], text)
        assert problem.value.key == "hub_mask_count" and problem.value.values["count"] == count


def test_question_answering_returns_a_span_of_the_context(tiny_bert):
    context = "The Eiffel Tower is in Paris. It was finished in 1889."
    text, score, start, end = hub.answer(tiny_bert["qa"], "When was it finished?", context)
    assert context[start:end] == text and 0 < score <= 1 and start <= end


def test_zero_shot_text_scores_every_label_once(tiny_bert):
    scores = hub.zero_shot_text(tiny_bert["nli"], "I love football.", ["sport", "politics", " sport ", ""])
    assert sorted(label for label, _ in scores) == ["politics", "sport"]
    assert sum(s for _, s in scores) == pytest.approx(1, abs=1e-4)
    with pytest.raises(InputProblem):
        hub.zero_shot_text(tiny_bert["nli"], "I love football.", [" ", ""])


def test_seq2seq_uses_the_prefix_the_config_asks_for(tmp_path_factory):
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    config = BartConfig(vocab_size=50257, d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                        decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=600,
                        pad_token_id=50256, bos_token_id=50256, eos_token_id=50256, decoder_start_token_id=50256,
                        forced_bos_token_id=None, task_specific_params={"summarization": {"prefix": "summarize: "}})
    folder = _tiny(tmp_path_factory, "bart", BartForConditionalGeneration(config), PACK / "gpt2-tokenizer")
    summary = hub.seq2seq("summarization", folder, "A long text about tokenizers. " * 10)
    assert isinstance(summary, str)
    assert hub.seq2seq("translation", folder, "Xin chào") is not None


def test_object_detection_boxes_are_drawn(tmp_path_factory):
    import torch
    from transformers import YolosConfig, YolosForObjectDetection, YolosImageProcessor

    torch.manual_seed(0)
    config = YolosConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         image_size=[64, 64], patch_size=16, num_detection_tokens=5,
                         id2label={0: "cat", 1: "dog"}, label2id={"cat": 0, "dog": 1})
    folder = tmp_path_factory.mktemp("yolos")
    YolosForObjectDetection(config).save_pretrained(folder)
    YolosImageProcessor(size={"shortest_edge": 64, "longest_edge": 64}).save_pretrained(folder)
    image = Image.new("RGB", (80, 60), "white")
    boxes = hub.detect(str(folder), image, threshold=0.0)
    assert boxes and all(b.label in {"cat", "dog"} and 0 <= b.score <= 1 for b in boxes)
    assert [b.score for b in boxes] == sorted((b.score for b in boxes), reverse=True)
    drawn = hub.draw_boxes(image, boxes)
    assert drawn.size == image.size and drawn.getcolors(10_000) != image.getcolors(10_000)


def test_the_shown_code_names_the_model_and_the_learner_input():
    code = hub.code("zero-shot-classification", "facebook/bart-large-mnli", 'Say "hi"', ["a", "b"])
    assert 'pipeline("zero-shot-classification", model="facebook/bart-large-mnli")' in code
    assert 'Say \\"hi\\"' in code and "['a', 'b']" in code
    compile(code, "<shown>", "exec")
    for task_id in ("question-answering", "summarization", "translation", "object-detection", "chat",
                    "automatic-speech-recognition", "text-to-speech", "fill-mask"):
        compile(hub.code(task_id, "owner/model", "x"), task_id, "exec")
    assert "AutoModelForQuestionAnswering" in hub.code("question-answering", "owner/model")
    json.dumps(hub.code("translation", "owner/model", "xin chào"))


def test_speech_recognition_through_a_transformers_whisper(tmp_path_factory):
    """A tiny random Whisper with the pack's real Whisper tokenizer: the path a Hub Whisper takes."""
    import torch
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration, \
        WhisperProcessor, WhisperTokenizerFast

    torch.manual_seed(0)
    tokenizer = WhisperTokenizerFast(tokenizer_file=str(PACK / "whisper-base-ct2" / "tokenizer.json"))
    config = WhisperConfig(vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1,
                           encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                           decoder_ffn_dim=64, max_target_positions=64,
                           decoder_start_token_id=tokenizer.convert_tokens_to_ids("<|startoftranscript|>"),
                           pad_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id,
                           bos_token_id=tokenizer.eos_token_id)
    model = WhisperForConditionalGeneration(config)
    model.generation_config.max_length = 16
    model.generation_config.no_timestamps_token_id = tokenizer.convert_tokens_to_ids("<|notimestamps|>")
    model.generation_config._from_model_config = False  # as on the Hub: a generation config of its own
    folder = tmp_path_factory.mktemp("whisper")
    model.save_pretrained(folder)
    WhisperProcessor(WhisperFeatureExtractor(), tokenizer).save_pretrained(folder)
    noise = np.random.default_rng(0).normal(0, 0.1, 16_000).astype(np.float32)
    assert isinstance(hub.transcribe(str(folder), noise), str)
