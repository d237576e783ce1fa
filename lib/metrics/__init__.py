"""The project's evaluate metric modules, in evaluate's own format, loadable offline.

`evaluate.load("accuracy")` needs the Hub (the evaluate wheel ships no metric scripts), so every
metric the app teaches lives here as `lib/metrics/<name>/<name>.py`, with the Hub's name, inputs and
output keys. evaluate itself is imported only when a metric is first loaded (it takes seconds).
"""
from __future__ import annotations

import threading
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from lib.models.cache import one_load_at_a_time
from lib.sections import ROOT
from lib.text_input import InputProblem

METRICS_DIR = Path(__file__).resolve().parent
# evaluate copies each script into an importable "modules" folder and makes a data folder per
# metric; both go under the project's gitignored cache instead of ~/.cache/huggingface
CACHE_DIR = ROOT / ".cache" / "evaluate"

METRICS = [
    "accuracy", "precision", "recall", "f1", "matthews_correlation", "confusion_matrix",
    "exact_match", "squad", "seqeval",
    "bleu", "sacrebleu", "chrf", "rouge",
    "wer", "cer",
    "perplexity", "embedding_similarity",
]
NEEDS_PACK = {"perplexity": "smollm2-135m-instruct", "embedding_similarity": "multilingual-e5-small"}
HUB_METRICS = [name for name in METRICS if name != "embedding_similarity"]  # same name on the Hub

_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def path(name: str) -> Path:
    """The metric's folder, what `evaluate.load` takes."""
    if name not in METRICS:
        raise KeyError(f"unknown metric {name!r}; known: {METRICS}")
    return METRICS_DIR / name


@lru_cache(maxsize=None)
def load(name: str) -> Any:
    """The evaluate module, loaded once per process from its local folder (no network).

    keep_in_memory=True: compute() buffers predictions in memory rather than in Arrow files and
    lock files on disk, which is faster and leaves nothing behind.
    """
    folder = path(name)
    with one_load_at_a_time():  # evaluate imports transformers and sets up its module cache on disk
        import evaluate
        import evaluate.config

        evaluate.config.HF_MODULES_CACHE = CACHE_DIR / "modules"
        return evaluate.load(str(folder), cache_dir=str(CACHE_DIR / "metrics"), keep_in_memory=True)


def compute(name: str, **kwargs: Any) -> dict:
    """`load(name).compute(**kwargs)`, serialised per metric, always as a dict.

    An evaluate module buffers its inputs on the instance, so two sessions sharing the cached module
    must not compute at the same time. wer and cer return a bare float, as the Hub's do; here it is
    wrapped as {"wer": value}, as evaluate's own Evaluator does.
    """
    _check_lists(kwargs)
    module = load(name)
    with _locks[name]:
        result = module.compute(**kwargs)
    return result if isinstance(result, dict) else {name: result}


def _check_lists(kwargs: dict) -> None:
    """Empty or unequal predictions and references are the learner's to fix, not an IndexError deep in evaluate."""
    predictions, references = (v if hasattr(v, "__len__") else None for v in (kwargs.get("predictions"), kwargs.get("references")))
    if predictions is not None and len(predictions) == 0 or references is not None and len(references) == 0:
        raise InputProblem("metric_empty")
    if predictions is not None and references is not None and len(predictions) != len(references):
        raise InputProblem("metric_line_counts", predictions=len(predictions), references=len(references))


def card(name: str, lang: str) -> str:
    """The metric card (Markdown for st.markdown): content/<lang>/metrics/<name>.md."""
    from lib.i18n import content

    path(name)  # unknown names fail here with the list of known ones
    return content(lang, f"metrics/{name}.md")
