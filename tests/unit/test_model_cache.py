import threading
import time

import pytest

from lib.models.cache import ModelCache


class Blob:
    def __init__(self, nbytes):
        self.nbytes = nbytes


def make_cache(budget):
    return ModelCache(budget_bytes=budget, sizer=lambda blob: blob.nbytes)


def test_loads_once_and_returns_the_same_object():
    cache = make_cache(100)
    first = cache.get("a", lambda: Blob(10))
    assert cache.get("a", lambda: Blob(10)) is first
    assert cache.loads == 1


def test_least_recently_used_is_evicted_over_budget():
    cache = make_cache(100)
    cache.get("a", lambda: Blob(40))
    cache.get("b", lambda: Blob(40))
    cache.get("a", lambda: Blob(40))  # a is now the most recent
    cache.get("c", lambda: Blob(40))
    assert cache.keys() == ["a", "c"]
    assert cache.evictions == ["b"]
    assert cache.used_bytes() == 80


def test_a_model_larger_than_the_budget_still_loads_alone():
    cache = make_cache(50)
    cache.get("a", lambda: Blob(10))
    cache.get("huge", lambda: Blob(500))
    assert cache.keys() == ["huge"]


def test_zero_budget_means_unlimited():
    cache = make_cache(0)
    for name in "abcdef":
        cache.get(name, lambda: Blob(10**9))
    assert len(cache.keys()) == 6


def test_concurrent_requests_load_a_model_once():
    cache = make_cache(0)
    calls = []

    def slow_factory():
        calls.append(1)
        time.sleep(0.2)
        return Blob(1)

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("m", slow_factory))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_a_failing_factory_caches_nothing():
    cache = make_cache(0)

    def broken():
        raise OSError("disk full")

    for _ in range(2):
        try:
            cache.get("m", broken)
        except OSError:
            pass
    assert cache.keys() == [] and cache.loads == 0


def test_a_pipeline_beside_its_model_is_counted_once():
    torch = pytest.importorskip("torch")

    class Pipeline:  # what transformers' pipelines look like to the cache: the model in .model
        def __init__(self, model):
            self.model = model

    model = torch.nn.Linear(1000, 1000)  # 4 MB of float32
    cache = ModelCache(budget_bytes=6_000_000)
    cache.get("model", lambda: model)
    cache.get("pipeline", lambda: Pipeline(model))
    assert cache.used_bytes() == sum(p.numel() * 4 for p in model.parameters())
    assert cache.evictions == []  # 4 MB, not 8 MB: nothing had to go


def test_a_model_outside_torch_is_counted_by_the_size_it_declares():
    cache = ModelCache(budget_bytes=100, sizer=lambda value: 0)  # the sizer sees no tensors in it
    cache.get("ctranslate2", object, size_bytes=70)
    cache.get("onnx", object, size_bytes=50)
    assert cache.keys() == ["onnx"] and cache.evictions == ["ctranslate2"]


def test_job_outputs_keep_only_the_newest_few(tmp_path, monkeypatch):
    import tempfile

    from lib.ui import jobs

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = [jobs.output_dir("hhf-test-") for _ in range(jobs.KEEP_OUTPUTS + 3)]
    left = sorted(str(p) for p in tmp_path.glob("hhf-test-*"))
    assert len(left) == jobs.KEEP_OUTPUTS and made[-1] in left


def test_the_load_lock_waits_for_a_transformers_import_that_another_thread_started():
    """What datasets' hashing met in the 30-learner load test: transformers in sys.modules but
    not yet set up by the thread importing it. In a fresh interpreter, one thread imports it and
    the other, as soon as the name appears, takes the load lock and must then find it whole."""
    import subprocess
    import sys

    from lib.models.pack import ROOT

    script = """
import sys, threading, time
from lib.models.cache import one_load_at_a_time
threading.Thread(target=lambda: __import__("transformers"), daemon=True).start()
while "transformers" not in sys.modules:
    time.sleep(0.0005)
with one_load_at_a_time():
    print(hasattr(sys.modules["transformers"], "PreTrainedTokenizerBase"))
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "True", result.stderr[-2000:]
