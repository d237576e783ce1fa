"""A whole class at once: N learners touring the real app on one Streamlit server.

One server (the real Home.py, HF_HUB_OFFLINE=1, loopback) and one headless chromium with a
context per learner, driven concurrently by asyncio Playwright. Each learner opens the teacher's
link once, then loops a scripted tour until time is up, moving as a student does (the sidebar's
page links, then the lesson's tab) and reading 1-3 s between steps:
  tokenizers  type a Vietnamese sentence in the Compare box, the chart updates
  chat        Inference > Conversational: send one short message, wait for the answer
  sentiment   Transformers > NLP: classify a sentence with the pack's sentiment classifier
  viewer      Datasets > Dataset Viewer: open it, type a search
  evaluate    Additional tools > Evaluate: change the predictions, the metric updates
`--reload` opens every step from a link instead (a new session each time, the browser loading the
whole front end again): the worst case, as when a class follows a link per exercise.
Latency = action -> the script run it caused has ended and its result is on the page. Errors:
a Streamlit exception box, a timeout, a dropped connection (reconnect banner), a console error
other than a known harmless 404. The server's RSS (with children) is sampled every second.
Home's first paint on the idle server (start of the run) is compared with a 31st learner's
first paint while the class is still touring (end of the run); goal: ratio <= 2.

In a classroom each student's browser runs on the student's own device and the laptop runs only
the server. Here all 30 chromiums share the server's cores (each renderer takes about a tenth of a
core: 30 of them alone fill two cores), so the class's browser runs at idle priority (SCHED_IDLE,
`chrt --idle`: it gets the CPU the server leaves; at nice 10 thirty renderers still outweighed the
server) and the 31st learner, like the idle baseline, uses a browser of its own at normal priority.
The class's "on the page" latencies therefore include a starved browser; the "server" column
(action -> the server's script_finished message) is the server's own.
`--same-priority` runs the class at normal priority too: the worst case, where the browsers
compete with the server as equals.
Usage: python bench/load_test.py [--learners 30] [--minutes 5] [--seed 0] [--reload] [--same-priority]
"""
from __future__ import annotations

import argparse
import contextlib
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from lib.i18n import translate  # noqa: E402
from lib.models.cache import memory_budget_from_env  # noqa: E402
from lib.sections import leaves_of_page  # noqa: E402
from lib.sections import page as page_spec  # noqa: E402
from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_process  # noqa: E402

OUT = ROOT / "bench" / "out"
LANG = "vi"
FIRST_PAINT_GOAL = 2.0
STEP_TIMEOUT_MS = {"chat": 600_000}  # generation queues behind the other learners' answers
DEFAULT_TIMEOUT_MS = 300_000  # the class's browsers run at idle priority: a step may wait minutes for CPU to draw
SENTENCES = ["Hôm nay lớp mình học về tokenizer", "Tôi yêu tiếng Việt và Hugging Face",
             "Mô hình ngôn ngữ đọc từng token một", "Đà Nẵng có biển rất đẹp",
             "Bạn có thích học máy không?"]
REVIEWS = ["Quán này phục vụ rất nhanh, đồ ăn ngon", "Phim dở quá, tôi ngủ quên giữa chừng",
           "The lesson was clear and fun", "Giao hàng chậm, hộp bị móp", "Sách hay, đáng đọc lại"]
QUESTIONS = ["Xin chào! Bạn là ai?", "Name two colours.", "Hà Nội ở đâu?", "What is a token?"]
SEARCHES = ["ha noi", "tot", "phim", "the", "ngon"]
PREDICTIONS = [  # one line per reference line of the lab's default (four)
    "con mèo ngồi trên thảm\nHà Nội là thủ đô\ntôi thích học ngoại ngữ\nhôm nay trời đẹp",
    "the cat sat on the mat\nHà Nội là thủ đô của Việt Nam\ntôi học tiếng Anh\ntrời mưa to",
    "một con mèo trên tấm thảm\nthủ đô Việt Nam là Hà Nội\ntôi rất thích học\nthời tiết đẹp"]
HARMLESS_CONSOLE = ("status of 404",)  # e.g. a favicon or source map a page asks for

# Connection drops (the reconnect banner) for the whole page's life, counted in the page.
WATCH = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.__hhfWatched) return;
  app.__hhfWatched = true;
  window.__hhfDrops = window.__hhfDrops || 0;
  let connected = app.getAttribute('data-test-connection-state') === 'CONNECTED';
  new MutationObserver(() => {
    const now = app.getAttribute('data-test-connection-state') === 'CONNECTED';
    if (connected && !now) window.__hhfDrops += 1;
    connected = now;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-connection-state']});
}"""
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"


@contextlib.contextmanager
def idle_priority_chromium():
    """A chromium executable whose every process (browser, zygote, renderers) runs at SCHED_IDLE."""
    with tempfile.TemporaryDirectory() as folder:
        wrapper = Path(folder) / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec chrt --idle 0 "{CHROMIUM}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
        yield str(wrapper)


LAB_TAB_LABELS = {("tokenizers_lab", "lab-1"): "tok_tab_compare"}  # the tabs of labs the tour opens


def url_path(page_id: str) -> str:
    return page_spec(page_id).url_path


def tab_label(page_id: str, tab: str) -> str:
    if tab.startswith("lab-"):
        return translate(LANG, LAB_TAB_LABELS[(page_id, tab)])
    leaf = next(leaf for leaf in leaves_of_page(page_id) if leaf.id == tab)
    return f"{leaf.icon} {leaf.title[LANG]}"


class Learner:
    def __init__(self, number: int, browser, base: str, deadline: float, seed: int, reload: bool = False):
        self.number, self.browser, self.base, self.deadline = number, browser, base, deadline
        self.reload, self.arrived = reload, False
        self.rng = random.Random(seed * 1000 + number)
        self.samples: list[dict] = []
        self.console: list[str] = []
        self.finish_times: list[float] = []  # when the server said a script run (page or fragment) had finished
        self.sent_times: list[float] = []  # when this browser sent a message (a rerun request, a widget's value)

    # A run is over when the server says so on the websocket ("script_finished"), not when the page's
    # "running" attribute flips back: a busy browser renders both states of a short run in one
    # frame, and such a run was never seen (the learner then waited for ever). The server's time is
    # from the browser's request leaving to that message: the class's starved renderers are not in it.
    def watch_socket(self, socket) -> None:
        socket.on("framereceived", self.on_frame)
        socket.on("framesent", lambda _: self.sent_times.append(time.perf_counter()))

    def mark(self) -> tuple[int, int]:
        """Where the websocket stands before an action: (runs finished, messages sent)."""
        return len(self.finish_times), len(self.sent_times)

    def on_frame(self, payload) -> None:
        if isinstance(payload, bytes) and len(payload) <= 512:  # the message is a few bytes; skip the pages
            try:
                if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                    self.finish_times.append(time.perf_counter())
            except DecodeError:
                pass

    # ---------------------------------------------------------------- helpers
    async def open(self, page, page_id: str, tab: str, name: str) -> None:
        """Go to a lab tab, timed as open:<name>: from the link the first time (or always with
        --reload: a new session), then as a student moves, by the page's link in the sidebar
        and a click on the tab."""
        start = time.perf_counter()
        served = None
        if self.reload or not self.arrived:
            await page.goto(f"{self.base}/{url_path(page_id)}?lang={LANG}&tab={tab}", timeout=DEFAULT_TIMEOUT_MS)
            await page.wait_for_selector("h1", timeout=DEFAULT_TIMEOUT_MS)
            await page.wait_for_selector(IDLE, timeout=DEFAULT_TIMEOUT_MS)
            await page.evaluate(WATCH)
            self.arrived = True
        else:
            before = self.mark()
            await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path(page_id)}"]').click()
            served = await self.rerun_done(page, before, "open")
            await self.choose(page, page.get_by_role("tab", name=tab_label(page_id, tab), exact=True), "aria-selected")
        self.record(f"open:{name}", time.perf_counter() - start, server=served)
        # The progress sync may run once more (the browser handing back saved progress); an
        # action sent during that run joins it without a new "running" state, so let it end first.
        await page.wait_for_timeout(800)
        await page.wait_for_selector(IDLE, timeout=DEFAULT_TIMEOUT_MS)

    async def choose(self, page, option, selected_attribute: str) -> None:
        """Click a tab or a segmented option unless it is already selected (no rerun then)."""
        if await option.get_attribute(selected_attribute) != "true":
            before = self.mark()
            await option.click()
            await self.rerun_done(page, before, "open")

    async def rerun_done(self, page, before: tuple[int, int], name: str) -> float | None:
        """Waits until a run caused by the action has finished on the server and the page has drawn
        it; returns the server's time for it (request sent -> run finished), seconds."""
        timeout_ms = STEP_TIMEOUT_MS.get(name, DEFAULT_TIMEOUT_MS)
        deadline = time.monotonic() + timeout_ms / 1000
        finished, sent = before
        while len(self.finish_times) <= finished:
            if time.monotonic() > deadline:
                raise PlaywrightTimeout(f"{name}: no script run finished within {timeout_ms / 1000:.0f} s")
            await asyncio.sleep(0.05)
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        return self.finish_times[finished] - self.sent_times[sent] if len(self.sent_times) > sent else None

    def record(self, name: str, seconds: float | None, error: str | None = None, server: float | None = None) -> None:
        """`seconds` until the result is on the page; `server` until the server had finished the run."""
        self.samples.append({"learner": self.number, "step": name, "t": time.time(),
                             "seconds": seconds, "server": server, "error": error})

    # ---------------------------------------------------------------- the tour
    async def tokenizers(self, page) -> None:
        await self.open(page, "tokenizers_lab", "lab-1", "tokenizers")
        sentence = f"{self.rng.choice(SENTENCES)} {self.rng.randint(1, 999)}"
        box = page.locator(".st-key-tok_text textarea")
        before = self.mark()
        start = time.perf_counter()
        await box.fill(sentence)
        await box.press("Control+Enter")
        served = await self.rerun_done(page, before, "tokenizers")
        await page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=DEFAULT_TIMEOUT_MS)
        self.record("tokenizers", time.perf_counter() - start, server=served)

    async def chat(self, page) -> None:
        await self.open(page, "inference_spaces", "conversational", "chat")
        box = page.locator(".st-key-chat_input textarea")
        messages = await page.locator('[data-testid="stChatMessage"]').count()  # earlier turns stay
        before = self.mark()
        start = time.perf_counter()
        await box.fill(self.rng.choice(QUESTIONS))
        await box.press("Enter")
        served = await self.rerun_done(page, before, "chat")
        await page.wait_for_function("(n) => document.querySelectorAll('[data-testid=stChatMessage]').length >= n + 2",
                                     arg=messages, timeout=DEFAULT_TIMEOUT_MS)
        self.record("chat", time.perf_counter() - start, server=served)

    async def sentiment(self, page) -> None:
        await self.open(page, "transformers_pipelines", "nlp", "sentiment")
        box = page.locator(".st-key-sent_text textarea")
        before = self.mark()
        start = time.perf_counter()
        await box.fill(f"{self.rng.choice(REVIEWS)} ({self.rng.randint(1, 999)})")
        await box.press("Control+Enter")
        served = await self.rerun_done(page, before, "sentiment")
        await page.locator(".st-key-sent_scores").wait_for(timeout=DEFAULT_TIMEOUT_MS)
        self.record("sentiment", time.perf_counter() - start, server=served)

    async def viewer(self, page) -> None:
        await self.open(page, "datasets_lab", "viewer", "viewer")
        box = page.locator(".st-key-ds_view_search input")
        before = self.mark()
        start = time.perf_counter()
        await box.fill(self.rng.choice(SEARCHES))
        await box.press("Enter")
        served = await self.rerun_done(page, before, "viewer")
        await page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=DEFAULT_TIMEOUT_MS)
        self.record("viewer", time.perf_counter() - start, server=served)

    async def evaluate(self, page) -> None:
        await self.open(page, "tools", "evaluate", "evaluate")
        await self.choose(page, page.locator(".st-key-metric_kind").get_by_role(
            "radio", name=translate(LANG, "metric_kind_translation")), "aria-checked")
        box = page.locator(".st-key-metric_tr_predictions textarea")
        before = self.mark()
        start = time.perf_counter()
        await box.fill(f"{self.rng.choice(PREDICTIONS)} {self.rng.randint(1, 99)}")
        await box.press("Control+Enter")
        served = await self.rerun_done(page, before, "evaluate")
        await page.locator('[data-testid="stMetric"]').first.wait_for(timeout=DEFAULT_TIMEOUT_MS)
        self.record("evaluate", time.perf_counter() - start, server=served)

    async def run(self) -> None:
        context = await self.browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)  # Playwright's 30 s for a click is short for a starved browser
        page = await context.new_page()
        page.on("websocket", self.watch_socket)
        page.on("console", lambda message: self.console.append(message.text)
                if message.type == "error" else None)
        steps = [self.tokenizers, self.chat, self.sentiment, self.viewer, self.evaluate]
        index = self.number % len(steps)  # learners start at different steps, as in a class
        await asyncio.sleep(self.rng.uniform(0, 5))  # a class arrives within a few seconds
        while time.monotonic() < self.deadline:
            step = steps[index % len(steps)]
            index += 1
            seen_console = len(self.console)
            try:
                await step(page)
            except PlaywrightTimeout as error:
                self.record(step.__name__, None, f"timeout: {str(error).splitlines()[0][:200]}")
            except Exception as error:  # a closed page, a navigation error: count it, keep touring
                self.record(step.__name__, None, f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
            try:
                for text in await page.locator('[data-testid="stException"]').all_inner_texts():
                    self.record(step.__name__, None, f"exception: {text[:400]}")
                drops = await page.evaluate("() => window.__hhfDrops || 0")
                if drops:
                    self.record(step.__name__, None, f"connection dropped {drops}x")
                    await page.evaluate("() => { window.__hhfDrops = 0; }")
            except Exception:
                pass
            for text in self.console[seen_console:]:
                if not any(harmless in text for harmless in HARMLESS_CONSOLE):
                    self.record(step.__name__, None, f"console: {text[:300]}")
            await asyncio.sleep(self.rng.uniform(1, 3))  # reading
        await context.close()


# The moment the title appears, taken in the page (ms from the navigation's start), not by polling
# from this script: with a class of pages to drive, Playwright's answers come late.
MARK_TITLE = """new MutationObserver((_, observer) => {
  if (document.querySelector('h1')) { window.__hhfTitleAt = performance.now(); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});"""
# Where an arrival's wait went, in ms from the navigation's start: the page and its front-end files
# served, the title drawn.
ARRIVAL_TIMING = """() => {
  const page = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource').filter(e => !e.name.includes('/_stcore/'));
  return {document: page.responseEnd, files: Math.max(0, ...files.map(e => e.responseEnd)), n_files: files.length,
          painted: window.__hhfTitleAt};
}"""


async def first_paint(browser, base: str, timings: list | None = None) -> float:
    """Navigation -> Home's h1 drawn (MARK_TITLE), in a fresh context (a learner arriving), seconds;
    the breakdown (ARRIVAL_TIMING, the first websocket message, the first finished run) goes to `timings`."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.add_init_script(MARK_TITLE)
    page = await context.new_page()
    marks: dict[str, float] = {}

    def on_frame(payload) -> None:
        marks.setdefault("first_message", time.perf_counter())
        if isinstance(payload, bytes) and len(payload) <= 512:
            with contextlib.suppress(DecodeError):
                if ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                    marks.setdefault("run_finished", time.perf_counter())

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    start = time.perf_counter()
    await page.goto(f"{base}/?lang={LANG}", timeout=DEFAULT_TIMEOUT_MS)
    await page.wait_for_selector("h1", state="visible", timeout=DEFAULT_TIMEOUT_MS)
    timing = await page.evaluate(ARRIVAL_TIMING)
    painted = timing["painted"] / 1000
    if timings is not None:
        timing.update({name: round((at - start) * 1000) for name, at in marks.items()},
                      seen_by_playwright=round((time.perf_counter() - start) * 1000))
        timings.append({name: round(value) for name, value in timing.items()})
    await page.wait_for_selector(IDLE, timeout=DEFAULT_TIMEOUT_MS)
    await context.close()
    return painted


@contextlib.contextmanager
def serve(log_path: Path, timeout: float = 120):
    """The real Home.py as `make run` serves it, on loopback; yields (base URL, psutil.Process),
    the server's output kept in `log_path` for its tracebacks."""
    import psutil

    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log, streamlit_process(ROOT / "Home.py", log, ROOT, timeout) as (url, process):
        yield url, psutil.Process(process.pid)


class RssSampler(threading.Thread):
    """The server's RSS with its children's, every second."""

    def __init__(self, process):
        super().__init__(daemon=True)
        self.process, self.samples, self.stop = process, [], threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.wait(1.0):
            try:
                rss = self.process.memory_info().rss
                rss += sum(c.memory_info().rss for c in self.process.children(recursive=True))
            except psutil.Error:
                continue
            self.samples.append((time.time(), rss))


def server_tracebacks(log_path: Path) -> list[str]:
    """The last line (exception type and message) of every traceback in the server's log: an
    exception a learner may not have seen (a page left meanwhile) still counts."""
    import re

    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in
             log_path.read_text(encoding="utf-8", errors="replace").splitlines()]
    found, inside = [], False
    for line in lines:
        if "Traceback (most recent call last)" in line:
            inside = True
        elif inside and re.match(r"^[A-Za-z_.]+(Error|Exception|Exit|Interrupt)\b", line):
            found.append(line[:300])
            inside = False
    return found


def cpu_seconds(process=None) -> float:
    """User + system CPU seconds of a process and its children, or of the whole machine (None):
    chromium's renderers are forked by a zygote that is not a child of the browser, so "all but
    the server" is measured as the machine minus the server."""
    import psutil

    if process is None:
        times = psutil.cpu_times()
        return times.user + times.system + getattr(times, "nice", 0.0)
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summarise(samples: list[dict]) -> list[dict]:
    rows = []
    for name in sorted({s["step"] for s in samples}, key=lambda n: (n.startswith("open:"), n)):
        mine = [s for s in samples if s["step"] == name]
        times = [s["seconds"] for s in mine if s["seconds"] is not None]
        served = [s["server"] for s in mine if s.get("server") is not None]
        rows.append({"step": name, "count": len(times), "errors": sum(1 for s in mine if s["error"]),
                     "p50": statistics.median(times) if times else None,
                     "p95": percentile(times, 0.95) if times else None, "max": max(times, default=None),
                     "server_p50": statistics.median(served) if served else None,
                     "server_p95": percentile(served, 0.95) if served else None})
    return rows


async def main(learners: int, minutes: float, seed: int, reload: bool = False, same_priority: bool = False) -> dict:
    load_before = os.getloadavg()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log_path = OUT / f"load_test-{learners}x{minutes:g}min-{stamp}-server.log"
    with serve(log_path) as (base, server):
        sampler = RssSampler(server)
        sampler.start()
        async with async_playwright() as playwright:
            arrival = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            with idle_priority_chromium() as idle_chromium:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM if same_priority else idle_chromium,
                                                           args=CHROMIUM_ARGS, headless=True)
            await first_paint(arrival, base)  # the first visit after a start compiles the pages
            arrival_timings: dict[str, list] = {"idle": [], "busy": []}
            idle_paints = [await first_paint(arrival, base, arrival_timings["idle"]) for _ in range(3)]
            cpu_start = (cpu_seconds(server), cpu_seconds(), time.monotonic())
            deadline = time.monotonic() + minutes * 60
            class_ = [Learner(i, browser, base, deadline, seed, reload) for i in range(learners)]
            tasks = [asyncio.create_task(learner.run()) for learner in class_]
            # the 31st learner arrives near the end, while everyone is still touring
            await asyncio.sleep(max(0.0, deadline - time.monotonic() - 25))
            busy_paints, busy_errors = [], []
            for _ in range(3):
                try:
                    busy_paints.append(await first_paint(arrival, base, arrival_timings["busy"]))
                except Exception as error:  # slower than the timeout counts as a failure, not a crash
                    busy_errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
                await asyncio.sleep(1)
            results = await asyncio.gather(*tasks, return_exceptions=True)
            cpu_end = (cpu_seconds(server), cpu_seconds(), time.monotonic())
            await browser.close()
            await arrival.close()
        sampler.stop.set()
    load_after = os.getloadavg()
    samples = [s for learner in class_ for s in learner.samples]
    crashed = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    peak = max((rss for _, rss in sampler.samples), default=0)
    budget = memory_budget_from_env()
    report = {
        "stamp": stamp, "server_log": str(log_path.relative_to(ROOT)),
        "learners": learners, "minutes": minutes, "seed": seed,
        "class_priority": "normal" if same_priority else "idle", "reload": reload,
        "load_average_before": load_before, "load_average_after": load_after,
        "rows": summarise(samples), "samples": samples, "learner_crashes": crashed,
        "errors": [s for s in samples if s["error"]],
        "cpu_seconds": {"server": cpu_end[0] - cpu_start[0],
                        "browsers_and_bench": (cpu_end[1] - cpu_start[1]) - (cpu_end[0] - cpu_start[0]),
                        "wall": cpu_end[2] - cpu_start[2], "cores": os.cpu_count()},
        "server_tracebacks": server_tracebacks(log_path), "rss": sampler.samples, "peak_rss": peak, "budget": budget,
        "home_first_paint_idle": idle_paints, "home_first_paint_busy": busy_paints,
        "home_first_paint_busy_errors": busy_errors, "arrival_timings": arrival_timings,
        "first_paint_ratio": (statistics.median(busy_paints) / statistics.median(idle_paints)
                              if busy_paints else None),
    }
    return report


def print_report(report: dict) -> None:
    def ms(value):
        return f"{value * 1000:>8.0f}" if value is not None else f"{'-':>8}"

    print(f"{report['learners']} learners, {report['minutes']} min, "
          f"{'a new session per step' if report['reload'] else 'one session each'}, class browsers at "
          f"{report['class_priority']} priority; load average before "
          f"{report['load_average_before'][0]:.2f}, after {report['load_average_after'][0]:.2f} (1 min)")
    print("ms until the result is on the page (p50, p95, max) and until the server had finished the run (server p50, p95)")
    print(f"{'step':<22}{'p50':>8}{'p95':>8}{'max':>8}{'server':>8}{'p95':>8}{'count':>7}{'errors':>7}")
    for row in report["rows"]:
        print(f"{row['step']:<22}{ms(row['p50'])}{ms(row['p95'])}{ms(row['max'])}{ms(row['server_p50'])}"
              f"{ms(row['server_p95'])}{row['count']:>7}{row['errors']:>7}")
    kinds: dict[str, int] = {}
    for sample in report["errors"]:
        kind = sample["error"].split(":")[0] if not sample["error"].startswith("exception") else sample["error"][:120]
        kinds[f"{sample['step']}: {kind}"] = kinds.get(f"{sample['step']}: {kind}", 0) + 1
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  error x{count}: {kind}")
    late = sum(1 for sample in report["errors"] if sample["error"].startswith("timeout"))
    print(f"errors the learner would see (exceptions, dropped connections, console errors): "
          f"{len(report['errors']) - late}; steps unfinished at the timeout: {late}")
    tracebacks: dict[str, int] = {}
    for line in report["server_tracebacks"]:
        tracebacks[line] = tracebacks.get(line, 0) + 1
    print(f"server log: {len(report['server_tracebacks'])} tracebacks")
    for line, count in sorted(tracebacks.items(), key=lambda kv: -kv[1]):
        print(f"  x{count}: {line[:200]}")
    for crash in report["learner_crashes"]:
        print(f"  learner crashed: {crash[:200]}")
    cpu = report["cpu_seconds"]
    print(f"CPU during the tour: server {cpu['server']:.0f} s, everything else (browsers) {cpu['browsers_and_bench']:.0f} s, "
          f"in {cpu['wall']:.0f} s on {cpu['cores']} cores ({cpu['cores'] * cpu['wall']:.0f} core-seconds)")
    peak, budget = report["peak_rss"], report["budget"]
    print(f"peak server RSS {peak / 1e6:,.0f} MB vs budget {budget / 1e6:,.0f} MB (ratio {peak / budget:.2f})")
    idle, busy = report["home_first_paint_idle"], report["home_first_paint_busy"]
    ratio = report["first_paint_ratio"]
    for error in report["home_first_paint_busy_errors"]:
        print(f"  31st learner's Home failed: {error}")
    if ratio is None:
        print("Home first paint with the class touring: no visit finished in time (goal missed)")
        return
    for when, timings in report["arrival_timings"].items():
        for timing in timings:
            print(f"  arrival ({when}), ms: {timing}")
    print(f"Home first paint: idle median {statistics.median(idle) * 1000:.0f} ms, with the class touring "
          f"{statistics.median(busy) * 1000:.0f} ms (samples {[round(b * 1000) for b in busy]}): ratio {ratio:.2f} "
          f"(goal <= {FIRST_PAINT_GOAL}): {'OK' if ratio <= FIRST_PAINT_GOAL else 'OVER GOAL'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reload", action="store_true", help="every step opens its page from a link (new session)")
    parser.add_argument("--same-priority", action="store_true",
                        help="the class's browsers compete with the server at normal priority")
    args = parser.parse_args()
    result = asyncio.run(main(args.learners, args.minutes, args.seed, args.reload, args.same_priority))
    print_report(result)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"load_test-{args.learners}x{args.minutes:g}min-{result['stamp']}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"raw numbers: {path.relative_to(ROOT)}")
