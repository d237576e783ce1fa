"""Inside nine famous models: built from their published configs on the meta device.

The meta device gives the real module tree and every parameter's shape without allocating
or downloading a single weight, so BERT, GPT-2, T5, BART, ViT, DETR, Whisper, Wav2Vec2 and
CLIP can all be opened offline in about a second. Configs live in model_configs.yaml;
torch and transformers are imported only inside the functions that build.
"""
from __future__ import annotations

import copy
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONFIG_FILE = Path(__file__).with_name("model_configs.yaml")
FAMILIES = ("encoder", "decoder", "encoder-decoder")
_BUILD_LOCK = threading.Lock()  # two sessions opening the page at once build each model once


@dataclass(frozen=True)
class ModelSpec:
    key: str
    hub_id: str
    name: str
    family: str  # encoder | decoder | encoder-decoder
    auto_class: str
    task: str
    year: int
    published_params: int
    config: dict  # keyword arguments for AutoConfig.for_model, model_type included

    @property
    def model_type(self) -> str:
        return self.config["model_type"]


@lru_cache(maxsize=1)
def _specs() -> dict[str, ModelSpec]:
    with open(CONFIG_FILE, encoding="utf-8") as f:
        data = yaml.safe_load(f)["models"]
    return {key: ModelSpec(key=key, **entry) for key, entry in data.items()}


def model_keys() -> list[str]:
    """The models in the order the page shows them."""
    return list(_specs())


def spec(model_key: str) -> ModelSpec:
    try:
        return _specs()[model_key]
    except KeyError:
        raise KeyError(f"unknown model {model_key!r}; known: {', '.join(_specs())}") from None


def config_kwargs(model_key: str) -> dict:
    """The published config values without model_type (a fresh copy: callers may change it)."""
    values = copy.deepcopy(spec(model_key).config)
    values.pop("model_type")
    return values


def build_config(model_key: str) -> Any:
    from transformers import AutoConfig

    return AutoConfig.for_model(spec(model_key).model_type, **config_kwargs(model_key))


@lru_cache(maxsize=None)
def build_on_meta(model_key: str) -> Any:
    """The model with its Auto class on torch's meta device: shapes only, no weights, no network.

    Cached and shared: treat the returned module as read-only.
    """
    import torch
    import transformers

    auto = getattr(transformers, spec(model_key).auto_class)
    config = build_config(model_key)
    with _BUILD_LOCK, torch.device("meta"):
        model = auto.from_config(config)
    return model.eval()


def count_parameters(model: Any) -> int:
    """Unique parameters: a weight tied in two places (embeddings and LM head) counts once."""
    return sum(p.numel() for p in model.parameters())  # parameters() skips duplicates


# ---- summary -----------------------------------------------------------------------------

def _first(config: Any, *names: str) -> Any:
    for name in names:
        value = getattr(config, name, None)
        if value is not None:
            return value
    return None


def _part_sizes(config: Any, family: str) -> list[dict]:
    """Layers and widths of one transformer stack, split into encoder and decoder when both exist."""
    hidden = _first(config, "d_model", "hidden_size", "n_embd")
    sizes = {
        "hidden": hidden,
        "heads": _first(config, "encoder_attention_heads", "num_heads", "num_attention_heads", "n_head"),
        "intermediate": _first(config, "encoder_ffn_dim", "d_ff", "intermediate_size", "n_inner") or 4 * hidden,
    }
    first_stack = _first(config, "encoder_layers", "num_layers", "num_hidden_layers", "n_layer")
    if family != "encoder-decoder":
        return [{"part": family, "layers": first_stack, **sizes}]
    decoder = {
        "hidden": hidden,
        "heads": _first(config, "decoder_attention_heads", "num_heads") or sizes["heads"],
        "intermediate": _first(config, "decoder_ffn_dim", "d_ff") or sizes["intermediate"],
    }
    return [
        {"part": "encoder", "layers": first_stack, **sizes},
        {"part": "decoder", "layers": _first(config, "decoder_layers", "num_decoder_layers") or first_stack, **decoder},
    ]


def _parts(config: Any, family: str) -> list[dict]:
    if getattr(config, "vision_config", None) is not None and getattr(config, "text_config", None) is not None:
        return [
            {**_part_sizes(config.vision_config, "encoder")[0], "part": "vision"},
            {**_part_sizes(config.text_config, "encoder")[0], "part": "text"},
        ]
    return _part_sizes(config, family)


@lru_cache(maxsize=None)
def _summary(model_key: str) -> dict:
    s = spec(model_key)
    model = build_on_meta(model_key)
    config = model.config
    parts = _parts(config, s.family)
    text = getattr(config, "text_config", None) or config
    return {
        "key": s.key,
        "name": s.name,
        "hub_id": s.hub_id,
        "model_type": s.model_type,
        "class_name": type(model).__name__,
        "family": s.family,
        "auto_class": s.auto_class,
        "task": s.task,
        "year": s.year,
        "total_params": count_parameters(model),
        "published_params": s.published_params,
        "layers": sum(p["layers"] for p in parts),
        "layer_breakdown": {p["part"]: p["layers"] for p in parts},
        "hidden": parts[0]["hidden"],
        "heads": parts[0]["heads"],
        "intermediate": parts[0]["intermediate"],
        "vocab_size": getattr(text, "vocab_size", None),
        "max_positions": _first(text, "max_position_embeddings", "n_positions", "max_target_positions"),
        "parts": parts,
    }


def summary(model_key: str) -> dict:
    """Key facts of one model for the page's table and metrics.

    Returns a dict: key, name, hub_id, model_type, class_name, family, auto_class, task, year,
    total_params (counted here), published_params, layers (all stacks together),
    layer_breakdown ({"encoder": 6, "decoder": 6}, {"vision": 12, "text": 12}, ...), hidden,
    heads, intermediate (of the first stack), vocab_size and max_positions (None when the model
    reads no tokens or has no position table) and parts (one dict of sizes per stack).
    """
    return copy.deepcopy(_summary(model_key))


# ---- parameter tree ----------------------------------------------------------------------

def _label(path: tuple[str, ...]) -> str:
    """`layer.0` rather than a bare `0`, so a treemap tile says which list it belongs to."""
    last = path[-1]
    return f"{path[-2]}.{last}" if last.isdigit() and len(path) > 1 else last


@lru_cache(maxsize=None)
def _tree(model_key: str, max_depth: int) -> tuple[tuple[str, str, str, int, str], ...]:
    model = build_on_meta(model_key)
    modules = dict(model.named_modules())
    order = {name: i for i, name in enumerate(modules)}  # children in the model's own order
    totals: dict[tuple[str, ...], int] = defaultdict(int)
    own: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for name, parameter in model.named_parameters():  # tied weights appear once, under their first name
        *module_path, parameter_name = name.split(".")
        path = tuple(module_path)
        n = parameter.numel()
        for depth in range(min(len(path), max_depth) + 1):
            totals[path[:depth]] += n
        if len(path) < max_depth:
            own[path].append((parameter_name, n))

    has_children = {path[:-1] for path in totals if path}

    def node_id(path: tuple[str, ...]) -> str:
        return ".".join((model_key, *path))

    rows = []

    def visit(path: tuple[str, ...]) -> None:
        module = modules.get(".".join(path))
        rows.append((node_id(path), node_id(path[:-1]) if path else "",
                     _label(path) if path else spec(model_key).hub_id, totals[path],
                     type(module).__name__ if module is not None else ""))
        if path not in has_children:
            return  # a leaf: its own parameters and everything below it are in its total
        for parameter_name, n in own.get(path, ()):  # e.g. CLIP's logit_scale, ViT's cls_token
            rows.append((f"{node_id(path)}.{parameter_name}", node_id(path), parameter_name, n, "Parameter"))
        for child in sorted((p for p in totals if len(p) == len(path) + 1 and p[:-1] == path),
                            key=lambda p: order.get(".".join(p), 0)):
            visit(child)

    visit(())
    return tuple(rows)


def parameter_tree(model_key: str, max_depth: int = 3) -> list[dict]:
    """Rows for a Plotly treemap or sunburst (branchvalues="total").

    Each row: id (model key + module path), parent ("" for the root), label (module name; the
    root is the Hub id), params (unique parameters in that subtree), module (class name, or
    "Parameter" for a weight held directly by a module that also has submodules). Children sum
    exactly to their parent; modules deeper than max_depth are folded into their ancestor.
    """
    if max_depth < 1:
        raise ValueError("max_depth must be at least 1")
    return [dict(id=i, parent=p, label=label, params=n, module=m) for i, p, label, n, m in _tree(model_key, max_depth)]


# ---- code shown under the widget ---------------------------------------------------------

def _config_call(model_key: str) -> str:
    kwargs = config_kwargs(model_key)
    args = [repr(spec(model_key).model_type)] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return "AutoConfig.for_model(\n    " + ",\n    ".join(args) + ",\n)"


def anatomy_code(model_key: str, offline: bool = False) -> str:
    """Minimal runnable code: the config, then the model on the meta device, then its count.

    Online the config comes from the Hub (config.json only, a few KB); `offline=True` writes the
    published values inline instead, which is what this app does.
    """
    s = spec(model_key)
    if offline:
        config_lines = [f"# the published config of {s.hub_id}, written out (no Hub needed)",
                        f"config = {_config_call(model_key)}"]
    else:
        config_lines = [f'config = AutoConfig.from_pretrained("{s.hub_id}")  # config.json only, a few KB']
    return "\n".join([
        "import torch",
        f"from transformers import AutoConfig, {s.auto_class}",
        "",
        *config_lines,
        'with torch.device("meta"):  # shapes only: no weights downloaded, no memory used',
        f"    model = {s.auto_class}.from_config(config)",
        "",
        "print(model)",
        'print(f"{sum(p.numel() for p in model.parameters()):,} parameters")  # tied weights once',
    ]) + "\n"
