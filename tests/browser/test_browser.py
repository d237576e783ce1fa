"""A learner in a real browser: every page in both languages, the language switch, screenshots."""
import re

import pytest

from lib.sections import LANGS, PAGES
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def server():
    with streamlit_server("Home.py") as url:
        yield url


def save_full_screenshot(page, path):
    """Streamlit scrolls inside its main container, so grow the viewport to the content first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".map(e => e.scrollHeight), 900)"
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(height, 16000)})
    page.wait_for_timeout(300)
    page.screenshot(path=path)
    page.set_viewport_size(size)


def url_of(server, spec, lang):
    path = "" if spec.id == "home" else spec.url_path
    return f"{server}/{path}?lang={lang}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_with_title_heading_and_no_exception(server, page, lang):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for spec in PAGES:
        page.goto(url_of(server, spec, lang))
        wait_until_idle(page)
        heading = page.locator("h1").first.inner_text()
        assert spec.title[lang] in heading, (spec.id, heading)
        assert spec.title[lang] in page.title(), (spec.id, page.title())
        assert page.locator('[data-testid="stException"]').count() == 0, spec.id
        save_full_screenshot(page, SCREENSHOTS / f"{spec.id}-{lang}.png")


def test_language_toggle_switches_and_survives_navigation(server, page):
    page.goto(server)
    wait_until_idle(page)
    assert "Trang chủ" in page.locator("h1").first.inner_text()
    page.get_by_role("radio", name=re.compile("English")).click()
    page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText.includes('Home')")
    assert "lang=en" in page.url
    page.get_by_role("link", name=re.compile("Tokenizers")).first.click()
    page.wait_for_url(re.compile(r"/tokenizers-lab"))
    wait_until_idle(page)
    assert "lang=en" in page.url
    assert "On this page" in page.inner_text("body")
    page.reload()
    wait_until_idle(page)
    assert "On this page" in page.inner_text("body")


def test_clicking_a_topic_on_the_home_map_opens_its_page(server, page):
    page.goto(f"{server}/?lang=en")
    wait_until_idle(page)
    page.locator("g.slice").filter(has_text="WordPiece").first.click()
    page.wait_for_url(re.compile(r"/tokenizers-lab"))
    wait_until_idle(page)
    assert "Tokenizers" in page.locator("h1").first.inner_text()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("link", name=re.compile("Home")).first.click()
    wait_until_idle(page)
    page.wait_for_timeout(1500)
    assert "Home" in page.locator("h1").first.inner_text(), "the old map click must not fire again"
