"""The TRL lab's logic: the project's instruction data, a real LoRA SFT (and DPO) run, diagram data.

Every module imports torch/transformers/trl/peft inside its functions so that importing
`lib.alignment` stays as light as the rest of `lib/`.
"""
