"""The classroom bench in one table: cold start, first paint of every page, each page's main
interaction, pipeline overhead, peak memory of a full tour, provisioning and the pack's size.

Every figure is printed with its baseline from the same run (a trivial Streamlit app, a direct
transformers call, the memory budget), because these machines are noisy: compare ratios, not
absolute times, between runs.
Usage: python bench/table.py [--rounds 3] [--provision]   (--provision also rebuilds the whole pack
into a temporary folder to time a fresh setup: about 4 minutes)
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from lib.sections import PAGES  # noqa: E402

OUT = ROOT / "bench" / "out"
ROWS: list[tuple[str, str, str, str]] = []  # (section, what, figure, baseline / ratio)


def row(section: str, what: str, figure: str, against: str = "") -> None:
    ROWS.append((section, what, figure, against))
    print(f"  {what:<44}{figure:>16}   {against}", flush=True)


def median(values) -> float:
    return statistics.median(values)


# --- in a real browser ----------------------------------------------------------------------

def cold_and_first_paint(rounds: int) -> dict:
    """Server start -> Home painted, against the trivial app; then each page's first paint."""
    from playwright.sync_api import sync_playwright

    from bench.first_paint import visit as paint  # navigation -> h1 visible, and -> the script run ended
    from tests.browser.harness import launch_chromium, streamlit_server

    results = {"cold": {"home": [], "trivial": []}, "pages": {}}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(rounds):  # alternate, so machine noise hits both apps
            for name, script in (("trivial", ROOT / "bench" / "trivial_app.py"), ("home", ROOT / "Home.py")):
                start = time.perf_counter()
                with streamlit_server(script) as url:
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(f"{url}/?lang=vi")
                    page.wait_for_selector("h1", state="visible", timeout=180_000)
                    results["cold"][name].append(time.perf_counter() - start)
                    context.close()
        with streamlit_server(ROOT / "Home.py") as url, streamlit_server(ROOT / "bench" / "trivial_app.py") as trivial:
            paint(browser, f"{url}/?lang=vi")  # the server's first import of the app is the cold start above
            for _ in range(rounds):
                results["pages"].setdefault("(trivial app)", []).append(paint(browser, trivial))
                for spec in PAGES:
                    results["pages"].setdefault(spec.id, []).append(paint(browser, f"{url}/{spec.url_path}?lang=vi"))
        browser.close()
    return results


# --- each page's main interaction, timed on the server (AppTest runs the script in-process) --

def _tab(at, page_id: str, label_end: str):
    label = next(tab.label for tab in at.tabs if tab.label.endswith(label_end))
    at.session_state[f"{page_id}_tab_vi"] = label
    return at.run()


def interactions() -> dict[str, tuple[str, callable, callable]]:
    """page id -> (what, open(at) -> at, act(at, round) -> None); `act` changes one input and reruns."""
    from lib.i18n import translate

    texts = ["Món phở này ngon tuyệt, nhân viên rất thân thiện!", "Giao hàng chậm, đóng gói sơ sài."]
    return {
        "home": ("open the progress map", lambda at: at, lambda at, i: (
            at.session_state.__setitem__("home_tab", translate("vi", "progress_tab" if i % 2 == 0 else
                                                                  "home_path_title")), at.run())),
        "model_hub": ("filter the famous models", lambda at: _tab(at, "model_hub", translate("vi", "hubx_tab")),
                      lambda at, i: at.text_input(key="hubx_text").set_value(["bert", "whisper"][i % 2]).run()),
        "transformers_pipelines": ("classify a review (e5 classifier)", lambda at: _tab(at, "transformers_pipelines",
                                                                                           "(NLP)"),
                                   lambda at, i: at.text_area(key="sent_text").set_value(texts[i % 2]).run()),
        "trainer_api": ("change the training arguments", lambda at: at,
                        lambda at, i: at.slider(key="train_live_epochs").set_value(1 + i % 3).run()),
        "datasets_lab": ("search 100,000 rows in the viewer", lambda at: _tab(at, "datasets_lab", "Dataset Viewer"),
                         lambda at, i: at.text_input(key="ds_view_search").set_value(["ha noi", "pin"][i % 2]).run()),
        "tokenizers_lab": ("tokenize with 7 tokenizers", lambda at: at,
                           lambda at, i: at.text_area(key="tok_text").set_value(texts[i % 2]).run()),
        "inference_spaces": ("chat: one whole answer", lambda at: _tab(at, "inference_spaces", "(chat)"),
                             lambda at, i: at.chat_input(key="chat_input").set_value(
                                 ["Token là gì?", "What is an embedding?"][i % 2]).run()),
        "tools": ("score translations (BLEU, chrF)", lambda at: _tab(at, "tools", "Evaluate"), lambda at, i: (
            at.segmented_control(key="metric_kind").set_value("translation").run(),
            at.text_area(key="metric_tr_predictions").set_value(
                "\n".join(["the cat sat on the mat", "a dog", "hello world", "good morning"][::1 - 2 * (i % 2)]))
            .run())),
        "quiz": ("check a quiz answer", lambda at: at, _answer_quiz),
        "glossary": ("search the glossary", lambda at: at,
                     lambda at, i: at.text_input(key="glossary_query").set_value(["tach tu", "lora"][i % 2]).run()),
        "about": ("rerun the page", lambda at: at, lambda at, i: at.run()),
    }


def _answer_quiz(at, i: int) -> None:
    from lib import quiz

    question = next(q for q in quiz.load("hub", "vi") if q.kind == "single" and not q.live)
    at.radio(key=f"quiz_hub_{question.id}_pick").set_value(question.choices[i % 2].text)
    at.button(key=f"quiz_hub_{question.id}_check").click().run()


def server_interactions(rounds: int) -> dict:
    from streamlit.testing.v1 import AppTest

    results = {}
    for page_id, (what, open_tab, act) in interactions().items():
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=600)
        at.query_params["lang"] = "vi"
        at.run()
        at.switch_page(f"app_pages/{page_id}.py")
        at = open_tab(at.run())
        times = []
        for i in range(rounds + 1):  # the first includes loading models: reported apart
            start = time.perf_counter()
            act(at, i)
            times.append(time.perf_counter() - start)
            if at.exception:
                raise RuntimeError(f"{page_id}: {[e.message for e in at.exception]}")
        results[page_id] = {"what": what, "first": times[0], "warm": times[1:]}
    return results


# --- outside the app --------------------------------------------------------------------------

def run_script(*args: str, env: dict | None = None) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=3600)
    if done.returncode:
        raise RuntimeError(f"{args} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout, time.perf_counter() - start


def pack_facts() -> dict:
    from lib.models.pack import COMPONENTS, pack_dir, read_manifest, size_on_disk

    manifests = {c.id: read_manifest(c) or {} for c in COMPONENTS}
    return {"bytes": sum(size_on_disk(c) for c in COMPONENTS),
            "cache_bytes": sum(p.stat().st_size for p in pack_dir().parent.rglob("*") if p.is_file()),
            "build_seconds": {i: m.get("build_seconds") for i, m in manifests.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--provision", action="store_true")
    parser.add_argument("--parts", default="browser,server,overhead,memory,pack",
                        help="comma-separated subset of browser,server,overhead,memory,pack")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    report: dict = {"load_average_start": os.getloadavg()[0]}
    print(f"load average {report['load_average_start']:.1f}; {args.rounds} rounds; medians")

    if "browser" in parts:
        browser_part(report, args.rounds)
    if "server" in parts:
        server_part(report, args.rounds)
    if "overhead" in parts:
        overhead_part(args.rounds)
    if "memory" in parts:
        memory_part()
    if "pack" in parts:
        pack_part(report, args.provision)
    report["load_average_end"] = os.getloadavg()[0]
    report["rows"] = ROWS
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "table.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"\nload average at the end {report['load_average_end']:.1f}; raw figures in bench/out/table.json")
    print("\n| section | what | figure | baseline in the same run |\n|---|---|---|---|")
    for section, what, figure, against in ROWS:
        print(f"| {section} | {what} | {figure} | {against} |")


def browser_part(report: dict, rounds: int) -> None:
    print("\nStart and first paint (Debian chromium, Streamlit on loopback)")
    browser = report["browser"] = cold_and_first_paint(rounds)
    home, trivial = median(browser["cold"]["home"]), median(browser["cold"]["trivial"])
    row("browser", "cold start: server start -> Home painted", f"{home:.2f} s",
        f"trivial app {trivial:.2f} s, ratio {home / trivial:.2f}")
    trivial_paint = median(p for p, _ in browser["pages"]["(trivial app)"])
    for page_id, samples in browser["pages"].items():
        if page_id == "(trivial app)":
            continue
        paint, ready = median(p for p, _ in samples), median(r for _, r in samples)
        row("browser", f"first paint: {page_id}", f"{paint * 1000:.0f} ms",
            f"x{paint / trivial_paint:.2f} trivial ({trivial_paint * 1000:.0f} ms); script done {ready * 1000:.0f} ms")



def server_part(report: dict, rounds: int) -> None:
    print("\nMain interaction of every page (server time: the script run after one input changes)")
    interactions_ = report["interactions"] = server_interactions(rounds)
    for page_id, result in interactions_.items():
        row("server", f"{page_id}: {result['what']}", f"{median(result['warm']) * 1000:.0f} ms",
            f"first (with model loading) {result['first'] * 1000:.0f} ms")



def overhead_part(rounds: int) -> None:
    print("\nWhat the app's task functions add over calling the pipeline directly")
    output, _ = run_script("bench/pipeline_overhead.py", str(max(rounds * 5, 10)))
    for line in output.splitlines()[1:]:
        parts = re.match(r"(.{24})\s+([\d.]+)\s+([\d.]+)\s+([+-][\d.]+)\s+([\d.]+)\s+(.*)", line)
        if parts:
            row("overhead", parts.group(1).strip(), f"{parts.group(3)} ms",
                f"direct {parts.group(2)} ms, ratio {parts.group(5)} ({parts.group(6)})")



def memory_part() -> None:
    print("\nMemory: every lab task in one process (bench/task_tour.py)")
    output, _ = run_script("bench/task_tour.py")
    peak = re.search(r"peak RSS (\d+) MB .* memory budget (\d+) MB: (\w+) \(ratio ([\d.]+)\)", output)
    row("memory", "peak RSS after a full tour", f"{peak.group(1)} MB",
        f"budget {peak.group(2)} MB, ratio {peak.group(4)} ({peak.group(3)})")



def pack_part(report: dict, provision: bool) -> None:
    print("\nProvisioning and disk")
    facts = report["pack"] = pack_facts()
    _, check = run_script("-m", "lib.models.provision")
    built = {k: v for k, v in facts["build_seconds"].items() if v is not None}
    row("pack", "setup when already provisioned", f"{check:.1f} s",
        f"recorded builds: {sum(built.values()):.0f} s for {len(built)} of {len(facts['build_seconds'])} parts"
        if built else "build times are recorded at the next fresh build")
    if provision:
        with tempfile.TemporaryDirectory() as cache:
            _, fresh = run_script("-m", "lib.models.provision", env={"HHF_CACHE": cache})
        row("pack", "fresh provisioning of the whole pack", f"{fresh:.0f} s", f"x{fresh / check:.0f} the check")
    row("pack", "offline pack on disk", f"{facts['bytes'] / 1e6:.0f} MB",
        f"whole .cache (pack, corpus vectors, metrics, ONNX): {facts['cache_bytes'] / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
