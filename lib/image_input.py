"""Learner images, uploaded or photographed: opened safely, oriented, flattened to RGB and bounded.

Problems are raised as catalogue keys (`InputProblem`) so the page can say them in the
learner's language; nothing here knows about Streamlit. Pillow is imported inside the function.
"""
from __future__ import annotations

import io
import re

from lib.text_input import InputProblem

MAX_PIXELS = 40_000_000  # a 40 MP phone photo is fine; more is a bomb or a poster scan
MAX_SIDE = 1024  # what the models and the page need; keeps memory and latency small
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF")  # JPEG also opens phones' MPO files


def _bomb_pixels(error: Exception) -> int | None:
    """Pixels named in Pillow's DecompressionBombError message (it refuses before we see the size)."""
    match = re.search(r"(\d+) pixels", str(error))
    return int(match.group(1)) if match else None


def _flatten(image):
    """RGB over a white sheet: a transparent PNG of black ink must not turn black on black."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.convert("I").point(lambda v: v / 256).convert("L")  # 16-bit scans
    elif image.mode == "F":
        image = image.convert("L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        sheet = Image.new("RGB", rgba.size, (255, 255, 255))
        sheet.paste(rgba, mask=rgba.getchannel("A"))
        return sheet
    return image.convert("RGB")


def load_image(data: bytes, max_pixels: int = MAX_PIXELS):
    """(PIL RGB image, notices) from uploaded bytes; notices are (catalogue key, values) to show.

    Refuses empty data ("image_empty"), anything Pillow cannot fully decode ("image_not_image":
    text, random bytes, truncated or corrupt files) and images over `max_pixels` or flagged as
    decompression bombs ("image_too_big"), checking the header before decoding any pixel.
    Applies the EXIF orientation (phone photos) and downscales to MAX_SIDE on the long side.
    """
    from PIL import Image, ImageOps

    if not data:
        raise InputProblem("image_empty")
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    except Image.DecompressionBombError as error:
        pixels = _bomb_pixels(error)
        raise InputProblem("image_too_big", pixels=pixels if pixels is not None else "?", limit=max_pixels) from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError):  # UnidentifiedImageError is an OSError
        raise InputProblem("image_not_image") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        raise InputProblem("image_not_image")
    if width * height > max_pixels:
        raise InputProblem("image_too_big", pixels=width * height, limit=max_pixels)
    try:
        image.load()  # decodes everything now: a truncated file fails here, not later in a model
        image = ImageOps.exif_transpose(image)
        image = _flatten(image)
    except Image.DecompressionBombError as error:
        raise InputProblem("image_too_big", pixels=_bomb_pixels(error) or width * height, limit=max_pixels) from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError, MemoryError):
        raise InputProblem("image_not_image") from None
    notices: list[tuple[str, dict]] = []
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        notices.append(("image_resized", {"width": image.width, "height": image.height}))
    return image, notices
