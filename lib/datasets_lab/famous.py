"""Famous datasets: a catalogue of facts, bilingual learner texts, and small look-alike examples.

The real datasets are large, licensed or Hub-only; the lab shows their *shape* offline instead:
`example(id)` builds a few rows in exactly the real schema (same feature names and types) from
this project's own data, from pictures drawn by code, or from speech the offline pack
synthesises. Every example says which (its `info.description` is a note key). Heavy libraries
(datasets, PIL, numpy, scikit-learn, the speech engines) are imported inside functions.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from lib.sections import ROOT

if TYPE_CHECKING:  # annotations only
    import datasets
    import numpy
    import pandas

FACTS_FILE = Path(__file__).with_name("famous.yaml")
CONTENT_DIR = ROOT / "content"
TEXTS_FILE = "datasets_famous.yaml"
DATA_DIR = ROOT / "data"
NOTE_KEYS = ("project_data", "drawn_by_code", "synthesised_speech")
MODALITIES = ("text", "image", "audio", "image-text")


@dataclass(frozen=True)
class FamousDataset:
    id: str
    name: str
    leaf: str  # map leaf in lib.sections (nlp, vision, speech, multimodal)
    modality: str
    tasks: tuple[str, ...]
    year: int
    rows: int | None
    size_gb: float | None
    licence: str
    splits: dict[str, int] | None
    languages: tuple[str, ...]
    hub_id: str | None
    hub_config: str | None
    schema: dict[str, str]  # feature name -> feature_text(feature)
    sample: dict[str, str]  # builder, source, note
    labels: dict[str, list[str]] = field(default_factory=dict)
    status: str | None = None  # e.g. LAION-5B's withdrawal
    successor: dict[str, Any] | None = None

    @property
    def note(self) -> str:
        return self.sample["note"]


@lru_cache(maxsize=1)
def _facts() -> tuple[FamousDataset, ...]:
    raw = yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))["datasets"]
    out = []
    for item in raw:
        item = dict(item)
        item["tasks"] = tuple(item["tasks"])
        item["languages"] = tuple(str(x) for x in item["languages"])
        item["labels"] = item.get("labels") or {}
        out.append(FamousDataset(**item))
    return tuple(out)


def catalogue() -> list[FamousDataset]:
    """Every famous dataset, in the order of famous.yaml (text, vision, speech, multimodal)."""
    return list(_facts())


def get(dataset_id: str) -> FamousDataset:
    for item in _facts():
        if item.id == dataset_id:
            return item
    raise KeyError(dataset_id)


def by_leaf(leaf: str) -> list[FamousDataset]:
    """The datasets a map leaf (nlp, vision, speech, multimodal) presents."""
    return [d for d in _facts() if d.leaf == leaf]


@lru_cache(maxsize=4)
def _texts(lang: str) -> dict:
    return yaml.safe_load((CONTENT_DIR / lang / TEXTS_FILE).read_text(encoding="utf-8"))


def text(dataset_id: str, lang: str) -> str:
    """The learner-facing paragraph about a dataset (what it is, what for, a pitfall)."""
    return _texts(lang)["datasets"][dataset_id]


def note_text(note_key: str, lang: str) -> str:
    """Where an example's rows come from, said to the learner (project data, drawn, synthesised)."""
    return _texts(lang)["notes"][note_key]


def comparison_table() -> pandas.DataFrame:
    """One row per dataset (name, modality, year, rows, size_gb, languages) for size / year charts.

    rows and size_gb are None where the figure varies or is unsure; languages is a short string.
    """
    import pandas as pd

    return pd.DataFrame([{
        "id": d.id, "name": d.name, "modality": d.modality, "year": d.year, "rows": d.rows,
        "size_gb": d.size_gb, "languages": ", ".join(d.languages),
    } for d in _facts()])


# ------------------------------------------------------------------ schema as text
def feature_text(feature: Any) -> str:
    """A datasets feature type as short text: "string", "ClassLabel", "List(int32)", "Image", ...

    ClassLabel names are left out on purpose: the look-alike examples keep the real feature
    names and types but label their own classes (digits, drawn shapes).
    """
    from datasets import Audio, ClassLabel, Image, List, Value

    if isinstance(feature, dict):
        return "{" + ", ".join(f"'{k}': {feature_text(v)}" for k, v in feature.items()) + "}"
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, ClassLabel):
        return "ClassLabel"
    if isinstance(feature, Image):
        return "Image"
    if isinstance(feature, Audio):
        return f"Audio(sampling_rate={feature.sampling_rate})"
    if isinstance(feature, List):
        inner = feature_text(feature.feature)
        return f"List({inner}, length={feature.length})" if feature.length not in (None, -1) else f"List({inner})"
    return type(feature).__name__


def schema_of(ds: datasets.Dataset) -> dict[str, str]:
    return {name: feature_text(f) for name, f in ds.features.items()}


# ------------------------------------------------------------------ examples
def example(dataset_id: str) -> datasets.Dataset:
    """A small `datasets.Dataset` in the real dataset's schema, built offline from this project.

    `info.description` holds the note key (NOTE_KEYS) saying where the rows come from and
    `info.homepage` the real dataset's Hub page when there is one. Text and image examples are
    cached; the speech ones reuse speech synthesised once per process.
    """
    builders = {
        "squad": _squad, "imdb": _imdb, "cola": _cola, "uit_vsfc": _uit_vsfc, "vlsp_ner": _vlsp_ner,
        "phomt": _phomt, "imagenet": _imagenet, "coco": _coco, "librispeech": _librispeech,
        "common_voice": _common_voice, "laion5b": _laion5b, "conceptual_captions": _conceptual_captions,
    }
    facts = get(dataset_id)
    return _with_info(builders[facts.sample["builder"]](), facts)


def _with_info(ds: datasets.Dataset, facts: FamousDataset) -> datasets.Dataset:
    # each builder serves one id, so setting these on a cached Dataset is idempotent
    ds.info.description = facts.note
    ds.info.homepage = f"https://huggingface.co/datasets/{facts.hub_id}" if facts.hub_id else ""
    ds.info.license = "CC BY 4.0 (Học Hugging Face project)" if facts.note == "project_data" else ""
    return ds


def _from_rows(rows: list[dict], features: dict) -> datasets.Dataset:
    from datasets import Dataset, Features

    return Dataset.from_list(rows, features=Features(features))


def _csv(relpath: str) -> list[dict]:
    with (DATA_DIR / relpath).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=None)
def _squad() -> datasets.Dataset:
    from datasets import List, Value

    raw = json.loads((DATA_DIR / "qa" / "vi_qa.json").read_text(encoding="utf-8"))
    rows = [{"id": q["id"], "title": article["title"], "context": p["context"], "question": q["question"],
             "answers": {"text": [a["text"] for a in q["answers"]],
                         "answer_start": [a["answer_start"] for a in q["answers"]]}}
            for article in raw["data"][:2] for p in article["paragraphs"] for q in p["qas"]]
    return _from_rows(rows, {"id": Value("string"), "title": Value("string"), "context": Value("string"),
                             "question": Value("string"),
                             "answers": {"text": List(Value("string")), "answer_start": List(Value("int32"))}})


@lru_cache(maxsize=None)
def _imdb() -> datasets.Dataset:
    """English film reviews, like IMDB's; shuffled by id order rather than sorted by label."""
    from datasets import ClassLabel, Value

    rows = [{"text": r["text"], "label": "pos" if r["label"] == "positive" else "neg"}
            for r in _csv("sentiment/reviews.csv") if r["lang"] == "en" and r["topic"] == "film"]
    labels = ClassLabel(names=["neg", "pos"])
    rows = [{"text": r["text"], "label": labels.str2int(r["label"])} for r in rows]
    return _from_rows(rows, {"text": Value("string"), "label": labels})


@lru_cache(maxsize=None)
def _cola() -> datasets.Dataset:
    from datasets import ClassLabel, Value

    labels = ClassLabel(names=["unacceptable", "acceptable"])  # GLUE's order: 0 = unacceptable
    rows = [{"sentence": r["sentence"], "label": labels.str2int(r["label"]), "idx": i}
            for i, r in enumerate(_csv("acceptability/sentences.csv"))]
    return _from_rows(rows, {"sentence": Value("string"), "label": labels, "idx": Value("int32")})


@lru_cache(maxsize=None)
def _uit_vsfc() -> datasets.Dataset:
    """Vietnamese reviews: 4 per topic, alternately positive and negative; no neutral rows here."""
    from datasets import ClassLabel, Value

    reviews = [r for r in _csv("sentiment/reviews.csv") if r["lang"] == "vi"]
    topics = sorted({r["topic"] for r in reviews})
    sentiment, topic = ClassLabel(names=["negative", "neutral", "positive"]), ClassLabel(names=topics)
    rows = []
    for name in topics:
        for label in ("positive", "negative"):
            picked = [r for r in reviews if r["topic"] == name and r["label"] == label][:2]
            rows += [{"sentence": r["text"], "sentiment": sentiment.str2int(label),
                      "topic": topic.str2int(name)} for r in picked]
    return _from_rows(rows, {"sentence": Value("string"), "sentiment": sentiment, "topic": topic})


NER_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]


@lru_cache(maxsize=None)
def _vlsp_ner() -> datasets.Dataset:
    from datasets import ClassLabel, List, Value

    lines = (DATA_DIR / "ner" / "vi_ner.jsonl").read_text(encoding="utf-8").splitlines()
    tags = ClassLabel(names=NER_LABELS)
    rows = [json.loads(line) for line in lines if line.strip()][:20]
    rows = [{"id": r["id"], "tokens": r["tokens"], "ner_tags": [tags.str2int(t) for t in r["ner_tags"]]}
            for r in rows]
    return _from_rows(rows, {"id": Value("string"), "tokens": List(Value("string")), "ner_tags": List(tags)})


@lru_cache(maxsize=None)
def _phomt() -> datasets.Dataset:
    """Two pairs from each of the eight domains of the project's parallel sentences."""
    from datasets import Value

    pairs = [json.loads(line) for line in (DATA_DIR / "translation" / "vi_en.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    seen: dict[str, int] = {}
    rows = []
    for p in pairs:
        if seen.get(p["domain"], 0) < 2:
            seen[p["domain"]] = seen.get(p["domain"], 0) + 1
            rows.append({"en": p["en"], "vi": p["vi"]})
    return _from_rows(rows, {"en": Value("string"), "vi": Value("string")})


# ------------------------------------------------------------------ images drawn by code
DIGIT_SIZE = 64  # the 8x8 digits, upscaled 8x with nearest neighbour so the pixels stay visible


@lru_cache(maxsize=None)
def _imagenet() -> datasets.Dataset:
    """Two scikit-learn digits per class as (image, label): ImageNet's layout, ten tiny classes."""
    import numpy as np
    from datasets import ClassLabel, Image
    from PIL import Image as PILImage
    from sklearn.datasets import load_digits

    digits = load_digits()
    rows = []
    for label in range(10):
        for index in np.flatnonzero(digits.target == label)[:2]:
            ink = (255 - digits.images[index] * (255 / 16)).astype(np.uint8)  # dark ink on white
            image = PILImage.fromarray(ink, mode="L").resize((DIGIT_SIZE, DIGIT_SIZE), PILImage.NEAREST)
            rows.append({"image": image, "label": int(label)})
    return _from_rows(rows, {"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])})


SCENE_WIDTH, SCENE_HEIGHT = 128, 96
SHAPES = ("circle", "square", "triangle")
COLOURS = {  # name -> (RGB, Vietnamese, English)
    "red": ((220, 40, 40), "đỏ", "red"),
    "green": ((40, 160, 70), "xanh lá", "green"),
    "blue": ((40, 90, 220), "xanh dương", "blue"),
    "yellow": ((235, 200, 40), "vàng", "yellow"),
}
BACKGROUNDS = {"white": ((255, 255, 255), "trắng", "white"), "grey": ((200, 200, 200), "xám", "grey")}
SHAPE_WORDS = {"circle": ("hình tròn", "circle"), "square": ("hình vuông", "square"),
               "triangle": ("hình tam giác", "triangle")}
# Each scene: background, then shapes as (shape, colour, x, y, size): the box is [x, y, size, size].
SCENES = (
    ("white", (("circle", "red", 8, 10, 30), ("circle", "red", 50, 50, 34), ("square", "blue", 88, 12, 28))),
    ("grey", (("triangle", "yellow", 14, 40, 40), ("square", "green", 76, 30, 36))),
    ("white", (("circle", "blue", 46, 24, 44),)),
    ("white", (("square", "red", 6, 6, 24), ("triangle", "green", 40, 52, 36), ("circle", "yellow", 86, 40, 32))),
    ("grey", (("triangle", "blue", 10, 12, 34), ("triangle", "blue", 60, 8, 30), ("circle", "green", 92, 58, 30))),
    ("white", (("square", "yellow", 20, 30, 40), ("square", "yellow", 76, 36, 30))),
)
NUMBER_WORDS = {1: ("một", "a"), 2: ("hai", "two"), 3: ("ba", "three")}


def _draw(scene: tuple) -> Any:
    """A scene as a PIL image; every shape fills exactly its box [x, y, size, size]."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    background, shapes = scene
    image = PILImage.new("RGB", (SCENE_WIDTH, SCENE_HEIGHT), BACKGROUNDS[background][0])
    draw = ImageDraw.Draw(image)
    for shape, colour, x, y, size in shapes:
        fill, last = COLOURS[colour][0], size - 1  # PIL boxes include their last pixel
        if shape == "circle":
            draw.ellipse([x, y, x + last, y + last], fill=fill)
        elif shape == "square":
            draw.rectangle([x, y, x + last, y + last], fill=fill)
        else:
            draw.polygon([(x, y + last), (x + last, y + last), (x + last / 2, y)], fill=fill)
    return image


def _groups(shapes: tuple) -> list[tuple[int, str, str]]:
    """(count, shape, colour) in order of first appearance."""
    counts: dict[tuple[str, str], int] = {}
    for shape, colour, *_ in shapes:
        counts[(shape, colour)] = counts.get((shape, colour), 0) + 1
    return [(n, shape, colour) for (shape, colour), n in counts.items()]


def caption(scene: tuple, lang: str) -> str:
    """What the scene shows, generated from its drawing parameters, e.g. "Hai hình tròn đỏ và ..."."""
    background, shapes = scene
    parts = []
    for n, shape, colour in _groups(shapes):
        if lang == "vi":
            parts.append(f"{NUMBER_WORDS[n][0]} {SHAPE_WORDS[shape][0]} {COLOURS[colour][1]}")
        else:
            noun = SHAPE_WORDS[shape][1] + ("s" if n > 1 else "")
            parts.append(f"{NUMBER_WORDS[n][1]} {COLOURS[colour][2]} {noun}")
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + (" và " if lang == "vi" else " and ") + parts[-1]
    where = f" trên nền {BACKGROUNDS[background][1]}." if lang == "vi" else f" on a {BACKGROUNDS[background][2]} background."
    return joined[0].upper() + joined[1:] + where


def scene_label(scene: tuple) -> str:
    """The drawing parameters as terse English, e.g. "red circle x2, blue square x1; white background"."""
    background, shapes = scene
    items = ", ".join(f"{colour} {shape} x{n}" for n, shape, colour in _groups(shapes))
    return f"{items}; {background} background"


@lru_cache(maxsize=None)
def _coco() -> datasets.Dataset:
    from datasets import ClassLabel, Image, List, Value

    category = ClassLabel(names=list(SHAPES))
    rows = [{"image_id": number, "image": _draw(scene), "width": SCENE_WIDTH, "height": SCENE_HEIGHT,
             "objects": {"bbox": [[float(x), float(y), float(size), float(size)] for _, _, x, y, size in scene[1]],
                         "category": [category.str2int(shape) for shape, *_ in scene[1]]}}
            for number, scene in enumerate(SCENES, start=1)]
    return _from_rows(rows, {"image_id": Value("int64"), "image": Image(), "width": Value("int32"),
                             "height": Value("int32"),
                             "objects": {"bbox": List(List(Value("float32"), length=4)), "category": List(category)}})


def _data_url(image: Any) -> str:
    """The drawn PNG inside a data: URL, so a URL column really points at the picture, offline."""
    import base64

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@lru_cache(maxsize=None)
def _conceptual_captions() -> datasets.Dataset:
    """English captions only, as in CC3M; the images travel as data: URLs."""
    from datasets import Value

    rows = [{"image_url": _data_url(_draw(scene)), "caption": caption(scene, "en")} for scene in SCENES]
    return _from_rows(rows, {"image_url": Value("string"), "caption": Value("string")})


NOISY_ALT_TEXTS = ("IMG_2031.jpg", "Bấm vào đây để xem thêm", "click here")  # web alt-text LAION had to filter


@lru_cache(maxsize=None)
def _laion5b() -> datasets.Dataset:
    """Vietnamese and English captions of the drawn scenes plus a few useless web alt-texts.

    LAION's `similarity` is CLIP's image-text cosine; the pack has no CLIP, so here it is the
    multilingual-e5 cosine between each text and a terse list of what was drawn (scene_label),
    which still ranks real captions above junk alt-text, the point of LAION's filtering.
    """
    from datasets import Value

    from lib.inference.embeddings import embed_texts

    rows, references = [], []
    for number, scene in enumerate(SCENES):
        url = _data_url(_draw(scene))
        texts = [caption(scene, "vi"), caption(scene, "en")]
        if number < len(NOISY_ALT_TEXTS):
            texts.append(NOISY_ALT_TEXTS[number])
        for t in texts:
            rows.append({"URL": url, "TEXT": t, "WIDTH": SCENE_WIDTH, "HEIGHT": SCENE_HEIGHT})
            references.append(scene_label(scene))
    vectors = embed_texts([r["TEXT"] for r in rows])
    reference_vectors = embed_texts(references)
    for row, a, b in zip(rows, vectors, reference_vectors):
        row["similarity"] = round(float(a @ b), 4)
    return _from_rows(rows, {"URL": Value("string"), "TEXT": Value("string"), "WIDTH": Value("int32"),
                             "HEIGHT": Value("int32"), "similarity": Value("float32")})


# ------------------------------------------------------------------ synthesised speech
SPEECH_SENTENCES = (  # (language, sentence): short, so synthesis stays around a second in all
    ("en", "The library opens at eight o'clock every morning."),
    ("en", "Please speak slowly and clearly."),
    ("vi", "Hôm nay trời Hà Nội nắng đẹp."),
    ("vi", "Tôi thích đọc sách vào buổi tối."),
)
VOICES = {"en": "piper en_US joe (offline pack)", "vi": "espeak-ng vi"}


@lru_cache(maxsize=1)
def _speech() -> tuple[tuple[str, str, Any, int], ...]:
    """(lang, sentence, float32 samples, rate) for SPEECH_SENTENCES, synthesised once per process."""
    from lib.inference.speech import piper_voice
    from lib.models.speech_builders import synthesize_english, synthesize_vietnamese_espeak

    out = []
    for lang, sentence in SPEECH_SENTENCES:
        samples, rate = synthesize_english(piper_voice(), sentence) if lang == "en" else synthesize_vietnamese_espeak(sentence)
        out.append((lang, sentence, samples, rate))
    return tuple(out)


def _wav(samples: Any, rate: int, target_rate: int) -> bytes:
    """16-bit mono WAV at target_rate, resampled with faster-whisper's decode_audio (libav)."""
    import wave

    import numpy as np
    from faster_whisper.audio import decode_audio

    def encode(data: Any, sr: int) -> bytes:
        pcm = (np.clip(np.asarray(data, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2")
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(sr)
            handle.writeframes(pcm.tobytes())
        return buffer.getvalue()

    source = encode(samples, rate)
    if rate == target_rate:
        return source
    return encode(decode_audio(io.BytesIO(source), sampling_rate=target_rate), target_rate)


def decode_wav(value: dict) -> tuple[numpy.ndarray, int]:
    """(float32 samples, rate) of an example's audio cell ({"bytes": WAV, "path": ...})."""
    import wave

    import numpy as np

    with wave.open(io.BytesIO(value["bytes"]), "rb") as handle:
        rate, frames = handle.getframerate(), handle.readframes(handle.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate


def _audio_dataset(columns: dict[str, list], features: dict) -> datasets.Dataset:
    """A Dataset with an Audio column, written straight to Arrow.

    `datasets` 4+ encodes and decodes audio with torchcodec, which this environment lacks (and
    torchcodec pins torch); the audio column therefore stores WAV bytes and uses
    Audio(decode=False): rows give {"bytes", "path"}, the feature type and sampling rate are
    the real ones, and decode_wav() turns a cell into samples.
    """
    import pyarrow as pa
    from datasets import Dataset, DatasetInfo, Features

    features = Features(features)
    table = pa.Table.from_pydict(columns, schema=features.arrow_schema)
    return Dataset(table, info=DatasetInfo(features=features))


@lru_cache(maxsize=None)
def _librispeech() -> datasets.Dataset:
    """LibriSpeech style: 16 kHz, transcripts in upper case without punctuation (apostrophes kept)."""
    from datasets import Audio, Value

    clips = [c for c in _speech() if c[0] == "en"]
    columns: dict[str, list] = {k: [] for k in ("file", "audio", "text", "speaker_id", "chapter_id", "id")}
    for number, (_, sentence, samples, rate) in enumerate(clips):
        utterance = f"0-0-{number:04d}"
        words = "".join(ch for ch in sentence.upper() if ch.isalnum() or ch in " '")
        columns["file"].append(f"{utterance}.wav")
        columns["audio"].append({"bytes": _wav(samples, rate, 16000), "path": f"{utterance}.wav"})
        columns["text"].append(" ".join(words.split()))
        columns["speaker_id"].append(0)
        columns["chapter_id"].append(0)
        columns["id"].append(utterance)
    return _audio_dataset(columns, {"file": Value("string"), "audio": Audio(sampling_rate=16000, decode=False),
                                    "text": Value("string"), "speaker_id": Value("int64"),
                                    "chapter_id": Value("int64"), "id": Value("string")})


@lru_cache(maxsize=None)
def _common_voice() -> datasets.Dataset:
    """Common Voice style: 48 kHz, the sentence as written, no votes and no speaker details."""
    from datasets import Audio, Value

    names = ("client_id", "path", "audio", "sentence", "up_votes", "down_votes", "age", "gender", "accent",
             "locale", "segment")
    columns: dict[str, list] = {k: [] for k in names}
    for number, (lang, sentence, samples, rate) in enumerate(_speech()):
        path = f"synth_{lang}_{number:04d}.wav"
        for key, value in (("client_id", VOICES[lang]), ("path", path),
                           ("audio", {"bytes": _wav(samples, rate, 48000), "path": path}),
                           ("sentence", sentence), ("up_votes", 0), ("down_votes", 0), ("age", ""),
                           ("gender", ""), ("accent", ""), ("locale", lang), ("segment", "")):
            columns[key].append(value)
    features = {k: Value("string") for k in names}
    features.update(audio=Audio(sampling_rate=48000, decode=False), up_votes=Value("int64"),
                    down_votes=Value("int64"))
    return _audio_dataset(columns, {k: features[k] for k in names})
