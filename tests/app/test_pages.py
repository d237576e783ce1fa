"""AppTest renders every page of the map in both languages, as a learner opening a shared link."""
import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import content, translate
from lib.sections import LANGS, PAGES, ROOT, leaves_of_page

CASES = [(p, lang) for p in PAGES for lang in LANGS]


def open_page(page_file: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if page_file != "app_pages/home.py":
        at.switch_page(page_file)
        at.run()
    return at


@pytest.mark.parametrize("spec,lang", CASES, ids=[f"{p.id}-{lang}" for p, lang in CASES])
def test_page_renders_in_language_without_exception(spec, lang):
    at = open_page(spec.file, lang)
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.endswith(spec.title[lang])
    headings = [h.value for h in at.header] + [tab.label for tab in at.tabs]  # lab pages give each leaf a tab
    for leaf in leaves_of_page(spec.id):
        assert any(leaf.title[lang] in h for h in headings), (leaf.key, headings)
    assert at.session_state["lang"] == lang
    assert at.query_params["lang"] == lang


def test_sidebar_shows_switch_and_offline_status():
    at = open_page("app_pages/home.py", "vi")
    assert at.sidebar.segmented_control[0].value == "vi"
    assert translate("vi", "sidebar_offline") in [c.value for c in at.sidebar.caption]


def test_language_switch_keeps_language_across_pages():
    at = open_page("app_pages/home.py", "vi")
    assert at.tabs[0].label == translate("vi", "home_map_title")
    at.sidebar.segmented_control[0].set_value("en").run()
    assert at.tabs[0].label == translate("en", "home_map_title")
    at.switch_page("app_pages/model_hub.py")
    at.run()
    assert at.title[0].value.endswith("Model Hub")
    assert at.tabs[0].label == translate("en", "hubx_tab")  # the new page opened in English


def test_glossary_search_filters_without_diacritics():
    at = open_page("app_pages/glossary.py", "vi")
    total = len(at.dataframe[0].value)
    at.text_input[0].set_value("tach tu").run()
    assert not at.exception
    found = at.dataframe[0].value
    assert 0 < len(found) < total
    assert "bộ tách từ" in found.iloc[:, 0].tolist()
    at.text_input[0].set_value("<script>alert(1)</script>").run()
    assert not at.exception and len(at.info) == 1


def test_home_tabs_run_only_the_open_one():
    at = open_page("app_pages/home.py", "vi")
    assert len(at.get("plotly_chart")) == 1
    at.session_state["home_tab"] = translate("vi", "home_path_title")
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 0
    assert content("vi", "home/learning_path.md").split()[3] in " ".join(m.value for m in at.markdown)
