"""Home's first paint in a real browser against a trivial one-line Streamlit app, same run.

Both servers run side by side and are visited alternately, so machine noise hits both.
first paint = navigation start -> the page's <h1> is visible; ready = the script run has ended.
Usage: python bench/first_paint.py [rounds]
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.harness import ROOT, launch_chromium, streamlit_server, wait_until_idle  # noqa: E402

GOAL = 1.3


def visit(browser, url: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("h1", state="visible", timeout=60_000)
    painted = time.perf_counter() - start
    wait_until_idle(page)
    ready = time.perf_counter() - start
    context.close()
    return painted * 1000, ready * 1000


def main(rounds: int = 7) -> None:
    with streamlit_server(ROOT / "bench" / "trivial_app.py") as trivial_url, \
            streamlit_server(ROOT / "Home.py") as home_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        cold = {"trivial": visit(browser, trivial_url), "home": visit(browser, home_url)}
        samples = {"trivial": [], "home": []}
        for _ in range(rounds):
            for name, url in (("trivial", trivial_url), ("home", home_url)):
                samples[name].append(visit(browser, url))
        browser.close()

    def median(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in samples[name])

    print(f"first visit after server start (ms): trivial paint {cold['trivial'][0]:.0f}, "
          f"home paint {cold['home'][0]:.0f}, home ready {cold['home'][1]:.0f}")
    print(f"{'median of ' + str(rounds) + ' visits (ms)':<32}{'trivial':>10}{'home':>10}{'ratio':>8}")
    for label, index in (("first paint (h1 visible)", 0), ("ready (script run ended)", 1)):
        trivial, home = median("trivial", index), median("home", index)
        print(f"{label:<32}{trivial:>10.0f}{home:>10.0f}{home / trivial:>8.2f}")
    ratio = median("home", 0) / median("trivial", 0)
    print(f"first-paint ratio {ratio:.2f} (goal <= {GOAL}): {'OK' if ratio <= GOAL else 'OVER GOAL'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
