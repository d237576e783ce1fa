"""The famous-datasets catalogue: facts complete, texts bilingual, and every look-alike example
in exactly the declared schema (LAION's similarity and the speech examples use the offline pack)."""
import unicodedata

import numpy as np
import pytest
import yaml

from lib.datasets_lab import famous
from lib.sections import LANGS, all_leaves

pytestmark = pytest.mark.pack

REQUIRED = ("id", "name", "leaf", "modality", "tasks", "year", "rows", "size_gb", "licence", "splits",
            "languages", "hub_id", "hub_config", "schema", "sample")
MAP_NAMES = ("SQuAD", "IMDB", "CoLA", "COCO", "ImageNet", "LibriSpeech", "Common Voice", "LAION-5B",
             "Conceptual Captions", "UIT-VSFC", "VLSP", "PhoMT")


def test_facts_yaml_is_complete_and_consistent():
    raw = yaml.safe_load(famous.FACTS_FILE.read_text(encoding="utf-8"))["datasets"]
    ids = [item["id"] for item in raw]
    assert len(ids) == len(set(ids)) == len(famous.catalogue())
    dataset_leaves = {leaf.id for leaf in all_leaves() if leaf.area == "datasets"}
    for item in raw:
        assert set(REQUIRED) <= set(item), item["id"]
        assert item["modality"] in famous.MODALITIES
        assert item["leaf"] in dataset_leaves
        assert 1990 < item["year"] < 2030 and item["tasks"] and item["languages"] and item["licence"]
        assert item["sample"]["note"] in famous.NOTE_KEYS and item["sample"]["builder"]
        if item["rows"] is not None and item["splits"]:
            assert sum(item["splits"].values()) == item["rows"], item["id"]
        for name, labels in item.get("labels", {}).items():
            assert name in item["schema"] and labels
    names = " ".join(d.name for d in famous.catalogue())
    assert all(name in names for name in MAP_NAMES)
    laion = famous.get("laion5b")
    assert "2023" in laion.status and "Re-LAION-5B" in laion.status and laion.successor["year"] == 2024


def test_texts_have_the_same_keys_in_both_languages_and_are_nfc():
    texts = {lang: yaml.safe_load((famous.CONTENT_DIR / lang / famous.TEXTS_FILE).read_text(encoding="utf-8"))
             for lang in LANGS}
    assert set(texts["vi"]) == set(texts["en"]) == {"datasets", "notes"}
    assert set(texts["vi"]["datasets"]) == set(texts["en"]["datasets"]) == {d.id for d in famous.catalogue()}
    assert set(texts["vi"]["notes"]) == set(texts["en"]["notes"]) == set(famous.NOTE_KEYS)
    for lang in LANGS:
        for d in famous.catalogue():
            value = famous.text(d.id, lang)
            assert value == unicodedata.normalize("NFC", value) and 2 <= value.count(". ") + 1 <= 6, (lang, d.id)
        for key in famous.NOTE_KEYS:
            assert famous.note_text(key, lang).strip()
    assert "Re-LAION-5B" in famous.text("laion5b", "vi") and "2023" in famous.text("laion5b", "en")


@pytest.mark.parametrize("dataset_id", [d.id for d in famous.catalogue()])
def test_example_has_exactly_the_declared_schema(dataset_id):
    facts = famous.get(dataset_id)
    ds = famous.example(dataset_id)
    assert len(ds) > 0
    assert list(ds.features) == list(facts.schema)
    assert famous.schema_of(ds) == facts.schema
    assert ds.info.description == facts.note
    for name, labels in facts.labels.items():  # where the real label names are known, use them
        feature = ds.features[name]
        feature = getattr(feature, "feature", feature)
        assert feature.names == labels


def test_coco_boxes_lie_inside_their_images_and_frame_the_drawn_shape():
    ds = famous.example("coco")
    for row in ds:
        assert row["image"].size == (row["width"], row["height"])
        pixels = np.asarray(row["image"])
        background = pixels[0, -1]
        for x, y, w, h in row["objects"]["bbox"]:
            assert x >= 0 and y >= 0 and w > 0 and h > 0
            assert x + w <= row["width"] and y + h <= row["height"]
            inside = (pixels[int(y):int(y + h), int(x):int(x + w)] != background).any(axis=-1)
            # the shape touches all four sides of its box: the box is tight
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()


def test_captions_are_generated_from_the_drawing():
    scene = famous.SCENES[0]
    assert famous.caption(scene, "vi") == "Hai hình tròn đỏ và một hình vuông xanh dương trên nền trắng."
    assert famous.caption(scene, "en") == "Two red circles and a blue square on a white background."
    cc = famous.example("conceptual_captions")
    assert all(url.startswith("data:image/png;base64,") for url in cc["image_url"])


def test_laion_similarity_ranks_captions_above_junk_alt_text():
    rows = list(famous.example("laion5b"))
    junk = {t for t in famous.NOISY_ALT_TEXTS}
    for url in {r["URL"] for r in rows}:
        scene = [r for r in rows if r["URL"] == url]
        real = [r["similarity"] for r in scene if r["TEXT"] not in junk]
        bad = [r["similarity"] for r in scene if r["TEXT"] in junk]
        assert real and all(-1.0 <= s <= 1.0001 for s in real + bad)
        assert not bad or max(bad) < min(real)


@pytest.mark.parametrize("dataset_id,rate", [("librispeech", 16000), ("common_voice", 48000)])
def test_speech_examples_are_audible_at_the_declared_rate(dataset_id, rate):
    ds = famous.example(dataset_id)
    assert ds.features["audio"].sampling_rate == rate
    for row in ds:
        samples, sr = famous.decode_wav(row["audio"])
        assert sr == rate
        assert 0.5 < len(samples) / sr < 10
        assert float(np.sqrt(np.mean(samples ** 2))) > 0.01  # not silence
    if dataset_id == "librispeech":
        assert all(t == t.upper() and "." not in t for t in ds["text"])
    else:
        assert set(ds["locale"]) == {"vi", "en"}


def test_comparison_table_has_one_row_per_dataset():
    table = famous.comparison_table()
    assert list(table.columns) == ["id", "name", "modality", "year", "rows", "size_gb", "languages"]
    assert len(table) == len(famous.catalogue())
    assert table.loc[table["id"] == "laion5b", "rows"].item() == 5_850_000_000
