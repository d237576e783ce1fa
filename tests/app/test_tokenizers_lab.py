"""The Tokenizers page as a learner uses it: type, upload, switch tabs, train, measure."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import translate
from lib.sections import LANGS, ROOT
from lib.tokenization import catalog, compare
from lib.tokenization.presets import PRESETS

pytestmark = pytest.mark.pack


def open_lab(lang: str = "vi") -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/tokenizers_lab.py")
    return at.run()


def lab_html(at: AppTest) -> str:
    return " ".join(h.proto.body for h in at.get("html"))


def row_summaries(at: AppTest) -> list[str]:
    return re.findall(r'<div class="hhf-head">([^<]*)</div>', lab_html(at))


def open_tab(at: AppTest, index: int) -> AppTest:
    at.session_state[f"tokenizers_lab_tab_{at.session_state['lang']}"] = at.tabs[index].label
    return at.run()


@pytest.mark.parametrize("lang", LANGS)
def test_compare_shows_every_tokenizer_with_its_exact_count(lang):
    at = open_lab(lang)
    assert not at.exception, [e.message for e in at.exception]
    summaries = row_summaries(at)
    assert len(summaries) == len(catalog.ALL)
    text = PRESETS["vi"]
    for spec, summary in zip(catalog.ALL, summaries):
        count = compare.tokenize(spec.id, text).count
        assert f"· {count} token" in summary, (spec.id, summary)
    assert at.get("plotly_chart") and at.dataframe


def test_typed_text_html_and_empty_text():
    at = open_lab("vi")
    at.text_area(key="tok_text").set_value("<script>alert('x')</script> <b>đậm</b>").run()
    assert not at.exception
    chips = lab_html(at)
    assert "&lt;script&gt;" in chips and "<script>" not in chips and "<b>" not in chips
    at.text_area(key="tok_text").set_value("").run()
    assert [w.value for w in at.warning] == [translate("vi", "text_empty")]
    at.text_area(key="tok_text").set_value("    ").run()
    assert translate("vi", "text_only_spaces") in [i.value for i in at.info]


def test_presets_and_choosing_no_tokenizer():
    at = open_lab("en")
    at.button_group(key="tok_preset").set_value("accents").run()
    assert at.text_area(key="tok_text").value == PRESETS["accents"]
    at.button_group(key="tok_chosen").set_value([]).run()
    assert translate("en", "tok_choose_none") in [i.value for i in at.info]


@pytest.mark.parametrize("content,key", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "text_upload_binary"),
    (b"", "text_upload_empty"),
    ("café".encode("cp1252"), "text_upload_not_utf8"),
])
def test_bad_uploads_say_why(content, key):
    at = open_lab("vi")
    at.file_uploader(key="tok_upload").upload("notes.txt", content, "text/plain").run()
    assert not at.exception
    assert translate("vi", key) in [w.value for w in at.warning]


def test_a_megabyte_upload_is_cut_with_a_notice_and_counted():
    at = open_lab("en")
    big = ("Xin chào Việt Nam. " * 60_000).encode()  # 1.4 MB
    at.file_uploader(key="tok_upload").upload("big.txt", big, "text/plain").run()
    assert not at.exception
    assert any("200,000" in i.value for i in at.info)
    assert len(at.text_area(key="tok_text").value) == 200_000
    assert "Showing the first 200 of" in lab_html(at)


@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_runs(lang):
    at = open_lab(lang)
    for index in range(1, len(at.tabs)):
        open_tab(at, index)
        assert not at.exception, (at.tabs[index].label, [e.message for e in at.exception])
    assert at.button(key="train_button")


def test_switching_language_keeps_the_open_tab():
    at = open_tab(open_lab("vi"), 5)
    at.sidebar.segmented_control[0].set_value("en").run()
    assert not at.exception
    assert at.selectbox(key="tok_inside_id")  # still on the Fast tokenizers tab, now in English
    assert at.tabs[5].label.endswith("Fast tokenizers")


def test_inside_shows_stages_and_round_trip():
    at = open_tab(open_lab("en"), 5)  # Fast tokenizers: inside + fast vs slow
    at.selectbox(key="tok_inside_id").set_value("xlmr").run()
    at.number_input(key="tok_inside_pad").set_value(30).run()
    assert not at.exception
    assert translate("en", "tok_round_trip_ok") in [s.value for s in at.success]
    at.selectbox(key="tok_inside_id").set_value("bert").run()
    assert translate("en", "tok_round_trip_lossy") in [w.value for w in at.warning]


def test_train_and_measure():
    at = open_tab(open_lab("vi"), 6)
    at.button(key="train_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success and at.download_button
    at.toggle(key="train_sweep").set_value(True).run()
    assert not at.exception and at.get("plotly_chart")
    at = open_tab(at, 5)
    at.button(key="speed_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert translate("vi", "speed_same_ids") in [c.value for c in at.caption]


def test_online_a_hub_tokenizer_id_is_checked_before_it_is_added(monkeypatch):
    import lib.ui.model_picker as picker

    answers = {"someone/missing": "hub_not_found"}
    monkeypatch.setattr(picker, "hub_problem", lambda model_id: answers.get(model_id))
    picker.cached_hub_problem.clear()
    loadable = {"someone/gpt2-copy": catalog.load("gpt2")}  # stands in for a tokenizer downloaded from the Hub

    def fake_load(tokenizer_id):
        if tokenizer_id in loadable:
            return loadable[tokenizer_id]
        raise OSError("no tokenizer files")

    real_load = catalog.load
    monkeypatch.setattr(catalog, "load", lambda i: fake_load(i) if "/" in i else real_load(i))
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    at = open_lab("en")
    assert translate("en", "tok_hub_offline") not in [c.value for c in at.caption]

    def add(hub_id):
        at.text_input(key="tok_hub_id").set_value(hub_id)
        at.button(key="tok_hub_submit").click().run()
        assert not at.exception, [e.message for e in at.exception]

    add("not a repo id!")
    assert translate("en", "picker_invalid_id") in [e.value for e in at.error]
    add("someone/missing")
    assert translate("en", "hub_not_found", model="someone/missing") in [w.value for w in at.warning]
    add("someone/no-tokenizer")
    assert translate("en", "tok_hub_load_failed", model="someone/no-tokenizer") in [w.value for w in at.warning]
    assert "tok_hub_ids" not in at.session_state
    add("someone/gpt2-copy")
    assert at.session_state["tok_hub_ids"] == ["someone/gpt2-copy"]
    assert "someone/gpt2-copy" in at.session_state["tok_chosen"]
    gpt2_count = compare.tokenize("gpt2", PRESETS["vi"]).count
    assert f"someone/gpt2-copy · {gpt2_count} tokens" in " ".join(row_summaries(at))



def test_blank_text_and_tiny_corpora_give_messages_not_errors():
    at = open_tab(open_lab("en"), 5)
    at.text_input(key="tok_inside_text").set_value("   ").run()
    assert not at.exception, [e.message for e in at.exception]
    assert translate("en", "text_only_spaces") in [i.value for i in at.info]
    at = open_tab(at, 6)
    at.segmented_control(key="train_source").set_value("upload").run()
    at.file_uploader(key="train_upload").upload("one.txt", "🤗 🤗".encode(), "text/plain").run()
    assert translate("en", "train_need_lines") in [w.value for w in at.warning]
    at.file_uploader(key="train_upload").set_value(("two.txt", "🤗 🤗\n🤗".encode(), "text/plain")).run()
    at.button(key="train_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.success
