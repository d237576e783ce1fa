"""Speech lessons: recognition with the pack's Whisper base, speech synthesis with Piper / espeak-ng.

Models load once through lib.models.loader.shared_cache, shared by every session; the work
itself is done by lib.models.speech_builders' helpers. Heavy imports happen inside functions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from lib.text_input import InputProblem

if TYPE_CHECKING:  # only for annotations
    import numpy

WHISPER_COMPONENT = "whisper-base-ct2"
PIPER_COMPONENT = "piper-en-us-joe"
SPEAK_LANGUAGES = ("en", "vi")
MAX_SPEAK_CHARS = 600  # about 40 s of speech: long enough for a paragraph, short enough to wait for


@dataclass(frozen=True)
class Recognition:
    text: str
    language: str  # ISO 639-1 code Whisper detected (or was given)
    language_probability: float  # 1.0 when the language was given
    segments: list[tuple[float, float, str]] = field(default_factory=list)  # (start s, end s, text)
    seconds: float = 0.0  # length of the audio heard


class Speech(NamedTuple):
    samples: numpy.ndarray  # float32 mono in [-1, 1]
    sample_rate: int
    notices: list[tuple[str, dict]]  # (catalogue key, values) to show


def whisper_model():
    """The pack's Whisper base (faster-whisper, int8), loaded once for all sessions."""
    from lib.models import speech_builders
    from lib.models.loader import pack_path, shared_cache

    return shared_cache().get(f"faster-whisper:{WHISPER_COMPONENT}",
                              lambda: speech_builders.load_whisper(pack_path(WHISPER_COMPONENT)),
                              size_bytes=_footprint(WHISPER_COMPONENT))


def piper_voice():
    """The pack's English Piper voice, loaded once for all sessions."""
    from lib.models import speech_builders
    from lib.models.loader import pack_path, shared_cache

    return shared_cache().get(f"piper:{PIPER_COMPONENT}",
                              lambda: speech_builders.load_piper_voice(pack_path(PIPER_COMPONENT)),
                              size_bytes=_footprint(PIPER_COMPONENT))


def _footprint(component_id: str) -> int:
    """Memory of a model torch does not hold, estimated by its files: CTranslate2 and onnxruntime
    keep the weights they read, and the model cache needs a number to keep its budget."""
    from lib.models.pack import component, size_on_disk

    return size_on_disk(component(component_id))


def recognize(samples: numpy.ndarray, language: str | None = None) -> Recognition:
    """Whisper's transcript of 16 kHz mono audio (from lib.audio_input.load_audio).

    language=None lets Whisper detect the language from the first 30 s; pass "vi" or "en" when
    known (detection is fragile on short or synthetic speech: espeak-ng Vietnamese sounds Thai to it).
    """
    import numpy as np

    from lib.models import speech_builders

    audio = np.asarray(samples, dtype=np.float32)
    if audio.size == 0:
        raise InputProblem("audio_empty")
    result = speech_builders.transcribe(whisper_model(), audio, language=language or None)
    return Recognition(
        text=result["text"],
        language=result["language"],
        language_probability=round(result["language_probability"], 4),
        segments=[(s["start"], s["end"], s["text"]) for s in result["segments"]],
        seconds=round(audio.size / speech_builders.WHISPER_SAMPLE_RATE, 2),
    )


def speak(text: str, lang: str) -> Speech:
    """Speech for text: English with the Piper voice, Vietnamese with espeak-ng (the only offline voice).

    Text longer than MAX_SPEAK_CHARS is cut at the last space before the limit, with a notice.
    """
    from lib.models import speech_builders

    if lang not in SPEAK_LANGUAGES:
        raise ValueError(f"lang must be one of {SPEAK_LANGUAGES}, not {lang!r}")
    text = " ".join((text or "").split())  # newlines and runs of spaces read as one pause
    if not text:
        raise InputProblem("text_empty")
    notices: list[tuple[str, dict]] = []
    if len(text) > MAX_SPEAK_CHARS:
        cut = text[:MAX_SPEAK_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        notices.append(("speech_text_cut", {"limit": MAX_SPEAK_CHARS}))
    if lang == "en":
        samples, rate = speech_builders.synthesize_english(piper_voice(), text)
    else:
        samples, rate = speech_builders.synthesize_vietnamese_espeak(text)
    if samples.size == 0:  # only punctuation or symbols: nothing to pronounce
        raise InputProblem("speech_nothing_to_say")
    return Speech(samples, rate, notices)


def code_recognize(language: str | None = None) -> str:
    """Minimal runnable code (online) doing what recognize does, for the "show code" expander."""
    lang = language or None
    return f'''# pip install faster-whisper transformers torch
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio

audio = decode_audio("audio.wav", sampling_rate=16000)  # any format: wav, mp3, ogg, webm, m4a

# 1) faster-whisper (what this app runs, on the CTranslate2 copy of Whisper base)
model = WhisperModel("base", device="cpu", compute_type="int8")  # downloads Systran/faster-whisper-base
segments, info = model.transcribe(audio, language={lang!r}, beam_size=5)  # None: detect
print(info.language, round(info.language_probability, 2))
for segment in segments:
    print(f"[{{segment.start:.1f}}s -> {{segment.end:.1f}}s] {{segment.text}}")

# 2) the same model with transformers
from transformers import pipeline

asr = pipeline("automatic-speech-recognition", model="openai/whisper-base")
result = asr({{"raw": audio, "sampling_rate": 16000}}, return_timestamps=True,
             generate_kwargs={{"language": {lang!r}, "task": "transcribe"}})
print(result["text"])
'''


def code_speak(lang: str) -> str:
    """Minimal runnable code (online) doing what speak does for lang, for the "show code" expander."""
    if lang == "en":
        return '''# pip install piper-tts
import wave
from pathlib import Path

from piper import PiperVoice
from piper.download_voices import download_voice

download_voice("en_US-joe-medium", Path("."))  # from huggingface.co/rhasspy/piper-voices
voice = PiperVoice.load("en_US-joe-medium.onnx")
with wave.open("speech.wav", "wb") as wav_file:
    voice.synthesize_wav("Hello! Welcome to Hugging Face.", wav_file)
'''
    if lang == "vi":
        return '''# pip install transformers torch scipy
import scipy.io.wavfile
from transformers import pipeline

# Meta's MMS text-to-speech for Vietnamese (VITS); the offline app uses espeak-ng instead
tts = pipeline("text-to-speech", model="facebook/mms-tts-vie")
speech = tts("Xin chào! Chào mừng bạn đến với Hugging Face.")
scipy.io.wavfile.write("speech.wav", rate=speech["sampling_rate"], data=speech["audio"].squeeze())
'''
    raise ValueError(f"lang must be one of {SPEAK_LANGUAGES}, not {lang!r}")
