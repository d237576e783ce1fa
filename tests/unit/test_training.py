"""The training lab's core: real Trainer runs on the project's reviews, stop, LoRA, Accelerate, export."""
import io
import json
import threading
import zipfile

import numpy as np
import pandas as pd
import pytest

from lib.text_input import InputProblem
from lib.training import data as training_data
from lib.training.trainer import TrainConfig, train

pytestmark = pytest.mark.pack

SHORT = dict(epochs=1, max_length=32, batch_size=16, logging_steps=4)


@pytest.fixture(scope="module")
def reviews():
    return training_data.prepare_sentiment()


@pytest.fixture(scope="module")
def short_run(reviews, tmp_path_factory):
    import torch

    threads = torch.get_num_threads()
    events = []
    result = train(reviews, TrainConfig(**SHORT), on_event=events.append,
                   output_dir=tmp_path_factory.mktemp("run") / "model")
    assert torch.get_num_threads() == threads  # the page's other sessions keep their setting
    return result, events


# --------------------------------------------------------------------------- data
def test_project_reviews_split_stratified_with_class_labels(reviews):
    assert reviews.sizes == {"train": 384, "test": 96}
    assert reviews.labels == ["negative", "positive"] and reviews.notices == []
    assert reviews.splits["train"].features["label"].names == ["negative", "positive"]
    assert sum(reviews.splits["test"]["label"]) == 48  # balanced test split


def table(texts, labels):
    return pd.DataFrame({"review": texts, "stars": labels})


@pytest.mark.parametrize("frame, text_column, label_column, key", [
    (table(["good"] * 30, ["a"] * 30), "review", "stars", "train_one_class"),
    (table(["good"] * 30, [str(i) for i in range(30)]), "review", "stars", "train_too_many_classes"),
    (table([str(i) for i in range(30)], ["a", "b"] * 15), "review", "stars", "train_text_not_text"),
    (table(["good"] * 30, ["a", "b"] * 15), "review", "review", "train_same_column"),
    (table(["good"] * 30, ["a", "b"] * 15), "review", "label", "train_column_missing"),
    (table(["good"] * 6, ["a", "b"] * 3), "review", "stars", "train_too_few_rows"),
    (table(["good"] * 30, ["a", "b"] * 4 + [None] * 22), "review", "stars", "train_too_few_rows"),
    (table(["good"] * 30, ["a"] * 29 + ["b"]), "review", "stars", "train_class_too_small"),
])
def test_bad_tables_are_refused_with_a_catalogue_key(frame, text_column, label_column, key):
    with pytest.raises(InputProblem) as problem:
        training_data.prepare(frame, text_column, label_column)
    assert problem.value.key == key


def test_missing_labels_are_dropped_and_big_tables_sampled_by_class():
    frame = table([f"review {i}" for i in range(40)], [1.0, 0.0] * 18 + [np.nan] * 4)
    prepared = training_data.prepare(frame, "review", "stars")
    assert prepared.labels == ["0", "1"]  # an int column with blanks reads as 0/1, not 0.0/1.0
    assert prepared.notices == [("train_rows_dropped", {"dropped": 4, "rows": 40})]
    rng = np.random.default_rng(0)
    big = table(rng.choice(["ok", "bad", "fine"], 100_000), rng.choice(["a", "b", "c"], 100_000, p=[0.8, 0.15, 0.05]))
    prepared = training_data.prepare(big, "review", "stars", max_rows=2_000)
    assert prepared.notices[0][0] == "train_sampled"
    assert sum(prepared.sizes.values()) == pytest.approx(2_000, abs=3)
    share = np.bincount(prepared.splits["train"]["label"]) / prepared.sizes["train"]
    assert share == pytest.approx([0.8, 0.15, 0.05], abs=0.02)


# --------------------------------------------------------------------------- training
def test_one_short_epoch_beats_the_untrained_model(short_run, reviews):
    result, events = short_run
    assert result.baseline is not None and result.baseline["step"] == 0
    assert result.metrics["accuracy"] >= result.baseline["accuracy"] + 0.15, (result.baseline, result.metrics)
    assert [e["kind"] for e in events][:2] == ["start", "eval"] and events[-1]["kind"] == "final"
    losses = [e for e in events if e["kind"] == "log"]
    assert len(losses) >= 4 and all(e["loss"] > 0 and e["max_steps"] == 24 for e in losses)
    assert np.sum(result.confusion) == reviews.sizes["test"] and len(result.confusion) == 2
    assert not result.stopped and result.steps == result.max_steps == 24
    assert 0 < result.trainable_params < result.total_params  # e5: embeddings and lower layers frozen
    assert "TrainingArguments(" in result.code and "use_cpu=True" in result.code
    compile(result.code, "code", "exec")


def test_stop_event_ends_a_run_early_with_a_usable_model(reviews, tmp_path):
    stop = threading.Event()

    def on_event(event):
        if event["kind"] == "log":
            stop.set()

    config = TrainConfig(base="all-minilm-l6-v2", epochs=3, max_length=24, logging_steps=2, eval_on_start=False)
    result = train(reviews, config, on_event=on_event, stop=stop, output_dir=tmp_path / "stopped")
    assert result.stopped and 2 <= result.steps < result.max_steps
    assert set(result.metrics) == {"loss", "accuracy", "f1_macro"}
    assert (tmp_path / "stopped" / "model.safetensors").exists()


# --------------------------------------------------------------------------- LoRA
@pytest.mark.parametrize("base", ["all-minilm-l6-v2", "multilingual-e5-small"])
@pytest.mark.parametrize("targets", [["query", "value"], ["query", "key", "value", "dense"]])
def test_lora_count_by_formula_equals_peft(base, targets):
    from lib.models.loader import pack_path
    from lib.training.lora import apply_lora, lora_parameter_count
    from lib.training.trainer import load_base

    config = TrainConfig(base=base, method="lora", lora_r=4, target_modules=targets)
    model, _ = load_base(config, ["negative", "positive"])
    by_config = lora_parameter_count(json.loads((pack_path(base) / "config.json").read_text()),
                                     r=4, target_modules=targets)
    by_model = lora_parameter_count(model, r=4, target_modules=targets)
    peft_model = apply_lora(model, config)
    assert (by_config["trainable"], by_config["total"]) == peft_model.get_nb_trainable_parameters()
    assert by_model["trainable"] == by_config["trainable"]
    assert all(v == 4 * (384 + 384) for k, v in by_config["per_module"].items() if k.endswith(("query", "value")))


# --------------------------------------------------------------------------- Accelerate
def test_accelerate_loop_loss_goes_down_on_cpu(reviews):
    from lib.training.accelerate_loop import run_loop

    result = run_loop(reviews, steps=12)
    assert len(result.losses) == 12 and result.device == "cpu" and result.mixed_precision == "no"
    assert np.mean(result.losses[-4:]) < np.mean(result.losses[:4]), result.losses
    assert isinstance(result.bf16_available, bool) and "accelerator.backward(loss)" in result.code
    compile(result.code, "code", "exec")


# --------------------------------------------------------------------------- export
def test_zipped_model_predicts_like_the_trained_one(short_run, tmp_path):
    import torch

    from lib.training.export import predict, zip_folder

    result, _ = short_run
    archive = zipfile.ZipFile(io.BytesIO(zip_folder(result.output_dir)))
    names = set(archive.namelist())
    assert {"config.json", "model.safetensors", "tokenizer.json"} <= names
    archive.extractall(tmp_path / "unzipped")
    texts = ["Phim hay, diễn viên đóng rất tự nhiên.", "The hotel room was dirty and the staff were rude."]
    predictions = predict(tmp_path / "unzipped", texts)
    with torch.no_grad():
        batch = result.tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
        probabilities = result.model(**batch).logits.softmax(-1)
    for prediction, row in zip(predictions, probabilities):
        assert prediction["label"] == result.labels[int(row.argmax())]
        assert prediction["score"] == pytest.approx(float(row.max()), abs=1e-4)
