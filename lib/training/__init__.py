"""The training lab's logic: data preparation, Trainer runs, LoRA, an Accelerate loop, export.

Every module imports torch/transformers/datasets inside its functions so that importing
`lib.training` stays as light as the rest of `lib/`.
"""
