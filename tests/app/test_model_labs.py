"""The Transformers and Inference pages as a learner uses them, on the real offline pack."""
import io
import subprocess
import wave

import numpy as np
import pytest

from lib.i18n import translate
from lib.sections import LANGS
from tests.app.lab_pages import assert_every_tab_opens, open_page, open_tab

pytestmark = pytest.mark.pack




def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("page", ["transformers_pipelines", "inference_spaces"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_tab_opens_without_error(page, lang):
    assert_every_tab_opens(page, lang)


def test_text_tasks_give_scores_entities_and_refuse_blank_text():
    at = open_tab(open_page("transformers_pipelines", "vi"), "transformers_pipelines", "(NLP)")
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.get("plotly_chart")) >= 2  # sentiment and zero-shot scores
    entities = " ".join(h.proto.body for h in at.get("html"))
    assert "Hồ Chí Minh" in entities and "PER" in entities and "LOC" in entities
    at.text_area(key="sent_text").set_value("   ").run()
    assert translate("vi", "text_empty") in [w.value for w in at.warning]
    at.text_input(key="zs_labels").set_value(" , ,").run()
    assert translate("vi", "zero_shot_no_labels") in [w.value for w in at.warning]


def test_digits_sample_and_bad_uploads():
    at = open_tab(open_page("inference_spaces", "en"), "inference_spaces", "Image classification")
    assert any("The model says **" in s.value for s in at.success)
    at.file_uploader(key="digits_upload").upload("cat.png", b"not really a png", "image/png").run()
    assert not at.exception
    assert translate("en", "image_not_image") in [w.value for w in at.warning]


def test_speech_recognition_hears_espeak_and_refuses_silence(tmp_path):
    at = open_tab(open_page("inference_spaces", "en"), "inference_spaces", "Speech recognition")
    path = tmp_path / "hello.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(path), "hello world, this is a test"], check=True)
    at.file_uploader(key="asr_upload").upload("hello.wav", path.read_bytes(), "audio/wav").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "hello" in " ".join(t.value for t in at.text).lower()
    at.file_uploader(key="asr_upload").set_value(("silence.wav", wav_bytes(np.zeros(32_000)), "audio/wav")).run()
    assert translate("en", "audio_silent") in [w.value for w in at.warning]


def test_chat_answers_and_keeps_the_conversation():
    at = open_tab(open_page("inference_spaces", "en"), "inference_spaces", "Conversational AI")
    at.chat_input(key="chat_input").set_value("What is the capital of France?").run()
    assert not at.exception, [e.message for e in at.exception]
    messages = at.session_state["chat_messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"] and messages[1]["content"].strip()


def test_speech_synthesis_speaks_the_language_of_the_chosen_model():
    at = open_tab(open_page("inference_spaces", "vi"), "inference_spaces", "giọng nói")
    assert at.selectbox(key="tts_model").value.id == "espeak-ng-vi"  # a Vietnamese page starts in Vietnamese
    assert at.text_area(key="tts_vi").value == translate("vi", "tts_default")
    at.button(key="tts_button").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.get("audio") and any("espeak" in c.value for c in at.code)
    at.selectbox(key="tts_model").set_value(next(o for o in at.selectbox(key="tts_model").options
                                                 if "piper" in o)).run()
    assert at.text_area(key="tts_en").value == translate("en", "tts_default")
    assert any("piper" in c.value.lower() for c in at.code)  # the shown code follows the model


def test_the_embeddings_lab_runs_the_model_the_picker_shows():
    at = open_tab(open_page("inference_spaces", "vi"), "inference_spaces", "(embeddings)")
    assert at.selectbox(key="emb_model").value.id == "multilingual-e5-small"  # the default reads Vietnamese
    assert any("intfloat/multilingual-e5-small" in c.value for c in at.code)
    e5_scores = [row for row in at.dataframe[0].value.iloc[:, 0]]
    minilm = next(o for o in at.selectbox(key="emb_model").options if o.startswith("all-minilm-l6-v2"))
    at.selectbox(key="emb_model").set_value(minilm).run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("sentence-transformers/all-MiniLM-L6-v2" in c.value and "query: " not in c.value for c in at.code)
    assert [row for row in at.dataframe[0].value.iloc[:, 0]] != e5_scores  # another model, other scores


def test_online_a_hub_model_runs_on_the_learners_text_with_its_code(monkeypatch):
    """A "Hub" model here is the pack's classifier folder offered as a Hub choice: the Hub path
    (download, pipeline(task, model=id), chart, code) runs without a network."""
    import lib.ui.model_picker as picker
    from lib.models.choice import ModelChoice, choices
    from lib.models.pack import pack_dir

    hub_model = str(pack_dir() / "sentiment-e5-vi-en")
    monkeypatch.setattr(picker, "hub_problem", lambda model_id: None)
    monkeypatch.setattr(picker, "choices", lambda task_id, online, *order: choices(task_id, False, *order) + [ModelChoice("hub", hub_model)])
    picker.cached_hub_problem.clear()
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    at = open_tab(open_page("transformers_pipelines", "en"), "transformers_pipelines", "(NLP)")
    charts_offline = len(at.get("plotly_chart"))
    at.selectbox(key="sent_model").set_value(ModelChoice("hub", hub_model)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.get("plotly_chart")) == charts_offline - 1  # no pack scores passed off as the Hub model's
    at.button(key="hubrun_text-classification_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.get("plotly_chart")) == charts_offline  # the Hub model's own scores
    assert any(f'pipeline("text-classification", model="{hub_model}")' in c.value for c in at.code)


def test_offline_stand_in_answers_by_prompting_and_shows_the_prompt():
    at = open_tab(open_page("transformers_pipelines", "en"), "transformers_pipelines", "(NLP)")
    at.button(key="prompt_question-answering_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Which river is Hanoi on?" in c.value for c in at.code)  # the prompt, shown
    assert any("HuggingFaceTB/SmolLM2-135M-Instruct" in c.value for c in at.code)


def test_local_server_answers_a_request_and_a_space_is_generated():
    at = open_tab(open_page("inference_spaces", "en"), "inference_spaces", "Hosted inference")
    at.button(key="serve_start").click().run()
    assert not at.exception, [e.message for e in at.exception]
    at.button(key="serve_call").click().run()  # text-classification with the pack's classifier
    assert not at.exception, [e.message for e in at.exception]
    assert any("HTTP 200" in c.value for c in at.caption)
    at = open_tab(at, "inference_spaces", "Spaces: Gradio, Streamlit")
    assert not at.exception, [e.message for e in at.exception]
    assert any("sdk: gradio" in c.value for c in at.code)
    at.segmented_control(key="spaces_sdk").set_value("streamlit").run()
    assert any("sdk: docker" in c.value for c in at.code)
    at.text_input(key="spaces_name").set_value("<script>").run()
    assert at.warning, "a title with markup is refused"


def test_hosted_call_explains_itself_offline_and_asks_for_a_token_online(monkeypatch):
    from lib.i18n import translate

    at = open_tab(open_page("inference_spaces", "vi"), "inference_spaces", "(hosted inference)")
    assert translate("vi", "hosted_live_offline") in [i.value for i in at.info]
    assert any('InferenceClient(provider="auto"' in c.value for c in at.code)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # online mode; no token, so nothing is sent
    at.run()
    at.button(key="hosted_call").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert translate("vi", "hosted_token_missing") in [w.value for w in at.warning]
    assert at.text_input(key="hosted_token").proto.type == 1  # a password field: the token is never shown
