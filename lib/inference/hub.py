"""Run any model the learner picks online, with the same transformers code they would write.

The labs' offline widgets are built around one pack model each; a Hub model is run here
instead, through `pipeline(task, model=id)` (or the Auto class where transformers 5 has no
pipeline), loaded once into the shared cache and answered in a few plain shapes the page can
chart. `location` is a Hub id or a local folder, so tests run this code on local models.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lib.inference.text_tasks import Entity, clean_labels
from lib.models.loader import shared_cache
from lib.text_input import InputProblem

MASK_PLACEHOLDER = "[MASK]"  # what the learner types; replaced by the model's own mask token
MAX_NEW_TOKENS = 120
AUDIO_RATE = 16_000


@dataclass(frozen=True)
class Box:
    label: str
    score: float
    xmin: int
    ymin: int
    xmax: int
    ymax: int


def _pipeline(task: str, location: str) -> Any:
    def factory():
        from transformers import pipeline

        return pipeline(task, model=location, model_kwargs={"use_safetensors": True})  # no pickle weights

    return shared_cache().get(f"hub-pipeline:{task}:{location}", factory)


def _auto(auto_class: str, location: str) -> tuple[Any, Any]:
    """(tokenizer, model) for the tasks transformers 5 removed from pipeline()."""
    def factory():
        import transformers

        tokenizer = transformers.AutoTokenizer.from_pretrained(location)
        model = getattr(transformers, auto_class).from_pretrained(location, use_safetensors=True).eval()
        model.tokenizer = tokenizer  # kept together so the cache sizes and evicts them as one
        return model

    model = shared_cache().get(f"hub-{auto_class}:{location}", factory)
    return model.tokenizer, model


def _labels(labels: list[str]) -> list[str]:
    labels = clean_labels(labels)
    if not labels:
        raise InputProblem("zero_shot_no_labels")
    return labels


def _scores(rows: list[dict], label: str = "label") -> list[tuple[str, float]]:
    return sorted(((str(row[label]), float(row["score"])) for row in rows), key=lambda pair: -pair[1])


# --- text ---------------------------------------------------------------------------------

def classify_text(location: str, text: str) -> list[tuple[str, float]]:
    runner = _pipeline("text-classification", location)
    return _scores(runner(text, top_k=None, truncation=True))


def zero_shot_text(location: str, text: str, labels: list[str]) -> list[tuple[str, float]]:
    result = _pipeline("zero-shot-classification", location)(text, candidate_labels=_labels(labels))
    return sorted(zip(result["labels"], map(float, result["scores"]), strict=True), key=lambda pair: -pair[1])


def entities(location: str, text: str) -> list[Entity]:
    rows = _pipeline("token-classification", location)(text, aggregation_strategy="simple")
    return [Entity(text[row["start"]:row["end"]], str(row["entity_group"]), int(row["start"]), int(row["end"]))
            for row in rows if row.get("start") is not None]


def fill_mask(location: str, text: str, top: int = 5) -> list[tuple[str, float]]:
    runner = _pipeline("fill-mask", location)
    mask = runner.tokenizer.mask_token
    count = text.count(MASK_PLACEHOLDER) + (text.count(mask) if mask != MASK_PLACEHOLDER else 0)
    if count != 1:
        raise InputProblem("hub_mask_count", mask=MASK_PLACEHOLDER, count=count)
    return _scores(runner(text.replace(MASK_PLACEHOLDER, mask), top_k=top), label="token_str")


def answer(location: str, question: str, context: str) -> tuple[str, float, int, int]:
    """The best span of the context (answer, probability, start, end), read from the QA head's logits."""
    import torch

    tokenizer, model = _auto("AutoModelForQuestionAnswering", location)
    encoded = tokenizer(question, context, truncation="only_second", return_offsets_mapping=True,
                        return_tensors="pt")
    offsets = encoded.pop("offset_mapping")[0].tolist()
    in_context = [sequence_id == 1 for sequence_id in encoded.sequence_ids(0)]
    with torch.no_grad():
        output = model(**{k: v for k, v in encoded.items() if k in ("input_ids", "attention_mask", "token_type_ids")})
    start_probs = output.start_logits[0].softmax(-1)
    end_probs = output.end_logits[0].softmax(-1)
    best = (0.0, 0, 0)
    for i, start_ok in enumerate(in_context):
        if not start_ok:
            continue
        for j in range(i, min(i + 30, len(in_context))):  # answers are short: at most 30 tokens
            if in_context[j] and (score := float(start_probs[i] * end_probs[j])) > best[0]:
                best = (score, i, j)
    score, i, j = best
    start, end = offsets[i][0], offsets[j][1]
    return context[start:end], score, start, end


def seq2seq(task_id: str, location: str, text: str) -> str:
    """Summary or translation; T5-style models get the prefix their config asks for."""
    import torch

    tokenizer, model = _auto("AutoModelForSeq2SeqLM", location)
    params = (getattr(model.config, "task_specific_params", None) or {})
    prefix = next((value.get("prefix", "") for key, value in params.items() if key.startswith(task_id)), "")
    inputs = tokenizer(prefix + text, truncation=True, max_length=512, return_tensors="pt")
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=MAX_NEW_TOKENS, num_beams=2)
    return tokenizer.decode(output[0], skip_special_tokens=True).strip()


def generate(location: str, text: str, chat: bool) -> str:
    """A completion (or, for chat models, one answer to the text as a user message); greedy."""
    runner = _pipeline("text-generation", location)
    prompt = [{"role": "user", "content": text}] if chat else text
    output = runner(prompt, max_new_tokens=MAX_NEW_TOKENS, do_sample=False, return_full_text=False)
    generated = output[0]["generated_text"]
    return generated[-1]["content"] if isinstance(generated, list) else generated


def embed(location: str, sentences: list[str]):
    """Unit-length sentence vectors: the mean of the token vectors, as sentence-transformers does."""
    import numpy as np

    runner = _pipeline("feature-extraction", location)
    vectors = np.stack([np.asarray(runner(sentence, truncation=True)[0]).mean(axis=0) for sentence in sentences])
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)


# --- images and sound ---------------------------------------------------------------------

def classify_image(location: str, image) -> list[tuple[str, float]]:
    return _scores(_pipeline("image-classification", location)(image, top_k=5))


def zero_shot_image(location: str, image, labels: list[str]) -> list[tuple[str, float]]:
    rows = _pipeline("zero-shot-image-classification", location)(image, candidate_labels=_labels(labels))
    return _scores(rows)


def detect(location: str, image, threshold: float = 0.5) -> list[Box]:
    rows = _pipeline("object-detection", location)(image, threshold=threshold)
    return [Box(str(row["label"]), float(row["score"]), *(int(row["box"][k]) for k in ("xmin", "ymin", "xmax", "ymax")))
            for row in sorted(rows, key=lambda row: -row["score"])]


def draw_boxes(image, boxes: list[Box]):
    """A copy of the image with each box and its label drawn on it."""
    from PIL import ImageDraw

    drawn = image.convert("RGB").copy()
    pen = ImageDraw.Draw(drawn)
    width = max(2, round(max(drawn.size) / 200))
    for box in boxes:
        pen.rectangle((box.xmin, box.ymin, box.xmax, box.ymax), outline="#EF4444", width=width)
        pen.text((box.xmin + width, box.ymin + width), f"{box.label} {box.score:.2f}", fill="#EF4444")
    return drawn


def transcribe(location: str, samples) -> str:
    """Whisper reads past 30 s by itself when asked for timestamps; CTC models (wav2vec2) need chunks."""
    runner = _pipeline("automatic-speech-recognition", location)
    whisper = runner.model.config.model_type == "whisper"
    options = {"return_timestamps": True} if whisper else {"chunk_length_s": 30}
    return runner({"raw": samples, "sampling_rate": AUDIO_RATE}, **options)["text"].strip()


def speak(location: str, text: str):
    """(samples as float32 mono, sample rate)."""
    import numpy as np

    output = _pipeline("text-to-audio", location)(text)
    return np.asarray(output["audio"], dtype=np.float32).reshape(-1), int(output["sampling_rate"])


# --- the code to show -----------------------------------------------------------------------

_CALLS = {
    "text-classification": 'runner("{text}", top_k=None)',
    "zero-shot-classification": 'runner("{text}", candidate_labels={labels})',
    "token-classification": 'runner("{text}", aggregation_strategy="simple")',
    "fill-mask": 'runner("{text}".replace("[MASK]", runner.tokenizer.mask_token), top_k=5)',
    "text-generation": 'runner("{text}", max_new_tokens=120, do_sample=False)',
    "chat": 'runner([{{"role": "user", "content": "{text}"}}], max_new_tokens=120)',
    "feature-extraction": 'runner("{text}")',
    "image-classification": 'runner(Image.open("photo.jpg"), top_k=5)',
    "zero-shot-image-classification": 'runner(Image.open("photo.jpg"), candidate_labels={labels})',
    "object-detection": 'runner(Image.open("photo.jpg"), threshold=0.5)',
    "automatic-speech-recognition": 'runner("recording.wav", return_timestamps=True)',
    "text-to-speech": 'runner("{text}")',
}
_NOTES = {
    "feature-extraction": "# one vector per token; average them for the sentence's vector",
    "automatic-speech-recognition": "# Whisper: timestamps let it read past 30 s; wav2vec2: chunk_length_s=30 instead\n",
    "text-to-speech": '# {"audio": samples, "sampling_rate": rate}; play it with IPython.display.Audio',
}


def _literal(text: str, limit: int = 200) -> str:
    return text[:limit].replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def code(task_id: str, model_id: str, text: str = "", labels: list[str] | None = None) -> str:
    """The notebook code that does what the widget just did with this Hub model."""
    from lib.models import registry

    task = registry.task(task_id)
    if task.pipeline is None:  # question answering, summarization, translation: the Auto class by hand
        return (f"from transformers import AutoTokenizer, {task.instead}\n\n"
                f'tokenizer = AutoTokenizer.from_pretrained("{model_id}")\n'
                f'model = {task.instead}.from_pretrained("{model_id}")\n'
                + ('inputs = tokenizer(question, context, return_tensors="pt")\n'
                   "output = model(**inputs)  # start_logits and end_logits over the tokens\n"
                   if task_id == "question-answering" else
                   f'inputs = tokenizer("{_literal(text)}", return_tensors="pt")\n'
                   "output = model.generate(**inputs, max_new_tokens=120, num_beams=2)\n"
                   "print(tokenizer.decode(output[0], skip_special_tokens=True))\n"))
    call = _CALLS[task_id].format(text=_literal(text), labels=clean_labels(labels or []) or ["..."])
    image = "from PIL import Image\n" if "Image.open" in call else ""
    return (f"{image}from transformers import pipeline\n\n"
            f'runner = pipeline("{task.pipeline}", model="{model_id}")\nprint({call})\n' + _NOTES.get(task_id, ""))
