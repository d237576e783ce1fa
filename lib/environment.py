"""Facts about this installation, read without importing the heavy libraries themselves."""
from __future__ import annotations

import os
from importlib import metadata

LIBRARIES = ("transformers", "tokenizers", "datasets", "evaluate", "huggingface-hub", "torch",
             "safetensors", "streamlit", "plotly", "pandas")


def hub_offline() -> bool:
    """True when HF_HUB_OFFLINE asks the Hugging Face libraries never to touch the network."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def library_versions() -> dict[str, str | None]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions
