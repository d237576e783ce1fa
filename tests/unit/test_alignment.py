"""The TRL lab: the project's instruction data, a real LoRA SFT run with TRL, stop, DPO, diagram data."""
import ast
import json
import re
import threading
import unicodedata

import pytest

from lib.alignment import explain
from lib.alignment.sft import (HELD_OUT_PROMPTS, PAIRS_FILE, PREFERENCES_FILE, SftSettings, check_prompts,
                               check_steps, code, dpo_code, load_pairs, load_preferences)
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]", re.I)
QUICK = dict(max_new_tokens=12, prompts=[HELD_OUT_PROMPTS[0], HELD_OUT_PROMPTS[2]])


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


# --------------------------------------------------------------------------- data
def test_pairs_are_alternating_chat_messages_in_both_languages():
    pairs = load_pairs()
    assert len(pairs) == 40
    assert {lang: sum(p["lang"] == lang for p in pairs) for lang in ("vi", "en")} == {"vi": 20, "en": 20}
    assert len({p["id"] for p in pairs}) == 40
    for pair in pairs:
        roles = [m["role"] for m in pair["messages"]]
        assert roles[0] == "user" and roles[-1] == "assistant"
        assert all(a != b for a, b in zip(roles, roles[1:])), pair["id"]  # user and assistant alternate
        assert all(m["content"].strip() == m["content"] and m["content"] for m in pair["messages"])
        if pair["lang"] == "vi":
            assert VIETNAMESE.search(pair["messages"][-1]["content"]), pair["id"]
    assert len({_key(p["messages"][0]["content"]) for p in pairs}) == 40  # no question asked twice


def test_files_are_nfc_utf8_and_preferences_are_well_formed():
    for path in (PAIRS_FILE, PREFERENCES_FILE):
        text = path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text) and not text.startswith("\ufeff")
        assert all(json.loads(line) for line in text.splitlines())
    preferences = load_preferences()
    assert len(preferences) == 10 and {p["lang"] for p in preferences} == {"vi", "en"}
    for row in preferences:
        assert [m["role"] for m in row["prompt"]] == ["user"]
        assert [m["role"] for m in row["chosen"]] == [m["role"] for m in row["rejected"]] == ["assistant"]
        assert row["chosen"][0]["content"] != row["rejected"][0]["content"]


def test_no_conversation_is_cut_by_max_length():
    """SmolLM2's BPE spends about twice as many tokens on Vietnamese: a cut answer would never end."""
    from lib.models.loader import load_tokenizer

    tokenizer = load_tokenizer("smollm2-135m-instruct")
    longest = max(len(tokenizer.apply_chat_template(p["messages"], tokenize=True, return_dict=True)["input_ids"])
                  for p in load_pairs())
    rows = [p["prompt"] + p["chosen"] for p in load_preferences()] + [p["prompt"] + p["rejected"] for p in load_preferences()]
    longest = max(longest, *(len(tokenizer.apply_chat_template(r, tokenize=True, return_dict=True)["input_ids"])
                             for r in rows))
    assert longest <= SftSettings().max_length


def test_held_out_prompts_are_in_neither_file():
    seen = {_key(p["messages"][0]["content"]) for p in load_pairs()}
    seen |= {_key(p["prompt"][0]["content"]) for p in load_preferences()}
    assert not seen & {_key(p) for p in HELD_OUT_PROMPTS}
    assert any(VIETNAMESE.search(p) for p in HELD_OUT_PROMPTS) and any(p.isascii() for p in HELD_OUT_PROMPTS)


@pytest.mark.parametrize("call, key", [
    (lambda: check_steps(0), "trl_steps_out_of_range"),
    (lambda: check_steps(10_000), "trl_steps_out_of_range"),
    (lambda: check_prompts([]), "trl_prompt_empty"),
    (lambda: check_prompts(["ok", "  "]), "trl_prompt_empty"),
    (lambda: check_prompts(["x"] * 7), "trl_too_many_prompts"),
    (lambda: check_prompts(["x" * 301]), "trl_prompt_too_long"),
])
def test_bad_settings_are_refused_with_a_catalogue_key(call, key):
    with pytest.raises(InputProblem) as problem:
        call()
    assert problem.value.key == key


def test_notebook_code_is_valid_python_with_the_settings():
    source = code(SftSettings(steps=12, lora_r=4))
    ast.parse(source)
    assert "SFTTrainer(" in source and "max_steps=12" in source and "r=4" in source
    assert "HuggingFaceTB/SmolLM2-135M-Instruct" in source and "completion_only_loss=True" in source
    ast.parse(dpo_code())


def test_diagram_data_is_consistent_in_both_languages():
    for lang in ("vi", "en"):
        graph = explain.pipeline(lang)
        ids = {n["id"] for n in graph["nodes"]}
        assert {"pretraining", "sft", "reward_model", "ppo", "grpo", "dpo"} <= ids
        assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
        assert all(n["label"] and 0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in graph["nodes"])
        assert {m["id"] for m in explain.methods(lang)} == {"sft", "dpo", "ppo", "grpo"}
    assert explain.data_examples()["preference_pairs"]["chosen"]


# --------------------------------------------------------------------------- real runs
@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    import torch

    from lib.alignment.sft import sft_run

    threads = torch.get_num_threads()
    events = []
    result = sft_run(steps=6, on_event=events.append, output_dir=tmp_path_factory.mktemp("sft") / "adapter", **QUICK)
    assert torch.get_num_threads() == threads
    return result, events


def test_short_sft_run_lowers_the_loss(short_run):
    result, events = short_run
    assert result.steps == 6 and not result.stopped
    assert [step for step, _ in result.losses] == [1, 2, 3, 4, 5, 6]
    first, last = result.losses[0][1], result.losses[-1][1]
    assert last < first, result.losses
    phases = [e["phase"] for e in events if e["kind"] == "phase"]
    assert phases == ["before", "train", "after"] and events[-1]["kind"] == "final"


def test_only_lora_parameters_train(short_run):
    from safetensors import safe_open

    result, _ = short_run
    config = json.loads((result.output_dir / "adapter_config.json").read_text())
    layers, hidden, kv = 30, 576, 192  # SmolLM2-135M: 30 layers, hidden 576, 3 KV heads of 64
    r = config["r"]
    per_layer = r * ((hidden + hidden) * 2 + (hidden + kv) * 2)  # q, o: 576->576; k, v: 576->192
    assert result.trainable_params == layers * per_layer
    assert result.trainable_share < 0.05
    with safe_open(str(result.output_dir / "adapter_model.safetensors"), "pt") as adapter:
        names = list(adapter.keys())
    assert names and all("lora_" in name for name in names)


def test_answers_before_and_after_for_every_prompt(short_run):
    result, _ = short_run
    assert [c["prompt"] for c in result.comparison] == QUICK["prompts"]
    assert all(isinstance(c["before"], str) and isinstance(c["after"], str) and c["before"]
               for c in result.comparison)
    ast.parse(result.code)


def test_stop_event_ends_a_run_early(tmp_path):
    from lib.alignment.sft import sft_run

    stop = threading.Event()

    def on_event(event):
        if event["kind"] == "log":
            stop.set()

    result = sft_run(steps=40, on_event=on_event, stop=stop, output_dir=tmp_path / "adapter",
                     max_new_tokens=4, prompts=[HELD_OUT_PROMPTS[1]])
    assert result.stopped and result.steps < 5 and result.max_steps == 40
    assert len(result.comparison) == 1


def test_tiny_dpo_run_works_with_the_pinned_versions(tmp_path):
    from lib.alignment.sft import dpo_run

    result = dpo_run(steps=2, output_dir=tmp_path / "dpo", max_new_tokens=4, prompts=[HELD_OUT_PROMPTS[3]])
    assert result.steps == 2 and len(result.losses) == 2
    assert abs(result.losses[0][1] - 0.6931) < 0.01  # step 1: policy == reference, loss = log 2
    assert len(result.margins) == 2 and result.trainable_params / result.total_params < 0.05
    assert all(isinstance(c["after"], str) for c in result.comparison)
