"""Quizzes, progress, search, presentation mode and shared links, as a learner uses them."""
from streamlit.testing.v1 import AppTest

from lib import quiz
from lib.i18n import translate
from lib.sections import ROOT
from tests.app.lab_pages import open_page, open_tab, problems


def open_with(params: dict, page: str | None = None) -> AppTest:
    """A new session opened from a link: the query parameters are there before the first run."""
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    return at


def test_a_quiz_answer_gets_feedback_for_every_choice_and_counts_in_progress():
    at = open_page("quiz", "en")
    assert not at.exception, problems(at)
    first = quiz.load("hub", "en")[0]
    right = next(i for i, c in enumerate(first.choices) if c.correct) if not first.live else None
    key = f"quiz_hub_{first.id}"
    at.button(key=f"{key}_check").click().run()
    assert translate("en", "quiz_nothing_picked") in [w.value for w in at.warning]
    if first.kind == "single":
        at.radio(key=f"{key}_pick").set_value(first.choices[right].text).run()
    else:
        for i, choice in enumerate(first.choices):
            at.checkbox(key=f"{key}_pick_{i}").set_value(bool(choice.correct)).run()
    at.button(key=f"{key}_check").click().run()
    assert not at.exception, problems(at)
    assert translate("en", "quiz_right") in [s.value for s in at.success]
    assert sum(c.explain in m.value for m in at.markdown for c in first.choices) >= len(first.choices)
    assert at.session_state["progress"]["quiz"]["hub"][first.id] is True


def test_a_live_question_is_checked_with_the_real_tokenizer():
    at = open_page("quiz", "vi")
    at.session_state["quiz_tab_vi"] = next(t.label for t in at.tabs if "Tokenizers" in t.label)
    at.run()
    live = next(q for q in quiz.load("tokenizers", "vi") if q.live and q.kind == "single")
    wrong = next(c for c in quiz.resolve(live).choices if not c.correct)
    key = f"quiz_tokenizers_{live.id}"
    at.radio(key=f"{key}_pick").set_value(wrong.text).run()
    at.button(key=f"{key}_check").click().run()
    assert not at.exception, problems(at)
    assert translate("vi", "quiz_wrong") in [e.value for e in at.error]
    assert at.session_state["progress"]["quiz"]["tokenizers"][live.id] is False


def test_opening_a_leaf_counts_and_home_draws_progress_with_export_and_bad_import():
    at = open_tab(open_page("tokenizers_lab", "en"), "tokenizers_lab", "WordPiece")
    assert "tokenizers.wordpiece" in at.session_state["progress"]["visited"]
    at.switch_page("app_pages/home.py")
    at.run()
    at.session_state["home_tab"] = translate("en", "progress_tab")
    at.run()
    assert not at.exception, problems(at)
    leaves = next(m for m in at.metric if m.label == translate("en", "progress_leaves"))
    assert leaves.value.startswith("1 / ")
    assert at.get("plotly_chart")
    assert [b.proto.label for b in at.get("download_button")] == [translate("en", "progress_export")]
    at.button(key="progress_reset").click().run()
    at.button(key="progress_reset_yes").click().run()
    assert at.session_state["progress"]["visited"] == [] and not at.exception, problems(at)


def test_search_box_finds_terms_and_lessons():
    at = open_page("home", "vi")
    at.text_input(key="site_search").set_value("tach tu").run()
    assert not at.exception, problems(at)
    labels = [link.proto.label for link in at.get("page_link")]
    assert any(label.startswith("bộ tách từ") for label in labels)
    at.text_input(key="site_search").set_value("zzzzqqq").run()
    assert translate("vi", "search_none") in [c.value for c in at.sidebar.caption]


def test_a_shared_link_opens_the_tab_the_text_and_the_tokenizers():
    at = open_with({"lang": "en", "tab": "bpe", "text": "Xin chào cả lớp", "tokenizers": "gpt2,xlmr,nonsense"},
                   page="tokenizers_lab")
    assert not at.exception, problems(at)
    assert at.session_state["tokenizers_lab_tab_position"] == next(
        i for i, t in enumerate(at.tabs) if t.label.endswith("BPE (Byte-Pair Encoding)"))
    assert at.query_params["tab"] in ("bpe", ["bpe"])
    at = open_with({"lang": "en", "tab": "lab-1", "text": "Xin chào cả lớp", "tokenizers": "gpt2,xlmr,nonsense"},
                   page="tokenizers_lab")
    assert at.session_state["tok_text"] == "Xin chào cả lớp" and at.session_state["tok_chosen"] == ["gpt2", "xlmr"]
    assert at.query_params["text"] in ("Xin chào cả lớp", ["Xin chào cả lớp"])


def test_presentation_mode_steps_through_slides_with_live_widgets():
    at = open_with({"lang": "vi", "present": "1", "slide": "2"}, page="tokenizers_lab")
    assert not at.exception, problems(at)
    assert at.session_state["present"] is True and not at.tabs  # slides, not tabs
    assert at.button(key="slide_previous").proto.disabled is False
    at.button(key="slide_next").click().run()
    assert at.session_state["tokenizers_lab_slide"] == 2 and at.query_params["slide"] in ("3", ["3"])
    at.button(key="present_exit").click().run()
    assert at.session_state["present"] is False and at.tabs


def test_links_with_nonsense_parameters_open_the_defaults():
    at = open_with({"lang": "xx", "present": "1", "slide": "²", "tab": "<script>", "tokenizers": ",,,",
                    "text": "x" * 5_000}, page="tokenizers_lab")
    assert not at.exception, problems(at)
    assert at.session_state["lang"] == "vi" and "tokenizers_lab_slide" not in at.session_state  # slide 1
    assert at.button(key="slide_previous").proto.disabled
    at = open_with({"lang": "en", "tab": "<script>", "text": "x" * 5_000, "tokenizers": ",,,"},
                   page="tokenizers_lab")
    assert not at.exception, problems(at)
    assert at.session_state["tokenizers_lab_tab_position"] == 0 and len(at.session_state["tok_text"]) == 500
