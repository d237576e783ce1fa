"""The model registry: for each task, the offline pack models and the curated Hub models.

Facts live in lib/models/registry.yaml (language-neutral); the texts a learner reads (model
cards, task titles, offline notes) live in content/<lang>/models.yaml. Pure and light: no
Streamlit, no torch, no transformers, so pages and tests can import it at no cost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from lib.i18n import CONTENT_DIR

REGISTRY_FILE = Path(__file__).with_name("registry.yaml")
TASKS_KEY = "_tasks"

KINDS = ("pack", "package", "hub")
STATUSES = ("ready", "planned")
OFFLINE_KINDS = ("pack", "package")

# A Hub repo id: "owner/name" or a legacy single name ("gpt2"). Same characters and limits
# as huggingface_hub's validate_repo_id, checked here without importing it.
_HUB_PART = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_HUB_PART_MAX = 96


@dataclass(frozen=True)
class Task:
    id: str
    pipeline: str | None  # transformers pipeline task name; None if transformers 5 has none
    pack: tuple[str, ...]  # offline model ids
    hub: tuple[str, ...]  # curated Hub repo ids
    instead: str | None = None  # the Auto class to use when there is no pipeline


@dataclass(frozen=True)
class ModelInfo:
    id: str
    kind: str  # pack | package | hub
    source: str
    licence: str
    parameters: int | None
    size_mb: float | None
    languages: tuple[str, ...]  # ISO 639-1 codes, ("multilingual",), or () for image models
    year: int | None
    status: str  # ready | planned

    @property
    def offline(self) -> bool:
        return self.kind in OFFLINE_KINDS

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@lru_cache(maxsize=1)
def _registry() -> dict:
    with open(REGISTRY_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=None)
def _texts(lang: str) -> dict:
    with open(CONTENT_DIR / lang / "models.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


@lru_cache(maxsize=1)
def _tasks() -> tuple[Task, ...]:
    return tuple(
        Task(
            id=t["id"],
            pipeline=t.get("pipeline"),
            pack=tuple(t.get("pack") or ()),
            hub=tuple(t.get("hub") or ()),
            instead=t.get("instead"),
        )
        for t in _registry()["tasks"]
    )


@lru_cache(maxsize=1)
def _models() -> dict[str, ModelInfo]:
    return {
        model_id: ModelInfo(
            id=model_id,
            kind=facts["kind"],
            source=facts["source"],
            licence=facts["licence"],
            parameters=facts.get("parameters"),
            size_mb=facts.get("size_mb"),
            languages=tuple(facts.get("languages") or ()),
            year=facts.get("year"),
            status=facts["status"],
        )
        for model_id, facts in _registry()["models"].items()
    }


def tasks() -> list[Task]:
    """All tasks, in the order the app shows them."""
    return list(_tasks())


def task(task_id: str) -> Task:
    for t in _tasks():
        if t.id == task_id:
            return t
    raise KeyError(f"unknown task: {task_id}")


def models() -> dict[str, ModelInfo]:
    """Every model of the registry by id (a copy: callers may not change the cache)."""
    return dict(_models())


def model(model_id: str) -> ModelInfo:
    try:
        return _models()[model_id]
    except KeyError:
        raise KeyError(f"unknown model: {model_id}") from None


def card(model_id: str, lang: str) -> dict[str, str]:
    """The model card texts {summary, good, bad} in one language."""
    if model_id == TASKS_KEY:
        raise KeyError(model_id)
    entry = _texts(lang)[model_id]
    return {key: entry[key] for key in ("summary", "good", "bad")}


def task_text(task_id: str, lang: str) -> dict[str, str]:
    """The task texts {title, offline_note} in one language."""
    entry = _texts(lang)[TASKS_KEY][task_id]
    return {key: entry[key] for key in ("title", "offline_note")}


def offline_models(task_id: str, only_ready: bool = True) -> list[ModelInfo]:
    """The offline models of a task, in registry order; planned ones only if only_ready=False."""
    found = [model(model_id) for model_id in task(task_id).pack]
    return [m for m in found if m.ready] if only_ready else found


def hub_models(task_id: str) -> list[ModelInfo]:
    """The curated Hub models of a task, in registry order."""
    return [model(model_id) for model_id in task(task_id).hub]


def tasks_of_model(model_id: str) -> list[Task]:
    """The tasks a model serves (offline or online)."""
    return [t for t in _tasks() if model_id in t.pack or model_id in t.hub]


def is_valid_hub_id(text: object) -> bool:
    """True for a well-formed Hub repo id ("owner/name" or a legacy "name"), False otherwise.

    Only the shape is checked (allowed characters [A-Za-z0-9._-], at most one slash, each part
    at most 96 characters, no leading or trailing "-" or ".", no "--" or ".."), so URLs, paths,
    spaces and markup are refused before anything reaches the Hub.
    """
    if not isinstance(text, str) or not text:
        return False
    parts = text.split("/")
    if len(parts) > 2:
        return False
    for part in parts:
        if len(part) > _HUB_PART_MAX or not _HUB_PART.fullmatch(part):
            return False
        if "--" in part or ".." in part:
            return False
    return True
