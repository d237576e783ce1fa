"""The Datasets page as a learner uses it: famous datasets, the loading steps, the viewer, uploads."""
import pytest

from lib.i18n import translate
from lib.sections import LANGS
from tests.app.lab_pages import assert_every_tab_opens, open_page, open_tab, problems

PAGE = "datasets_lab"





@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(lang):
    assert_every_tab_opens(PAGE, lang)


def test_viewer_searches_filters_and_describes_columns():
    at = open_tab(open_page(PAGE, "en"), PAGE, "Dataset Viewer")
    assert not at.exception, problems(at)
    total = translate("en", "ds_rows_match", shown=480, total=480, pages=48)
    assert total in [c.value for c in at.caption]
    charts_before = len(at.get("plotly_chart"))
    assert charts_before >= 4  # one per column that has a distribution
    at.text_input(key="ds_view_search").set_value("dien thoai").run()  # accents folded: finds "điện thoại"
    matched = next(c.value for c in at.caption if " of 480 rows match" in c.value)
    assert not matched.startswith(("0 ", "480 ")), matched
    at.selectbox(key="ds_view_filter_column").set_value("label").run()
    at.multiselect(key="ds_view_filter_values_label").set_value(["positive"]).run()
    assert not at.exception, problems(at)
    assert any(b.label == translate("en", "ds_download_csv") for b in at.get("download_button"))


def test_viewer_opens_uploads_and_refuses_bad_ones():
    at = open_tab(open_page(PAGE, "vi"), PAGE, "Dataset Viewer")
    at.segmented_control(key="ds_source").set_value("upload").run()
    at.file_uploader(key="ds_upload_file").upload("bad.csv", b"a,b\n1,2\n3,4,5\n", "text/csv").run()
    assert not at.exception, problems(at)
    assert any("Dòng" in w.value for w in at.warning), [w.value for w in at.warning]
    at.file_uploader(key="ds_upload_file").upload("ok.csv", "tên,điểm\nAn,7\nBình,9\nChi,x\n".encode(), "text/csv").run()
    assert not at.exception, problems(at)
    assert translate("vi", "ds_rows_match", shown=3, total=3, pages=1) in [c.value for c in at.caption]


def test_a_loading_step_runs_and_shows_its_code_and_figures():
    at = open_tab(open_page(PAGE, "en"), PAGE, "Data Loading API")
    at.selectbox(key="ds_step").set_value("map_batched").run()
    at.button(key="ds_step_run_map_batched").click().run()
    assert not at.exception, problems(at)
    assert any("batched=True" in c.value for c in at.code)
    assert len(at.metric) >= 2


def test_a_famous_dataset_opens_its_example_in_its_schema():
    at = open_tab(open_page(PAGE, "en"), PAGE, "SQuAD, IMDB, CoLA")
    at.toggle(key="ds_famous_open_squad").set_value(True).run()
    assert not at.exception, problems(at)
    assert any("answers" in str(t.value) for t in at.table)
