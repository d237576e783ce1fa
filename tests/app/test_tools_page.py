"""The Additional tools page as a learner uses it: the metric explorer."""
import pytest

from lib.i18n import translate
from lib.sections import LANGS
from tests.app.lab_pages import assert_every_tab_opens, open_page, open_tab, problems

PAGE = "tools"





@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(lang):
    assert_every_tab_opens(PAGE, lang)


def test_metric_explorer_scores_every_kind_and_refuses_mismatched_lines():
    at = open_tab(open_page(PAGE, "en"), PAGE, "Evaluate")
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
    at = open_tab(open_page(PAGE, "vi"), PAGE, "Evaluate")
    at.segmented_control(key="metric_kind").set_value("evaluator").run()
    at.button(key="metric_evaluator_run").click().run()
    assert not at.exception, problems(at)
    accuracy = next(m.value for m in at.metric if m.label == "accuracy")
    assert 0.7 < float(accuracy) <= 1.0


def test_hub_cli_runs_a_whitelisted_command_and_refuses_shell_syntax():
    at = open_tab(open_page(PAGE, "en"), PAGE, "Hub CLI")
    at.button(key="cli_run").click().run()  # the first command: hf version
    assert not at.exception, problems(at)
    assert any("version" in c.value for c in at.code)
    at.selectbox(key="cli_command").set_value("models_info").run()
    at.text_input(key="cli_models_info_repo_id").set_value("gpt2; rm -rf /").run()
    assert any("not allowed" in w.value for w in at.warning), [w.value for w in at.warning]


def test_gradio_and_streamlit_side_by_side_and_this_pages_source():
    at = open_tab(open_page(PAGE, "vi"), PAGE, "Gradio")
    assert any("import gradio" in c.value for c in at.code) and any("import streamlit" in c.value for c in at.code)
    at = open_tab(at, PAGE, "Streamlit")
    assert any("lab_page(" in c.value for c in at.code)


@pytest.mark.pack
def test_optimum_compares_pytorch_onnx_and_int8():
    from tests.app.test_trainer_page import wait_for_job

    at = open_tab(open_page(PAGE, "en"), PAGE, "Optimum")
    at.button(key="opt_job_start").click().run()
    at = wait_for_job(at, "opt_job", timeout=900)
    assert not at.exception, problems(at)
    table = at.dataframe[0].value.rename(columns=lambda heading: heading.lower())  # headings in English
    assert list(table["version"]) == ["pytorch-fp32", "onnx-fp32", "onnx-int8"]
    assert table["size (mb)"].iloc[2] < 0.5 * table["size (mb)"].iloc[0]


def test_trl_tab_draws_the_pipeline_and_shows_the_sft_code():
    at = open_tab(open_page(PAGE, "vi"), PAGE, "TRL")
    assert not at.exception, problems(at)
    assert at.get("plotly_chart") and any("SFTTrainer" in c.value for c in at.code)
    methods = at.dataframe[0].value  # the methods side by side, headed and named in Vietnamese
    assert translate("vi", "col_reward_model") in methods.columns and "reward_model" not in methods.columns
    assert "SFT (tinh chỉnh có giám sát)" in list(methods[translate("vi", "col_method")])


@pytest.mark.pack
@pytest.mark.parametrize("method", ["sft", "dpo"])
def test_trl_runs_from_the_page_and_compares_answers(method):
    from tests.app.test_trainer_page import wait_for_job

    at = open_tab(open_page(PAGE, "en"), PAGE, "TRL")
    at.radio(key="trl_method").set_value(method).run()
    assert any(("DPOTrainer" if method == "dpo" else "SFTTrainer") in c.value for c in at.code)
    at.slider(key=f"trl_{method}_steps").set_value(10).run()
    at.button(key="trl_job_start").click().run()
    at = wait_for_job(at, "trl_job", timeout=900)
    assert not at.exception, problems(at)
    result = at.session_state["trl_job"].result
    assert result.steps == 10 and len(result.comparison) == 4
    assert any(translate("en", "trl_after") in str(t.value.columns.tolist()) for t in at.table)
    if method == "dpo":
        assert result.losses[-1][1] < result.losses[0][1] and result.margins[-1][1] > 0
        assert any("0.693" in c.value for c in at.caption)
