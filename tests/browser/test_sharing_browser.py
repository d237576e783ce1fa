"""A learner in the browser explores the Model Hub, runs `hf`, calls the local inference server,
downloads a Space, optimises a model with ONNX and looks at TRL, Gradio and Streamlit."""
import io
import re
import zipfile

import pytest

from lib.i18n import translate
from lib.sections import leaves_of_page
from lib.sections import page as page_spec
from tests.browser.harness import ROOT, streamlit_server, wait_until_idle
from tests.browser.test_browser import save_full_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.pack]
SCREENSHOTS = ROOT / "tests" / "screenshots"
SLOW_MS = 600_000


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server("Home.py") as url:
        yield url


def open_tab(page, base_url: str, page_id: str, lang: str, tab: str | None = None, leaf_id: str | None = None):
    """Open a page in a language and click one of its tabs (a lab's label or a leaf of the map)."""
    page.goto(f"{base_url}/{page_spec(page_id).url_path}?lang={lang}")
    wait_until_idle(page, 180_000)
    if leaf_id:
        leaf = next(leaf for leaf in leaves_of_page(page_id) if leaf.id == leaf_id)
        tab = f"{leaf.icon} {leaf.title[lang]}"
    page.get_by_role("tab", name=tab, exact=True).click()
    page.wait_for_timeout(500)
    wait_until_idle(page, 180_000)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox as a learner does: type to filter, click the option
    (the combobox filters by the text in it, so it first shows only the current choice)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(500)
    wait_until_idle(page)


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_model_hub_explorer_filters_the_famous_models(base_url, page):
    open_tab(page, base_url, "model_hub", "vi", tab=translate("vi", "hubx_tab"))
    expanders = page.locator('[data-testid="stExpander"] summary')
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for()  # parameters by year, tasks
    everything = expanders.count()
    assert expanders.filter(has_text="Whisper").count() >= 1
    vision = next(leaf.title["vi"] for leaf in leaves_of_page("model_hub") if leaf.id == "vision")
    choose(page, translate("vi", "hubx_area"), vision)  # the areas read as the map names them
    assert 0 < expanders.count() < everything
    assert expanders.filter(has_text="Whisper").count() == 0 and expanders.filter(has_text="ViT").count() >= 1
    assert page.get_by_text(translate("vi", "hubx_live_offline").split("`")[0]).count() == 1  # live search explains itself
    no_exception(page)
    save_full_screenshot(page, SCREENSHOTS / "hub-explorer-vi.png")


def test_hub_cli_runs_a_whitelisted_command(base_url, page):
    open_tab(page, base_url, "tools", "en", leaf_id="hub_cli")
    choose(page, translate("en", "cli_command"), "hf env")
    page.get_by_role("button", name=translate("en", "cli_run")).click()
    page.get_by_text(re.compile(r"Exit code 0 ·")).wait_for(timeout=120_000)
    wait_until_idle(page)
    assert any("huggingface_hub version" in code for code in page.locator('[data-testid="stCode"]').all_inner_texts())
    no_exception(page)
    save_full_screenshot(page, SCREENSHOTS / "tools-hub-cli-en.png")


def test_local_server_answers_and_a_space_downloads_as_a_zip(base_url, page):
    open_tab(page, base_url, "inference_spaces", "en", leaf_id="hosted")
    page.get_by_role("button", name=translate("en", "serve_start")).click()
    page.get_by_role("button", name=translate("en", "serve_call")).click()
    page.get_by_text(re.compile(r"HTTP 200 · application/json")).wait_for(timeout=180_000)
    assert page.get_by_text(translate("en", "hosted_live_offline").split(" (")[0]).count() >= 1
    no_exception(page)
    save_full_screenshot(page, SCREENSHOTS / "inference-local-server-en.png")

    open_tab(page, base_url, "inference_spaces", "en", leaf_id="spaces")
    with page.expect_download() as download:
        page.get_by_role("button", name=translate("en", "spaces_download")).click()
    files = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert {"README.md", "app.py", "requirements.txt"} <= set(files.namelist())
    assert "sdk: gradio" in files.read("README.md").decode() and "import gradio" in files.read("app.py").decode()
    save_full_screenshot(page, SCREENSHOTS / "inference-spaces-en.png")


def test_optimum_exports_quantizes_and_charts(base_url, page):
    open_tab(page, base_url, "tools", "vi", leaf_id="optimum")
    page.get_by_role("button", name=translate("vi", "opt_run")).click()
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=SLOW_MS)
    wait_until_idle(page)
    assert page.locator('[data-testid="stDataFrame"]').count() == 1  # size, latency, accuracy per backend
    assert page.get_by_text(re.compile(r"\d+ bài đánh giá giữ riêng; trình xuất: \w+")).count() == 1
    no_exception(page)
    save_full_screenshot(page, SCREENSHOTS / "tools-optimum-vi.png")


def test_trl_dpo_gradio_and_this_apps_source(base_url, page):
    open_tab(page, base_url, "tools", "en", leaf_id="trl")
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=120_000)  # the post-training diagram
    page.get_by_text(translate("en", "trl_method_dpo")).click()
    wait_until_idle(page, 180_000)
    page.get_by_text(translate("en", "trl_dpo_title")).wait_for(timeout=120_000)
    assert page.get_by_role("button", name=translate("en", "trl_run_dpo")).count() == 1
    save_full_screenshot(page, SCREENSHOTS / "tools-trl-dpo-en.png")

    open_tab(page, base_url, "tools", "en", leaf_id="gradio")
    codes = page.locator('[data-testid="stCode"]').all_inner_texts()
    assert any("import gradio as gr" in code for code in codes) and any("import streamlit as st" in code for code in codes)
    open_tab(page, base_url, "tools", "en", leaf_id="streamlit")
    page.locator('[data-testid="stExpander"] summary').filter(has_text="app_pages/tools.py").click()
    page.get_by_text("lab_page(").first.wait_for(timeout=120_000)
    no_exception(page)
    save_full_screenshot(page, SCREENSHOTS / "tools-streamlit-source-en.png")
