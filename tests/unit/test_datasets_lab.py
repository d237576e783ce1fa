"""Datasets lab: every hands-on step runs and its shown code gives the same result; uploads; the viewer."""
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lib.datasets_lab import steps, uploads, viewer
from lib.datasets_lab.large import synthetic_reviews
from lib.sections import ROOT
from lib.text_input import InputProblem

SMALL_ROWS = 20_000  # the large-file steps, scaled down for the unit tests


@pytest.fixture(autouse=True)
def private_hf_cache(tmp_path, monkeypatch):
    """The shown code uses load_dataset's default cache: point it at the test's temp dir, not ~/.cache."""
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf_default_cache")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def run_code(code: str, cwd: Path, monkeypatch):
    """Execute a step's code as a notebook would, in cwd; returns the value of its last line."""
    monkeypatch.chdir(cwd)
    *body, last = code.strip().split("\n")
    while last.startswith(" "):  # a last expression spread over several lines
        body, last = body[:-1], body[-1] + "\n" + last
    namespace: dict = {}
    exec("\n".join(body), namespace)  # noqa: S102 - our own code strings
    return eval(last, namespace)  # noqa: S307


def notebook_dir(tmp_path: Path) -> Path:
    """A folder where the shown code's relative paths (data/, .cache/pack/) resolve as at the repo
    root, so that what it writes (save_to_disk) lands in the test's temp dir, not in the repo."""
    folder = tmp_path / "notebook"
    folder.mkdir()
    for name in ("data", ".cache"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    else:
        assert a == b


LIGHT_STEPS = [name for name in steps.STEPS if name not in ("tokenize", "streaming", "memory_map")]


@pytest.mark.parametrize("name", LIGHT_STEPS)
def test_step_runs_and_its_code_gives_the_same_result(name, tmp_path, monkeypatch):
    step = steps.STEPS[name](tmp_path / "work")
    assert step.code.startswith(("from ", "import ")) and step.figures
    same(run_code(step.code, notebook_dir(tmp_path), monkeypatch), step.result)


@pytest.mark.pack
def test_tokenize_step_uses_the_pack_tokenizer_and_its_code_matches(tmp_path, monkeypatch):
    step = steps.tokenize(tmp_path)
    assert 'AutoTokenizer.from_pretrained(".cache/pack/multilingual-e5-small")' in step.code
    assert step.result["first_tokens"][0] == "<s>" and "input_ids" in step.result["columns"]
    assert step.figures["mean_tokens_vi"] > 5 and step.figures["mean_tokens_en"] > 5
    same(run_code(step.code, notebook_dir(tmp_path), monkeypatch), step.result)


def test_streaming_step_reads_first_rows_lazily(tmp_path, monkeypatch):
    step = steps.streaming(tmp_path, rows=SMALL_ROWS)
    assert step.figures["rows_in_file"] == SMALL_ROWS and step.figures["file_bytes"] > 1_000_000
    assert len(step.result) == 5 and all(words > 0 for _, words in step.result)
    same(run_code(step.code, tmp_path, monkeypatch), step.result)  # the code writes its file where it runs


def test_memory_map_step_opens_a_big_table_without_copying_it(tmp_path, monkeypatch):
    step = steps.memory_map(tmp_path, rows=SMALL_ROWS)
    f = step.figures
    assert step.result["rows"] == SMALL_ROWS and step.result["memory_mapped"]
    assert f["bytes_on_disk"] > 2_000_000
    assert f["anon_growth_after_reads"] < f["bytes_on_disk"] / 2  # the table is mapped, not copied
    same(run_code(step.code, tmp_path, monkeypatch), step.result)


def test_step_figures_are_the_measured_ones(tmp_path):
    assert steps.split(tmp_path).result == {"train": 384, "test": 96}
    mapped = steps.map_batched(tmp_path)
    assert mapped.result["same"] and mapped.figures["ratio"] > 0
    assert steps.select_filter(tmp_path).result["kept_rows"] == 120
    saved = steps.save_load(tmp_path)
    assert saved.figures["bytes_on_disk"] > 10_000 and (tmp_path / "reviews_arrow" / "state.json").exists()
    assert list(steps.class_label(tmp_path).result["first_names"]) == ["positive", "negative", "negative", "positive", "positive"]


# ----------------------------------------------------------------------------- uploads
def zip_of(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png(color) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), color).save(buffer, "PNG")
    return buffer.getvalue()


def parquet_bytes(frame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def test_good_uploads_load_with_the_code_to_write():
    loaded = uploads.load_upload((ROOT / "data/sentiment/reviews.csv").read_bytes(), "reviews.csv", 10**7)
    assert loaded.dataset.num_rows == 480 and loaded.notices == []
    assert loaded.code.endswith('load_dataset("csv", data_files="reviews.csv", split="train")')
    tsv = uploads.load_upload("a\tb\n1\tViệt\n".encode("utf-16"), "excel.tsv", 10**6)  # Excel's "Unicode text"
    assert tsv.dataset[0] == {"a": 1, "b": "Việt"} and 'sep="\\t"' in tsv.code
    assert ("ds_upload_converted_utf16", {}) in tsv.notices
    jsonl = uploads.load_upload((ROOT / "data/ner/vi_ner.jsonl").read_bytes(), "vi_ner.jsonl", 10**6)
    assert jsonl.dataset.num_rows == 93
    qa = uploads.load_upload((ROOT / "data/qa/vi_qa.json").read_bytes(), "vi_qa.json", 10**6)
    assert qa.dataset.column_names == ["title", "paragraphs"] and 'field="data"' in qa.code
    assert ("ds_upload_json_field", {"field": "data"}) in qa.notices
    frame = pd.DataFrame({"x": [1.5, 2.5], "y": ["a", "b"]})
    assert uploads.load_upload(parquet_bytes(frame), "t.parquet", 10**6).dataset.to_pandas()["x"].tolist() == [1.5, 2.5]


def test_mixed_column_types_load_as_text_with_a_notice():
    csv = uploads.load_upload(b"n,t\n1,a\n2,b\nthree,c\n", "m.csv", 10**6)
    assert csv.dataset["n"] == ["1", "2", "three"]
    assert csv.notices == [("ds_upload_mixed_types", {"columns": "n"})]
    late = b"n,t\n" + b"".join(b"%d,a\n" % i for i in range(25_000)) + b"oops,b\n"  # past datasets' 10,000-row chunk
    loaded = uploads.load_upload(late, "late.csv", 10**7)
    assert loaded.dataset.num_rows == 25_001 and loaded.dataset[-1]["n"] == "oops"
    assert ("ds_upload_mixed_types", {"columns": "n"}) in loaded.notices and "features=Features(" in loaded.code
    js = uploads.load_upload(b'{"n": 1}\n{"n": "x"}\n{"n": null}\n', "m.jsonl", 10**6)
    assert js.dataset["n"] == ["1", "x", None] and js.notices == [("ds_upload_mixed_types", {"columns": "n"})]


def test_zip_of_class_folders_becomes_an_imagefolder_dataset():
    data = zip_of({"pets/cat/1.png": png("red"), "pets/cat/2.png": png("red"), "pets/dog/1.png": png("blue"),
                   "__MACOSX/pets/._x.png": b"junk", "../escape.txt": b"x"})
    loaded = uploads.load_upload(data, "my pets.zip", 10**6)
    ds = loaded.dataset
    assert ds.num_rows == 3 and ds.features["label"].names == ["cat", "dog"]
    assert ds[0]["image"].size == (12, 12)  # bytes embedded: the temp folder is already gone
    assert 'load_dataset("imagefolder", data_dir="my_pets"' in loaded.code


@pytest.mark.parametrize("data, name, key", [
    (b"", "a.csv", "ds_upload_empty"),
    (b"  \n", "a.csv", "ds_upload_empty"),
    (b"a,b\n" + b"1,2\n" * 100, "a.csv", "ds_upload_too_big"),
    (b"a,b\n1,2\n", "a.xlsx", "ds_upload_unknown_type"),
    (b"a,b\n1,2\n3,4,5,6\n", "a.csv", "ds_upload_bad_csv"),
    ("a,b\n1,café crème\n".encode("latin-1"), "a.csv", "ds_upload_not_utf8"),  # a legacy 8-bit export
    (b"a,b\n\x00\x01\x02\x00", "a.csv", "ds_upload_binary"),
    (b'{"a": 1}\n{"a": \n', "a.jsonl", "ds_upload_bad_json"),
    (b'[{"a": 1},\n {"a": ]', "a.json", "ds_upload_bad_json"),
    (b"PAR1 not really parquet PAR1", "a.parquet", "ds_upload_bad_parquet"),
    (b"a,b\n", "a.csv", "ds_upload_no_rows"),
    (b"[]", "a.json", "ds_upload_no_rows"),
    (b"not a zip", "a.zip", "ds_upload_bad_zip"),
    (zip_of({"notes.txt": b"hello"}), "a.zip", "ds_upload_zip_no_images"),
])
def test_bad_uploads_give_their_catalogue_key(data, name, key):
    with pytest.raises(InputProblem) as caught:
        uploads.load_upload(data, name, max_bytes=200)
    assert caught.value.key == key


def test_problem_values_say_what_to_fix():
    with pytest.raises(InputProblem) as caught:
        uploads.load_upload(b"a,b\n" + b"1,2\n" * 300_000, "a.csv", max_bytes=1_000_000)
    assert caught.value.values == {"mb": 1.0, "size_mb": 1.2}
    with pytest.raises(InputProblem) as caught:
        uploads.load_upload(b"a,b\n1,2\n3,4,5,6\n", "a.csv", 10**6)
    assert caught.value.values == {"line": 3, "expected": 2, "found": 4}
    with pytest.raises(InputProblem) as caught:
        uploads.load_upload(b'{"a": 1}\n{"a": 2}\n{"a": \n', "a.jsonl", 10**6)
    assert caught.value.values == {"line": 3}


# ----------------------------------------------------------------------------- viewer
@pytest.fixture
def frame():
    return pd.DataFrame({
        "text": ["Tôi yêu Việt Nam", "Đà Nẵng đẹp", "hello (world)", None, "VIET a.*b"],
        "lang": ["vi", "vi", "en", "en", "en"],
        "stars": [5, 4, 1, 2, np.nan],
        "flag": [True, False, True, True, False],
    })


def test_search_is_literal_case_insensitive_and_optionally_accent_folded(frame):
    assert viewer.search(frame, "việt", fold_accents=False).index.tolist() == [0]
    assert viewer.search(frame, "viet", fold_accents=False).index.tolist() == [4]
    assert viewer.search(frame, "viet", fold_accents=True).index.tolist() == [0, 4]
    assert viewer.search(frame, "da nang").index.tolist() == [1]  # đ folds to d
    assert viewer.search(frame, "(world)").index.tolist() == [2]  # not a regex
    assert viewer.search(frame, "a.*b").index.tolist() == [4]
    assert viewer.search(frame, "l.*d", fold_accents=False).empty  # would match "hello (world)" as a regex
    assert viewer.search(frame, "l.*d", fold_accents=True).empty
    assert viewer.search(frame, "  ").equals(frame)
    decomposed = pd.DataFrame({"t": ["Vie\u0302\u0323t"]})  # NFD text from some tools
    assert len(viewer.search(decomposed, "viet")) == 1


def test_filter_column_by_range_membership_and_text(frame):
    assert viewer.filter_column(frame, "stars", minimum=2, maximum=4).index.tolist() == [1, 3]
    assert viewer.filter_column(frame, "lang", values=["vi"]).index.tolist() == [0, 1]
    assert viewer.filter_column(frame, "text", contains="NANG").index.tolist() == [1]
    assert viewer.filter_column(frame, "stars").equals(frame)


def test_column_stats_match_pandas(frame):
    big = synthetic_reviews(5_000, seed=3)
    stats = {s.name: s for s in viewer.column_stats(big)}
    length = stats["length"]
    assert length.kind == "number" and length.nulls == 0 and length.unique == big["length"].nunique()
    assert length.minimum == big["length"].min() and length.maximum == big["length"].max()
    assert length.mean == pytest.approx(big["length"].mean()) and length.median == big["length"].median()
    assert sum(length.histogram[0]) == 5_000 and len(length.histogram[1]) == len(length.histogram[0]) + 1
    assert stats["text"].kind == "text" and sum(stats["text"].histogram[0]) == 5_000
    assert dict(stats["lang"].top) == big["lang"].value_counts().to_dict() and stats["lang"].categorical
    assert stats["stars"].histogram[0] == [int((big["stars"] == s).sum()) for s in range(1, 6)]
    small = {s.name: s for s in viewer.column_stats(frame)}
    assert small["stars"].nulls == 1 and sum(small["stars"].histogram[0]) == 4
    assert small["text"].nulls == 1 and sum(small["text"].histogram[0]) == 4
    assert small["flag"].kind == "bool" and dict(small["flag"].top) == {True: 3, False: 2}


def test_class_labels_images_and_lists_are_recognised():
    from datasets import ClassLabel, Dataset, Features, Image, List, Value
    from PIL import Image as PILImage

    images = [PILImage.new("RGB", (20, 10), "red"), PILImage.new("L", (5000, 5000)), None]
    data = Dataset.from_dict(
        {"image": images, "label": [0, 1, 1], "tags": [["a"], ["b", "c"], []]},
        features=Features({"image": Image(), "label": ClassLabel(names=["cat", "dog"]), "tags": List(Value("string"))}))
    df, labels = viewer.dataset_frame(data)
    stats = {s.name: s for s in viewer.column_stats(df, labels)}
    assert stats["image"].kind == "image" and stats["image"].count == 2 and stats["image"].histogram is None
    assert stats["label"].kind == "class label" and dict(stats["label"].top) == {"dog": 2, "cat": 1}
    assert stats["tags"].kind == "list" and stats["tags"].maximum == 2
    thumbs = viewer.thumbnails(df["image"], size=16)
    from PIL import Image as Img

    first = Img.open(io.BytesIO(thumbs[0]))
    assert first.format == "PNG" and max(first.size) == 16 and thumbs[2] is None
    assert viewer.thumbnails([b"not an image", {"bytes": None, "path": None}]) == [None, None]


def test_paging_edges(frame):
    assert viewer.page(frame, 1, 2).index.tolist() == [0, 1]
    assert viewer.page(frame, 3, 2).index.tolist() == [4]
    past = viewer.page(frame, 4, 2)
    assert past.empty and list(past.columns) == list(frame.columns)
    assert viewer.page_count(5, 2) == 3 and viewer.page_count(0, 10) == 1 and viewer.page_count(100_000, 100) == 1000
    for bad in (lambda: viewer.page(frame, 1, 0), lambda: viewer.page_count(5, 0), lambda: viewer.page(frame, 0, 2)):
        with pytest.raises(ValueError):
            bad()


def test_csv_and_parquet_downloads_round_trip(frame):
    back = pd.read_csv(io.BytesIO(viewer.to_csv_bytes(frame)))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    back = pd.read_parquet(io.BytesIO(viewer.to_parquet_bytes(frame)))
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    with_images = pd.DataFrame({"image": [{"bytes": png("red"), "path": None}], "tags": [["a", "b"]]})
    csv = pd.read_csv(io.BytesIO(viewer.to_csv_bytes(with_images)))
    assert csv.loc[0, "image"] == "<image 12x12 RGB>" and csv.loc[0, "tags"] == '["a", "b"]'
    parquet = pd.read_parquet(io.BytesIO(viewer.to_parquet_bytes(with_images)))
    assert list(parquet.loc[0, "tags"]) == ["a", "b"]


def test_synthetic_reviews_are_reproducible_and_real_looking():
    a, b = synthetic_reviews(2_000, seed=1), synthetic_reviews(2_000, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == ["id", "lang", "label", "stars", "text", "length"]
    assert set(a["lang"]) == {"vi", "en"} and (a["length"] == a["text"].str.len()).all()
    assert a.loc[a["label"] == "positive", "stars"].min() >= 3


@pytest.mark.parametrize("source_id", ["reviews", "ner", "summaries", "translation", "acceptability"])
def test_every_project_source_opens_and_its_code_loads_the_same_rows(source_id, tmp_path, monkeypatch):
    from lib.datasets_lab import sources

    opened = sources.project(source_id)
    assert opened.dataset.num_rows > 10
    shown = run_code(opened.code, notebook_dir(tmp_path), monkeypatch)
    assert shown.num_rows == opened.dataset.num_rows and shown.column_names == opened.dataset.column_names


def test_display_frame_names_class_labels_and_shows_images_as_data_urls():
    from PIL import Image

    frame = pd.DataFrame({"label": [0, 1, None], "image": [Image.new("RGB", (8, 8)), None, Image.new("L", (4, 4))],
                          "tags": [[1, 2], [], None]})
    shown = viewer.display_frame(frame, {"label": ["neg", "pos"]})
    assert list(shown["label"][:2]) == ["neg (0)", "pos (1)"] and pd.isna(shown["label"][2])
    assert shown["image"][0].startswith("data:image/png;base64,") and pd.isna(shown["image"][1])
    assert shown["tags"][0] == "[1, 2]"
    assert viewer.image_columns(frame) == ["image"]
