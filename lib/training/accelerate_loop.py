"""The same fine-tuning as a plain PyTorch loop driven by 🤗 Accelerate, on CPU.

What the Trainer hides, written out: a DataLoader, an optimizer, `accelerator.prepare`,
`accelerator.backward`. The same loop runs unchanged on a GPU or several, which is the point
of Accelerate; here it runs a handful of steps so the learner sees the loss move.
"""
from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class LoopResult:
    losses: list[float]  # one per optimisation step
    device: str  # accelerator.device, "cpu" here
    mixed_precision: str  # accelerator.mixed_precision: "no" unless asked
    bf16_available: bool  # accelerate says bf16 can run (on CPU: emulated if not native)
    bf16_native: bool  # the CPU has bf16 instructions (AVX512-BF16 or AMX), so bf16 would be fast
    seconds: float
    code: str


def _bf16_native() -> bool:
    import torch

    try:  # private helpers, present in torch 2.x; absent means "unknown", reported as False
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:
        return False


def run_loop(prepared, config=None, steps: int = 12, on_step=None) -> LoopResult:
    """`steps` optimisation steps (cycling over the train split) with Accelerator(cpu=True)."""
    import torch
    from accelerate import Accelerator
    from accelerate.utils import is_bf16_available
    from torch.utils.data import DataLoader
    from transformers import DataCollatorWithPadding, set_seed

    from lib.training.trainer import TrainConfig, freeze_lower, load_base, tokenize

    config = config or TrainConfig(batch_size=8, max_length=48, learning_rate=2e-4)
    threads = torch.get_num_threads()
    set_seed(config.seed)
    accelerator = Accelerator(cpu=True)
    model, tokenizer = load_base(config, prepared.labels)
    freeze_lower(model, config)
    train = tokenize(prepared.splits, tokenizer, config.max_length)["train"].rename_column("label", "labels")
    loader = DataLoader(train, batch_size=config.batch_size, shuffle=True,
                        collate_fn=DataCollatorWithPadding(tokenizer))
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    model.train()
    losses: list[float] = []
    start = time.perf_counter()
    try:
        while len(losses) < steps:
            for batch in loader:
                loss = model(**batch).loss
                accelerator.backward(loss)
                optimizer.step()
                optimizer.zero_grad()
                losses.append(loss.item())
                if on_step:
                    on_step(len(losses), losses[-1])
                if len(losses) >= steps:
                    break
    finally:
        torch.set_num_threads(threads)
    return LoopResult(losses=losses, device=str(accelerator.device), mixed_precision=str(accelerator.mixed_precision),
                      bf16_available=bool(is_bf16_available()), bf16_native=_bf16_native(),
                      seconds=round(time.perf_counter() - start, 2), code=code(config, steps))


def code(config=None, steps: int = 12) -> str:
    """The loop as notebook code (Hub checkpoint id instead of the offline pack)."""
    from lib.training.trainer import BASE_MODELS, TrainConfig

    config = config or TrainConfig(batch_size=8, max_length=48, learning_rate=2e-4)
    checkpoint = BASE_MODELS[config.base]["hub_id"]
    return f'''import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import (AutoModelForSequenceClassification, AutoTokenizer,
                          DataCollatorWithPadding)

accelerator = Accelerator(cpu=True)  # drop cpu=True: the same code uses a GPU if there is one
tokenizer = AutoTokenizer.from_pretrained("{checkpoint}")
model = AutoModelForSequenceClassification.from_pretrained("{checkpoint}", num_labels=2)

# splits: a DatasetDict with "text" and "label" columns (see the Trainer code)
train = splits["train"].map(lambda b: tokenizer(b["text"], truncation=True, max_length={config.max_length}),
                            batched=True, remove_columns=["text"]).rename_column("label", "labels")
loader = DataLoader(train, batch_size={config.batch_size}, shuffle=True,
                    collate_fn=DataCollatorWithPadding(tokenizer))
optimizer = torch.optim.AdamW(model.parameters(), lr={config.learning_rate})

model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
model.train()
step = 0
while step < {steps}:
    for batch in loader:
        loss = model(**batch).loss
        accelerator.backward(loss)  # instead of loss.backward(): scaling, several devices
        optimizer.step()
        optimizer.zero_grad()
        step += 1
        print(step, loss.item())
        if step == {steps}:
            break
print(accelerator.device, accelerator.mixed_precision)
'''
