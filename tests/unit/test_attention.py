"""Attention viewer: real weights from the pack's two encoders."""
import contextlib
import io

import numpy as np
import pytest

from lib.inference import attention
from lib.models.loader import load_model, pack_path
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

SENTENCE = "Con mèo ngồi trên tấm thảm vì nó mệt."


@pytest.mark.parametrize("component_id, layers", [("all-minilm-l6-v2", 6), ("multilingual-e5-small", 12)])
def test_shapes_follow_the_model_config_and_rows_sum_to_one(component_id, layers):
    result = attention.attention_maps(component_id, SENTENCE)
    config = load_model(component_id, "AutoModel", attn_implementation="eager").config
    n = len(result.tokens)
    assert result.weights.shape == (layers, config.num_attention_heads, n, n) == (config.num_hidden_layers, 12, n, n)
    assert (result.layers, result.heads) == (layers, 12)
    assert result.weights.dtype == np.float32 and not result.truncated
    np.testing.assert_allclose(result.weights.sum(axis=-1), 1.0, atol=1e-4)
    assert (result.weights >= 0).all()
    average = attention.head_average(result.weights, layers - 1)
    assert average.shape == (n, n)
    np.testing.assert_allclose(average.sum(axis=-1), 1.0, atol=1e-4)
    np.testing.assert_allclose(average, result.weights[-1].mean(axis=0))
    with pytest.raises(IndexError):
        attention.head_average(result.weights, layers)


def test_tokens_are_the_tokenizers_own_pieces():
    e5 = attention.attention_maps("multilingual-e5-small", SENTENCE).tokens
    assert e5[0] == "<s>" and e5[-1] == "</s>" and "▁ngồi" in e5  # Vietnamese kept, with accents
    minilm = attention.attention_maps("all-minilm-l6-v2", SENTENCE).tokens
    assert minilm[0] == "[CLS]" and minilm[-1] == "[SEP]" and "##o" in minilm  # uncased, accents stripped


@pytest.mark.parametrize("component_id", attention.ENCODERS)
def test_long_text_is_cut_to_max_tokens_with_the_flag(component_id):
    long = attention.attention_maps(component_id, "word " * 300, max_tokens=32)
    assert long.truncated and len(long.tokens) == 32 and long.weights.shape[-1] == 32
    assert long.tokens[-1] in ("[SEP]", "</s>")  # the end token is kept
    exact = attention.attention_maps(component_id, "one two three", max_tokens=5)
    assert not exact.truncated and len(exact.tokens) == 5
    assert attention.attention_maps(component_id, "one two three", max_tokens=4).truncated


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_blank_text_is_an_input_problem(text):
    with pytest.raises(InputProblem) as problem:
        attention.attention_maps("all-minilm-l6-v2", text)
    assert problem.value.key == "text_empty"


def test_only_the_pack_encoders():
    with pytest.raises(ValueError):
        attention.attention_maps("smollm2-135m-instruct", SENTENCE)


def test_the_code_runs_offline_and_gives_the_same_map():
    code = attention.attention_code("all-minilm-l6-v2", SENTENCE, layer=2)
    assert 'name = "sentence-transformers/all-MiniLM-L6-v2"' in code and 'attn_implementation="eager"' in code
    offline = code.replace('name = "sentence-transformers/all-MiniLM-L6-v2"', f"name = {str(pack_path('all-minilm-l6-v2'))!r}")
    scope: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(offline, "<attention>", "exec"), scope)
    expected = attention.head_average(attention.attention_maps("all-minilm-l6-v2", SENTENCE).weights, 2)
    np.testing.assert_allclose(scope["attention"].numpy(), expected, atol=1e-5)
    assert "weights[layer, 3]" in attention.attention_code("multilingual-e5-small", SENTENCE, layer=0, head=3)
