"""Attention weights of the pack's encoders, for a heat map of where each token looks.

Fused attention kernels (SDPA) never materialize the weights, so the model is loaded with
attn_implementation="eager"; the shared cache keys on that argument, so this copy lives
beside the one the embedding widgets use.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lib.text_input import InputProblem

ENCODERS = ("multilingual-e5-small", "all-minilm-l6-v2")
DEFAULT_MAX_TOKENS = 64


@dataclass(frozen=True)
class Attention:
    tokens: list[str]  # as the tokenizer cut the text, special tokens included ([CLS], <s>, ...)
    weights: Any  # numpy float32 [layers, heads, seq, seq]; row i: how token i spreads its attention
    truncated: bool  # the text had more tokens than max_tokens; only the first ones are here

    @property
    def layers(self) -> int:
        return self.weights.shape[0]

    @property
    def heads(self) -> int:
        return self.weights.shape[1]


def _check(component_id: str, text: str, max_tokens: int) -> None:
    if component_id not in ENCODERS:
        raise ValueError(f"attention is shown for {', '.join(ENCODERS)}, not {component_id!r}")
    if max_tokens < 3:
        raise ValueError("max_tokens must leave room for the special tokens and one word")
    if not text or not text.strip():
        raise InputProblem("text_empty")


def attention_maps(component_id: str, text: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> Attention:
    """Every layer's and head's attention weights for one text, at most max_tokens tokens."""
    _check(component_id, text, max_tokens)
    import torch

    from lib.models.loader import load_model, load_tokenizer

    tokenizer = load_tokenizer(component_id)
    model = load_model(component_id, "AutoModel", attn_implementation="eager")
    limit = min(max_tokens, model.config.max_position_embeddings)
    # overflowing tokens come back as extra rows: more than one row means the text was cut
    encoded = tokenizer(text, truncation=True, max_length=limit, return_overflowing_tokens=True)
    ids = encoded["input_ids"][0]
    with torch.no_grad():
        outputs = model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                        output_attentions=True)
    weights = torch.stack(outputs.attentions)[:, 0].float().numpy()  # [layers, heads, seq, seq]
    return Attention(tokens=tokenizer.convert_ids_to_tokens(ids), weights=weights,
                     truncated=len(encoded["input_ids"]) > 1)


def head_average(weights: Any, layer: int) -> Any:
    """One layer's [seq, seq] map averaged over its heads; rows still sum to 1."""
    if not -weights.shape[0] <= layer < weights.shape[0]:
        raise IndexError(f"layer {layer} out of range: the model has {weights.shape[0]} layers")
    return weights[layer].mean(axis=0)


def attention_code(component_id: str, text: str, layer: int = 0, head: int | None = None,
                   max_tokens: int = DEFAULT_MAX_TOKENS) -> str:
    """Minimal runnable code that computes the same map as the widget, with the learner's text."""
    from lib.models.pack import component

    source = component(component_id).source
    shown = text[:500]
    pick = "weights[layer].mean(0)  # average of all heads" if head is None else f"weights[layer, {head}]  # one head"
    return "\n".join([
        "import torch",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        f'name = "{source}"',
        f'# offline, as in this app: name = ".cache/pack/{component_id}"',
        "tokenizer = AutoTokenizer.from_pretrained(name)",
        '# "eager" attention returns its weights; the default fused kernel does not',
        'model = AutoModel.from_pretrained(name, attn_implementation="eager").eval()',
        "",
        f"text = {shown!r}" + ("  # (shortened)" if len(text) > len(shown) else ""),
        f"inputs = tokenizer(text, return_tensors=\"pt\", truncation=True, max_length={max_tokens})",
        "with torch.no_grad():",
        "    outputs = model(**inputs, output_attentions=True)",
        "weights = torch.stack(outputs.attentions)[:, 0]  # [layers, heads, tokens, tokens]",
        'tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])',
        "",
        f"layer = {layer}",
        f"attention = {pick}",
        "print(weights.shape)",
        "for token, row in zip(tokens, attention):",
        '    print(f"{token:>12} looks most at {tokens[row.argmax()]}")',
    ]) + "\n"
