"""Opening a lab page and one of its tabs in AppTest, as every lab page's tests do."""
from streamlit.testing.v1 import AppTest

from lib.sections import ROOT


def open_page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    return at.run()


def open_tab(at: AppTest, page: str, title_end: str) -> AppTest:
    """Switch to the tab whose label ends with title_end (lab_page keeps the open tab in session state)."""
    label = next(tab.label for tab in at.tabs if tab.label.endswith(title_end))
    at.session_state[f"{page}_tab_{at.session_state['lang']}"] = label
    return at.run()


def problems(at: AppTest) -> list[str]:
    return [e.message for e in at.exception]


def assert_every_tab_opens(page: str, lang: str) -> None:
    at = open_page(page, lang)
    for tab in list(at.tabs):
        at.session_state[f"{page}_tab_{lang}"] = tab.label
        at.run()
        assert not at.exception, (tab.label, problems(at))
