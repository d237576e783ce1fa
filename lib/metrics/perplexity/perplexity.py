"""Perplexity of texts under a causal language model, as the Hub's `perplexity` metric.

Offline, the model is the pack's SmolLM2-135M-Instruct, loaded through the app's one shared cache
(lib.models.loader), so computing a perplexity never loads a second copy of the model. Another
`model_id` is loaded from the Hub only when the Hub is allowed (HF_HUB_OFFLINE unset).
"""
import datasets
import numpy as np
import torch

import evaluate
from lib.environment import hub_offline
from lib.models.loader import load_model, load_tokenizer, shared_cache
from lib.text_input import InputProblem

PACK_MODEL = "smollm2-135m-instruct"
PACK_SOURCE = "HuggingFaceTB/SmolLM2-135M-Instruct"  # served by the pack copy (dequantized from 4-bit GGUF)
# The Instruct tokenizer's bos_token is <|im_start|>, a chat-turn marker normally followed by a role
# name, so the Hub's choice (bos_token) makes any first word look absurd ("Hello there." scores ~950).
# SmolLM2 was pre-trained with <|endoftext|> between documents (the base model's BOS): start with it.
PACK_START_TOKEN = "<|endoftext|>"

_DESCRIPTION = """
Perplexity (PPL) measures how surprised a language model is by a text: the exponential of the mean
negative log-likelihood of each token given the tokens before it. It is >= 1, lower is better, and it
depends on the model and its tokenizer, so compare perplexities only under the same model.
Default model: the offline pack's SmolLM2-135M-Instruct (the Hub's metric has no default).
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): the texts to score.
    model_id (`str`): "smollm2-135m-instruct" (default) or "HuggingFaceTB/SmolLM2-135M-Instruct" use the
        offline pack; any other causal LM id needs the Hub (online).
    batch_size (`int`): texts per forward pass. Defaults to 16.
    add_start_token (`bool`): prepend a start token so the first word is scored too: the tokenizer's BOS
        token, as the Hub's metric, except <|endoftext|> for the pack's SmolLM2. Defaults to True.
    device (`str`): "cpu" or "cuda"; defaults to where the model already is.
    max_length (`int`): truncate texts to this many tokens (BOS included). Defaults to None (no truncation).
Returns:
    perplexities (`list` of `float`): one per text; mean_perplexity (`float`): their mean.
Examples:
    >>> perplexity = evaluate.load("lib/metrics/perplexity")
    >>> perplexity.compute(predictions=["The cat sat on the mat."])["perplexities"]
"""

_CITATION = """
@misc{hf-perplexity,
  title={Perplexity of fixed-length models},
  howpublished={https://huggingface.co/docs/transformers/perplexity},
  author={Hugging Face},
}
"""


def _model_and_tokenizer(model_id):
    """(model, tokenizer, start token id): the pack model through the shared loader, or (online only)
    a Hub model kept in the same shared cache."""
    if model_id in (PACK_MODEL, PACK_SOURCE):
        tokenizer = load_tokenizer(PACK_MODEL)
        return (load_model(PACK_MODEL, "AutoModelForCausalLM"), tokenizer,
                tokenizer.convert_tokens_to_ids(PACK_START_TOKEN))
    if hub_offline():
        raise InputProblem("hub_unreachable", model=model_id)

    def factory():
        from transformers import AutoModelForCausalLM, AutoTokenizer

        model = AutoModelForCausalLM.from_pretrained(model_id, use_safetensors=True)  # no pickle weights
        return model.eval(), AutoTokenizer.from_pretrained(model_id)

    model, tokenizer = shared_cache().get(f"hub:AutoModelForCausalLM:{model_id}", factory)
    return model, tokenizer, tokenizer.bos_token_id


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Perplexity(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            module_type="metric",
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({"predictions": datasets.Value("string")}),
            reference_urls=["https://huggingface.co/docs/transformers/perplexity"],
        )

    def _compute(self, predictions, model_id=PACK_MODEL, batch_size=16, add_start_token=True, device=None,
                 max_length=None):
        if any(not text.strip() for text in predictions):
            raise InputProblem("text_empty")
        model, tokenizer, start = _model_and_tokenizer(model_id)
        device = torch.device(device) if device else next(model.parameters()).device
        if next(model.parameters()).device != device:
            raise ValueError(f"the shared model lives on {next(model.parameters()).device}, not {device}")
        bos = start if add_start_token else None
        if add_start_token and bos is None:
            raise ValueError("add_start_token=True needs a tokenizer with a BOS token")
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        limit = max_length - 1 if (max_length and add_start_token) else max_length
        loss_fct = torch.nn.CrossEntropyLoss(reduction="none")
        perplexities = []
        for first in range(0, len(predictions), batch_size):
            texts = predictions[first:first + batch_size]
            ids = [tokenizer(t, add_special_tokens=False, truncation=bool(limit), max_length=limit)["input_ids"]
                   for t in texts]
            if bos is not None:
                ids = [[bos] + seq for seq in ids]
            if any(len(seq) < 2 for seq in ids):
                raise ValueError("each text needs at least two tokens (or one with add_start_token=True)")
            width = max(len(seq) for seq in ids)  # right padding, masked out of the loss below
            input_ids = torch.tensor([seq + [pad] * (width - len(seq)) for seq in ids], device=device)
            mask = torch.tensor([[1] * len(seq) + [0] * (width - len(seq)) for seq in ids], device=device)
            with torch.inference_mode():
                logits = model(input_ids=input_ids, attention_mask=mask).logits
            # token t is predicted from tokens < t: shift logits left, labels right
            nll = loss_fct(logits[:, :-1, :].transpose(1, 2).float(), input_ids[:, 1:])
            shift_mask = mask[:, 1:].to(nll.dtype)
            perplexities += torch.exp((nll * shift_mask).sum(1) / shift_mask.sum(1)).tolist()
        return {"perplexities": perplexities, "mean_perplexity": float(np.mean(perplexities))}
