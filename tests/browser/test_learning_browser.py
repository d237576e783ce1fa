"""In chromium: a shared link opens the exact view, presentation mode steps through slides (light
and dark), progress survives a page load, a quiz answers, a lesson links to the glossary."""
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from lib import quiz
from lib.i18n import translate
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = [pytest.mark.browser]
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server("Home.py") as url:
        yield url


def settle(page) -> None:
    page.wait_for_timeout(800)
    wait_until_idle(page, 120_000)


def query(page) -> dict:
    return {key: values[0] for key, values in parse_qs(urlparse(page.url).query).items()}


def wait_for_query(page, param: str, value: str) -> None:
    """The address bar changes after the rerun that the action starts; under load that rerun can
    begin after a fixed pause has ended, so wait for the address itself."""
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get(param, [None])[0] == value,
                      timeout=120_000)


def test_a_shared_link_opens_the_same_text_tokenizers_and_tab(base_url, page):
    page.goto(f"{base_url}/tokenizers-lab?lang=en&tab=lab-1&text=Xin%20ch%C3%A0o%20c%E1%BA%A3%20l%E1%BB%9Bp"
              "&tokenizers=gpt2,xlmr")
    settle(page)
    box = page.get_by_label(translate("en", "tok_text_label"), exact=True)
    # the box fills in a moment after the run ends (as in test_isolation): expect() retries
    expect(box).to_have_value("Xin chào cả lớp", timeout=60_000)
    assert query(page)["tokenizers"] == "gpt2,xlmr" and query(page)["lang"] == "en"
    box.fill("Học máy")
    box.press("Control+Enter")
    wait_for_query(page, "text", "Học máy")  # the address bar follows what the learner types
    page.get_by_role("tab", name=re.compile("BPE")).click()
    wait_for_query(page, "tab", "bpe")
    settle(page)
    save_full_screenshot(page, SCREENSHOTS / "shared-link-en.png")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_presentation_mode_steps_through_slides(browser, base_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{base_url}/tokenizers-lab?lang=vi&present=1")
    settle(page)
    page.locator('[data-testid="stSidebar"]').wait_for(state="hidden", timeout=30_000)  # the chrome is hidden
    first = page.locator("h1").first.inner_text()
    font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                         "'[data-testid=stMarkdownContainer] p')).fontSize)")
    assert font >= 24  # projector-sized text
    page.locator(".st-key-slide_keys").wait_for(state="attached")
    page.wait_for_function("() => window.__hhfSlideKeys === true", timeout=30_000)
    page.keyboard.press("ArrowRight")  # a presenter's clicker sends arrows or Page Down
    page.wait_for_url(re.compile(r"slide=2"), timeout=30_000)
    settle(page)
    assert page.locator("h1").first.inner_text() != first
    page.get_by_role("button", name=translate("vi", "present_next")).click()
    page.wait_for_url(re.compile(r"slide=3"), timeout=30_000)
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / f"present-vi-{scheme}.png"))
    page.get_by_role("button", name=translate("vi", "present_exit")).click()
    settle(page)
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    assert "present" not in query(page)
    context.close()


def test_progress_survives_a_page_load_and_a_quiz_answer_counts(base_url, page):
    page.goto(f"{base_url}/tokenizers-lab?lang=en&tab=wordpiece")
    saved = "() => (window.localStorage.getItem('hhf-progress') || '').includes(%r)"
    page.wait_for_function(saved % "tokenizers.wordpiece", timeout=60_000)
    page.goto(f"{base_url}/quiz?lang=en&area=hub")  # a new session: progress comes back from the browser
    settle(page)
    question = next(q for q in quiz.load("hub", "en") if q.kind == "single" and not q.live)
    right = next(c for c in question.choices if c.correct)
    box = page.locator(f".st-key-quiz_hub_{question.id}_pick")
    box.get_by_text(right.text, exact=True).click()
    page.locator(f".st-key-quiz_hub_{question.id}_check button").click()
    page.get_by_text(translate("en", "quiz_right")).wait_for()
    page.wait_for_function(saved % question.id, timeout=30_000)
    page.goto(f"{base_url}/?lang=en")
    settle(page)
    page.get_by_role("tab", name=translate("en", "progress_tab")).click()
    settle(page)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert values[0].startswith("1 /") and values[1].startswith("1 /"), values
    save_full_screenshot(page, SCREENSHOTS / "progress-en.png")


def test_a_lesson_links_a_term_to_the_glossary_and_search_finds_it(base_url, page):
    page.goto(f"{base_url}/tokenizers-lab?lang=vi&tab=bpe")
    settle(page)
    page.get_by_text(re.compile("Đọc bài học")).first.click()
    link = page.locator('a[href*="glossary?lang=vi&q="]').first
    href = link.get_attribute("href")
    term = parse_qs(urlparse(href).query)["q"][0]
    page.goto(f"{base_url}/{href.lstrip('./')}" if not href.startswith("http") else href)
    settle(page)
    assert page.get_by_label(translate("vi", "glossary_search"), exact=True).input_value() == term
    page.get_by_label(translate("vi", "search_label"), exact=True).fill("tach tu")
    page.get_by_label(translate("vi", "search_label"), exact=True).press("Enter")
    settle(page)
    assert page.locator('[data-testid="stSidebar"] a').filter(has_text="bộ tách từ").count() >= 1
