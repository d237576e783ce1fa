"""Optimum lab: the ONNX export matches PyTorch, int8 is smaller and mostly agrees, exports are
reused, and CTranslate2 int8 still understands speech. Uses the real pack models."""
import numpy as np
import pytest

from lib.optimize import ctranslate2_demo, onnx_export
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

SENTENCES = ["Sản phẩm dùng rất tốt, giao hàng nhanh.", "Terrible service, I will never come back.",
             "Phim hơi dài nhưng kết thúc khá cảm động.", "ok"]


@pytest.fixture(scope="module")
def pack():
    from lib.models.loader import load_model, load_tokenizer

    fp32 = onnx_export.export()  # exported once (~1 min), then reused from .cache/optimize/
    int8 = onnx_export.quantize(fp32)
    return {"fp32": fp32, "int8": int8, "tokenizer": load_tokenizer(onnx_export.COMPONENT),
            "model": load_model(onnx_export.COMPONENT, "AutoModelForSequenceClassification")}


def test_onnx_fp32_matches_pytorch(pack):
    reference = onnx_export.classify_torch(pack["model"], pack["tokenizer"], SENTENCES)
    probabilities = onnx_export.classify(onnx_export.session(pack["fp32"]), pack["tokenizer"], SENTENCES)
    assert probabilities.shape == (len(SENTENCES), 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert np.abs(probabilities - reference).max() < 1e-3
    # batch 1 takes another shape path than the padded batch above
    one = onnx_export.classify(onnx_export.session(pack["fp32"]), pack["tokenizer"], SENTENCES[1])
    assert np.abs(one - reference[1]).max() < 1e-3


def test_int8_is_smaller_and_mostly_agrees(pack):
    from lib.models.train_builders import sentiment_split

    assert pack["int8"].stat().st_size / pack["fp32"].stat().st_size < 0.5
    texts = list(sentiment_split()[1]["text"])
    session = onnx_export.session(pack["int8"])
    predicted, reference = [], []
    for first in range(0, len(texts), 32):
        part = texts[first:first + 32]
        predicted.append(onnx_export.classify(session, pack["tokenizer"], part).argmax(axis=1))
        reference.append(onnx_export.classify_torch(pack["model"], pack["tokenizer"], part).argmax(axis=1))
    agreement = (np.concatenate(predicted) == np.concatenate(reference)).mean()
    assert agreement >= 0.9, agreement


def test_export_and_quantize_are_reused(pack):
    before = (pack["fp32"].stat().st_mtime_ns, pack["int8"].stat().st_mtime_ns)
    assert onnx_export.export() == pack["fp32"]
    assert onnx_export.quantize(pack["fp32"]) == pack["int8"]
    assert (pack["fp32"].stat().st_mtime_ns, pack["int8"].stat().st_mtime_ns) == before
    assert onnx_export.export_info(pack["fp32"])["exporter"] in ("dynamo", "torchscript")
    assert pack["fp32"].parent.name.startswith(onnx_export.COMPONENT + "-")


def test_compare_gives_a_row_per_backend(pack):
    comparison = onnx_export.compare(rows=8, rounds=1, latency_sentences=2, batch_size=8)
    assert [row["backend"] for row in comparison.rows] == list(onnx_export.BACKENDS)
    by_backend = {row["backend"]: row for row in comparison.rows}
    assert by_backend["onnx-int8"]["size_mb"] < 0.5 * by_backend["pytorch-fp32"]["size_mb"]
    assert by_backend["onnx-fp32"]["agreement"] == 1.0
    assert all(row["latency_ms"] > 0 and row["throughput_per_s"] > 0 for row in comparison.rows)
    assert comparison.ratios()[0]["size_ratio"] == 1.0
    figure = onnx_export.figure(comparison, {"size_mb": "MB"})
    assert len(figure.data) == 4


def test_empty_text_is_a_catalogue_problem(pack):
    with pytest.raises(InputProblem) as problem:
        onnx_export.classify(onnx_export.session(pack["fp32"]), pack["tokenizer"], ["  "])
    assert problem.value.key == "text_empty"


def test_code_strings_compile_and_label_optimum():
    snippets = onnx_export.code()
    assert set(snippets) == {"export", "quantize", "run", "optimum"}
    for snippet in [*snippets.values(), ctranslate2_demo.code()]:
        compile(snippet, "<code>", "exec")
    assert "ORTModelForSequenceClassification" in snippets["optimum"]
    assert "export=True" in snippets["optimum"] and "transformers 4.57" in snippets["optimum"]


def test_ctranslate2_int8_transcribes_the_spoken_sentence():
    assert "int8" in ctranslate2_demo.supported_compute_types()
    result = ctranslate2_demo.compare(compute_types=("int8",), rounds=1)
    (row,) = result.rows
    assert row["wer"] < 0.5, row
    assert row["load_s"] > 0 and row["transcribe_s"] > 0
    assert result.audio_seconds > 2


def test_word_error_rate_ignores_case_and_punctuation():
    assert ctranslate2_demo.word_error_rate("Hello, world!", "hello world") == 0.0
    assert ctranslate2_demo.word_error_rate("one two three four", "one two four") == 0.25
