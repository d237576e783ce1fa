"""The bad-input campaign in chromium: every uploader of the app gets corrupt, empty, wrongly
encoded, huge and silent files, and the main text boxes get markup, control characters and a
wall of text. Nothing may crash, and every message is in the learner's language (Vietnamese)."""
import io
import re
import wave

import numpy as np
import pytest
from PIL import Image

from lib.i18n import translate
from tests.browser.harness import wait_until_idle
from tests.browser.test_sharing_browser import base_url, open_tab  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.pack]
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)
PAYLOAD = '<script>alert("x")</script> "><img src=x onerror=alert(1)> \u202eRTL\u202c 🤗\u0301 **in đậm** $x$'


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def wav(samples: np.ndarray, rate: int = 16_000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


RANDOM = np.random.default_rng(0).integers(0, 256, 4_000, dtype=np.uint8).tobytes()
FILES = {
    "image": [("corrupt.png", RANDOM), ("empty.png", b""), ("poster.png", png(9_000, 9_000)), ("dot.png", png(1, 1))],
    "audio": [("corrupt.wav", RANDOM), ("silence.wav", wav(np.zeros(16_000))), ("empty.wav", b"")],
    "table": [("binary.csv", RANDOM), ("empty.csv", b""), ("broken.parquet", b"PAR1" + RANDOM + b"PAR1"),
              ("latin1.csv", "text,label\ncafé crème,1\n".encode("latin-1")), ("ragged.csv", b"a,b\n1,2,3\n\"open")],
    "text": [("binary.txt", RANDOM), ("empty.txt", b""), ("utf16.txt", "Xin chào".encode("utf-16"))],
    "progress": [("not.json", b"{nope"), ("other.json", b'{"app": "someone-else"}'), ("list.json", b"[1, 2]")],
}


def check_page(page, where: str) -> None:
    """No crash, and whatever the app says is said in Vietnamese (not an English library error)."""
    wait_until_idle(page, 300_000)
    assert page.locator('[data-testid="stException"]').count() == 0, where
    for alert in page.locator('[data-testid="stAlert"]').all_inner_texts():
        assert VIETNAMESE.search(alert), f"{where}: not in the learner's language: {alert!r}"
        assert "Traceback" not in alert and "Error:" not in alert, f"{where}: {alert!r}"


def upload_each(page, key: str, kind: str, where: str, tmp_path) -> None:
    for name, data in FILES[kind]:
        path = tmp_path / name
        path.write_bytes(data)
        page.locator(f".st-key-{key} input[type=file]").set_input_files(str(path))
        page.wait_for_timeout(800)
        check_page(page, f"{where}: {name}")


def pick(page, key: str, label: str) -> None:
    words = label.split(" ", 1)[-1] if not label[0].isalnum() else label  # an emoji renders apart
    page.locator(f".st-key-{key}").get_by_role("radio", name=re.compile(re.escape(words))).click()
    page.wait_for_timeout(500)
    wait_until_idle(page)


def test_image_and_speech_uploads(base_url, page, tmp_path):  # noqa: F811
    open_tab(page, base_url, "inference_spaces", "vi", leaf_id="image_classification")
    upload_each(page, "digits_upload", "image", "digits", tmp_path)
    open_tab(page, base_url, "inference_spaces", "vi", leaf_id="speech_recognition")
    upload_each(page, "asr_upload", "audio", "speech recognition", tmp_path)


def test_table_uploads_in_the_viewer_and_the_training_wizard(base_url, page, tmp_path):  # noqa: F811
    open_tab(page, base_url, "datasets_lab", "vi", leaf_id="viewer")
    pick(page, "ds_source", translate("vi", "ds_source_upload"))
    upload_each(page, "ds_upload_file", "table", "dataset viewer", tmp_path)
    open_tab(page, base_url, "trainer_api", "vi", tab=translate("vi", "train_tab_wizard"))
    pick(page, "wizard_source", translate("vi", "wizard_source_upload"))
    upload_each(page, "wizard_upload", "table", "training wizard", tmp_path)


def test_text_uploads_boxes_and_the_progress_file(base_url, page, tmp_path):  # noqa: F811
    open_tab(page, base_url, "tokenizers_lab", "vi", tab=translate("vi", "tok_tab_compare"))
    upload_each(page, "tok_upload", "text", "tokenizer compare", tmp_path)
    box = page.get_by_label(translate("vi", "tok_text_label"), exact=True)
    for text in ("", PAYLOAD, "Việt Nam " * 2_000):
        box.fill(text)
        box.press("Control+Enter")
        page.wait_for_timeout(800)
        check_page(page, f"tokenizer box: {text[:20]!r}")
    assert page.locator("script:not([src])").filter(has_text='alert("x")').count() == 0
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    open_tab(page, base_url, "tokenizers_lab", "vi", leaf_id="custom")
    pick(page, "train_source", translate("vi", "train_corpus_upload"))
    upload_each(page, "train_upload", "text", "custom tokenizer", tmp_path)
    page.goto(f"{base_url}/?lang=vi")
    wait_until_idle(page)
    page.get_by_role("tab", name=translate("vi", "progress_tab")).click()
    wait_until_idle(page)
    upload_each(page, "progress_import", "progress", "progress import", tmp_path)
