"""Sentiment, zero-shot by similarity and Vietnamese NER, offline, with the pack's models."""
import io
import unicodedata
from contextlib import redirect_stdout

import pytest

from lib.inference import text_tasks
from lib.models.pack import pack_dir
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack


def test_sentiment_in_both_languages_through_the_pipeline():
    texts = ["Phim hay quá, diễn viên đóng rất tự nhiên, nhất định sẽ xem lại.",
             "Đồ ăn nguội ngắt, phục vụ thì chậm, không bao giờ quay lại nữa.",
             "Great battery life and a bright screen, I love this phone.",
             "The hotel room was dirty and the staff were rude."]
    results = text_tasks.classify_sentiment(texts)
    assert [r[0][0] for r in results] == ["positive", "negative", "positive", "negative"]
    for scores in results:
        assert {label for label, _ in scores} == {"negative", "positive"}
        assert sum(score for _, score in scores) == pytest.approx(1.0, abs=1e-4)
        assert scores[0][1] >= scores[1][1] and not scores.truncated and 0 < scores.tokens < 60
    assert text_tasks._sentiment_pipeline() is text_tasks._sentiment_pipeline()  # built once


def test_long_text_is_cut_to_the_model_and_says_so():
    long = "Khách sạn sạch sẽ, nhân viên thân thiện. " * 120  # ~1,300 tokens
    short, cut = text_tasks.classify_sentiment(["Rất hài lòng.", long])
    assert not short.truncated and cut.truncated and cut.tokens > 512
    assert cut[0][0] == "positive"


@pytest.mark.parametrize("texts", [[], [""], ["ok", "   "]])
def test_blank_text_is_refused(texts):
    with pytest.raises(InputProblem) as problem:
        text_tasks.classify_sentiment(texts)
    assert problem.value.key == "text_empty"


def test_zero_shot_ranks_labels_by_similarity():
    labels = ["thể thao", "chính trị", "công nghệ", "ẩm thực"]
    ranked = text_tasks.zero_shot_by_embedding("Đội tuyển Việt Nam thắng 2-0 trong trận chung kết tối qua.", labels)
    assert ranked[0][0] == "thể thao"
    assert sorted(label for label, _ in ranked) == sorted(labels)
    assert sum(score for _, score in ranked) == pytest.approx(1.0, abs=1e-6)
    english = text_tasks.zero_shot_by_embedding("Apple unveiled a new phone with a faster chip.", labels,
                                                template="Chủ đề: {}")
    assert english[0][0] == "công nghệ"  # cross-lingual: English text, Vietnamese labels


def test_labels_are_cleaned_and_required():
    assert text_tasks.clean_labels([" sport ", "", "Sport", "food", "  ", "food  "]) == ["sport", "food"]
    assert len(text_tasks.clean_labels([f"label {i}" for i in range(15)])) == text_tasks.MAX_LABELS
    with pytest.raises(InputProblem) as problem:
        text_tasks.zero_shot_by_embedding("Một câu.", ["", "   "])
    assert problem.value.key == "zero_shot_no_labels"
    with pytest.raises(InputProblem) as problem:
        text_tasks.zero_shot_by_embedding(" ", ["a"])
    assert problem.value.key == "text_empty"


def test_vietnamese_ner_merges_tags_into_entities_with_spans():
    text = "Chủ tịch Hồ Chí Minh đọc Tuyên ngôn Độc lập tại Quảng trường Ba Đình, Hà Nội."
    entities = text_tasks.vietnamese_ner(text)
    found = [(e.text, e.label) for e in entities]
    assert ("Hồ Chí Minh", "PER") in found and ("Hà Nội", "LOC") in found
    assert ("Quảng trường Ba Đình", "LOC") in found  # B-LOC + I-LOC merged
    for e in entities:
        assert text[e.start:e.end] == e.text


def test_ner_spans_survive_underthesea_normalising_the_text():
    # underthesea answers "Hòa Bình" for "Hoà Bình", NFC for NFD, and one space for three
    text = "Thủ  tướng   Phạm   Minh Chính thăm Hoà Bình. " + unicodedata.normalize("NFD", "Ông Lê Văn Thành ở Thanh Hoá.")
    entities = text_tasks.vietnamese_ner(text)
    by_text = {e.text: e for e in entities}
    assert "Phạm   Minh Chính" in by_text and by_text["Phạm   Minh Chính"].label == "PER"
    assert "Hoà Bình" in by_text
    assert unicodedata.normalize("NFD", "Thanh Hoá") in by_text
    for e in entities:
        assert text[e.start:e.end] == e.text
    with pytest.raises(InputProblem):
        text_tasks.vietnamese_ner("  ")


def test_code_snippets_run_offline():
    sentiment = text_tasks.code_sentiment(["Rất hài lòng!", "Quá tệ."])
    sentiment = sentiment.replace('".cache/pack/', f'"{pack_dir()}/')
    zero_shot = text_tasks.code_zero_shot("Đội tuyển thắng 2-0.", ["thể thao", "ẩm thực"], "Chủ đề")
    zero_shot = zero_shot.replace("intfloat/multilingual-e5-small", str(pack_dir() / "multilingual-e5-small"))
    ner = text_tasks.code_ner("Tôi sống ở Hà Nội.")
    out = io.StringIO()
    with redirect_stdout(out):
        for name, source in [("sentiment", sentiment), ("zero_shot", zero_shot), ("ner", ner)]:
            exec(compile(source, name, "exec"), {})
    printed = out.getvalue()
    assert "'positive'" in printed and "thể thao: cosine" in printed and "B-LOC" in printed
    assert "template = 'Chủ đề {}'" in zero_shot


def test_the_classifier_shares_e5s_tokenizer_which_is_the_one_it_was_trained_with():
    from transformers import AutoTokenizer

    from lib.models.loader import load_tokenizer, shared_cache

    shared_cache().clear()  # earlier tests may have evicted either one under the memory budget
    assert text_tasks._sentiment_pipeline().tokenizer is load_tokenizer(text_tasks.E5)  # one copy in memory
    own = AutoTokenizer.from_pretrained(pack_dir() / text_tasks.SENTIMENT)
    texts = ["Phim hay quá, nhất định sẽ xem lại!", "Tiếng Việt có dấu: ờ ữ ỵ ặ", "The hotel was dirty. 😡"]
    assert own(texts)["input_ids"] == load_tokenizer(text_tasks.E5)(texts)["input_ids"]
    assert own.get_vocab() == load_tokenizer(text_tasks.E5).get_vocab()
