"""The Model Hub page: the explorer's filters, charts and cards, offline."""
import json

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
    # and the charts write numbers as the page does: 1.234,5 in Vietnamese, 1,234.5 in English
    separators = {json.loads(c.proto.spec)["layout"]["separators"] for c in at.get("plotly_chart")}
    assert separators == {",." if lang == "vi" else ".,"}


def test_a_card_shows_the_model_info_call_offline_and_todays_figures_online(monkeypatch):
    from huggingface_hub import HfApi, constants
    from huggingface_hub.hf_api import ModelInfo

    at = open_page(PAGE, "vi")
    assert translate("vi", "hubx_info_offline") in [c.value for c in at.caption]
    assert any("model_info('vinai/phobert-base')" in c.value for c in at.code)
    assert not [b for b in at.button if b.key and b.key.startswith("hubx_info_")]  # no button that cannot work

    asked = []

    def model_info(self, repo_id, **kwargs):  # what the Hub answers, without the network
        asked.append(repo_id)
        return ModelInfo(id=repo_id, downloads=4321, likes=87, lastModified="2025-01-02T03:04:05.000Z",
                         createdAt="2020-03-01T00:00:00.000Z", tags=["license:mit"], gated=False,
                         siblings=[{"rfilename": "config.json"}], safetensors={"parameters": {}, "total": 134998272})

    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(HfApi, "model_info", model_info)
    at = open_page(PAGE, "en")
    at.selectbox(key="hubx_area").set_value("community").run()
    at.button(key="hubx_info_phobert").click().run()
    assert not at.exception, problems(at)
    assert asked == ["vinai/phobert-base"]
    facts = {row[translate("en", "hubx_col_fact")]: row[translate("en", "hubx_col_value")]
             for table in at.table for row in table.value.to_dict("records") if translate("en", "hubx_col_fact") in row}
    assert facts[translate("en", "col_downloads")] == "4,321" and facts[translate("en", "col_likes")] == "87"
    assert facts[translate("en", "col_last_modified")] == "2025-01-02"
    assert any("134,998,272" in c.value for c in at.caption)  # the Hub's count beside the card's


def test_autotrain_tab_links_to_the_wizard():
    at = open_tab(open_page(PAGE, "en"), PAGE, "AutoTrain")
    assert not at.exception, problems(at)
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert set(links) == {translate("en", "hubx_autotrain_link"), translate("en", "quiz_link")}  # and the quiz
    assert links[translate("en", "hubx_autotrain_link")] == "trainer-api" and links[translate("en", "quiz_link")] == "quiz"
