"""Text-classification data for the training lab: the project's reviews or a learner's table.

A learner can pick any two columns of any table, so everything that would make training
meaningless (or crash half-way) is refused up front with a catalogue key; what can be repaired
(missing labels, too many rows) is repaired with a notice the page shows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lib.text_input import InputProblem

SENTIMENT_CSV = Path(__file__).resolve().parents[2] / "data" / "sentiment" / "reviews.csv"
MIN_ROWS = 10  # below this a train/test split says nothing
MAX_CLASSES = 20  # more distinct values than this is probably an id or free-text column
MAX_ROWS = 20_000  # a 2-core laptop trains on this many short texts in minutes, not hours


@dataclass
class Prepared:
    """The splits (`datasets.DatasetDict` with "train"/"test", columns text + ClassLabel label)."""

    splits: Any
    labels: list[str]
    notices: list[tuple[str, dict]] = field(default_factory=list)  # (catalogue key, values)
    text_column: str = "text"
    label_column: str = "label"

    @property
    def sizes(self) -> dict[str, int]:
        return {name: len(split) for name, split in self.splits.items()}


def sentiment_frame():
    """The project's 480 bilingual reviews (columns id, lang, topic, label, text)."""
    import pandas as pd

    return pd.read_csv(SENTIMENT_CSV)


def _label_strings(labels):
    """Labels as readable strings: 1.0 (an int column that had blanks) reads as "1"."""
    import pandas as pd

    if pd.api.types.is_float_dtype(labels) and (labels.dropna() % 1 == 0).all():
        return labels.astype("Int64").astype(str)
    return labels.astype(str).str.strip()


def _looks_numeric(texts) -> bool:
    import pandas as pd

    return bool(pd.to_numeric(texts, errors="coerce").notna().all())


def prepare(frame, text_column: str, label_column: str, test_size: float = 0.2, seed: int = 42,
            max_rows: int = MAX_ROWS) -> Prepared:
    """Stratified train/test `DatasetDict` from two columns of a DataFrame, or InputProblem.

    Rows without a label or text are dropped (notice); more than `max_rows` rows are sampled
    down, stratified by label (notice). The test split holds at least one row per class.
    """
    import pandas as pd

    columns = [str(c) for c in frame.columns]
    for column in (text_column, label_column):
        if column not in columns:
            raise InputProblem("train_column_missing", column=column)
    if text_column == label_column:
        raise InputProblem("train_same_column", column=text_column)
    notices: list[tuple[str, dict]] = []
    data = pd.DataFrame({"text": frame[text_column].to_numpy(), "label": frame[label_column].to_numpy()})
    given = len(data)
    data = data[data["label"].notna() & data["text"].notna()]
    data = data.assign(text=data["text"].astype(str).str.strip(), label=_label_strings(data["label"]))
    data = data[(data["text"] != "") & (data["label"] != "")]
    if len(data) < given:
        notices.append(("train_rows_dropped", {"dropped": given - len(data), "rows": given}))
    if len(data) < MIN_ROWS:
        raise InputProblem("train_too_few_rows", rows=len(data), minimum=MIN_ROWS)
    if _looks_numeric(data["text"]):
        raise InputProblem("train_text_not_text", column=text_column)
    counts = data["label"].value_counts()
    if len(counts) > MAX_CLASSES:
        raise InputProblem("train_too_many_classes", column=label_column, classes=len(counts), limit=MAX_CLASSES)
    if len(counts) < 2:
        raise InputProblem("train_one_class", column=label_column, label=str(counts.index[0]))
    if len(data) > max_rows:
        # Sample each class in proportion (keeping at least 2 rows of a rare class for the split).
        fraction = max_rows / len(data)
        data = pd.concat(
            group.sample(n=min(len(group), max(2, round(len(group) * fraction))), random_state=seed)
            for _, group in data.groupby("label", sort=True)
        )
        notices.append(("train_sampled", {"rows": given, "kept": len(data)}))
        counts = data["label"].value_counts()
    rare = counts[counts < 2]
    if len(rare):
        raise InputProblem("train_class_too_small", label=str(rare.index[0]), count=int(rare.iloc[0]))
    n_test = max(len(counts), math.ceil(len(data) * test_size))
    if len(data) - n_test < len(counts):
        raise InputProblem("train_too_few_rows", rows=len(data), minimum=2 * len(counts))
    return Prepared(_split(data, sorted(counts.index), n_test, seed), sorted(counts.index), notices)


def _split(data, labels: list[str], n_test: int, seed: int):
    """datasets' own stratified split, the call a learner would write in a notebook."""
    from datasets import ClassLabel, Dataset, Features, Value

    features = Features({"text": Value("string"), "label": ClassLabel(names=labels)})
    rows = {"text": data["text"].tolist(), "label": [labels.index(v) for v in data["label"]]}
    dataset = Dataset.from_dict(rows, features=features)
    return dataset.train_test_split(test_size=n_test, seed=seed, stratify_by_column="label")


def prepare_sentiment(test_size: float = 0.2, seed: int = 42) -> Prepared:
    """The default lab data: the project's reviews, label negative/positive."""
    return prepare(sentiment_frame(), "text", "label", test_size=test_size, seed=seed)
