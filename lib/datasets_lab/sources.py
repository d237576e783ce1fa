"""What the Dataset Viewer can open: the project's own data files, the famous datasets' small
examples, a large synthetic table, or (online) the first rows of a Hub dataset, streamed.

Every source is loaded with `datasets` for real and comes with the code that loads it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lib.sections import ROOT

# id -> (builder, data file, extra load_dataset arguments)
PROJECT_FILES = {
    "reviews": ("csv", "data/sentiment/reviews.csv", {}),
    "ner": ("json", "data/ner/vi_ner.jsonl", {}),
    "summaries": ("json", "data/summarization/pairs.jsonl", {}),
    "translation": ("json", "data/translation/vi_en.jsonl", {}),
    "acceptability": ("csv", "data/acceptability/sentences.csv", {}),
}
SYNTHETIC_ROWS = 100_000
HUB_ROWS = 500  # rows streamed from a Hub dataset: enough to browse, never the whole dataset


@dataclass(frozen=True)
class Opened:
    dataset: Any  # datasets.Dataset
    code: str


@lru_cache(maxsize=1)
def _cache_dir() -> str:
    """One private datasets cache for the process, so nothing lands in ~/.cache."""
    return tempfile.mkdtemp(prefix="hhf-datasets-")


def project(source_id: str) -> Opened:
    from datasets import load_dataset

    builder, data_file, extra = PROJECT_FILES[source_id]
    dataset = load_dataset(builder, data_files=str(ROOT / data_file), split="train", cache_dir=_cache_dir(),
                           keep_in_memory=True, **extra)
    arguments = "".join(f", {k}={v!r}" for k, v in extra.items())
    return Opened(dataset, "from datasets import load_dataset\n\n"
                           f'ds = load_dataset("{builder}", data_files="{data_file}", split="train"{arguments})\n'
                           "ds")


def famous_example(dataset_id: str) -> Opened:
    from lib.datasets_lab import famous

    facts = famous.get(dataset_id)
    hub = (f'load_dataset("{facts.hub_id}"' + (f', "{facts.hub_config}"' if facts.hub_config else "")
           + ', split="train", streaming=True)') if facts.hub_id else None
    code = ("from datasets import load_dataset\n\n"
            f"# the real {facts.name}, online (streamed: only the rows you read are downloaded):\n"
            + (f"ds = {hub}\nprint(next(iter(ds)))\n" if hub else "# (no canonical Hub copy: see its website)\n")
            + "# here: a small example in the same schema, built from this project's own data\n")
    return Opened(famous.example(dataset_id), code)


def synthetic(rows: int = SYNTHETIC_ROWS) -> Opened:
    from datasets import Dataset

    from lib.datasets_lab.large import synthetic_reviews

    return Opened(Dataset.from_pandas(synthetic_reviews(rows), preserve_index=False),
                  "from datasets import Dataset\n\n"
                  f"# {rows:,} reviews recombined from the project's real sentences (lib/datasets_lab/large.py)\n"
                  f"ds = Dataset.from_pandas(synthetic_reviews({rows}))\nds")


def hub(repo_id: str, config: str | None = None, split: str = "train", rows: int = HUB_ROWS) -> Opened:
    """The first rows of a Hub dataset, streamed (online only)."""
    from datasets import Dataset, load_dataset

    streamed = load_dataset(repo_id, config or None, split=split, streaming=True)
    dataset = Dataset.from_list(list(streamed.take(rows)), features=streamed.features)
    name = f'"{repo_id}"' + (f', "{config}"' if config else "")
    return Opened(dataset, "from datasets import load_dataset\n\n"
                           f'ds = load_dataset({name}, split="{split}", streaming=True)\n'
                           f"rows = list(ds.take({rows}))  # only these rows are downloaded\n")
