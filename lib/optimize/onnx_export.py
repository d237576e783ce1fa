"""Export the pack's sentiment classifier to ONNX, quantize it to int8, and compare the three.

This is what Hugging Face Optimum does for a learner (`ORTModelForSequenceClassification
.from_pretrained(model, export=True)`), done here with the libraries underneath it:
`torch.onnx.export` to write the ONNX graph, `onnxruntime.quantization.quantize_dynamic` for
int8 weights, and `onnxruntime.InferenceSession` to run it.

Why not optimum itself: optimum 2.x moved its ONNX export into the separate `optimum-onnx`
package, and optimum-onnx pins transformers 4.57, while this project runs transformers 5.24.
Installing it would downgrade transformers for the whole app, so the lab shows the optimum code
(labelled as needing a transformers version optimum-onnx supports) and runs the equivalent steps.

Exporter choice: the torch.export-based exporter (`dynamo=True`, the default since torch 2.9)
exports this BERT reliably here and matches PyTorch to ~2e-7; the legacy TorchScript exporter
also works but is deprecated and traces Python booleans in transformers' mask code (tracer
warnings). `export` uses dynamo and falls back to TorchScript only if dynamo fails.

Exports live in `.cache/optimize/<component>-<hash of the pack manifest>/` (gitignored), so a
rebuilt pack model gets a new export and an unchanged one is reused.
"""
from __future__ import annotations

import hashlib
import json
import os
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.text_input import InputProblem

COMPONENT = "sentiment-e5-vi-en"
RECIPE = 1  # bump when the export/quantize steps change, so that old exports are not reused
OPSET = 18
THREADS = 2
MAX_TOKENS = 512
ONNX_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"  # per-channel weight scales
INT8_PER_TENSOR_NAME = "model.int8-per-tensor.onnx"
INFO_NAME = "export_info.json"
BACKENDS = ("pytorch-fp32", "onnx-fp32", "onnx-int8")
INPUT_NAMES = ("input_ids", "attention_mask")  # XLM-R tokenizers give no token_type_ids

_build_lock = threading.Lock()  # two sessions pressing "export" at once export once


# --------------------------------------------------------------------------- files
def export_dir(component: str = COMPONENT) -> Path:
    """The cache folder for this component's exports, keyed by its pack manifest."""
    from lib.models.loader import pack_path
    from lib.models.pack import MANIFEST, cache_dir

    manifest = (pack_path(component) / MANIFEST).read_bytes()
    key = hashlib.sha256(manifest + f"recipe={RECIPE}".encode()).hexdigest()[:16]
    return cache_dir() / "optimize" / f"{component}-{key}"


def export_info(onnx_path: str | Path) -> dict:
    """What `export` recorded next to the file: exporter used, seconds, versions."""
    info = Path(onnx_path).parent / INFO_NAME
    return json.loads(info.read_text(encoding="utf-8")) if info.exists() else {}


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def _example_inputs(tokenizer: Any) -> tuple:
    """Two sentences of different lengths, so no axis looks constant to the exporter."""
    batch = tokenizer(["Rất tốt!", "The battery died after two days, a real waste of money."],
                      padding=True, return_tensors="pt")
    return tuple(batch[name] for name in INPUT_NAMES)


def _torch_export(model: Any, inputs: tuple, target: Path, dynamo: bool) -> None:
    import torch

    if dynamo:
        batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=MAX_TOKENS)
        torch.onnx.export(model, inputs, str(target), dynamo=True, opset_version=OPSET,
                          input_names=list(INPUT_NAMES), output_names=["logits"],
                          dynamic_shapes={name: {0: batch, 1: sequence} for name in INPUT_NAMES},
                          external_data=False, verbose=False)
    else:
        axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
        torch.onnx.export(model, inputs, str(target), dynamo=False, opset_version=17,
                          input_names=list(INPUT_NAMES), output_names=["logits"],
                          dynamic_axes={**axes, "logits": {0: "batch"}})


def export(component: str = COMPONENT) -> Path:
    """The fp32 ONNX file of a pack sequence classifier; exported once, then reused.

    Batch and sequence axes are dynamic. Takes ~25-60 s the first time on a laptop CPU.
    """
    folder = export_dir(component)
    target = folder / ONNX_NAME
    with _build_lock:
        if target.exists():
            return target
        import torch

        from lib.models.loader import load_model, load_tokenizer

        folder.mkdir(parents=True, exist_ok=True)
        model = load_model(component, "AutoModelForSequenceClassification")
        inputs = _example_inputs(load_tokenizer(component))
        temporary = _temporary(target)
        start = time.perf_counter()
        errors = []
        for exporter, dynamo in (("dynamo", True), ("torchscript", False)):
            try:
                with torch.inference_mode(False), torch.no_grad():
                    _torch_export(model, inputs, temporary, dynamo)
                break
            except Exception as error:  # noqa: BLE001 - any exporter failure: try the other one
                errors.append(f"{exporter}: {type(error).__name__}: {error}"[:500])
                temporary.unlink(missing_ok=True)
        else:
            raise RuntimeError("ONNX export failed with both exporters:\n" + "\n".join(errors))
        os.replace(temporary, target)  # atomic: a half-written file is never reused
        info = {"component": component, "exporter": exporter, "opset": OPSET if dynamo else 17,
                "seconds": round(time.perf_counter() - start, 1), "torch": torch.__version__,
                "failed": errors}
        (folder / INFO_NAME).write_text(json.dumps(info, indent=2), encoding="utf-8")
        return target


def quantize(onnx_path: str | Path, per_channel: bool = True) -> Path:
    """Dynamic int8 quantization (QInt8 weights, activations quantized on the fly); reused once made.

    No calibration data is needed. The weights of MatMul and Gather are stored as int8: the
    Gather is the 250k-row embedding table, 82% of this model's bytes, and quantizing it alone
    barely moves the outputs (mean |dp| 0.004). The error comes from the int8 MatMuls, whose
    activations are quantized per tensor at run time; per-channel weight scales (one per output
    column) halve it here (agreement with PyTorch on the test split 90% -> 96%), for 0.2 MB more.
    """
    source = Path(onnx_path)
    target = source.with_name(INT8_NAME if per_channel else INT8_PER_TENSOR_NAME)
    with _build_lock:
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        temporary = _temporary(target)
        try:
            quantize_dynamic(source, temporary, weight_type=QuantType.QInt8, per_channel=per_channel)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        return target


# --------------------------------------------------------------------------- running
def _new_session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Idle pool threads would otherwise spin for a while after each run, stealing the CPU from
    # PyTorch and other sessions on a shared 2-core machine (it made PyTorch look 10x slower).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def session(path: str | Path, threads: int = THREADS) -> Any:
    """An onnxruntime CPU session for an exported file, cached for every learner session."""
    from lib.models.loader import shared_cache

    path = Path(path)
    return shared_cache().get(f"onnxruntime:{path}:{threads}", lambda: _new_session(path, threads),
                              size_bytes=path.stat().st_size)


def _softmax(logits: Any) -> Any:
    import numpy as np

    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _encode(tokenizer: Any, texts: list[str], tensors: str = "np") -> dict:
    batch = tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors=tensors)
    return {name: batch[name] for name in INPUT_NAMES}


def _check_texts(texts: list[str] | str) -> list[str]:
    texts = [texts] if isinstance(texts, str) else list(texts)
    if not texts or not all(text and text.strip() for text in texts):
        raise InputProblem("text_empty")
    return texts


def classify(session: Any, tokenizer: Any, texts: list[str] | str) -> Any:
    """Class probabilities, a float32 array (len(texts), num_labels), from an ONNX session.

    Texts are fed as they are (no "query: " prefix: the classifier was fine-tuned on raw reviews).
    """
    import numpy as np

    feed = {name: array.astype(np.int64) for name, array in _encode(tokenizer, _check_texts(texts)).items()}
    (logits,) = session.run(["logits"], feed)
    return _softmax(logits.astype(np.float32))


def classify_torch(model: Any, tokenizer: Any, texts: list[str] | str) -> Any:
    """The same probabilities from the PyTorch model, the reference the ONNX files are checked against."""
    import torch

    with torch.inference_mode():
        logits = model(**_encode(tokenizer, _check_texts(texts), "pt")).logits
    return _softmax(logits.float().numpy())


def labels(component: str = COMPONENT) -> list[str]:
    """Class names in output order, from the pack model's config."""
    from lib.models.loader import pack_path

    config = json.loads((pack_path(component) / "config.json").read_text(encoding="utf-8"))
    return [config["id2label"][str(i)] for i in range(len(config["id2label"]))]


# --------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Comparison:
    """PyTorch fp32, ONNX fp32 and ONNX int8 side by side, measured in one run.

    `rows` is DataFrame-ready (one dict per backend): backend, size_mb, latency_ms (median per
    sentence, batch 1), throughput_per_s (sentences/s in a batch of 32), accuracy (test split),
    agreement (share of predictions equal to PyTorch's), max_prob_diff (vs PyTorch).
    """
    rows: list[dict]
    test_rows: int
    rounds: int
    threads: int
    exporter: str
    load_average: tuple[float, float, float]  # 1, 5, 15 min, when the measurement ended
    seconds: float
    extra: dict = field(default_factory=dict)

    def ratios(self) -> list[dict]:
        """Each backend against PyTorch fp32 (size and latency: fraction; throughput: speed-up)."""
        base = self.rows[0]
        return [{"backend": row["backend"],
                 "size_ratio": row["size_mb"] / base["size_mb"],
                 "latency_ratio": row["latency_ms"] / base["latency_ms"],
                 "speedup_batch1": base["latency_ms"] / row["latency_ms"],
                 "throughput_ratio": row["throughput_per_s"] / base["throughput_per_s"],
                 "accuracy_change": row["accuracy"] - base["accuracy"]} for row in self.rows]


def _median_seconds(call: Any, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compare(rows: int = 96, rounds: int = 5, latency_sentences: int = 8, batch_size: int = 32,
            threads: int = THREADS, component: str = COMPONENT) -> Comparison:
    """Size, latency, throughput, accuracy and agreement of the three versions of the classifier.

    Latency is the model call on already tokenized input (tokenizing is the same for all three),
    batch 1, over `latency_sentences` test sentences x `rounds` rounds, median. Throughput is one
    padded batch of `batch_size` sentences, median of `rounds`. PyTorch runs with the same number
    of threads as onnxruntime (restored afterwards); backends alternate within each round so that
    a load spike on a shared machine hits all three alike.
    """
    import numpy as np
    import torch

    from lib.models.loader import load_model, load_tokenizer, pack_path
    from lib.models.train_builders import sentiment_split

    start_all = time.perf_counter()
    tokenizer = load_tokenizer(component)
    model = load_model(component, "AutoModelForSequenceClassification")
    fp32 = export(component)
    int8 = quantize(fp32)
    sessions = {"onnx-fp32": session(fp32, threads), "onnx-int8": session(int8, threads)}
    sizes = {"pytorch-fp32": sum(f.stat().st_size for f in pack_path(component).glob("*.safetensors")),
             "onnx-fp32": fp32.stat().st_size, "onnx-int8": int8.stat().st_size}

    _, test = sentiment_split()
    test = test.head(rows)
    texts, gold = list(test["text"]), list(test["label"])
    names = labels(component)
    gold_ids = np.array([names.index(label) for label in gold])
    sentences = texts[:latency_sentences]
    batch = texts[:batch_size]

    def runner(backend: str):
        if backend == "pytorch-fp32":
            def run(encoded):
                with torch.inference_mode():
                    return model(**encoded).logits
            return run, "pt"
        onnx = sessions[backend]
        return (lambda encoded: onnx.run(["logits"], encoded)), "np"

    previous_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        encoded = {kind: {"one": [_encode(tokenizer, [s], kind) for s in sentences],
                          "batch": _encode(tokenizer, batch, kind)} for kind in ("pt", "np")}
        latencies = {backend: [] for backend in BACKENDS}
        batches = {backend: [] for backend in BACKENDS}
        for backend in BACKENDS:  # warm-up: first runs allocate and pick kernels
            run, kind = runner(backend)
            run(encoded[kind]["one"][0])
            run(encoded[kind]["batch"])
        for _ in range(rounds):
            for backend in BACKENDS:
                run, kind = runner(backend)
                for one in encoded[kind]["one"]:
                    latencies[backend].append(_median_seconds(lambda: run(one), 1))
                batches[backend].append(_median_seconds(lambda: run(encoded[kind]["batch"]), 1))
        probabilities = {}
        for backend in BACKENDS:
            chunks = []
            for first in range(0, len(texts), batch_size):
                part = texts[first:first + batch_size]
                chunks.append(classify_torch(model, tokenizer, part) if backend == "pytorch-fp32"
                              else classify(sessions[backend], tokenizer, part))
            probabilities[backend] = np.concatenate(chunks)
    finally:
        torch.set_num_threads(previous_threads)

    reference = probabilities["pytorch-fp32"]
    table = []
    for backend in BACKENDS:
        predicted = probabilities[backend].argmax(axis=1)
        table.append({
            "backend": backend,
            "size_mb": round(sizes[backend] / 1e6, 1),
            "latency_ms": round(statistics.median(latencies[backend]) * 1000, 2),
            "throughput_per_s": round(len(batch) / statistics.median(batches[backend]), 1),
            "accuracy": round(float((predicted == gold_ids).mean()), 4),
            "agreement": round(float((predicted == reference.argmax(axis=1)).mean()), 4),
            "max_prob_diff": float(np.abs(probabilities[backend] - reference).max()),
        })
    return Comparison(rows=table, test_rows=len(texts), rounds=rounds, threads=threads,
                      exporter=export_info(fp32).get("exporter", "?"),
                      load_average=tuple(round(x, 2) for x in os.getloadavg()),
                      seconds=round(time.perf_counter() - start_all, 1),
                      extra={"latency_sentences": len(sentences), "batch_size": len(batch)})


def figure(comparison: Comparison, titles: dict[str, str]) -> Any:
    """Four small bar charts (size, latency, throughput, accuracy), one bar per backend.

    `titles` maps size_mb, latency_ms, throughput_per_s and accuracy to the learner's language.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    metrics = ["size_mb", "latency_ms", "throughput_per_s", "accuracy"]
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=[titles.get(m, m) for m in metrics])
    backends = [row["backend"] for row in comparison.rows]
    for column, metric in enumerate(metrics, start=1):
        values = [row[metric] for row in comparison.rows]
        fig.add_trace(go.Bar(x=backends, y=values, text=[f"{v:g}" for v in values], textposition="auto",
                             marker_color=["#636EFA", "#EF553B", "#00CC96"], showlegend=False),
                      row=1, col=column)
    fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


# --------------------------------------------------------------------------- code to copy
def code(model: str = "path/to/sentiment-e5-vi-en") -> dict[str, str]:
    """Minimal runnable code for the "show code" expanders: export, quantize, run, and optimum."""
    export_code = f'''# pip install torch transformers onnx onnxscript
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

model = AutoModelForSequenceClassification.from_pretrained("{model}").eval()
tokenizer = AutoTokenizer.from_pretrained("{model}")
example = tokenizer(["Rất tốt!", "The battery died after two days."], padding=True, return_tensors="pt")

batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=512)
torch.onnx.export(
    model, (example["input_ids"], example["attention_mask"]), "model.onnx",
    dynamo=True, input_names=["input_ids", "attention_mask"], output_names=["logits"],
    dynamic_shapes={{"input_ids": {{0: batch, 1: sequence}}, "attention_mask": {{0: batch, 1: sequence}}}},
)
'''
    quantize_code = '''# pip install onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic

# int8 weights, activations quantized on the fly: no calibration data needed.
# per_channel=True: one scale per output column, more accurate than one per matrix
quantize_dynamic("model.onnx", "model.int8.onnx", weight_type=QuantType.QInt8, per_channel=True)
'''
    run_code = f'''# pip install onnxruntime transformers
import numpy as np
import onnxruntime as ort
from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("{model}")
options = ort.SessionOptions()
options.intra_op_num_threads = 2
session = ort.InferenceSession("model.int8.onnx", options, providers=["CPUExecutionProvider"])

batch = tokenizer(["Phim hay, diễn viên đóng rất tự nhiên.", "Terrible service."],
                  padding=True, truncation=True, return_tensors="np")
(logits,) = session.run(["logits"], {{"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}})
probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
print(probabilities.round(3))  # columns: negative, positive
'''
    optimum_code = f'''# Needs a transformers version that optimum-onnx supports (it pins transformers 4.57;
# this app runs transformers 5.x, so the app does the same steps with torch.onnx + onnxruntime).
# pip install "optimum-onnx[onnxruntime]"
from optimum.onnxruntime import ORTModelForSequenceClassification, ORTQuantizer
from optimum.onnxruntime.configuration import AutoQuantizationConfig
from transformers import AutoTokenizer, pipeline

model = ORTModelForSequenceClassification.from_pretrained("{model}", export=True)  # exports to ONNX
tokenizer = AutoTokenizer.from_pretrained("{model}")
model.save_pretrained("onnx/")

quantizer = ORTQuantizer.from_pretrained(model)
quantizer.quantize(save_dir="onnx-int8/",
                   quantization_config=AutoQuantizationConfig.avx512_vnni(is_static=False, per_channel=True))

int8 = ORTModelForSequenceClassification.from_pretrained("onnx-int8/")
classifier = pipeline("text-classification", model=int8, tokenizer=tokenizer)
print(classifier("Phim hay, diễn viên đóng rất tự nhiên."))
'''
    return {"export": export_code, "quantize": quantize_code, "run": run_code, "optimum": optimum_code}
