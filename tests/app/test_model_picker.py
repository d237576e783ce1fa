"""The shared model picker, rendered alone with AppTest, offline and online."""
import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import translate
from lib.models import registry


def picker_app(task_id: str) -> None:
    import streamlit as st

    from lib.ui.model_picker import model_picker

    picked = model_picker(task_id, key="picker")
    st.write(f"PICKED={picked.location if picked else None}")


HUB_ANSWERS = {}  # model id -> the problem the fake Hub reports (None = fine)


@pytest.fixture(autouse=True)
def fake_hub(monkeypatch):
    """No test touches the network: the Hub's answers are scripted here."""
    import lib.ui.model_picker as picker

    monkeypatch.setattr(picker, "hub_problem", lambda model_id: HUB_ANSWERS.get(model_id))
    picker.cached_hub_problem.clear()
    HUB_ANSWERS.clear()


def run_picker(task_id, lang, monkeypatch, online=False):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0" if online else "1")
    at = AppTest.from_function(picker_app, args=(task_id,), default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hub_only_task_offline_says_so_in_the_learners_language_and_shows_code(lang, monkeypatch):
    at = run_picker("summarization", lang, monkeypatch)
    assert not at.exception
    title = registry.task_text("summarization", lang)["title"]
    assert at.info[0].value.startswith(translate(lang, "picker_needs_hub", task=title))
    assert "AutoModelForSeq2SeqLM" in at.code[0].value
    assert "PICKED=None" in at.markdown[-1].value


def test_online_free_text_is_validated(monkeypatch):
    at = run_picker("summarization", "en", monkeypatch, online=True)
    assert "google-t5/t5-small" in at.markdown[-1].value
    at.selectbox[0].select_index(len(at.selectbox[0].options) - 1).run()
    at.text_input[0].set_value("https://huggingface.co/gpt2").run()
    assert at.error[0].value == translate("en", "picker_invalid_id")
    at.text_input[0].set_value("VietAI/vit5-base").run()
    assert "PICKED=VietAI/vit5-base" in at.markdown[-1].value


@pytest.mark.parametrize("problem", ["hub_unreachable", "hub_not_found", "hub_gated"])
def test_hub_problems_are_explained_and_nothing_runs(problem, monkeypatch):
    HUB_ANSWERS["google-t5/t5-small"] = problem
    at = run_picker("summarization", "vi", monkeypatch, online=True)
    assert not at.exception
    assert at.warning[0].value == translate("vi", problem, model="google-t5/t5-small")
    assert "PICKED=None" in at.markdown[-1].value
