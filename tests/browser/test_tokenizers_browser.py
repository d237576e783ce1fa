"""A learner at the Tokenizers lab in a real browser: type, see every count, paste HTML, upload junk."""
import pytest

from lib.i18n import translate
from lib.sections import page as page_spec
from lib.tokenization import catalog, compare
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.pack]
SCREENSHOTS = ROOT / "tests" / "screenshots"
SENTENCE = "Tôi học Hugging Face ở Đà Nẵng <script>window.pwned = 1</script> <b>đậm</b>"


@pytest.fixture(scope="module")
def lab_url():
    with streamlit_server("Home.py") as url:
        yield f"{url}/{page_spec('tokenizers_lab').url_path}"


def test_typing_a_sentence_shows_each_tokenizers_count_and_html_stays_text(lab_url, page):
    page.goto(f"{lab_url}?lang=vi")  # the server's very first visit is a shared link to this page
    wait_until_idle(page, 120_000)
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("tab", name=translate("vi", "tok_tab_compare")).count() == 1  # Home.py ran: language, menu
    assert page.locator('[data-testid="stSidebar"]').get_by_text("Tiếng Việt").count() >= 1
    box = page.get_by_label(translate("vi", "tok_text_label"), exact=True)
    box.fill(SENTENCE)
    box.press("Control+Enter")
    page.wait_for_timeout(500)
    wait_until_idle(page, 120_000)
    main = page.locator('[data-testid="stMain"]')
    for spec in catalog.ALL:
        count = compare.tokenize(spec.id, SENTENCE).count
        name = translate("vi", f"tok_baseline_{spec.id}") if spec.is_baseline else spec.name
        assert main.get_by_text(f"{name} · {count} token", exact=False).count() >= 1, (spec.id, count)
    assert page.evaluate("() => window.pwned") is None
    assert main.locator("b", has_text="đậm").count() == 0  # the learner's <b> is not rendered as bold
    assert page.locator('[data-testid="stException"]').count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    save_full_screenshot(page, SCREENSHOTS / "tokenizers_lab-compare-vi.png")


def test_binary_upload_is_refused_in_the_learners_language(lab_url, page, tmp_path):
    page.goto(f"{lab_url}?lang=en")
    wait_until_idle(page, 120_000)
    junk = tmp_path / "photo.txt"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(junk))
    page.get_by_text(translate("en", "text_upload_binary")).wait_for(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_tab_opens_and_is_screenshotted(lab_url, page, lang):
    page.goto(f"{lab_url}?lang={lang}")
    wait_until_idle(page, 120_000)
    tabs = page.get_by_role("tab")
    for index in range(tabs.count()):
        tabs.nth(index).click()
        page.wait_for_timeout(400)
        wait_until_idle(page, 120_000)
        assert tabs.nth(index).get_attribute("aria-selected") == "true", index  # every click lands
        assert page.locator('[data-testid="stException"]').count() == 0, index
        save_full_screenshot(page, SCREENSHOTS / f"tokenizers_lab-tab{index}-{lang}.png")
