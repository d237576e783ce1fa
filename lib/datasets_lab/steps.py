"""'Data Loading API, hands-on': each step really runs `datasets` on the project's own data.

A step returns the code a learner can paste in a notebook (run from the repo root; its last
line is the expression a notebook would display), the result that code gives, and measured
figures. The step itself runs the same calls, with caches kept in the caller's `workdir`
(the app passes a per-session temp dir) so nothing lands in ~/.cache.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.sections import ROOT

REVIEWS = "data/sentiment/reviews.csv"
NER = "data/ner/vi_ner.jsonl"
QA = "data/qa/vi_qa.json"
SUMMARIES = "data/summarization/pairs.jsonl"
TRANSLATION = "data/translation/vi_en.jsonl"
NER_LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]  # data card order
TOKENIZER = "multilingual-e5-small"


@dataclass(frozen=True)
class Step:
    code: str  # runnable from the repo root; the last line is what a notebook would display
    result: Any  # a small DataFrame, dict or text: what that last line gives
    figures: dict = field(default_factory=dict)  # measured numbers: seconds, rows, bytes


def _quiet():
    import datasets

    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    datasets.disable_progress_bars()  # server logs, not a terminal


def _load(builder: str, data_file: str, workdir: Path, **kwargs):
    """load_dataset on a repo file, cached in workdir and held in memory (no cache files for map)."""
    from datasets import load_dataset

    _quiet()
    return load_dataset(builder, data_files=str(ROOT / data_file), split="train",
                        cache_dir=str(Path(workdir) / "hf_cache"), keep_in_memory=True, **kwargs)


def features_table(features) -> "Any":
    """Features as a two-column DataFrame (name, type), the way the Hub's viewer lists them."""
    import pandas as pd

    return pd.DataFrame({"name": list(features), "type": [repr(f) for f in features.values()]})


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


# ----------------------------------------------------------------------------- loading
def load_csv(workdir: Path) -> Step:
    ds, seconds = _timed(lambda: _load("csv", REVIEWS, workdir))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'ds.to_pandas().head(5)')
    return Step(code, ds.to_pandas().head(5), {"seconds": seconds, "rows": ds.num_rows, "columns": len(ds.column_names)})


def load_json(workdir: Path) -> Step:
    """A SQuAD-style nested file: the records sit under the "data" key, hence field="data"."""
    ds, seconds = _timed(lambda: _load("json", QA, workdir, field="data"))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("json", data_files="{QA}", field="data", split="train")\n'
            '{"rows": ds.num_rows, "columns": ds.column_names, "first_title": ds[0]["title"]}')
    result = {"rows": ds.num_rows, "columns": ds.column_names, "first_title": ds[0]["title"]}
    return Step(code, result, {"seconds": seconds, "rows": ds.num_rows})


def load_jsonl(workdir: Path) -> Step:
    ds, seconds = _timed(lambda: _load("json", TRANSLATION, workdir))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("json", data_files="{TRANSLATION}", split="train")\n'
            'ds.to_pandas().head(5)')
    return Step(code, ds.to_pandas().head(5), {"seconds": seconds, "rows": ds.num_rows, "columns": len(ds.column_names)})


def split(workdir: Path, test_size: float = 0.2, seed: int = 42) -> Step:
    ds = _load("csv", REVIEWS, workdir)
    parts, seconds = _timed(lambda: ds.train_test_split(test_size=test_size, seed=seed))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            f'parts = ds.train_test_split(test_size={test_size}, seed={seed})  # a DatasetDict\n'
            '{name: part.num_rows for name, part in parts.items()}')
    result = {name: part.num_rows for name, part in parts.items()}
    return Step(code, result, {"seconds": seconds, **{f"{k}_rows": v for k, v in result.items()}})


def features(workdir: Path) -> Step:
    ds = _load("json", SUMMARIES, workdir)
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("json", data_files="{SUMMARIES}", split="train")\n'
            'import pandas as pd\n'
            'pd.DataFrame({"name": list(ds.features), "type": [repr(f) for f in ds.features.values()]})')
    return Step(code, features_table(ds.features), {"rows": ds.num_rows, "columns": len(ds.column_names)})


# ----------------------------------------------------------------------------- feature types
def class_label(workdir: Path) -> Step:
    ds = _load("csv", REVIEWS, workdir)
    encoded, seconds = _timed(lambda: ds.class_encode_column("label"))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'ds = ds.class_encode_column("label")  # strings -> ClassLabel ids, names sorted\n'
            '{"feature": repr(ds.features["label"]), "first_ids": ds["label"][:5], '
            '"first_names": [ds.features["label"].int2str(i) for i in ds["label"][:5]]}')
    label = encoded.features["label"]
    ids = encoded["label"][:5]
    result = {"feature": repr(label), "first_ids": list(ids), "first_names": [label.int2str(i) for i in ids]}
    return Step(code, result, {"seconds": seconds, "classes": label.num_classes})


def sequence(workdir: Path) -> Step:
    """NER tags: a list feature with a ClassLabel inside (datasets 5 spells Sequence as List)."""
    from datasets import ClassLabel, List

    ds = _load("json", NER, workdir)
    cast, seconds = _timed(lambda: ds.cast_column("ner_tags", List(ClassLabel(names=NER_LABELS))))
    code = ('from datasets import ClassLabel, List, load_dataset\n\n'
            f'LABELS = {NER_LABELS!r}\n'
            f'ds = load_dataset("json", data_files="{NER}", split="train")\n'
            'ds = ds.cast_column("ner_tags", List(ClassLabel(names=LABELS)))\n'
            '{"feature": repr(ds.features["ner_tags"]), "tokens": ds[2]["tokens"][:8], "tag_ids": ds[2]["ner_tags"][:8]}')
    row = cast[2]
    result = {"feature": repr(cast.features["ner_tags"]), "tokens": row["tokens"][:8], "tag_ids": row["ner_tags"][:8]}
    return Step(code, result, {"seconds": seconds, "rows": cast.num_rows})


def image(workdir: Path, count: int = 100) -> Step:
    """sklearn digits as an Image feature: PIL images go in, Arrow stores PNG bytes."""
    import numpy as np
    from datasets import ClassLabel, Dataset, Features, Image
    from PIL import Image as PILImage
    from sklearn.datasets import load_digits

    _quiet()

    def build():
        digits = load_digits()
        images = [PILImage.fromarray((np.asarray(p) * (255 / 16)).astype("uint8"), mode="L").resize((16, 16))
                  for p in digits.images[:count]]
        features = Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])})
        return Dataset.from_dict({"image": images, "label": digits.target[:count].tolist()}, features=features)

    ds, seconds = _timed(build)
    code = ('import numpy as np\n'
            'from datasets import ClassLabel, Dataset, Features, Image\n'
            'from PIL import Image as PILImage\n'
            'from sklearn.datasets import load_digits\n\n'
            'digits = load_digits()\n'
            'images = [PILImage.fromarray((np.asarray(p) * (255 / 16)).astype("uint8"), mode="L").resize((16, 16))\n'
            f'          for p in digits.images[:{count}]]\n'
            'features = Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])})\n'
            f'ds = Dataset.from_dict({{"image": images, "label": digits.target[:{count}].tolist()}}, features=features)\n'
            '{"features": {k: repr(v) for k, v in ds.features.items()}, "first_size": ds[0]["image"].size, "first_label": ds[0]["label"]}')
    result = {"features": {k: repr(v) for k, v in ds.features.items()}, "first_size": ds[0]["image"].size,
              "first_label": ds[0]["label"]}
    return Step(code, result, {"seconds": seconds, "rows": ds.num_rows, "arrow_bytes": ds.data.nbytes})


# ----------------------------------------------------------------------------- processing
def select_filter(workdir: Path, lang: str = "vi", label: str = "positive") -> Step:
    ds = _load("csv", REVIEWS, workdir)
    first, select_s = _timed(lambda: ds.select(range(3)))
    kept, filter_s = _timed(lambda: ds.filter(lambda row: row["lang"] == lang and row["label"] == label))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'first = ds.select(range(3))\n'
            f'kept = ds.filter(lambda row: row["lang"] == "{lang}" and row["label"] == "{label}")\n'
            '{"first_ids": first["id"], "kept_rows": kept.num_rows, "kept_first_ids": kept["id"][:3]}')
    result = {"first_ids": list(first["id"]), "kept_rows": kept.num_rows, "kept_first_ids": list(kept["id"][:3])}
    return Step(code, result, {"select_seconds": select_s, "filter_seconds": filter_s, "rows": ds.num_rows, "kept_rows": kept.num_rows})


def map_batched(workdir: Path) -> Step:
    """The same length column computed row by row and in batches of 1,000: batching saves Python calls."""
    ds = _load("csv", REVIEWS, workdir)
    one, one_s = _timed(lambda: ds.map(lambda row: {"n_chars": len(row["text"])}, keep_in_memory=True))
    many, many_s = _timed(lambda: ds.map(lambda batch: {"n_chars": [len(t) for t in batch["text"]]},
                                         batched=True, keep_in_memory=True))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'one = ds.map(lambda row: {"n_chars": len(row["text"])})  # one call per row\n'
            'many = ds.map(lambda batch: {"n_chars": [len(t) for t in batch["text"]]}, batched=True)  # 1,000 rows per call\n'
            '{"same": one["n_chars"] == many["n_chars"], "first": many["n_chars"][:5]}')
    result = {"same": list(one["n_chars"]) == list(many["n_chars"]), "first": list(many["n_chars"][:5])}
    return Step(code, result, {"rows": ds.num_rows, "seconds_per_row": one_s, "seconds_batched": many_s,
                               "ratio": one_s / many_s if many_s else float("inf")})


def shuffle(workdir: Path, seed: int = 42) -> Step:
    ds = _load("csv", REVIEWS, workdir)
    mixed, seconds = _timed(lambda: ds.shuffle(seed=seed))
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            f'mixed = ds.shuffle(seed={seed})  # same seed, same order, every time\n'
            '{"before": ds["id"][:5], "after": mixed["id"][:5]}')
    return Step(code, {"before": list(ds["id"][:5]), "after": list(mixed["id"][:5])}, {"seconds": seconds})


def _pack_folder_for_code(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def tokenize(workdir: Path, max_length: int = 64) -> Step:
    """Tokenising with map(batched=True) and the pack's multilingual tokenizer (a transformers fast tokenizer)."""
    from lib.models.loader import load_tokenizer, pack_path

    tokenizer = load_tokenizer(TOKENIZER)
    ds = _load("csv", REVIEWS, workdir)

    def run():
        # A fixed fingerprint: otherwise datasets hashes the whole 250k-vocab tokenizer (~2.5 s) to name a cache it won't write.
        return ds.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length=max_length),
                      batched=True, keep_in_memory=True, new_fingerprint=f"{ds._fingerprint}-tokenize-{TOKENIZER}-{max_length}")

    tokens, seconds = _timed(run)
    folder = _pack_folder_for_code(pack_path(TOKENIZER))
    code = ('from datasets import load_dataset\n'
            'from transformers import AutoTokenizer\n\n'
            f'tokenizer = AutoTokenizer.from_pretrained("{folder}")\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            f'tokens = ds.map(lambda batch: tokenizer(batch["text"], truncation=True, max_length={max_length}), batched=True)\n'
            '{"columns": tokens.column_names, "first_ids": tokens[0]["input_ids"][:10],\n'
            ' "first_tokens": tokenizer.convert_ids_to_tokens(tokens[0]["input_ids"][:10])}')
    ids = tokens[0]["input_ids"][:10]
    result = {"columns": tokens.column_names, "first_ids": list(ids), "first_tokens": tokenizer.convert_ids_to_tokens(ids)}
    lengths = tokens.to_pandas().assign(n=lambda f: f["input_ids"].map(len)).groupby("lang")["n"].mean()
    return Step(code, result, {"seconds": seconds, "rows": tokens.num_rows,
                               **{f"mean_tokens_{lang}": float(v) for lang, v in lengths.items()}})


def to_pandas(workdir: Path) -> Step:
    ds = _load("csv", REVIEWS, workdir)
    frame, seconds = _timed(ds.to_pandas)
    code = ('from datasets import load_dataset\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'df = ds.to_pandas()\n'
            'df.groupby(["lang", "label"]).size().reset_index(name="rows")')
    return Step(code, frame.groupby(["lang", "label"]).size().reset_index(name="rows"), {"seconds": seconds, "rows": len(frame)})


# ----------------------------------------------------------------------------- disk, streaming, memory
def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def save_load(workdir: Path) -> Step:
    from datasets import load_from_disk

    ds = _load("csv", REVIEWS, workdir)
    target = Path(workdir) / "reviews_arrow"
    _, save_s = _timed(lambda: ds.save_to_disk(str(target)))
    again, load_s = _timed(lambda: load_from_disk(str(target)))
    code = ('from datasets import load_dataset, load_from_disk\n\n'
            f'ds = load_dataset("csv", data_files="{REVIEWS}", split="train")\n'
            'ds.save_to_disk("reviews_arrow")  # Arrow files + dataset_info.json + state.json\n'
            'again = load_from_disk("reviews_arrow")\n'
            '{"rows": again.num_rows, "same_first_id": again[0]["id"] == ds[0]["id"]}')
    result = {"rows": again.num_rows, "same_first_id": again[0]["id"] == ds[0]["id"]}
    return Step(code, result, {"save_seconds": save_s, "load_seconds": load_s, "bytes_on_disk": _folder_bytes(target),
                               "csv_bytes": (ROOT / REVIEWS).stat().st_size})


def large_csv_path(workdir: Path, rows: int) -> Path:
    from lib.datasets_lab.large import make_large_csv

    path = Path(workdir) / f"reviews_{rows}.csv"
    make_large_csv(path, rows)
    return path


def streaming(workdir: Path, rows: int = 200_000, first: int = 5) -> Step:
    """An IterableDataset reads lazily: the first rows arrive long before the whole file could be parsed."""
    from datasets import load_dataset

    _quiet()
    path, make_s = _timed(lambda: large_csv_path(workdir, rows))
    start = time.perf_counter()
    stream = load_dataset("csv", data_files=str(path), split="train", streaming=True)
    head = list(stream.take(first))
    first_s = time.perf_counter() - start
    lazy = (stream.filter(lambda row: row["lang"] == "vi")
            .map(lambda row: {"words": len(row["text"].split())}))
    start = time.perf_counter()
    picked = list(lazy.take(first))
    lazy_s = time.perf_counter() - start
    name = path.name
    code = ('from datasets import load_dataset\n'
            'from lib.datasets_lab.large import make_large_csv\n\n'
            f'make_large_csv("{name}", rows={rows})  # synthetic reviews built from data/sentiment\n'
            f'stream = load_dataset("csv", data_files="{name}", split="train", streaming=True)  # IterableDataset\n'
            f'head = list(stream.take({first}))\n'
            'lazy = stream.filter(lambda row: row["lang"] == "vi").map(lambda row: {"words": len(row["text"].split())})\n'
            f'[(row["id"], row["words"]) for row in lazy.take({first})]  # nothing ran before this line')
    result = [(row["id"], row["words"]) for row in picked]
    return Step(code, result, {"rows_in_file": rows, "file_bytes": path.stat().st_size, "make_seconds": make_s,
                               "seconds_to_first_rows": first_s, "seconds_filter_map_first_rows": lazy_s,
                               "first_ids": [row["id"] for row in head]})


def _rss() -> dict[str, int]:
    """Resident memory of this process in bytes, from /proc/self/status (total, anonymous, file-backed)."""
    values = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile"):
                values[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return values


def memory_map(workdir: Path, rows: int = 200_000, probes: int = 1_000) -> Step:
    """load_from_disk maps the Arrow file: a big table opens with almost no new resident memory."""
    import gc

    from datasets import load_dataset, load_from_disk

    _quiet()
    csv_path = large_csv_path(workdir, rows)
    target = Path(workdir) / f"reviews_{rows}_arrow"
    if not (target / "state.json").exists():
        ds = load_dataset("csv", data_files=str(csv_path), split="train", cache_dir=str(Path(workdir) / "hf_cache"))
        ds.save_to_disk(str(target))
        del ds
    gc.collect()
    before = _rss()
    big, load_s = _timed(lambda: load_from_disk(str(target)))
    after_open = _rss()
    step = max(1, big.num_rows // probes)
    sample, read_s = _timed(lambda: big.select(range(0, big.num_rows, step))["length"])
    after_read = _rss()
    code = ('from datasets import load_from_disk\n\n'
            f'big = load_from_disk("{target.name}")  # made with load_dataset("csv", ...).save_to_disk(...)\n'
            '{"rows": big.num_rows, "table_bytes": big.data.nbytes, "memory_mapped": bool(big.cache_files)}')
    result = {"rows": big.num_rows, "table_bytes": big.data.nbytes, "memory_mapped": bool(big.cache_files)}
    grow = lambda a, b, k: a.get(k, 0) - b.get(k, 0)  # noqa: E731
    return Step(code, result, {
        "rows": big.num_rows, "bytes_on_disk": _folder_bytes(target), "load_seconds": load_s, "read_seconds": read_s,
        # VmRSS counts mapped file pages once touched (shared page cache the OS can drop);
        # RssAnon is the process's own memory: that is what barely moves.
        "rows_read": len(sample), "rss_growth_open": grow(after_open, before, "VmRSS"),
        "anon_growth_open": grow(after_open, before, "RssAnon"),
        "rss_growth_after_reads": grow(after_read, before, "VmRSS"),
        "anon_growth_after_reads": grow(after_read, before, "RssAnon"), "rss_before": before.get("VmRSS", 0),
    })


STEPS = {  # order of the lesson; each takes workdir (and optional keyword parameters)
    "load_csv": load_csv, "load_json": load_json, "load_jsonl": load_jsonl, "split": split, "features": features,
    "class_label": class_label, "sequence": sequence, "image": image, "select_filter": select_filter,
    "map_batched": map_batched, "shuffle": shuffle, "tokenize": tokenize, "to_pandas": to_pandas,
    "save_load": save_load, "streaming": streaming, "memory_map": memory_map,
}
