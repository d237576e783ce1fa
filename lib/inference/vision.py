"""Image classification with the pack's tiny ViT trained on scikit-learn's 8x8 digits.

The model only ever saw 16x16 images of white ink on black, made by upscaling the 8x8
digits (see lib/models/train_builders.py). A learner's photo is brought to the same form
before the real transformers pipeline runs: grayscale, inverted if the paper is light,
cropped to the ink, padded to a square, shrunk to 8x8 by averaging (as the dataset was
made), then upscaled to 16x16 as in training. Heavy libraries are imported inside functions.
"""
from __future__ import annotations

import io

from lib.models.loader import load_model, pack_path, shared_cache

COMPONENT = "vit-digits"
SAMPLE_SIDE = 128  # big enough to see on a page; NEAREST keeps the 8x8 pixels visible
DATA_SIDE = 8  # scikit-learn digits are 8x8
INK_THRESHOLD = 0.35  # share of the ink range above which a pixel counts for the bounding box
NOISE_FLOOR = 0.15  # paper texture and shadows below this share of the ink range become black


def _pipeline():
    """The image-classification pipeline, built once from the cached model and the folder's processor."""
    def factory():
        from transformers import AutoImageProcessor, pipeline

        processor = AutoImageProcessor.from_pretrained(pack_path(COMPONENT))
        model = load_model(COMPONENT, "AutoModelForImageClassification")
        return pipeline("image-classification", model=model, image_processor=processor, device="cpu")

    return shared_cache().get(f"pipeline:image-classification:{COMPONENT}", factory)


def digit_samples(n: int = 10) -> list[tuple[str, bytes]]:
    """(label, PNG bytes) of held-out digits the model never trained on, one per class first.

    White ink on black as in the dataset, upscaled to SAMPLE_SIDE with visible pixels.
    """
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits

    from lib.models.train_builders import digits_split

    digits = load_digits()
    _, labels, _, test_idx = digits_split()
    by_class: dict[int, list[int]] = {}
    for i in test_idx:
        by_class.setdefault(labels[i], []).append(i)
    order = [by_class[c][k] for k in range(max(map(len, by_class.values())))
             for c in sorted(by_class) if k < len(by_class[c])]  # 0..9, then 0..9 again, ...
    samples = []
    for i in order[:max(0, n)]:
        pixels = (np.asarray(digits.images[i]) * (255 / 16)).astype("uint8")
        image = Image.fromarray(pixels, mode="L").resize((SAMPLE_SIDE, SAMPLE_SIDE), Image.Resampling.NEAREST)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        samples.append((str(labels[i]), buffer.getvalue()))
    return samples


def prepare_digit(image):
    """The 16x16 RGB image the model sees, from any photo or drawing of one digit.

    Light paper is inverted to white ink on black; the ink is stretched to full range, cropped
    to its bounding box and centred in a square, averaged down to 8x8 like the dataset, then
    upscaled to 16x16 bilinearly exactly as in training.
    """
    import numpy as np
    from PIL import Image

    from lib.models.train_builders import DIGITS_SIDE

    gray = np.asarray(image.convert("L"), dtype=np.float32)
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    background = float(np.median(border))
    if background > 127:  # dark ink on light paper
        gray, background = 255.0 - gray, 255.0 - background
    ink = gray - background
    peak = float(ink.max())
    if peak <= 0:  # a blank picture: nothing to crop, let the model see black
        square = np.zeros((DATA_SIDE, DATA_SIDE), dtype=np.float32)
    else:
        ink = np.clip(ink / peak, 0.0, 1.0)
        ink[ink < NOISE_FLOOR] = 0.0
        rows = np.flatnonzero((ink >= INK_THRESHOLD).any(axis=1))
        cols = np.flatnonzero((ink >= INK_THRESHOLD).any(axis=0))
        ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        side = max(ink.shape)
        square = np.zeros((side, side), dtype=np.float32)
        top, left = (side - ink.shape[0]) // 2, (side - ink.shape[1]) // 2
        square[top:top + ink.shape[0], left:left + ink.shape[1]] = ink
    small = Image.fromarray((square * 255).astype("uint8"), mode="L")
    small = small.resize((DATA_SIDE, DATA_SIDE), Image.Resampling.BOX)  # block averaging, like the data
    return small.resize((DIGITS_SIDE, DIGITS_SIDE), Image.Resampling.BILINEAR).convert("RGB")


def classify_digit(image) -> list[tuple[str, float]]:
    """(label, probability) for the ten digits, best first, through the real pipeline."""
    return classify_digits([image])[0]


def classify_digits(images: list, batch_size: int = 64) -> list[list[tuple[str, float]]]:
    """classify_digit for many images in batches (a whole gallery, or a held-out test set)."""
    if not images:
        return []
    prepared = [prepare_digit(image) for image in images]
    outputs = _pipeline()(prepared, top_k=10, batch_size=batch_size)
    return [[(p["label"], float(p["score"])) for p in predictions] for predictions in outputs]


def code_classify_digit() -> str:
    """Minimal runnable code for the widget: the same pipeline on a learner's file."""
    return "\n".join([
        "from PIL import Image, ImageOps",
        "from transformers import pipeline",
        "",
        "# vit-digits was trained in this app on scikit-learn's digits (no Hub id); the folder:",
        f'classifier = pipeline("image-classification", model=".cache/pack/{COMPONENT}")',
        "",
        'image = Image.open("digit.png").convert("L")',
        "image = ImageOps.invert(image)  # the model knows white ink on black; skip if already so",
        "ink = image.point(lambda v: 255 if v > 100 else 0)  # ignore paper texture",
        "image = image.crop(ink.getbbox())  # keep only the digit",
        "side = max(image.size)",
        'square = Image.new("L", (side, side))',
        "square.paste(image, ((side - image.width) // 2, (side - image.height) // 2))",
        "small = square.resize((8, 8), Image.Resampling.BOX).resize((16, 16), Image.Resampling.BILINEAR)",
        'print(classifier(small.convert("RGB"), top_k=3))',
    ]) + "\n"
