"""The training lab's default run on the project's reviews: full fine-tuning vs LoRA, per base model.

Each run is a fresh subprocess (so memory growth is the run's own), with the lab's default
TrainConfig except the base model and method. The untrained baseline is the same run's
evaluation before its first step (eval_on_start). Prints a table, then LoRA/full ratios.
Usage: python bench/training.py [--bases multilingual-e5-small all-minilm-l6-v2] [--repeats 1]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = r'''
import json, sys, tempfile
sys.path.insert(0, {root!r})
from lib.training.data import prepare_sentiment
from lib.training.trainer import TrainConfig, train
result = train(prepare_sentiment(), TrainConfig(base={base!r}, method={method!r}), output_dir={out!r})
print(json.dumps({{"seconds": result.train_seconds, "accuracy": result.metrics["accuracy"],
                  "f1_macro": result.metrics["f1_macro"], "baseline": result.baseline["accuracy"],
                  "trainable": result.trainable_params, "total": result.total_params,
                  "rss_growth_mb": result.rss_growth_mb, "steps": result.steps}}))
'''


def run(base: str, method: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        code = RUN.format(root=str(ROOT), base=base, method=method, out=out)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_WAIT_POLICY": "PASSIVE"},
                                timeout=1800)
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bases", nargs="+", default=["multilingual-e5-small", "all-minilm-l6-v2"])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from lib.training.trainer import DEFAULT_BASE, TrainConfig, learning_rate

    default = TrainConfig()
    print(f"default TrainConfig: base={DEFAULT_BASE} epochs={default.epochs} batch={default.batch_size} "
          f"max_length={default.max_length} lr full={learning_rate(default):g} "
          f"lora={learning_rate(TrainConfig(method='lora')):g} r={default.lora_r} targets={default.target_modules}")
    print(f"load average before: {os.getloadavg()[0]:.2f}; medians of {args.repeats} run(s), each in a fresh process")
    header = (f"{'base model':<24}{'method':<7}{'seconds':>9}{'untrained':>11}{'accuracy':>10}{'macro-F1':>10}"
              f"{'trainable':>12}{'total':>13}{'RSS +MB':>9}")
    print(header)
    figures = {}
    for base in args.bases:
        for method in ("full", "lora"):
            f = figures[base, method] = median_of([run(base, method) for _ in range(args.repeats)])
            print(f"{base:<24}{method:<7}{f['seconds']:>9.1f}{f['baseline']:>11.3f}{f['accuracy']:>10.3f}"
                  f"{f['f1_macro']:>10.3f}{f['trainable']:>12,.0f}{f['total']:>13,.0f}{f['rss_growth_mb']:>9.0f}",
                  flush=True)
    print("\nLoRA / full ratios")
    for base in args.bases:
        full, lora = figures[base, "full"], figures[base, "lora"]
        print(f"{base:<24} time {lora['seconds'] / full['seconds']:.2f}x  trainable "
              f"{lora['trainable'] / full['trainable']:.3f}x  memory {lora['rss_growth_mb'] / max(full['rss_growth_mb'], 1):.2f}x  "
              f"accuracy {lora['accuracy'] - full['accuracy']:+.3f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
