"""The Additional tools page as a learner uses it: the metric explorer."""
import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import translate
from lib.sections import LANGS, ROOT

PAGE = "tools"


def open_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{PAGE}.py")
    return at.run()


def open_tab(at: AppTest, title_end: str) -> AppTest:
    label = next(tab.label for tab in at.tabs if tab.label.endswith(title_end))
    at.session_state[f"{PAGE}_tab_{at.session_state['lang']}"] = label
    return at.run()


def problems(at: AppTest) -> list[str]:
    return [e.message for e in at.exception]


@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(lang):
    at = open_page(lang)
    for tab in list(at.tabs):
        at.session_state[f"{PAGE}_tab_{lang}"] = tab.label
        at.run()
        assert not at.exception, (tab.label, problems(at))


def test_metric_explorer_scores_every_kind_and_refuses_mismatched_lines():
    at = open_tab(open_page("en"), "Evaluate")
    assert not at.exception, problems(at)
    assert {m.label for m in at.metric} >= {"accuracy", "f1", "matthews_correlation"}
    assert len(at.get("plotly_chart")) == 2  # confusion matrix, per-class bars
    for kind in ("translation", "speech", "compare"):
        at.segmented_control(key="metric_kind").set_value(kind).run()
        assert not at.exception, (kind, problems(at))
    at.segmented_control(key="metric_kind").set_value("translation").run()
    assert "BLEU" in [m.label for m in at.metric]
    at.text_area(key="metric_tr_predictions").set_value("only one line").run()
    assert translate("en", "metric_line_counts", predictions=1, references=4) in [w.value for w in at.warning]
    at.segmented_control(key="metric_kind").set_value("speech").run()
    at.text_input(key="metric_sp_prediction").set_value("<script>alert(1)</script> today we learn").run()
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;" in html and "<script>" not in html


@pytest.mark.pack
def test_evaluator_scores_the_sentiment_pipeline():
    at = open_tab(open_page("vi"), "Evaluate")
    at.segmented_control(key="metric_kind").set_value("evaluator").run()
    at.button(key="metric_evaluator_run").click().run()
    assert not at.exception, problems(at)
    accuracy = next(m.value for m in at.metric if m.label == "accuracy")
    assert 0.7 < float(accuracy) <= 1.0


def test_hub_cli_runs_a_whitelisted_command_and_refuses_shell_syntax():
    at = open_tab(open_page("en"), "Hub CLI")
    at.button(key="cli_run").click().run()  # the first command: hf version
    assert not at.exception, problems(at)
    assert any("version" in c.value for c in at.code)
    at.selectbox(key="cli_command").set_value("models_info").run()
    at.text_input(key="cli_models_info_repo_id").set_value("gpt2; rm -rf /").run()
    assert any("not allowed" in w.value for w in at.warning), [w.value for w in at.warning]


def test_gradio_and_streamlit_side_by_side_and_this_pages_source():
    at = open_tab(open_page("vi"), "Gradio")
    assert any("import gradio" in c.value for c in at.code) and any("import streamlit" in c.value for c in at.code)
    at = open_tab(at, "Streamlit")
    assert any("lab_page(" in c.value for c in at.code)
