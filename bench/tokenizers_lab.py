"""Tokenizers lab: server time to re-tokenize a changed text with every tokenizer and re-render.

All in one process, alternating, so machine noise hits every side alike:
  raw       lib.tokenization.compare on the new text (the tokenizers + word segmenter, no UI)
  trivial   AppTest rerun of a one-widget page after its text changed (Streamlit's own cost)
  fragment  the Compare widget's own run: what the server executes on a keystroke, since the
            widget is an st.fragment (AppTest itself always reruns the whole page)
  page      AppTest rerun of the whole Tokenizers page (Compare tab) after its text changed
Goals (issue 4): fragment <= 300 ms and <= 1.5 x (raw + trivial) for 2,000 characters;
100,000 characters stay responsive (chips cut to 300 per tokenizer, counts exact).
Usage: python bench/tokenizers_lab.py [rounds]
"""
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
logging.getLogger("streamlit").setLevel(logging.ERROR)  # "no runtime" notes from AppTest

from streamlit.testing.v1 import AppTest  # noqa: E402

import lib.ui.tokenizer_lab as tokenizer_lab  # noqa: E402
from lib.sections import ROOT  # noqa: E402
from lib.tokenization import catalog, compare  # noqa: E402

FRAGMENT_MS: list[float] = []
_compare_lab = tokenizer_lab.compare_lab


def timed_compare_lab() -> None:
    start = time.perf_counter()
    try:
        _compare_lab()
    finally:
        FRAGMENT_MS.append((time.perf_counter() - start) * 1000)


tokenizer_lab.compare_lab = timed_compare_lab  # the page looks it up at run time

TRIVIAL = """
import streamlit as st
text = st.text_area("text", key="t", max_chars=200_000)
st.write(len(text))
"""
CORPUS = (ROOT / "data" / "corpus" / "vi.txt").read_text(encoding="utf-8") + \
    (ROOT / "data" / "corpus" / "en.txt").read_text(encoding="utf-8")


def texts(size: int, count: int) -> list[str]:
    """Distinct texts of `size` characters (a new one each round: no cache can answer)."""
    source = CORPUS * (1 + size * (count + 1) // len(CORPUS))
    return [source[i * 997: i * 997 + size] for i in range(1, count + 1)]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main(rounds: int = 9) -> None:
    ids = [s.id for s in catalog.ALL]
    lab = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300)
    lab.query_params["lang"] = "vi"
    lab.run()
    lab.switch_page("app_pages/tokenizers_lab.py")
    lab.run()  # loads every tokenizer and underthesea once
    trivial = AppTest.from_string(TRIVIAL, default_timeout=60).run()

    def lab_run(text: str) -> None:
        lab.text_area(key="tok_text").set_value(text).run()
        assert not lab.exception, lab.exception

    def trivial_run(text: str) -> None:
        trivial.text_area(key="t").set_value(text).run()

    print("median (fastest) of the rounds, ms; ratios of medians (of fastest)")
    print(f"{'characters':>10}{'raw':>12}{'trivial':>12}{'fragment':>12}{'page':>12}"
          f"{'fragment/(raw+trivial)':>26}{'page/(raw+trivial)':>22}")
    for size, n in ((2_000, rounds), (100_000, max(3, rounds // 3))):
        samples = {"raw": [], "trivial": [], "page": [], "fragment": []}
        batches = texts(size, n * 3)
        for i in range(n):
            samples["raw"].append(timed(lambda: compare.compare(batches[3 * i], ids)))
            samples["trivial"].append(timed(lambda: trivial_run(batches[3 * i + 1])))
            FRAGMENT_MS.clear()
            samples["page"].append(timed(lambda: lab_run(batches[3 * i + 2])))
            samples["fragment"].append(sum(FRAGMENT_MS))
        median = {k: statistics.median(v) for k, v in samples.items()}
        fastest = {k: min(v) for k, v in samples.items()}

        def ratio(stats: dict, k: str) -> float:
            return stats[k] / (stats["raw"] + stats["trivial"])

        cells = "".join(f"{median[k]:>6.0f} ({fastest[k]:>4.0f})" for k in ("raw", "trivial", "fragment", "page"))
        print(f"{size:>10,}{cells}{ratio(median, 'fragment'):>19.2f} ({ratio(fastest, 'fragment'):.2f})"
              f"{ratio(median, 'page'):>15.2f} ({ratio(fastest, 'page'):.2f})")
        if size == 2_000:
            ok = median["fragment"] <= 300 and ratio(median, "fragment") <= 1.5
            print(f"{'':>10}goal: fragment <= 300 ms and <= 1.5 x (raw + trivial) -> {'OK' if ok else 'OVER GOAL'}")
    per_tokenizer = {s.id: statistics.median(timed(lambda: compare.tokenize(s.id, t)) for t in texts(100_000, 3))
                     for s in catalog.ALL}
    print("100,000 characters, per tokenizer (ms): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in per_tokenizer.items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
