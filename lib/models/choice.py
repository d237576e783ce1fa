"""What a model picker may offer for a task, offline and online (pure: no Streamlit here)."""
from __future__ import annotations

from dataclasses import dataclass

from lib.models import registry
from lib.models.pack import COMPONENTS, component, status

PACK_IDS = {c.id for c in COMPONENTS}


@dataclass(frozen=True)
class ModelChoice:
    """A model to run: a pack folder (offline) or a Hub repo id (online)."""

    source: str  # "pack" (built into .cache/pack), "package" (a library's bundled model) or "hub"
    id: str

    @property
    def location(self) -> str:
        """What from_pretrained / pipeline(model=...) takes: a local folder or a Hub id."""
        return str(component(self.id).path) if self.source == "pack" else self.id  # a package loads itself


def choices(task_id: str, online: bool, lang: str | None = None) -> list[ModelChoice]:
    """The pack's built models for the task first, then (online only) the curated Hub models.

    The offline models that speak `lang` come first, so they are the default choice (on a
    Vietnamese page, text-to-speech starts with the Vietnamese voice).
    """
    offline = registry.offline_models(task_id)
    offline.sort(key=lambda m: lang is not None and lang not in m.languages and "multilingual" not in m.languages)
    picks = [ModelChoice("pack" if m.id in PACK_IDS else "package", m.id) for m in offline
             if m.id not in PACK_IDS or status(component(m.id)) == "ready"]  # packages ship their model
    hub = [ModelChoice("hub", m.id) for m in registry.hub_models(task_id)] if online else []
    return picks + hub


def free_text_choice(text: str) -> ModelChoice | None:
    """A learner-typed Hub id, or None when it is not a valid repo id."""
    text = text.strip()
    return ModelChoice("hub", text) if registry.is_valid_hub_id(text) else None


def hub_code(task_id: str, model_id: str | None = None) -> str:
    """The minimal code that runs the task with a Hub model (the first curated one by default), once online."""
    task = registry.task(task_id)
    model_id = model_id or task.hub[0]
    if task.pipeline:
        return (f'from transformers import pipeline\n\nrunner = pipeline("{task.pipeline}", model="{model_id}")\n'
                f"print(runner(...))  # your input here")
    return (f"from transformers import AutoTokenizer, {task.instead}\n\n"
            f'tokenizer = AutoTokenizer.from_pretrained("{model_id}")\n'
            f'model = {task.instead}.from_pretrained("{model_id}")')


def hub_problem(model_id: str, timeout: float = 8.0) -> str | None:
    """Why a Hub model cannot be used right now, as a catalogue key, or None if it can.

    Asks the Hub once for the model's metadata, so a learner hears "no connection", "no such
    model" or "gated" in their language before a download is even tried.
    """
    from huggingface_hub import errors, model_info

    try:
        model_info(model_id, timeout=timeout)
    except errors.GatedRepoError:
        return "hub_gated"
    except errors.RepositoryNotFoundError:
        return "hub_not_found"
    except Exception:  # offline mode, DNS, refused connection, timeout, HTTP 5xx: all "unreachable"
        return "hub_unreachable"
    return None
