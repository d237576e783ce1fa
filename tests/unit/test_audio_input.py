"""Learner audio in any common format becomes 16 kHz mono float32; bad, silent or long audio is handled."""
import io
import shutil
import subprocess
import wave

import numpy as np
import pytest

from lib.audio_input import SAMPLE_RATE, load_audio, loud_level_dbfs, to_wav_bytes
from lib.text_input import InputProblem


def tone(seconds, rate=SAMPLE_RATE, freq=440.0, level=0.3):
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(samples, rate, container, codec):
    """Audio bytes in a compressed format, encoded in memory with PyAV (skips if the codec is absent)."""
    import av

    if codec not in av.codecs_available:
        pytest.skip(f"this PyAV build cannot encode {codec}")
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        pcm = (samples * 32767).astype(np.int16)
        step = stream.codec_context.frame_size or 1024
        for start in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + step], format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def test_a_stereo_44k_wav_becomes_16k_mono():
    left = tone(2, rate=44_100)
    stereo = np.stack([left, left], axis=1)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44_100)
        wav.writeframes((stereo * 32767).astype("<i2").tobytes())
    samples, notices = load_audio(buffer.getvalue())
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert abs(samples.size - 2 * SAMPLE_RATE) < 100
    assert notices == []
    assert 0.25 < np.abs(samples).max() < 0.35


@pytest.mark.parametrize("container, codec, rate", [
    ("mp3", "libmp3lame", 16_000), ("ogg", "libopus", 48_000), ("webm", "libopus", 48_000), ("ipod", "aac", 16_000),
])
def test_compressed_formats_decode(container, codec, rate):
    samples, notices = load_audio(encode(tone(3, rate=rate), rate, container, codec))
    assert abs(samples.size / SAMPLE_RATE - 3) < 0.1, samples.size
    assert notices == []


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speech_file(tmp_path):
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en", "-w", str(path), "Hello, this is a test."], check=True)
    with wave.open(str(path)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    samples, notices = load_audio(path.read_bytes())
    assert abs(samples.size / SAMPLE_RATE - seconds) < 0.05
    assert loud_level_dbfs(samples) > -30


def test_empty_data_and_empty_wav():
    with pytest.raises(InputProblem) as problem:
        load_audio(b"")
    assert problem.value.key == "audio_empty"
    with pytest.raises(InputProblem) as problem:
        load_audio(to_wav_bytes(np.zeros(0, np.float32), 16_000))
    assert problem.value.key == "audio_empty"


def test_random_bytes_text_and_a_png_are_not_audio():
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(png, "PNG")
    garbage = np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8).tobytes()
    for data in (garbage, png.getvalue(), "Xin chào, đây là văn bản.".encode() * 50, to_wav_bytes(tone(1), 16_000)[:30]):
        with pytest.raises(InputProblem) as problem:
            load_audio(data)
        assert problem.value.key == "audio_not_audio"


def test_silence_quiet_noise_and_a_lone_click_are_silent():
    quiet = np.random.default_rng(1).normal(0, 10 ** (-70 / 20), 3 * SAMPLE_RATE).astype(np.float32)
    click = np.zeros(3 * SAMPLE_RATE, np.float32)
    click[SAMPLE_RATE] = 0.5
    for samples in (np.zeros(3 * SAMPLE_RATE, np.float32), quiet, click):
        with pytest.raises(InputProblem) as problem:
            load_audio(to_wav_bytes(samples, SAMPLE_RATE))
        assert problem.value.key == "audio_silent"


def test_a_few_quiet_words_in_a_long_recording_are_not_silent():
    samples = np.zeros(60 * SAMPLE_RATE, np.float32)
    samples[:SAMPLE_RATE] = tone(1, level=0.02)  # -37 dBFS RMS for one second out of sixty
    load_audio(to_wav_bytes(samples, SAMPLE_RATE))


def test_eleven_minutes_are_cut_to_ten():
    samples, notices = load_audio(to_wav_bytes(tone(11 * 60), SAMPLE_RATE))
    assert samples.size == 600 * SAMPLE_RATE
    assert notices == [("audio_cut", {"seconds": 660, "limit": 600})]


def test_a_compressed_file_over_the_limit_is_cut_while_decoding():
    samples, notices = load_audio(encode(tone(5), SAMPLE_RATE, "mp3", "libmp3lame"), max_seconds=2)
    assert samples.size == 2 * SAMPLE_RATE
    assert notices == [("audio_cut", {"seconds": 5, "limit": 2})]


def test_wav_bytes_round_trip():
    original = tone(1.5, rate=22_050)
    data = to_wav_bytes(original, 22_050)
    with wave.open(io.BytesIO(data)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22_050)
        back = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32767
    assert np.abs(back - original).max() < 1e-3
    with pytest.raises(ValueError):
        to_wav_bytes(np.zeros((10, 2)), 16_000)
