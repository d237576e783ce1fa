"""One model cache for every session: thread-safe, loads each model once, LRU under a budget.

Streamlit serves many learners from one process. Loading the same model twice wastes
seconds and hundreds of MB, and keeping every model a class ever touched would not fit a
laptop; so the cache keeps the most recently used models within a memory budget and
drops the least recently used one when a new model would not fit.
"""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# The app's memory budget is for the whole server process, what a classroom laptop can give it:
# its peak RSS with every task used stays under it (bench/task_tour.py). Models are the part the
# cache controls; the rest is the interpreter and libraries (~270 MB), tokenizers (one XLM-R
# tokenizer holds ~370 MB), underthesea, and what torch keeps between calls.
DEFAULT_MEMORY_BUDGET_MB = 2500
NON_MODEL_MB = 1000
DEFAULT_BUDGET_MB = DEFAULT_MEMORY_BUDGET_MB - NON_MODEL_MB  # 1500: e5, the sentiment classifier and SmolLM2
# together (~1.48 GB): the NLP tab uses two of them at once, and a budget that cannot hold both reloads
# a model (8 s) on every rerun


def memory_budget_from_env() -> int:
    """HHF_MEMORY_BUDGET_MB: the whole process's budget in bytes (the cache gets it minus NON_MODEL_MB)."""
    return int(os.environ.get("HHF_MEMORY_BUDGET_MB", DEFAULT_MEMORY_BUDGET_MB)) * 1_000_000


def budget_from_env() -> int:
    """The model cache's budget in bytes: HHF_MODEL_BUDGET_MB if set (0 = no limit), else the
    process budget minus what is not models."""
    if "HHF_MODEL_BUDGET_MB" in os.environ:
        return int(os.environ["HHF_MODEL_BUDGET_MB"]) * 1_000_000
    return max(memory_budget_from_env() - NON_MODEL_MB * 1_000_000, 0)


def estimate_bytes(obj: Any) -> dict[int, int]:
    """Bytes held by a model's tensors (parameters and buffers) by storage address, found without
    importing torch. Keyed by address so that a pipeline cached beside its own model (the same
    tensors) is not counted twice."""
    model = getattr(obj, "model", obj)  # a pipeline holds its model in .model
    sizes: dict[int, int] = {}
    for attribute in ("parameters", "buffers"):
        tensors = getattr(model, attribute, None)
        if callable(tensors):
            for tensor in tensors():
                sizes[tensor.data_ptr()] = tensor.numel() * tensor.element_size()
    return sizes


def _return_memory_to_the_system() -> None:
    """glibc keeps freed model memory in the process; malloc_trim gives it back (Linux only)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# One load at a time in the whole process. Loaders import transformers lazily, and its lazy module
# is not thread-safe on first use: two learners opening different models at once got
# "module 'transformers' has no attribute 'AutoModelForCausalLM'" (bench/load_test.py). Two loads
# side by side would not be faster on a laptop's cores anyway, and would add their peaks. Re-entrant,
# and taken before a key's lock, because a factory may load what it needs (a pipeline its model).
_LOADING = threading.RLock()
# underthesea's CRF models load lazily into module globals and its tagger is not thread-safe: two
# first calls at once failed with "'NoneType' object has no attribute 'process'". Every underthesea
# call holds this lock (a few ms for a sentence).
UNDERTHESEA = threading.Lock()


@contextmanager
def one_load_at_a_time() -> Iterator[None]:
    """The process-wide load lock, for a heavy first load outside the cache (evaluate modules,
    bundled datasets): datasets' hashing reads `transformers` attributes whenever transformers is
    imported, and failed on a half-imported one ("module 'transformers' has no attribute
    'PreTrainedTokenizerBase'") while another learner's model was loading. Code that imports
    transformers without the lock (a page's or a helper's own import) can still be half-way through
    it: importing it here waits for that import to finish (Python's per-module import lock)."""
    with _LOADING:
        if "transformers" in sys.modules:
            import transformers  # noqa: F401
        yield


@dataclass
class _Entry:
    value: Any
    sizes: dict[int, int]  # storage address -> bytes


class ModelCache:
    def __init__(self, budget_bytes: int | None = None,
                 sizer: Callable[[Any], int | dict[int, int]] = estimate_bytes):
        self.budget = budget_from_env() if budget_bytes is None else budget_bytes
        self._sizer = sizer
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self.loads = 0
        self.evictions: list[str] = []

    def get(self, key: str, factory: Callable[[], Any], size_bytes: int | None = None) -> Any:
        """The cached value for key, loading it with factory() once even under concurrency.

        `size_bytes` counts a value whose memory torch does not hold (a CTranslate2 or
        onnxruntime model) so that it, too, stays inside the budget.
        """
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key].value
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with one_load_at_a_time(), key_lock:  # one loader per key; other sessions asking for it wait here
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key].value
            value = factory()
            sizes = self._sizer(value) if size_bytes is None else size_bytes
            if isinstance(sizes, int):  # a sizer may also give one total for the value
                sizes = {id(value): sizes}
            with self._lock:
                self.loads += 1
                self._entries[key] = _Entry(value, sizes)
                self._evict(keep=key)
            return value

    def _evict(self, keep: str) -> None:
        evicted = False
        while self.budget and self.used_bytes() > self.budget and len(self._entries) > 1:
            oldest = next(k for k in self._entries if k != keep)
            del self._entries[oldest]
            self.evictions.append(oldest)
            evicted = True
        if evicted:
            _return_memory_to_the_system()

    def used_bytes(self) -> int:
        """Every tensor storage counted once, however many entries hold it."""
        held: dict[int, int] = {}
        for entry in self._entries.values():
            held.update(entry.sizes)
        return sum(held.values())

    def keys(self) -> list[str]:
        """Cached keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
