"""What the app's task functions add over calling the same transformers pipeline directly.

Same process, same inputs, alternating calls (machine noise hits both sides alike).
Goal (issue 5): app <= 1.10 x direct + 50 ms.
Usage: python bench/pipeline_overhead.py [rounds]
"""
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
logging.getLogger("transformers").setLevel(logging.ERROR)

from lib.models.loader import load_model, load_tokenizer, pack_path  # noqa: E402

REVIEW = "Điện thoại đẹp, pin trâu, giao hàng nhanh nhưng đóng gói hơi sơ sài."


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def compare(name: str, direct, app, rounds: int) -> None:
    direct(), app()  # warm both
    samples = {"direct": [], "app": []}
    for _ in range(rounds):
        samples["direct"].append(timed(direct))
        samples["app"].append(timed(app))
    d, a = statistics.median(samples["direct"]), statistics.median(samples["app"])
    verdict = "OK" if a <= 1.10 * d + 50 else "OVER GOAL"
    print(f"{name:<24}{d:>10.1f}{a:>10.1f}{a - d:>+10.1f}{a / d:>8.2f}  {verdict}")


def main(rounds: int = 15) -> None:
    from PIL import Image
    from transformers import AutoImageProcessor, pipeline

    from lib.inference import text_tasks, vision

    print(f"{'median ms':<24}{'direct':>10}{'app':>10}{'added':>10}{'ratio':>8}  goal: app <= 1.10 x direct + 50 ms")
    classifier = pipeline("text-classification", model=load_model("sentiment-e5-vi-en", "AutoModelForSequenceClassification"),
                          tokenizer=load_tokenizer("sentiment-e5-vi-en"), top_k=None, device="cpu")
    compare("sentiment (1 review)", lambda: classifier([REVIEW], truncation=True),
            lambda: text_tasks.classify_sentiment([REVIEW]), rounds)

    digits = pipeline("image-classification", model=load_model("vit-digits", "AutoModelForImageClassification"),
                      image_processor=AutoImageProcessor.from_pretrained(pack_path("vit-digits")), device="cpu")
    image = Image.open(__import__("io").BytesIO(vision.digit_samples(1)[0][1])).convert("RGB")
    prepared = vision.prepare_digit(image)
    compare("digit (1 image)", lambda: digits(prepared, top_k=10), lambda: vision.classify_digit(image), rounds)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
