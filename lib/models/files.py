"""Small file helpers shared by the pack builders and the provisioning framework."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path


def package_dir(package: str) -> Path:
    """The installed folder of an importable package, found without importing it (some of the
    model-carrying packages import native runtimes we do not use)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package '{package}' is not installed; run `make setup`")
    return Path(next(iter(spec.submodule_search_locations)))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
