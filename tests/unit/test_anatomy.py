"""Model anatomy: nine famous models built from their published configs, offline, on meta."""
import contextlib
import io
import socket

import pytest

from lib.inference import anatomy

pytestmark = pytest.mark.pack  # no pack model is read, but it builds transformers models

# transformers 5.24's unique parameter counts for the chosen Auto classes (see model_configs.yaml)
EXACT = {"bert": 109_482_240, "gpt2": 124_439_808, "t5": 60_506_624, "bart": 139_420_416,
         "vit": 86_567_656, "detr": 41_524_768, "whisper": 72_593_920, "wav2vec2": 94_396_320,
         "clip": 151_277_313}
KEYS = list(EXACT)


@pytest.fixture(scope="module", autouse=True)
def no_network():
    """Any socket connection fails, so a config or backbone fetched from the Hub would fail loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError("anatomy tried to use the network")

    patch = pytest.MonkeyPatch()
    patch.setenv("HF_HUB_OFFLINE", "1")
    patch.setattr(socket.socket, "connect", refuse)
    patch.setattr(socket, "create_connection", refuse)
    anatomy.build_on_meta.cache_clear()  # build here, under the guard
    anatomy._summary.cache_clear()
    anatomy._tree.cache_clear()
    yield
    patch.undo()


def test_the_nine_models_are_described():
    assert anatomy.model_keys() == KEYS
    import transformers

    for key in KEYS:
        s = anatomy.spec(key)
        assert s.family in anatomy.FAMILIES
        assert hasattr(transformers, s.auto_class)
        assert 2017 <= s.year <= 2023 and s.published_params > 10_000_000


@pytest.mark.parametrize("key", KEYS)
def test_builds_on_meta_with_the_published_parameter_count(key):
    model = anatomy.build_on_meta(key)
    parameters = list(model.parameters())
    # no weight is allocated; Wav2Vec2's masked_spec_embed (768 floats) is made with torch.Tensor(),
    # which ignores the device context
    assert sum(p.numel() for p in parameters if p.device.type != "meta") <= 768
    total = anatomy.summary(key)["total_params"]
    assert total == EXACT[key]
    published = anatomy.spec(key).published_params
    assert abs(total - published) / published < 0.02, (key, total, published)
    assert anatomy.build_on_meta(key) is model  # cached


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("depth", [1, 3, 5])
def test_tree_children_sum_to_their_parent(key, depth):
    rows = anatomy.parameter_tree(key, max_depth=depth)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    root = rows[0]
    assert root["parent"] == "" and root["params"] == EXACT[key] and root["label"] == anatomy.spec(key).hub_id
    by_id = {r["id"]: r for r in rows}
    children: dict[str, int] = {}
    for r in rows[1:]:
        assert r["parent"] in by_id and r["params"] > 0 and r["label"]
        children[r["parent"]] = children.get(r["parent"], 0) + r["params"]
    for parent, total in children.items():
        assert total == by_id[parent]["params"], parent
    assert max(r["id"].count(".") for r in rows) <= depth


def test_tied_weights_are_counted_once_and_own_weights_are_shown():
    gpt2 = {r["id"]: r for r in anatomy.parameter_tree("gpt2", max_depth=2)}
    assert "gpt2.lm_head" not in gpt2  # the LM head is the token embedding, already counted
    assert gpt2["gpt2.transformer.wte"]["params"] == 50257 * 768
    clip = {r["id"]: r for r in anatomy.parameter_tree("clip", max_depth=1)}
    assert clip["clip.logit_scale"] == {"id": "clip.logit_scale", "parent": "clip", "label": "logit_scale",
                                        "params": 1, "module": "Parameter"}
    vit = {r["label"] for r in anatomy.parameter_tree("vit", max_depth=3)}
    assert {"cls_token", "position_embeddings", "layers.11", "classifier"} <= vit


def test_summary_reads_the_sizes_of_each_family():
    bert = anatomy.summary("bert")
    assert (bert["layers"], bert["hidden"], bert["heads"], bert["intermediate"]) == (12, 768, 12, 3072)
    assert (bert["family"], bert["auto_class"], bert["vocab_size"], bert["max_positions"]) == (
        "encoder", "AutoModel", 30522, 512)
    gpt2 = anatomy.summary("gpt2")
    assert (gpt2["family"], gpt2["layers"], gpt2["intermediate"], gpt2["max_positions"]) == ("decoder", 12, 3072, 1024)
    assert anatomy.summary("t5")["layer_breakdown"] == {"encoder": 6, "decoder": 6}
    assert anatomy.summary("t5")["max_positions"] is None  # relative positions
    assert anatomy.summary("whisper")["heads"] == 8
    assert anatomy.summary("detr")["hidden"] == 256 and anatomy.summary("detr")["vocab_size"] is None
    clip = anatomy.summary("clip")
    assert clip["layer_breakdown"] == {"vision": 12, "text": 12} and clip["layers"] == 24
    assert [p["hidden"] for p in clip["parts"]] == [768, 512]
    assert anatomy.summary("wav2vec2")["class_name"] == "Wav2Vec2ForCTC"


@pytest.mark.parametrize("key", ["gpt2", "detr", "clip"])
def test_the_offline_code_runs_and_prints_the_same_count(key):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(anatomy.anatomy_code(key, offline=True), f"<{key}>", "exec"), {})
    assert out.getvalue().rstrip().endswith(f"{EXACT[key]:,} parameters")


def test_the_online_code_loads_the_config_from_the_hub():
    code = anatomy.anatomy_code("whisper")
    assert 'AutoConfig.from_pretrained("openai/whisper-base")' in code
    assert "AutoModelForSpeechSeq2Seq.from_config(config)" in code and 'torch.device("meta")' in code
    compile(code, "<whisper>", "exec")
