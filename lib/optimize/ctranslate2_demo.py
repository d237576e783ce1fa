"""CTranslate2 compute types on the pack's Whisper base: another way of optimising for hardware.

faster-whisper runs Whisper on CTranslate2, an inference engine written for CPUs and GPUs. The
pack stores the weights as float16 (`model.bin`); `compute_type` picks, at load time, how they
are held and multiplied on this machine: "int8" (8-bit weights, quantized while loading),
"int8_float32", "int16" or "float32". CPUs have no fast float16, so float16 itself is not offered
here. The demo speaks a known sentence (Piper for English, espeak-ng for Vietnamese), transcribes
it with each compute type and reports load time, transcription time, memory and word error rate.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass

WHISPER_COMPONENT = "whisper-base-ct2"
COMPUTE_TYPES = ("int8", "int8_float32", "float32")
DEFAULT_TEXTS = {
    "en": "Hugging Face makes machine learning easy to share. Today we compare three ways to run one model.",
    "vi": "Hôm nay chúng ta học cách chạy mô hình nhanh hơn trên máy tính.",
}


@dataclass(frozen=True)
class SpeechComparison:
    """One row per compute type (DataFrame-ready): compute_type, load_s, transcribe_s (median of
    rounds), rss_mb (process memory added by loading the model), wer, text."""
    rows: list[dict]
    reference: str
    lang: str
    audio_seconds: float
    rounds: int
    load_average: tuple[float, float, float]
    seconds: float


def supported_compute_types() -> list[str]:
    """Compute types CTranslate2 can use on this CPU (float16 is missing on CPUs)."""
    import ctranslate2

    return sorted(ctranslate2.get_supported_compute_types("cpu"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """WER with jiwer after lower-casing and removing punctuation (Whisper adds its own)."""
    import jiwer

    normalise = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                               jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])
    return float(jiwer.wer(reference, hypothesis, reference_transform=normalise, hypothesis_transform=normalise))


# Each compute type runs in a fresh Python process: memory freed by one CTranslate2 model stays
# in this process's allocator and would make the next model look smaller than it is.
_WORKER = r"""
import json, statistics, sys, time
import numpy as np, psutil
sys.path.insert(0, sys.argv[1])
from lib.models import speech_builders
job = json.loads(sys.argv[2])
audio = np.load(job["audio"])
process = psutil.Process()
before = process.memory_info().rss
start = time.perf_counter()
model = speech_builders.load_whisper(job["folder"], compute_type=job["compute_type"])
load_s = time.perf_counter() - start
loaded = process.memory_info().rss
times = []
for _ in range(job["rounds"]):
    start = time.perf_counter()
    result = speech_builders.transcribe(model, audio, language=job["lang"], beam_size=job["beam_size"])
    times.append(time.perf_counter() - start)
print(json.dumps({"load_s": load_s, "transcribe_s": statistics.median(times), "text": result["text"],
                  "rss_mb": (loaded - before) / 1e6, "peak_mb": process.memory_info().rss / 1e6}))
"""


def _run_worker(job: dict) -> dict:
    import json
    import subprocess
    import sys

    from lib.sections import ROOT

    done = subprocess.run([sys.executable, "-c", _WORKER, str(ROOT), json.dumps(job)], capture_output=True,
                          text=True, timeout=300, check=False,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"})
    if done.returncode != 0:
        raise RuntimeError(f"whisper worker failed for {job['compute_type']}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(text: str | None = None, lang: str = "en", compute_types: tuple[str, ...] = COMPUTE_TYPES,
            rounds: int = 2, beam_size: int = 5) -> SpeechComparison:
    """Speak `text` (the default sentence for `lang` if None), then time each compute type on it.

    Each compute type loads the model in a fresh process (so load time and memory are its own;
    the app's cached model is not touched): ~4-8 s per type on a laptop CPU, plus ~2 s of imports.
    rss_mb is the memory the loaded model adds to its process.
    """
    import tempfile

    import numpy as np

    from lib.inference.speech import speak
    from lib.models import speech_builders
    from lib.models.loader import pack_path

    start_all = time.perf_counter()
    text = DEFAULT_TEXTS[lang] if text is None else text
    speech = speak(text, lang)  # InputProblem("text_empty") for empty text
    folder = pack_path(WHISPER_COMPONENT)
    available = set(supported_compute_types())
    unknown = [t for t in compute_types if t not in available]
    if unknown:
        raise ValueError(f"{unknown} not supported on this CPU: {sorted(available)}")
    audio = speech_builders._to_16k(speech.samples, speech.sample_rate)  # once, not in every process
    rows = []
    with tempfile.TemporaryDirectory(prefix="hhf-ct2-") as scratch:
        audio_file = os.path.join(scratch, "audio.npy")
        np.save(audio_file, audio.astype(np.float32))
        for compute_type in compute_types:
            measured = _run_worker({"audio": audio_file, "folder": str(folder), "compute_type": compute_type,
                                    "lang": lang, "rounds": rounds, "beam_size": beam_size})
            rows.append({"compute_type": compute_type, "load_s": round(measured["load_s"], 2),
                         "transcribe_s": round(measured["transcribe_s"], 2),
                         "rss_mb": round(measured["rss_mb"], 1),
                         "wer": round(word_error_rate(text, measured["text"]), 3), "text": measured["text"]})
    return SpeechComparison(rows=rows, reference=text, lang=lang,
                            audio_seconds=round(len(audio) / speech_builders.WHISPER_SAMPLE_RATE, 2),
                            rounds=rounds, load_average=tuple(round(x, 2) for x in os.getloadavg()),
                            seconds=round(time.perf_counter() - start_all, 1))


def code(compute_type: str = "int8") -> str:
    """Minimal runnable code for the "show code" expander (downloads Whisper base once)."""
    return f'''# pip install faster-whisper jiwer
import time
from faster_whisper import WhisperModel
from faster_whisper.audio import decode_audio
import jiwer

audio = decode_audio("audio.wav", sampling_rate=16000)
reference = "the sentence that was spoken"
normalise = jiwer.Compose([jiwer.ToLowerCase(), jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(),
                           jiwer.Strip(), jiwer.ReduceToListOfListOfWords()])

for compute_type in ["{compute_type}", "float32"]:  # also "int8_float32", "int16"; "float16" needs a GPU
    start = time.perf_counter()
    model = WhisperModel("base", device="cpu", compute_type=compute_type)  # Systran/faster-whisper-base
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    segments, info = model.transcribe(audio, language="en", beam_size=5)
    text = " ".join(segment.text.strip() for segment in segments)  # segments is lazy: this runs the model
    print(compute_type, f"load {{loaded:.1f}} s, transcribe {{time.perf_counter() - start:.1f}} s",
          "WER", round(jiwer.wer(reference, text, reference_transform=normalise,
                                    hypothesis_transform=normalise), 3), text)
'''
