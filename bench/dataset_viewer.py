"""Dataset Viewer: server time of each viewer action on a 100,000-row dataset.

The table is lib.datasets_lab.large.synthetic_reviews (the project's real review sentences
recombined). Operations alternate round by round so machine noise hits every side alike;
each figure is the median over the rounds. Baselines in the same run: `df.head(100)` (the
cheapest possible page; ratios are against it) and `len(df)`.
Goal (issue 6): paging and filtering under 500 ms.
Usage: python bench/dataset_viewer.py [rows] [rounds]
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.datasets_lab import viewer  # noqa: E402
from lib.datasets_lab.large import synthetic_reviews  # noqa: E402

GOAL_MS = 500


def main(rows: int = 100_000, rounds: int = 7) -> None:
    df = synthetic_reviews(rows, seed=0)
    size = 100
    last = viewer.page_count(len(df), size)
    operations = {
        "baseline len(df)": lambda: len(df),
        "baseline df.head(100)": lambda: df.head(size),
        "page 1": lambda: viewer.page(df, 1, size),
        f"page {last} (last)": lambda: viewer.page(df, last, size),
        "search 'pin' (exact accents)": lambda: viewer.search(df, "pin", fold_accents=False),
        "search 'viet' (accent-folded)": lambda: viewer.search(df, "viet", fold_accents=True),
        "search 'dien thoai' (accent-folded)": lambda: viewer.search(df, "dien thoai", fold_accents=True),
        "filter stars 4..5": lambda: viewer.filter_column(df, "stars", minimum=4, maximum=5),
        "filter lang in [vi]": lambda: viewer.filter_column(df, "lang", values=["vi"]),
        "filter text contains 'giao'": lambda: viewer.filter_column(df, "text", contains="giao"),
        "search + page 1": lambda: viewer.page(viewer.search(df, "viet"), 1, size),
        "column stats (6 columns)": lambda: viewer.column_stats(df),
    }
    times: dict[str, list[float]] = {name: [] for name in operations}
    results: dict[str, int] = {}
    for _ in range(rounds):
        for name, op in operations.items():
            start = time.perf_counter()
            out = op()
            times[name].append((time.perf_counter() - start) * 1000)
            results[name] = len(out) if hasattr(out, "__len__") else int(out)
    base = statistics.median(times["baseline df.head(100)"])
    print(f"Dataset Viewer on {rows:,} rows, {rounds} rounds, median ms (goal for paging/filtering: < {GOAL_MS} ms)")
    print(f"{'operation':<36} {'ms':>9} {'x head()':>10} {'rows out':>9}")
    for name in operations:
        ms = statistics.median(times[name])
        print(f"{name:<36} {ms:>9.2f} {ms / base:>10.1f} {results[name]:>9,}")
    worst = max(statistics.median(times[n]) for n in operations if n.startswith(("page", "filter", "search")))
    print(f"slowest paging/filtering/search: {worst:.1f} ms -> {'OK' if worst < GOAL_MS else 'OVER GOAL'}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
