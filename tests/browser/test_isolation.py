"""Two learners on one server see only their own work: text, uploaded file, chat and progress.

Streamlit serves a whole class from one process, with models and caches shared by everyone;
what a learner types, uploads, answers or says must stay in their own session and browser.
Learner A works first; learner B (another browser context: another student's laptop) then
opens the same pages and must find only the defaults; then B works and A's pages still show
only A's work.
"""
import pytest

from lib import quiz
from lib.i18n import translate
from lib.tokenization.presets import PRESETS
from tests.browser.harness import streamlit_server, wait_until_idle

pytestmark = [pytest.mark.browser, pytest.mark.pack]
expect = pytest.importorskip("playwright.sync_api").expect
LANG = "vi"
A_TEXT = "Zebra Quokka 4711 của bạn A"
B_TEXT = "Bạn B gõ Okapi 0815"
A_COLUMN, A_VALUE = "cot_bi_mat_cua_A", "Giá trị riêng 4711"
A_CHAT = "Bạn tên là gì? Mã của mình là 4711."
PROGRESS = "() => window.localStorage.getItem('hhf-progress') || ''"


@pytest.fixture(scope="module")
def base_url():
    with streamlit_server("Home.py") as url:
        yield url


def settle(page) -> None:
    page.wait_for_timeout(600)
    wait_until_idle(page, 180_000)


def open_page(context, url: str):
    page = context.new_page()
    page.goto(url)
    settle(page)
    return page


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def type_text(page, text: str) -> None:
    box = page.locator(".st-key-tok_text textarea")
    box.fill(text)
    box.press("Control+Enter")
    settle(page)


def upload_csv(page, path) -> None:
    page.get_by_text(translate(LANG, "ds_source_upload"), exact=True).click()
    settle(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(path))
    page.get_by_text(translate(LANG, "ds_rows_match", shown=3, total=3, pages=1)).wait_for(timeout=120_000)
    settle(page)


def test_two_learners_see_only_their_own_work(browser, base_url, tmp_path):
    question = next(q for q in quiz.load("hub", LANG) if q.kind == "single" and not q.live)
    right = next(c for c in question.choices if c.correct)
    tokenizers = f"{base_url}/tokenizers-lab?lang={LANG}&tab=lab-1"
    viewer = f"{base_url}/datasets-lab?lang={LANG}&tab=viewer"
    quiz_page = f"{base_url}/quiz?lang={LANG}&area=hub"
    chat = f"{base_url}/inference-spaces?lang={LANG}&tab=conversational"
    upload = tmp_path / "cua_A.csv"
    upload.write_text(f"id,{A_COLUMN}\n1,{A_VALUE}\n2,{A_VALUE}\n3,khác\n", encoding="utf-8")
    a = browser.new_context(viewport={"width": 1280, "height": 900})
    b = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        # Learner A: types, uploads, answers a quiz question, chats; each page stays open.
        a_tok = open_page(a, tokenizers)
        type_text(a_tok, A_TEXT)
        a_view = open_page(a, viewer)
        upload_csv(a_view, upload)
        assert a_view.get_by_text(A_VALUE).count() >= 1 or A_COLUMN in a_view.content()
        a_quiz = open_page(a, quiz_page)
        a_quiz.locator(f".st-key-quiz_hub_{question.id}_pick").get_by_text(right.text, exact=True).click()
        a_quiz.locator(f".st-key-quiz_hub_{question.id}_check button").click()
        a_quiz.get_by_text(translate(LANG, "quiz_right")).wait_for(timeout=60_000)
        a_quiz.wait_for_function(f"() => ({PROGRESS[6:]}).includes({question.id!r})", timeout=30_000)
        a_chat = open_page(a, chat)
        box = a_chat.locator(".st-key-chat_input textarea")
        box.fill(A_CHAT)
        box.press("Enter")
        a_chat.wait_for_function("() => document.querySelectorAll('[data-testid=stChatMessage]').length >= 2",
                                 timeout=120_000)
        settle(a_chat)
        for page in (a_tok, a_view, a_quiz, a_chat):
            no_exception(page)

        # Learner B opens the same pages: defaults only, nothing of A's.
        b_tok = open_page(b, tokenizers)
        # the box fills in a moment after the run ends: expect() retries until it shows the default
        expect(b_tok.locator(".st-key-tok_text textarea")).to_have_value(PRESETS["vi"], timeout=30_000)
        b_view = open_page(b, viewer)
        assert A_COLUMN not in b_view.content()
        b_view.get_by_text(translate(LANG, "ds_source_upload"), exact=True).click()
        settle(b_view)
        b_view.get_by_text(translate(LANG, "ds_upload_waiting")).wait_for(timeout=30_000)  # no file of A's
        b_quiz = open_page(b, quiz_page)
        assert b_quiz.get_by_text(translate(LANG, "quiz_right")).count() == 0
        assert question.id not in b_quiz.evaluate(PROGRESS)
        b_chat = open_page(b, chat)
        assert b_chat.locator('[data-testid="stChatMessage"]').count() == 0
        for page in (b_tok, b_view, b_quiz, b_chat):
            assert "4711" not in page.locator('[data-testid="stMain"]').inner_text()
            no_exception(page)

        # B works; A's pages, re-run, still show only A's work.
        type_text(b_tok, B_TEXT)
        expect(b_tok.locator(".st-key-tok_text textarea")).to_have_value(B_TEXT, timeout=30_000)
        a_tok.locator(".st-key-tok_show_ids label").first.click()  # a rerun of A's widget
        settle(a_tok)
        expect(a_tok.locator(".st-key-tok_text textarea")).to_have_value(A_TEXT, timeout=30_000)
        assert "0815" not in a_tok.locator('[data-testid="stMain"]').inner_text()
        assert A_COLUMN in a_view.content()
        messages = a_chat.locator('[data-testid="stChatMessage"]')
        assert messages.count() == 2 and A_CHAT in messages.first.inner_text()
        assert question.id in a_quiz.evaluate(PROGRESS)
        for page in (a_tok, a_view, a_quiz, a_chat, b_tok):
            no_exception(page)
    finally:
        a.close()
        b.close()
