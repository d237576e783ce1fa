"""Speech round trips with the pack: Piper/espeak-ng speak, Whisper base hears it back."""
import re

import numpy as np
import pytest

from lib.audio_input import load_audio, to_wav_bytes
from lib.inference import speech
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

ENGLISH = "The quick brown fox jumps over the lazy dog. Machine learning models can recognize speech."
VIETNAMESE = "Xin chào các bạn, hôm nay chúng ta học về trí tuệ nhân tạo."


def words(text):
    return re.findall(r"\w+", text.lower())


def heard(spoken):
    """What a learner's upload of the spoken audio becomes: a WAV file through load_audio."""
    samples, notices = load_audio(to_wav_bytes(spoken.samples, spoken.sample_rate))
    assert notices == []
    return samples


def test_english_round_trip_and_language_detection():
    spoken = speech.speak(ENGLISH, "en")
    assert spoken.notices == [] and spoken.samples.dtype == np.float32 and spoken.sample_rate == 22_050
    result = speech.recognize(heard(spoken))
    assert result.language == "en" and result.language_probability > 0.8
    expected, got = words(ENGLISH), set(words(result.text))
    assert sum(w in got for w in expected) >= 0.8 * len(expected), result.text
    assert result.segments and all(start < end for start, end, _ in result.segments)
    assert abs(result.seconds - spoken.samples.size / spoken.sample_rate) < 0.1


def test_vietnamese_espeak_is_recognized_when_the_language_is_given():
    spoken = speech.speak(VIETNAMESE, "vi")
    result = speech.recognize(heard(spoken), language="vi")
    assert result.language == "vi"
    got = set(words(result.text))
    assert len({"xin", "chào", "các", "bạn", "hôm", "nay"} & got) >= 3, result.text


def test_models_are_loaded_once_in_the_shared_cache():
    assert speech.whisper_model() is speech.whisper_model()
    assert speech.piper_voice() is speech.piper_voice()


def test_blank_long_and_unspeakable_text():
    for blank in ("", "   \n\t"):
        with pytest.raises(InputProblem) as problem:
            speech.speak(blank, "vi")
        assert problem.value.key == "text_empty"
    with pytest.raises(InputProblem) as problem:
        speech.speak("...", "en")
    assert problem.value.key == "speech_nothing_to_say"
    spoken = speech.speak("một hai ba bốn " * 60, "vi")
    assert spoken.notices == [("speech_text_cut", {"limit": speech.MAX_SPEAK_CHARS})]
    with pytest.raises(ValueError):
        speech.speak("hello", "fr")
    with pytest.raises(InputProblem) as problem:
        speech.recognize(np.zeros(0, np.float32))
    assert problem.value.key == "audio_empty"


def test_show_code_is_valid_python_naming_the_hub_models():
    assert "openai/whisper-base" in speech.code_recognize() and "language=None" in speech.code_recognize()
    assert "language='vi'" in speech.code_recognize("vi")
    assert "en_US-joe-medium" in speech.code_speak("en")
    assert "facebook/mms-tts-vie" in speech.code_speak("vi")
    for code in (speech.code_recognize(), speech.code_recognize("vi"), speech.code_speak("en"), speech.code_speak("vi")):
        compile(code, "<show code>", "exec")
