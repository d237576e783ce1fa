"""Learner audio, uploaded or recorded in the browser: decoded, bounded and checked before Whisper hears it.

Any format libav reads (wav, mp3, ogg, webm/opus from the browser's recorder, m4a, even a
video's sound track) becomes float32 mono at 16 kHz, what Whisper expects. PyAV (bundled with
faster-whisper) does the decoding, so no ffmpeg binary is needed. Problems are raised as
catalogue keys (lib.text_input.InputProblem); nothing here knows about Streamlit.
Heavy imports (numpy, av, faster_whisper) happen inside the functions.
"""
from __future__ import annotations

import io
import wave
from typing import TYPE_CHECKING

from lib.text_input import InputProblem

if TYPE_CHECKING:  # only for annotations
    import numpy

SAMPLE_RATE = 16_000  # Whisper's input rate
MAX_SECONDS = 600  # 10 minutes: already minutes of Whisper base on a laptop CPU (~1.2 s per audio second on a busy 2-CPU box)
# Silence test: at least 150 ms of the audio (three 50 ms windows, the length of one short
# syllable) must reach -55 dBFS RMS. Speech, even quiet speech a metre from a laptop microphone,
# reaches -45..-20 dBFS in its loud syllables; a muted or unplugged microphone gives digital
# zeros or self-noise around -70..-90 dBFS. Looking at the loudest windows (not the whole file)
# keeps a long recording with a few words from being called silent, and asking for three
# windows keeps one click or plug-in pop (a single loud window) from counting as sound.
SILENCE_DBFS = -55.0
WINDOW_SECONDS = 0.05
LOUD_WINDOWS = 3


def load_audio(data: bytes, max_seconds: float = MAX_SECONDS) -> tuple[numpy.ndarray, list[tuple[str, dict]]]:
    """(float32 mono samples at 16 kHz in [-1, 1], notices) for an audio file's bytes.

    Audio longer than max_seconds is cut to its beginning with an "audio_cut" notice; empty,
    undecodable or silent audio is an InputProblem.
    """
    if not data:
        raise InputProblem("audio_empty")
    samples, total_seconds = _decode(data, max_seconds)
    if samples.size == 0:
        raise InputProblem("audio_empty")
    notices: list[tuple[str, dict]] = []
    limit = int(round(max_seconds * SAMPLE_RATE))
    if samples.size > limit or total_seconds > max_seconds + 0.5:  # 0.5 s: codecs pad a frame or two
        samples = samples[:limit]
        notices.append(("audio_cut", {"seconds": int(round(total_seconds)), "limit": int(max_seconds)}))
    if loud_level_dbfs(samples) < SILENCE_DBFS:
        raise InputProblem("audio_silent")
    return samples, notices


def _decode(data: bytes, max_seconds: float) -> tuple[numpy.ndarray, float]:
    """Decoded samples (possibly longer than max_seconds) and the whole file's length in seconds.

    When the container states a length within the limit (files saved by an app: wav, mp3, m4a,
    ogg), faster-whisper's decode_audio decodes it all. When the length is over the limit or
    unknown (a browser's live webm recording has none), a bounded decode stops at the limit, so
    a three-hour upload never becomes gigabytes of samples in memory.
    """
    import av
    from faster_whisper.audio import decode_audio

    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputProblem("audio_not_audio")
            duration = container.duration / av.time_base if container.duration else None
            if duration is None or duration > max_seconds:
                return _decode_bounded(container, max_seconds)
        samples = decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
        return samples, samples.size / SAMPLE_RATE
    except (av.error.FFmpegError, IndexError, EOFError) as error:  # garbage, truncated, or no audio
        raise InputProblem("audio_not_audio") from error


def _decode_bounded(container, max_seconds: float) -> tuple[numpy.ndarray, float]:
    """Decode the first audio stream up to max_seconds; the rest is only demuxed to measure it.

    The same steps as faster-whisper's decode_audio (skip invalid frames, drop timestamps,
    resample to 16 kHz mono s16), but it stops keeping samples at the limit.
    """
    import av
    import numpy as np

    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    limit = int(round(max_seconds * SAMPLE_RATE))
    chunks: list[np.ndarray] = []
    kept = 0
    packet_time = 0  # in stream.time_base units
    for packet in container.demux(stream):
        if packet.duration:
            packet_time += packet.duration
        if kept > limit:
            continue  # only measuring now
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            frame.pts = None
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                kept += chunk.size
    if kept <= limit:
        for out in resampler.resample(None):  # flush what the resampler still holds
            chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks).astype(np.float32) / 32768.0 if chunks else np.zeros(0, np.float32)
    measured = float(packet_time * stream.time_base) if packet_time and stream.time_base else 0.0
    return samples, max(measured, samples.size / SAMPLE_RATE)


def loud_level_dbfs(samples: numpy.ndarray, sample_rate: int = SAMPLE_RATE, windows: int = LOUD_WINDOWS) -> float:
    """RMS level, in dB relative to full scale, of the 3rd loudest 50 ms window (-inf for zeros).

    In words: the audio holds at least 150 ms at this level or louder.
    """
    import numpy as np

    size = max(1, int(sample_rate * WINDOW_SECONDS))
    x = np.asarray(samples, dtype=np.float32)
    if x.size == 0:
        return float("-inf")
    power = np.square(np.pad(x, (0, -x.size % size)), dtype=np.float64).reshape(-1, size).mean(axis=1)
    k = min(windows, power.size)
    level = np.partition(power, power.size - k)[power.size - k]  # the k-th largest
    return float(10 * np.log10(level)) if level > 0 else float("-inf")


def to_wav_bytes(samples: numpy.ndarray, sample_rate: int) -> bytes:
    """A 16-bit PCM mono WAV file of float samples in [-1, 1] (or int16), for st.audio and downloads."""
    import numpy as np

    x = np.asarray(samples)
    if x.ndim != 1:
        raise ValueError("expected mono audio: a 1-D array")
    if x.dtype != np.int16:
        x = (np.clip(x.astype(np.float32), -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(int(sample_rate))
        wav.writeframes(x.astype("<i2").tobytes())
    return buffer.getvalue()
