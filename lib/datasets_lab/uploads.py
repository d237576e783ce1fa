"""A learner's uploaded file turned into a real `datasets.Dataset`, with the `load_dataset` call to copy.

The file is written to a private temp folder and loaded with `datasets.load_dataset` for real
(cache in that folder, table kept in memory), so nothing lands in ~/.cache. Problems are raised
as catalogue keys (`lib.text_input.InputProblem`) the page says in the learner's language.
"""
from __future__ import annotations

import io
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lib.text_input import InputProblem, decode_upload

BUILDERS = {".csv": "csv", ".tsv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet", ".zip": "imagefolder"}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}
MAX_ZIP_FILES = 5_000
ZIP_EXPANSION = 5  # unpacked bytes may be at most this many times the upload limit (zip bombs)
# Real tables nest a few levels; pyarrow's JSON reader (inside load_dataset) crashes the whole
# process with a segfault near 20,000 levels ("[[[[..."), so deeper files are refused before it reads them.
MAX_JSON_DEPTH = 200
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BLOCK_BYTES = 10 << 20  # datasets' JSON loader chunksize
_NULL_LINE = re.compile(r"^[ \t\r]*null", re.MULTILINE)
_NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?\s*$")


# decode_upload's problems, said in dataset words
_DATASET_WORDS = {"text_upload_empty": "ds_upload_empty", "text_upload_not_utf8": "ds_upload_not_utf8",
                  "text_upload_binary": "ds_upload_binary"}


@dataclass(frozen=True)
class Loaded:
    dataset: Any  # datasets.Dataset
    notices: list[tuple[str, dict]] = field(default_factory=list)  # (catalogue key, values)
    code: str = ""  # the load_dataset call the learner would write


def _safe_name(name: str, suffix: str) -> str:
    """The upload's base name, kept readable in the shown code but harmless as a path."""
    stem = re.sub(r"[^\w.-]+", "_", PurePosixPath(name.replace("\\", "/")).name)[:80].strip("._")
    stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
    return (stem or "data") + suffix


def _mb(n: int) -> float:
    return round(n / 1_000_000, 1)


def _causes(error: BaseException):
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


def _no_rows(error: BaseException) -> bool:
    return any("corresponds to no data" in str(e) for e in _causes(error))


def _looks_mixed(column) -> bool:
    """Both numbers and other text among the non-empty values of a string column (Arrow, in C)."""
    import pyarrow.compute as pc

    present = pc.filter(column, pc.fill_null(pc.not_equal(column, ""), False))
    if len(present) == 0:
        return False
    numeric = pc.match_substring_regex(present, _NUMBER.pattern)
    return bool(pc.any(numeric).as_py()) and not bool(pc.all(numeric).as_py())


def _csv_features_from_pandas(path: Path, sep: str):
    """Column types inferred over the whole file at once, mixed columns as string.

    datasets reads CSV in chunks of 10,000 rows, each typed on its own, so a column whose
    text only appears later fails to cast; one pandas pass with low_memory=False decides once.
    """
    import pandas as pd
    from datasets import Features, Value

    frame = pd.read_csv(path, sep=sep, low_memory=False)
    kinds = {"i": "int64", "f": "float64", "b": "bool"}
    return Features({str(c): Value(kinds.get(frame[c].dtype.kind, "string")) for c in frame.columns})


def _features_code(features) -> str:
    inner = ", ".join(f"{k!r}: Value({v.dtype!r})" for k, v in features.items())
    return f"Features({{{inner}}})"


def _too_deep_line(text: str, limit: int = MAX_JSON_DEPTH) -> int | None:
    """The line where JSON brackets (outside strings) first nest deeper than limit, else None.

    Counted with numpy over the bracket positions only, as the rise above the lowest level so far,
    so that stray closing brackets before a deep run cannot hide it.
    """
    import numpy as np

    flat = _JSON_STRING.sub(lambda m: '""' + "\n" * m.group().count("\n"), text).encode("utf-8")
    codes = np.frombuffer(flat, dtype=np.uint8)
    positions = np.flatnonzero((codes == 0x5B) | (codes == 0x7B) | (codes == 0x5D) | (codes == 0x7D))
    if positions.size <= limit:
        return None
    brackets = codes[positions]
    depth = np.cumsum(np.where((brackets == 0x5B) | (brackets == 0x7B), 1, -1), dtype=np.int64)
    rise = depth - np.minimum.accumulate(np.minimum(depth, 0))
    deep = np.flatnonzero(rise > limit)
    return None if deep.size == 0 else flat.count(b"\n", 0, int(positions[deep[0]])) + 1


def _null_row_line(text: str) -> int | None:
    """The line of a `null` row that pyarrow could read first in a block, else None.

    pyarrow 26's JSON reader segfaults (the whole server dies) when the text it gets starts with a
    null row. load_dataset gives it the whole file ("[...]" files converted to one row per line),
    or, for files over 10 MB, blocks starting at line ends: there any null line is refused.
    """
    stripped = text.lstrip()
    if stripped.startswith("["):
        return 1 if re.match(r"\[\s*null", stripped) else None
    if stripped.startswith("null"):
        return text.count("\n", 0, len(text) - len(stripped)) + 1
    if len(text) * 4 > _JSON_BLOCK_BYTES:  # 4: the most UTF-8 bytes a character takes
        found = _NULL_LINE.search(text)
        return None if found is None else text.count("\n", 0, found.start()) + 1
    return None


def _json_problem(text: str, jsonl: bool) -> InputProblem:
    """Where the JSON breaks, found with the standard json module (datasets' message has no line)."""
    if jsonl:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    json.loads(line)
                except json.JSONDecodeError:
                    return InputProblem("ds_upload_bad_json", line=number)
        return InputProblem("ds_upload_bad_json", line=1)
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return InputProblem("ds_upload_bad_json", line=error.lineno)
    # The whole file parses but is not a table datasets can read (e.g. a bare number or list of numbers).
    return InputProblem("ds_upload_json_not_table")


def _stringify_json_columns(dataset, notices):
    """datasets 5 types a JSON column holding several kinds of values as `Json`; make it plain text."""
    from datasets import Json, Value

    mixed = [name for name, feature in dataset.features.items() if isinstance(feature, Json)]
    if not mixed:
        return dataset
    features = dataset.features.copy()
    for name in mixed:
        features[name] = Value("string")

    def to_text(batch):
        return {
            name: [None if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in batch[name]]
            for name in mixed
        }

    notices.append(("ds_upload_mixed_types", {"columns": ", ".join(mixed)}))
    return dataset.map(to_text, batched=True, features=features, keep_in_memory=True)


def _extract_images(data: bytes, target: Path, max_bytes: int) -> int:
    """Image files of a zip written under target, class folders kept; returns how many."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputProblem("ds_upload_bad_zip") from None
    images = [
        m for m in members
        if PurePosixPath(m.filename).suffix.lower() in IMAGE_EXTENSIONS
        and not any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(m.filename).parts)
    ]
    if not images:
        raise InputProblem("ds_upload_zip_no_images")
    if len(images) > MAX_ZIP_FILES or sum(m.file_size for m in images) > ZIP_EXPANSION * max_bytes:
        raise InputProblem("ds_upload_zip_too_big", files=MAX_ZIP_FILES, mb=_mb(ZIP_EXPANSION * max_bytes))
    for member in images:
        parts = [p for p in PurePosixPath(member.filename).parts if p not in ("", ".", "..", "/")]
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            destination.write_bytes(archive.read(member))
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            raise InputProblem("ds_upload_bad_zip") from None
    return len(images)


def _load_images(data: bytes, name: str, max_bytes: int, folder: Path, cache: str):
    from datasets import load_dataset
    from datasets.table import embed_table_storage

    folder_name = _safe_name(name, ".zip")[: -len(".zip")]
    target = folder / folder_name
    _extract_images(data, target, max_bytes)
    try:
        dataset = load_dataset("imagefolder", data_dir=str(target), split="train", cache_dir=cache, keep_in_memory=True)
    except Exception as error:  # noqa: BLE001 - any failure here is an unreadable archive for the learner
        if _no_rows(error):
            raise InputProblem("ds_upload_zip_no_images") from None
        raise InputProblem("ds_upload_bad_zip") from None
    # The Image column points at files in the temp folder: embed the bytes so the dataset outlives it.
    dataset = dataset.with_format("arrow").map(embed_table_storage, batched=True, keep_in_memory=True).with_format(None)
    code = (
        "from datasets import load_dataset\n\n"
        f"# {folder_name}/<class name>/<image files>, unpacked from {_safe_name(name, '.zip')}\n"
        f'ds = load_dataset("imagefolder", data_dir="{folder_name}", split="train")'
    )
    return dataset, code


def load_upload(data: bytes, name: str, max_bytes: int) -> Loaded:
    """The uploaded file as a `datasets.Dataset` (split "train"), notices to show, and the code to load it."""
    import datasets
    from datasets import load_dataset

    datasets.disable_progress_bars()  # server logs, not a terminal
    if not data or (not data.strip() and not name.lower().endswith((".parquet", ".zip"))):
        raise InputProblem("ds_upload_empty")
    if len(data) > max_bytes:
        raise InputProblem("ds_upload_too_big", mb=_mb(max_bytes), size_mb=_mb(len(data)))
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in BUILDERS:
        raise InputProblem("ds_upload_unknown_type", ext=suffix or name, supported=", ".join(BUILDERS))
    builder = BUILDERS[suffix]
    file_name = _safe_name(name, suffix)
    notices: list[tuple[str, dict]] = []
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    with tempfile.TemporaryDirectory(prefix="ds_upload_") as tmp:
        folder = Path(tmp)
        cache = str(folder / "cache")
        if builder == "imagefolder":
            dataset, code = _load_images(data, name, max_bytes, folder, cache)
            return Loaded(dataset, notices, code)

        path = folder / file_name
        text = ""
        if builder == "parquet":
            path.write_bytes(data)
        else:
            try:
                text = decode_upload(data)
            except InputProblem as problem:  # same checks as text uploads, said in dataset words
                raise InputProblem(_DATASET_WORDS.get(problem.key, problem.key)) from None
            path.write_bytes(text.encode("utf-8"))  # UTF-16 or BOM-prefixed files become plain UTF-8
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                notices.append(("ds_upload_converted_utf16", {}))
            bad_line = (_too_deep_line(text) or _null_row_line(text)) if builder == "json" else None
            if bad_line is not None:
                raise InputProblem("ds_upload_bad_json", line=bad_line)

        kwargs: dict[str, Any] = {"sep": "\t"} if suffix == ".tsv" else {}
        try:
            dataset = load_dataset(builder, data_files=str(path), split="train", cache_dir=cache, keep_in_memory=True, **kwargs)
        except Exception as error:  # noqa: BLE001 - translated below into what the learner can fix
            dataset = _retry_or_explain(error, builder, suffix, path, text, cache, kwargs)
            if isinstance(dataset, tuple):
                dataset, features = dataset
                kwargs["features"] = features

        if builder == "json":
            dataset, field_name = _unwrap_json_field(dataset, path, cache)
            if field_name:
                kwargs["field"] = field_name
                notices.append(("ds_upload_json_field", {"field": field_name}))
            dataset = _stringify_json_columns(dataset, notices)
        if builder == "csv":
            string_columns = [n for n, f in dataset.features.items() if getattr(f, "dtype", "") in ("string", "large_string")]
            mixed = [n for n in string_columns if _looks_mixed(dataset.data.column(n))]
            if mixed:
                notices.append(("ds_upload_mixed_types", {"columns": ", ".join(mixed)}))
        if dataset.num_rows == 0:
            raise InputProblem("ds_upload_no_rows")

    return Loaded(dataset, notices, _code(builder, file_name, kwargs))


def _retry_or_explain(error, builder, suffix, path, text, cache, kwargs):
    """A failed load either becomes a catalogue problem, or (CSV mixed types) is retried with explicit features."""
    from datasets import load_dataset

    if _no_rows(error):
        raise InputProblem("ds_upload_no_rows") from None
    causes = list(_causes(error))
    if builder == "csv":
        for cause in causes:
            found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(cause))
            if found:
                expected, line, seen = (int(g) for g in found.groups())
                raise InputProblem("ds_upload_bad_csv", line=line, expected=expected, found=seen) from None
        if any("Failed to parse string" in str(c) or "Couldn't cast" in str(c) for c in causes):
            try:
                features = _csv_features_from_pandas(path, kwargs.get("sep", ","))
                dataset = load_dataset("csv", data_files=str(path), split="train", cache_dir=cache,
                                       keep_in_memory=True, features=features, **kwargs)
            except Exception:  # noqa: BLE001
                raise InputProblem("ds_upload_bad_csv_other") from None
            return dataset, features
        raise InputProblem("ds_upload_bad_csv_other") from None
    if builder == "json":
        raise _json_problem(text, jsonl=suffix == ".jsonl") from None
    raise InputProblem("ds_upload_bad_parquet") from None


def _unwrap_json_field(dataset, path, cache):
    """A SQuAD-style file ({"version": ..., "data": [...]}) reads as one row; load its list field instead."""
    from datasets import load_dataset

    if dataset.num_rows != 1:
        return dataset, None
    row = dataset[0]
    lists = [k for k, v in row.items() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    if len(lists) != 1:
        return dataset, None
    try:
        inner = load_dataset("json", data_files=str(path), field=lists[0], split="train", cache_dir=cache, keep_in_memory=True)
    except Exception:  # noqa: BLE001 - keep the one-row reading, it is still honest
        return dataset, None
    return inner, lists[0]


def _code(builder: str, file_name: str, kwargs: dict) -> str:
    args = [f'"{builder}"', f'data_files="{file_name}"', 'split="train"']
    imports = "load_dataset"
    if "sep" in kwargs:
        args.append('sep="\\t"')
    if "field" in kwargs:
        args.append(f'field="{kwargs["field"]}"')
    if "features" in kwargs:
        imports = "Features, Value, load_dataset"
        args.append(f"features={_features_code(kwargs['features'])}")
    return f"from datasets import {imports}\n\nds = load_dataset({', '.join(args)})"
