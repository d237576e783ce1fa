"""A learner in the browser trains their own classifier with the wizard and sees it scored live."""
import pytest

from lib.i18n import translate
from lib.sections import page as page_spec
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.pack]
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def trainer_url():
    with streamlit_server("Home.py") as url:
        yield f"{url}/{page_spec('trainer_api').url_path}"


def test_wizard_trains_on_bundled_sentences_and_reports_accuracy(trainer_url, page):
    page.goto(f"{trainer_url}?lang=en")
    wait_until_idle(page, 180_000)
    page.get_by_role("tab", name=translate("en", "train_tab_wizard")).click()
    wait_until_idle(page, 180_000)
    page.get_by_text(translate("en", "wizard_source_acceptability"), exact=True).click()
    wait_until_idle(page, 180_000)
    page.get_by_role("button", name=translate("en", "train_start")).click()
    # the chart and progress update every second while it trains, then the results appear
    page.get_by_text(translate("en", "train_download")).wait_for(timeout=600_000)
    wait_until_idle(page, 120_000)
    assert page.get_by_text(translate("en", "train_accuracy")).count() >= 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2
    assert page.locator('[data-testid="stException"]').count() == 0
    save_full_screenshot(page, SCREENSHOTS / "trainer-wizard-en.png")
