"""Loading pack models through the one shared cache; heavy imports happen only here, lazily."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import runtime

from lib.models.cache import ModelCache
from lib.models.pack import component, status


class PackMissing(RuntimeError):
    """A pack component is not provisioned; the UI shows a translated hint to run `make setup`."""

    def __init__(self, component_id: str):
        super().__init__(component_id)
        self.component_id = component_id


_plain_cache = ModelCache()


@st.cache_resource(show_spinner=False)
def _served_cache() -> ModelCache:
    return ModelCache()


def shared_cache() -> ModelCache:
    """The process-wide cache: Streamlit's cache_resource when serving, a module global otherwise."""
    return _served_cache() if runtime.exists() else _plain_cache


def pack_path(component_id: str) -> Path:
    c = component(component_id)
    if status(c) != "ready":
        raise PackMissing(component_id)
    return c.path


def load_tokenizer(component_id: str) -> Any:
    def factory():
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(pack_path(component_id))

    return shared_cache().get(f"tokenizer:{component_id}", factory)


def load_model(component_id: str, auto_class: str = "AutoModel", **kwargs: Any) -> Any:
    """A transformers model from the pack in eval mode; kwargs go to from_pretrained."""
    def factory():
        import transformers

        model = getattr(transformers, auto_class).from_pretrained(
            pack_path(component_id), **{"use_safetensors": True, **kwargs})  # never a pickle
        return model.eval()

    extra = ",".join(f"{k}={v}" for k, v in sorted(kwargs.items()))
    return shared_cache().get(f"{auto_class}:{component_id}:{extra}", factory)
