"""The Model Hub page: the explorer's filters, charts and cards, offline."""
import pytest

from lib.i18n import translate
from lib.sections import LANGS
from tests.app.lab_pages import assert_every_tab_opens, open_page, open_tab, problems

PAGE = "model_hub"


@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(lang):
    assert_every_tab_opens(PAGE, lang)


def test_explorer_filters_models_and_explains_live_search_offline():
    at = open_page(PAGE, "vi")
    assert not at.exception, problems(at)
    assert len(at.get("plotly_chart")) == 2
    at.selectbox(key="hubx_area").set_value("community").run()
    assert any("PhoBERT" in e.label for e in at.expander)
    at.text_input(key="hubx_text").set_value("không có mô hình nào như thế").run()
    assert translate("vi", "hubx_none") in [i.value for i in at.info]
    at.text_input(key="hubx_text").set_value("").run()
    assert translate("vi", "hubx_live_offline") in [i.value for i in at.info]


@pytest.mark.parametrize("lang", LANGS)
def test_the_catalogue_table_has_headings_in_the_learners_language(lang):
    at = open_page(PAGE, lang)
    headings = list(at.dataframe[0].value.columns)
    assert headings == [translate(lang, f"col_{c}") for c in
                        ("name", "hub_id", "year", "parameters", "family", "main_task", "licence", "languages")]
    assert "hub_id" not in headings


def test_autotrain_tab_links_to_the_wizard():
    at = open_tab(open_page(PAGE, "en"), PAGE, "AutoTrain")
    assert not at.exception, problems(at)
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert set(links) == {translate("en", "hubx_autotrain_link"), translate("en", "quiz_link")}  # and the quiz
    assert links[translate("en", "hubx_autotrain_link")] == "trainer-api" and links[translate("en", "quiz_link")] == "quiz"
