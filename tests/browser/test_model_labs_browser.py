"""A learner in the browser chats with the pack's SmolLM2 and shows the digits ViT a picture."""
import pytest

from lib.i18n import translate
from lib.sections import leaves_of_page
from lib.sections import page as page_spec
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.pack]
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def inference_url():
    with streamlit_server("Home.py") as url:
        yield f"{url}/{page_spec('inference_spaces').url_path}"


def open_leaf(page, url: str, leaf_id: str, lang: str) -> None:
    page.goto(f"{url}?lang={lang}")
    wait_until_idle(page, 180_000)
    leaf = next(leaf for leaf in leaves_of_page("inference_spaces") if leaf.id == leaf_id)
    page.get_by_role("tab", name=leaf.title[lang]).click()
    page.wait_for_timeout(500)
    wait_until_idle(page, 180_000)


def test_chat_streams_an_answer(inference_url, page):
    open_leaf(page, inference_url, "conversational", "en")
    box = page.get_by_placeholder(translate("en", "chat_placeholder"))
    box.fill("Name three colours.")
    box.press("Enter")
    answer = page.locator('[data-testid="stChatMessage"]').nth(1)
    answer.wait_for(timeout=120_000)
    page.wait_for_function(  # text appears while the model is still writing, then the run ends
        "() => document.querySelectorAll('[data-testid=stChatMessage]').length >= 2", timeout=120_000)
    wait_until_idle(page, 180_000)
    assert len(answer.inner_text().strip()) > 3
    assert page.locator('[data-testid="stException"]').count() == 0
    save_full_screenshot(page, SCREENSHOTS / "inference-chat-en.png")


def test_a_digit_picture_gets_its_label(inference_url, page, tmp_path):
    from lib.inference import vision

    label, png = vision.digit_samples(10)[7]
    picture = tmp_path / "digit.png"
    picture.write_bytes(png)
    open_leaf(page, inference_url, "image_classification", "vi")
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(picture))
    assert label != "0"  # the sample shown before the upload is a 0: the answer must change to this label
    expected = translate("vi", "digits_result", label=label, score=0.5).split("**")[0]  # "Mô hình đoán là "
    page.get_by_text(f"{expected}{label}").wait_for(timeout=120_000)
    wait_until_idle(page, 180_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    save_full_screenshot(page, SCREENSHOTS / "inference-digits-vi.png")
