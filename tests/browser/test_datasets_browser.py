"""A learner in the browser uploads a CSV to the Dataset Viewer, filters it and sees the histogram."""
import pytest

from lib.i18n import translate
from lib.sections import leaves_of_page
from lib.sections import page as page_spec
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="module")
def datasets_url():
    with streamlit_server("Home.py") as url:
        yield f"{url}/{page_spec('datasets_lab').url_path}"


def test_upload_filter_and_histogram(datasets_url, page, tmp_path):
    rows = "\n".join(f"{i},{'Việt Nam' if i % 3 else 'Hà Nội'},{i % 10}" for i in range(1, 301))
    upload = tmp_path / "diem.csv"
    upload.write_text("id,noi,diem\n" + rows + "\n", encoding="utf-8")
    page.goto(f"{datasets_url}?lang=vi")
    wait_until_idle(page, 180_000)
    viewer = next(leaf for leaf in leaves_of_page("datasets_lab") if leaf.id == "viewer")
    page.get_by_role("tab", name=viewer.title["vi"]).click()
    wait_until_idle(page, 180_000)
    page.get_by_text(translate("vi", "ds_source_upload"), exact=True).click()
    wait_until_idle(page, 180_000)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(upload))
    page.get_by_text(translate("vi", "ds_rows_match", shown=300, total=300, pages=30)).wait_for(timeout=120_000)
    search = page.get_by_label(translate("vi", "ds_search"), exact=True)
    search.fill("ha noi")  # accents folded: finds "Hà Nội" (every third row)
    search.press("Enter")
    page.get_by_text(translate("vi", "ds_rows_match", shown=100, total=300, pages=10)).wait_for(timeout=60_000)
    wait_until_idle(page, 60_000)
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2  # id and diem histograms
    assert page.locator('[data-testid="stException"]').count() == 0
    save_full_screenshot(page, SCREENSHOTS / "datasets-viewer-vi.png")
