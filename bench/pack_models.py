"""Cold load time and warm latency of every pack model, then peak RSS with the cache budget on/off.

Each model is loaded in a fresh subprocess (cold: imports + weights), then called a few times
(warm). Peak RSS is measured in two more subprocesses that load everything through the shared
model cache, once with the default budget and once unlimited (HHF_MODEL_BUDGET_MB=0).
Usage: python bench/pack_models.py
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r'''
import json, resource, statistics, sys, time
sys.path.insert(0, {root!r})
start = time.perf_counter()
from bench import probes as bench_probes
call = bench_probes.PROBES[{name!r}]()
cold = time.perf_counter() - start
warm = []
for _ in range(3):
    t = time.perf_counter(); call(); warm.append(time.perf_counter() - t)
print(json.dumps({{"cold_s": cold, "warm_ms": statistics.median(warm) * 1000,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
'''

ALL = r'''
import json, resource, sys
sys.path.insert(0, {root!r})
from bench import probes as bench_probes
from lib.models.loader import shared_cache
for name, probe in bench_probes.PROBES.items():
    probe()()
print(json.dumps({{"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cached": shared_cache().keys(), "evicted": shared_cache().evictions}}))
'''


def run(code: str, **env: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "HF_HUB_OFFLINE": "1", **env}, timeout=900)
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from bench.probes import PROBES

    print(f"{'model':<26}{'cold load (s)':>15}{'warm call (ms)':>16}{'RSS (MB)':>10}")
    for name in PROBES:
        figures = run(PROBE.format(root=str(ROOT), name=name))
        print(f"{name:<26}{figures['cold_s']:>15.1f}{figures['warm_ms']:>16.0f}{figures['rss_mb']:>10.0f}")
    budgeted = run(ALL.format(root=str(ROOT)))
    unlimited = run(ALL.format(root=str(ROOT)), HHF_MODEL_BUDGET_MB="0")
    print(f"peak RSS, every model through the cache: budget on {budgeted['rss_mb']:.0f} MB "
          f"(evicted {budgeted['evicted']}), budget off {unlimited['rss_mb']:.0f} MB, "
          f"ratio {budgeted['rss_mb'] / unlimited['rss_mb']:.2f}")


if __name__ == "__main__":
    main()
