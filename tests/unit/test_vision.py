"""Digit classification with the pack's tiny ViT, and safe loading of learners' images."""
import io
import os
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from lib.image_input import MAX_SIDE, load_image
from lib.inference import vision
from lib.models.pack import pack_dir
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack


def encode(image, fmt="PNG", **kw):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kw)
    return buffer.getvalue()


def digit_photo(pixels8, size=(400, 300), box=(170, 40, 330, 200), noise=12, seed=0):
    """A learner's photo: dark ink on greyish paper, digit off-centre, some sensor noise.

    The 8x8 frame is scaled without distortion: the dataset's digits keep their own aspect.
    """
    rng = np.random.default_rng(seed)
    ink = Image.fromarray((np.asarray(pixels8) * (255 / 16)).astype("uint8"), mode="L")
    ink = ink.resize((box[2] - box[0], box[3] - box[1]), Image.Resampling.BICUBIC)
    paper = np.full((size[1], size[0]), 225.0) + rng.normal(0, noise, (size[1], size[0]))
    region = paper[box[1]:box[3], box[0]:box[2]]
    paper[box[1]:box[3], box[0]:box[2]] = region - np.asarray(ink, dtype=float) * 0.8
    return Image.fromarray(np.clip(paper, 0, 255).astype("uint8"), mode="L").convert("RGB")


# --------------------------------------------------------------------------- digits
def test_digit_samples_are_visible_pngs_one_per_class():
    samples = vision.digit_samples(10)
    assert [label for label, _ in samples] == [str(d) for d in range(10)]
    for _, png in samples:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.size == (vision.SAMPLE_SIDE, vision.SAMPLE_SIDE)
    assert len(vision.digit_samples(25)) == 25


def test_held_out_digits_are_classified_through_the_learner_path():
    from sklearn.datasets import load_digits

    from lib.models.train_builders import digits_split

    digits = load_digits()
    _, labels, _, test_idx = digits_split()
    images = [Image.fromarray((digits.images[i] * (255 / 16)).astype("uint8"), mode="L")
              .resize((128, 128), Image.Resampling.NEAREST) for i in test_idx]
    predictions = vision.classify_digits(images)
    accuracy = np.mean([p[0][0] == str(labels[i]) for p, i in zip(predictions, test_idx)])
    assert accuracy >= 0.9, accuracy  # 0.93 measured (0.953 on the model's own 16x16 inputs)
    assert all(len(p) == 10 and abs(sum(s for _, s in p) - 1) < 1e-4 for p in predictions)


def test_an_uploaded_png_round_trips_to_its_label():
    samples = vision.digit_samples(10)
    correct = 0
    for label, png in samples:
        image, notices = load_image(png)
        ranked = vision.classify_digit(image)
        assert ranked == sorted(ranked, key=lambda pair: -pair[1]) and notices == []
        correct += ranked[0][0] == label
    assert correct >= 9


def test_a_photo_of_dark_ink_on_paper_works():
    from sklearn.datasets import load_digits

    from lib.models.train_builders import digits_split

    digits = load_digits()
    _, labels, _, test_idx = digits_split()
    chosen = test_idx[:40]
    photos = [digit_photo(digits.images[i], seed=i) for i in chosen]
    prepared = vision.prepare_digit(photos[0])
    assert prepared.size == (16, 16) and prepared.mode == "RGB"
    corners = np.asarray(prepared.convert("L"))[[0, 0, -1, -1], [0, -1, 0, -1]]
    assert corners.max() < 60  # the paper became the black background the model knows
    predictions = vision.classify_digits(photos)
    accuracy = np.mean([p[0][0] == str(labels[i]) for p, i in zip(predictions, chosen)])
    assert accuracy >= 0.85, accuracy


def test_a_blank_picture_does_not_crash():
    assert len(vision.classify_digit(Image.new("RGB", (50, 50), "white"))) == 10


def test_code_snippet_runs_offline(tmp_path, capsys):
    label, png = vision.digit_samples(3)[2]
    inverted = Image.eval(Image.open(io.BytesIO(png)).convert("L"), lambda v: 255 - v)  # dark on white
    inverted.save(tmp_path / "digit.png")
    source = vision.code_classify_digit().replace('".cache/pack/', f'"{pack_dir()}/')
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(source, "digit_snippet", "exec"), {})
    finally:
        os.chdir(cwd)
    assert f"'label': '{label}'" in capsys.readouterr().out


# --------------------------------------------------------------------------- image input
def png_header(width, height):
    """A PNG whose header claims width x height (the pixels never follow)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b"")


def problem_key(data, **kw):
    with pytest.raises(InputProblem) as problem:
        load_image(data, **kw)
    return problem.value


def test_png_and_jpeg_load_as_rgb():
    picture = Image.new("RGB", (64, 48), (10, 200, 30))
    for fmt in ("PNG", "JPEG"):
        image, notices = load_image(encode(picture, fmt))
        assert image.mode == "RGB" and image.size == (64, 48) and notices == []
    grey, _ = load_image(encode(Image.new("L", (8, 8), 77)))
    assert grey.mode == "RGB" and grey.getpixel((0, 0)) == (77, 77, 77)


def test_transparent_drawing_is_put_on_white_paper():
    drawing = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    drawing.paste((0, 0, 0, 255), (10, 10, 20, 20))
    image, _ = load_image(encode(drawing))
    assert image.getpixel((0, 0)) == (255, 255, 255) and image.getpixel((15, 15)) == (0, 0, 0)


def test_exif_orientation_is_applied():
    picture = Image.new("RGB", (60, 30), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    image, _ = load_image(encode(picture, "JPEG", exif=exif))
    assert image.size == (30, 60)


def test_large_image_is_downscaled_with_a_notice():
    image, notices = load_image(encode(Image.new("RGB", (3000, 1500), "white"), "JPEG"))
    assert image.size == (MAX_SIDE, MAX_SIDE // 2)
    assert notices == [("image_resized", {"width": MAX_SIDE, "height": MAX_SIDE // 2})]


def test_empty_and_non_images_are_refused():
    assert problem_key(b"").key == "image_empty"
    png = encode(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)))
    for data in (png[: len(png) // 2],  # truncated
                 os.urandom(4096),  # random bytes
                 "Xin chào, đây là một tệp văn bản.\n".encode("utf-8"),  # a text file
                 b"<svg xmlns='http://www.w3.org/2000/svg'/>"):  # a format we do not decode
        assert problem_key(data).key == "image_not_image"


def test_huge_dimensions_are_refused_before_decoding():
    too_big = problem_key(png_header(7000, 7000))  # 49 MP: over our 40 MP limit
    assert too_big.key == "image_too_big" and too_big.values == {"pixels": 49_000_000, "limit": 40_000_000}
    bomb = problem_key(png_header(100_000, 100_000))  # Pillow calls it a decompression bomb
    assert bomb.key == "image_too_big" and bomb.values["pixels"] == 10_000_000_000
    assert problem_key(encode(Image.new("RGB", (300, 200))), max_pixels=50_000).values["pixels"] == 60_000
