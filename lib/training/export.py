"""Take the trained model home: a zip of its folder, and predictions through `pipeline`."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path


def zip_folder(path: Path | str) -> bytes:
    """The folder's files as zip bytes (paths relative to the folder), for a download button.

    safetensors weights barely compress, so they are stored, not deflated: zipping stays fast.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            method = zipfile.ZIP_STORED if file.suffix in (".safetensors", ".bin") else zipfile.ZIP_DEFLATED
            archive.write(file, file.relative_to(folder).as_posix(), compress_type=method)
    return buffer.getvalue()


def predict(model_dir: Path | str, texts: list[str]) -> list[dict]:
    """[{"label": str, "score": float}, ...] per text, the way a learner would load the folder."""
    from transformers import pipeline

    classifier = pipeline("text-classification", model=str(model_dir), device="cpu",
                          model_kwargs={"use_safetensors": True})
    return classifier(list(texts), truncation=True)
