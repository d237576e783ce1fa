"""One representative call per pack model, for bench/pack_models.py.

Each probe loads its model through the shared cache and returns a zero-argument callable
that runs one typical request, so cold load and warm latency are measured the same way.
"""
from __future__ import annotations

from collections.abc import Callable


def _minilm() -> Callable[[], object]:
    from lib.models.loader import load_model, load_tokenizer

    tokenizer, model = load_tokenizer("all-minilm-l6-v2"), load_model("all-minilm-l6-v2")
    batch = tokenizer(["Hugging Face makes models easy to share."], return_tensors="pt")
    return lambda: model(**batch)


def _e5() -> Callable[[], object]:
    from lib.models.e5 import embed
    from lib.models.loader import load_model, load_tokenizer

    tokenizer, model = load_tokenizer("multilingual-e5-small"), load_model("multilingual-e5-small")
    return lambda: embed(model, tokenizer, ["query: Thủ đô của Việt Nam là thành phố nào?"])


def _smollm2() -> Callable[[], object]:
    from lib.models.loader import load_model, load_tokenizer

    tokenizer = load_tokenizer("smollm2-135m-instruct")
    model = load_model("smollm2-135m-instruct", "AutoModelForCausalLM")
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "What is the capital of France?"}],
                                           add_generation_prompt=True, return_tensors="pt", return_dict=True)
    return lambda: model.generate(**prompt, max_new_tokens=20, do_sample=False)


def _sentiment() -> Callable[[], object]:
    from lib.models.loader import load_model, load_tokenizer

    tokenizer = load_tokenizer("sentiment-e5-vi-en")
    model = load_model("sentiment-e5-vi-en", "AutoModelForSequenceClassification")
    batch = tokenizer(["Phim này hay quá, mình xem hai lần rồi!"], return_tensors="pt")
    return lambda: model(**batch).logits


def _vit_digits() -> Callable[[], object]:
    import torch

    from lib.models.loader import load_model

    model = load_model("vit-digits", "AutoModelForImageClassification")
    pixels = torch.zeros(1, 3, 16, 16)
    return lambda: model(pixel_values=pixels).logits


def _whisper() -> Callable[[], object]:
    import numpy as np

    from lib.models.loader import pack_path, shared_cache
    from lib.models.speech_builders import load_whisper, transcribe

    model = shared_cache().get("whisper:base", lambda: load_whisper(pack_path("whisper-base-ct2")))
    silence_and_tone = np.sin(np.linspace(0, 2000, 16000 * 2)).astype("float32") * 0.1
    return lambda: transcribe(model, silence_and_tone, language="en", beam_size=1)


def _piper() -> Callable[[], object]:
    from lib.models.loader import pack_path, shared_cache
    from lib.models.speech_builders import load_piper_voice, synthesize_english

    voice = shared_cache().get("piper:joe", lambda: load_piper_voice(pack_path("piper-en-us-joe")))
    return lambda: synthesize_english(voice, "Welcome to the class.")


PROBES: dict[str, Callable[[], Callable[[], object]]] = {
    "all-minilm-l6-v2": _minilm,
    "multilingual-e5-small": _e5,
    "sentiment-e5-vi-en": _sentiment,
    "smollm2-135m-instruct": _smollm2,
    "vit-digits": _vit_digits,
    "whisper-base-ct2": _whisper,
    "piper-en-us-joe": _piper,
}
