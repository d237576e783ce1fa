"""Optimum lab figures: PyTorch fp32 vs ONNX fp32 vs ONNX int8 on the sentiment classifier, then
CTranslate2 compute types on Whisper base. Ratios are against PyTorch fp32 measured in the same run.

Usage: python bench/optimum.py [--rounds 5] [--threads 1 2] [--ct2-rounds 2] [--skip-ct2]
Both thread counts by default: on a busy 2-core machine PyTorch with 2 threads slows down many
times over (its OpenMP threads wait for a core), which would exaggerate ONNX's lead.
The first run exports and quantizes (~1-2 min, cached in .cache/optimize/).
"""
import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import pandas as pd

    from lib.optimize import ctranslate2_demo, onnx_export

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, onnx_export.THREADS])
    parser.add_argument("--ct2-rounds", type=int, default=2)
    parser.add_argument("--skip-ct2", action="store_true")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)

    print(f"load average before: {tuple(round(x, 2) for x in os.getloadavg())}, cores: {os.cpu_count()}")
    for threads in args.threads:
        comparison = onnx_export.compare(rounds=args.rounds, threads=threads)
        table = pd.DataFrame(comparison.rows).set_index("backend")
        ratios = pd.DataFrame(comparison.ratios()).set_index("backend")
        print(f"\n== sentiment-e5-vi-en: {comparison.test_rows} test sentences, {comparison.rounds} rounds, "
              f"{comparison.threads} threads, exporter {comparison.exporter}, {comparison.seconds} s ==")
        print(table.to_string(formatters={"max_prob_diff": "{:.2e}".format}))
        print("against pytorch-fp32:")
        print(ratios.round(3).to_string())
        print(f"load average after: {comparison.load_average}")

    if args.skip_ct2:
        return
    print(f"\nCTranslate2 compute types on this CPU: {ctranslate2_demo.supported_compute_types()}")
    types = tuple(t for t in ("int8", "int8_float32", "int16", "float32")
                  if t in ctranslate2_demo.supported_compute_types())
    speech = ctranslate2_demo.compare(compute_types=types, rounds=args.ct2_rounds)
    rows = pd.DataFrame(speech.rows).set_index("compute_type")
    base = rows.loc["float32"] if "float32" in rows.index else rows.iloc[-1]
    rows["transcribe_vs_float32"] = (rows["transcribe_s"] / base["transcribe_s"]).round(2)
    rows["rss_vs_float32"] = (rows["rss_mb"] / base["rss_mb"]).round(2)
    print(f"\n== whisper-base-ct2 on {speech.audio_seconds} s of Piper speech, {speech.rounds} rounds, "
          f"{speech.seconds} s ==")
    print(f"reference: {speech.reference}")
    print(rows.drop(columns=["text"]).to_string())
    for compute_type, text in rows["text"].items():
        print(f"  {compute_type:>13}: {text}")
    print(f"load average after: {speech.load_average}")


if __name__ == "__main__":
    main()
