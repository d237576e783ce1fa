"""The TRL lab's default LoRA SFT run (and optionally DPO): time, loss start/end, trainable share, answers.

Each round is a fresh subprocess (the first forward passes of a process are slow while memory
and kernels warm up; a fresh process is what a page's first run pays). Prints medians over rounds
and the load average, then the before/after answers of the last round.
Usage: python bench/trl_sft.py [--rounds 3] [--steps 30] [--dpo]
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
import json, sys
sys.path.insert(0, {root!r})
from lib.alignment.sft import dpo_run, sft_run
run = dpo_run if {dpo!r} else sft_run
result = run(steps={steps!r}, output_dir={out!r})
print(json.dumps({{"train_seconds": result.train_seconds,
                  "total_seconds": result.history[-1]["seconds"],
                  "loss_first": result.losses[0][1], "loss_last": result.losses[-1][1],
                  "losses": result.losses, "trainable": result.trainable_params, "total": result.total_params,
                  "steps": result.steps, "comparison": result.comparison,
                  "margins": getattr(result, "margins", None)}}, ensure_ascii=False))
'''


def run(steps: int, dpo: bool) -> dict:
    with tempfile.TemporaryDirectory() as out:
        code = RUN.format(root=str(ROOT), steps=steps, dpo=dpo, out=out)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_WAIT_POLICY": "PASSIVE"},
                                timeout=1800)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=None, help="default: the lab's default (SFT 30, DPO 10)")
    parser.add_argument("--dpo", action="store_true", help="DPO on the preference triples instead of SFT")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from lib.alignment.sft import SftSettings, settings_dict

    steps = args.steps or (10 if args.dpo else SftSettings().steps)
    if args.dpo:
        import inspect

        from lib.alignment.sft import dpo_run

        defaults = {k: p.default for k, p in inspect.signature(dpo_run).parameters.items()
                    if k in ("lora_r", "learning_rate", "beta", "batch_size", "max_length", "seed")}
        print("DPO steps", steps, "settings", defaults)
    else:
        print("SFT steps", steps, "settings", settings_dict(SftSettings(steps=steps)))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.rounds} round(s), "
          "each in a fresh process")
    rounds = []
    for index in range(args.rounds):
        rounds.append(run(steps, args.dpo))
        r = rounds[-1]
        print(f"  round {index + 1}: train {r['train_seconds']:.1f} s, whole run {r['total_seconds']:.1f} s, "
              f"loss {r['loss_first']:.3f} -> {r['loss_last']:.3f}, load {os.getloadavg()[0]:.2f}", flush=True)
    med = {k: statistics.median(r[k] for r in rounds) for k in ("train_seconds", "total_seconds", "loss_first",
                                                                 "loss_last")}
    last = rounds[-1]
    print(f"median train seconds {med['train_seconds']:.1f} ({med['train_seconds'] / steps:.2f} s/step), "
          f"median whole run (load, answers before/after, train) {med['total_seconds']:.1f} s")
    print(f"median loss first {med['loss_first']:.3f} -> last {med['loss_last']:.3f}")
    print(f"trainable {last['trainable']:,} of {last['total']:,} ({last['trainable'] / last['total']:.2%})")
    print("loss curve (last round):", " ".join(f"{loss:.2f}" for _, loss in last["losses"]))
    if last.get("margins"):
        print("reward margins (last round):", " ".join(f"{m:.3f}" for _, m in last["margins"]))
    for row in last["comparison"]:
        print(f"\n? {row['prompt']}\n  before: {row['before']!r}\n  after:  {row['after']!r}")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
