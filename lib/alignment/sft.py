"""A real, tiny post-training run on CPU: LoRA SFT (and DPO) of SmolLM2-135M-Instruct with TRL.

The learner sees what supervised fine-tuning does by doing it: the project's own bilingual
instruction pairs (data/instructions), a few dozen optimisation steps with TRL's `SFTTrainer`
and a peft `LoraConfig`, the loss per step, and greedy answers to held-out questions from the
model before and after. A fresh copy of the model is trained, never the shared cached one.

Trap found with TRL 1.16: `assistant_only_loss=True` needs a chat template with
`{% generation %}` markers and TRL cannot patch SmolLM2's template (ValueError), so the pairs are
given to TRL as conversational prompt/completion rows, for which TRL masks the prompt itself
(`completion_only_loss`). SFTConfig also defaults to bf16 and gradient checkpointing, both of
which only slow a 135M model down on a CPU without bf16 instructions: they are switched off.
"""
from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lib.text_input import InputProblem

COMPONENT = "smollm2-135m-instruct"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "instructions"
PAIRS_FILE = DATA_DIR / "pairs.jsonl"
PREFERENCES_FILE = DATA_DIR / "preferences.jsonl"

# Questions the model never sees in training (neither file): the before/after comparison asks them.
HELD_OUT_PROMPTS = (
    "What is Gradio used for?",
    "What is a model card?",
    "Tokenizer dùng để làm gì?",
    "Tinh chỉnh (fine-tuning) một mô hình là gì?",
)
MAX_STEPS = 200  # ~10 minutes here: beyond that a classroom waits too long
MAX_PROMPTS = 6
MAX_PROMPT_CHARS = 300


@dataclass
class SftSettings:
    """What the learner can change; the single source for the run and for its notebook code."""

    steps: int = 20  # x batch 4 = 80 examples: every pair seen twice, ~2-3 minutes on 2 busy cores
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.0  # 0 keeps a run reproducible; a few dozen steps do not overfit much anyway
    learning_rate: float = 1e-3  # high for LoRA, so that a few dozen steps visibly change the answers
    batch_size: int = 4
    max_length: int = 256  # SmolLM2's English-centric BPE needs up to ~200 tokens for a Vietnamese pair
    logging_steps: int = 1
    seed: int = 42
    max_new_tokens: int = 48
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")


@dataclass
class SftResult:
    losses: list[tuple[int, float]]  # (step, training loss) per logging step
    comparison: list[dict]  # {"prompt", "before", "after"} per held-out prompt
    history: list[dict]  # every event sent to on_event, in order
    trainable_params: int
    total_params: int
    train_seconds: float
    total_seconds: float  # with loading and generation before/after
    steps: int
    max_steps: int
    stopped: bool
    output_dir: Path  # the LoRA adapter (adapter_config.json + adapter_model.safetensors)
    settings: SftSettings
    code: str
    token_accuracy: list[tuple[int, float]] = field(default_factory=list)  # TRL's mean_token_accuracy

    @property
    def trainable_share(self) -> float:
        return self.trainable_params / self.total_params if self.total_params else 0.0


# --------------------------------------------------------------------------- data
def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_pairs() -> list[dict]:
    """The 40 instruction pairs: {"id", "lang", "messages": [user, assistant]}."""
    return _read_jsonl(PAIRS_FILE)


def load_preferences() -> list[dict]:
    """The 10 preference triples: {"id", "lang", "prompt": [user], "chosen": [assistant], "rejected": [assistant]}."""
    return _read_jsonl(PREFERENCES_FILE)


def as_prompt_completion(pairs: list[dict]) -> list[dict]:
    """Conversational prompt/completion rows: TRL then computes the loss on the answers only."""
    return [{"prompt": row["messages"][:-1], "completion": row["messages"][-1:]} for row in pairs]


def check_prompts(prompts) -> list[str]:
    """The prompts to compare before/after, NFC and stripped, or InputProblem."""
    prompts = [unicodedata.normalize("NFC", str(p)).strip() for p in prompts]
    if not prompts or any(not p for p in prompts):
        raise InputProblem("trl_prompt_empty")
    if len(prompts) > MAX_PROMPTS:
        raise InputProblem("trl_too_many_prompts", count=len(prompts), limit=MAX_PROMPTS)
    for prompt in prompts:
        if len(prompt) > MAX_PROMPT_CHARS:
            raise InputProblem("trl_prompt_too_long", length=len(prompt), limit=MAX_PROMPT_CHARS)
    return prompts


def check_steps(steps: int) -> int:
    if not 1 <= int(steps) <= MAX_STEPS:
        raise InputProblem("trl_steps_out_of_range", steps=steps, limit=MAX_STEPS)
    return int(steps)


# --------------------------------------------------------------------------- model
def load_fresh_model():
    """A private, trainable copy of the pack's SmolLM2 (the shared cached one stays untouched)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from lib.models.loader import pack_path

    path = pack_path(COMPONENT)
    return AutoModelForCausalLM.from_pretrained(path, use_safetensors=True), AutoTokenizer.from_pretrained(path)


def answer(model, tokenizer, prompts: list[str], max_new_tokens: int = 48) -> list[str]:
    """Greedy answers (one chat turn each): deterministic, so before/after differ only by training."""
    import torch

    was_training = model.training
    model.eval()
    answers = []
    try:
        for prompt in prompts:
            inputs = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                                   return_tensors="pt", return_dict=True)
            with torch.inference_mode():
                output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                        pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
            new = output[0, inputs["input_ids"].shape[1]:]
            # a cut at max_new_tokens can split a multi-byte character (Vietnamese): drop the broken tail
            answers.append(tokenizer.decode(new, skip_special_tokens=True).rstrip("\ufffd").strip())
    finally:
        model.train(was_training)
    return answers


def lora_config(settings: SftSettings):
    from peft import LoraConfig

    return LoraConfig(task_type="CAUSAL_LM", r=settings.lora_r, lora_alpha=settings.lora_alpha,
                      lora_dropout=settings.lora_dropout, target_modules=list(settings.target_modules))


def sft_arguments(settings: SftSettings, output_dir: Path | str) -> dict:
    """Keyword arguments of TRL's `SFTConfig`, shared by the run and its notebook code."""
    return dict(
        output_dir=str(output_dir),
        max_steps=settings.steps,
        learning_rate=settings.learning_rate,
        per_device_train_batch_size=settings.batch_size,
        max_length=settings.max_length,
        completion_only_loss=True,  # loss on the answers only (prompt/completion rows)
        logging_steps=settings.logging_steps,
        lr_scheduler_type="constant",  # a few dozen steps: no warm-up or decay to explain
        bf16=False,  # SFTConfig's default is True: slow emulation on CPUs without bf16 instructions
        gradient_checkpointing=False,  # SFTConfig's default is True: saves memory a 135M model does not need
        save_strategy="no",
        seed=settings.seed,
        use_cpu=True,
        report_to="none",
        disable_tqdm=True,
    )


class _Live:
    """Sends events to the page and stops the trainer when the learner asks."""

    def __init__(self, on_event: Callable[[dict], None], stop: threading.Event):
        self.on_event, self.stop, self.history = on_event, stop, []
        self.start = time.perf_counter()

    def send(self, kind: str, **values) -> None:
        event = {"kind": kind, "seconds": round(time.perf_counter() - self.start, 2), **values}
        self.history.append(event)
        self.on_event(event)

    def callback(self, extra: dict[str, str] | None = None):
        """A TrainerCallback; `extra` maps event fields to other log keys (e.g. DPO's reward margin)."""
        from transformers import TrainerCallback

        live = self
        extra = extra or {}

        class LiveCallback(TrainerCallback):
            def on_train_begin(self, args, state, control, **kwargs):
                live.send("start", step=0, max_steps=state.max_steps)

            def on_log(self, args, state, control, logs=None, **kwargs):
                logs = logs or {}
                if "loss" in logs:  # the final summary has "train_loss" instead
                    live.send("log", step=state.global_step, max_steps=state.max_steps, loss=logs["loss"],
                              learning_rate=logs.get("learning_rate"), grad_norm=logs.get("grad_norm"),
                              token_accuracy=logs.get("mean_token_accuracy"),
                              **{name: logs.get(key) for name, key in extra.items()})

            def on_step_end(self, args, state, control, **kwargs):
                if live.stop.is_set():
                    control.should_training_stop = True

        return LiveCallback()


def _quiet(trainer) -> None:
    from transformers import PrinterCallback, ProgressCallback

    for callback in (PrinterCallback, ProgressCallback):
        trainer.remove_callback(callback)


def sft_run(steps: int = 20, lora_r: int = 8, learning_rate: float = 1e-3,
            on_event: Callable[[dict], None] | None = None, stop: threading.Event | None = None,
            output_dir: Path | str = "sft-lora", prompts=HELD_OUT_PROMPTS, **settings) -> SftResult:
    """LoRA SFT of SmolLM2 on the project's pairs with TRL; answers to `prompts` before and after.

    Runs in the caller's thread. Events: {"kind": "phase", "phase": "before"|"train"|"after"},
    "start", "log" (step, loss, learning_rate, grad_norm, token_accuracy), "final".
    `settings` are other `SftSettings` fields (batch_size, max_length, seed, ...).
    """
    import torch
    from datasets import Dataset
    from transformers import set_seed
    from trl import SFTConfig, SFTTrainer

    config = SftSettings(steps=check_steps(steps), lora_r=lora_r, learning_rate=learning_rate, **settings)
    prompts = check_prompts(prompts)
    live = _Live(on_event or (lambda event: None), stop or threading.Event())
    output_dir = Path(output_dir)
    threads = torch.get_num_threads()
    try:
        set_seed(config.seed)
        model, tokenizer = load_fresh_model()
        live.send("phase", phase="before")
        before = answer(model, tokenizer, prompts, config.max_new_tokens)
        live.send("phase", phase="train")
        trainer = SFTTrainer(model=model, args=SFTConfig(**sft_arguments(config, output_dir)),
                             train_dataset=Dataset.from_list(as_prompt_completion(load_pairs())),
                             processing_class=tokenizer, peft_config=lora_config(config),
                             callbacks=[live.callback()])
        _quiet(trainer)
        trainable, total = trainer.model.get_nb_trainable_parameters()
        started = time.perf_counter()
        trainer.train()
        train_seconds = time.perf_counter() - started
        live.send("phase", phase="after")
        after = answer(trainer.model, tokenizer, prompts, config.max_new_tokens)
        trainer.model.save_pretrained(output_dir)  # the adapter only: a few MB
    finally:
        torch.set_num_threads(threads)  # never leave a changed global behind for other sessions
    logs = [e for e in live.history if e["kind"] == "log"]
    live.send("final", step=trainer.state.global_step, max_steps=trainer.state.max_steps,
              train_seconds=round(train_seconds, 2))
    return SftResult(
        losses=[(e["step"], float(e["loss"])) for e in logs],
        token_accuracy=[(e["step"], float(e["token_accuracy"])) for e in logs if e.get("token_accuracy") is not None],
        comparison=[{"prompt": p, "before": b, "after": a} for p, b, a in zip(prompts, before, after)],
        history=live.history, trainable_params=int(trainable), total_params=int(total),
        train_seconds=round(train_seconds, 2), total_seconds=live.history[-1]["seconds"],
        steps=trainer.state.global_step, max_steps=trainer.state.max_steps, stopped=live.stop.is_set(),
        output_dir=output_dir, settings=config, code=code(config),
    )


def code(config: SftSettings | None = None) -> str:
    """The same run as notebook code, with the Hub checkpoint instead of the offline pack."""
    config = config or SftSettings()
    args = sft_arguments(config, "smollm2-sft-lora")
    lines = ",\n".join(f"    {key}={value!r}" for key, value in args.items())
    prompts = ",\n    ".join(repr(p) for p in HELD_OUT_PROMPTS)
    return f'''import json

from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer

checkpoint = "{HUB_ID}"
tokenizer = AutoTokenizer.from_pretrained(checkpoint)
model = AutoModelForCausalLM.from_pretrained(checkpoint)

# pairs.jsonl: one {{"messages": [{{"role": "user", ...}}, {{"role": "assistant", ...}}]}} per line.
# As prompt/completion rows, TRL computes the loss on the answers only.
with open("pairs.jsonl", encoding="utf-8") as f:
    pairs = [json.loads(line) for line in f]
train = Dataset.from_list([{{"prompt": p["messages"][:-1], "completion": p["messages"][-1:]}} for p in pairs])

def ask(model, question):
    inputs = tokenizer.apply_chat_template([{{"role": "user", "content": question}}], add_generation_prompt=True,
                                           return_tensors="pt", return_dict=True)
    output = model.generate(**inputs, max_new_tokens={config.max_new_tokens}, do_sample=False)
    return tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)

questions = [
    {prompts},
]
before = [ask(model, q) for q in questions]

lora = LoraConfig(task_type="CAUSAL_LM", r={config.lora_r}, lora_alpha={config.lora_alpha},
                  lora_dropout={config.lora_dropout}, target_modules={list(config.target_modules)!r})
args = SFTConfig(
{lines},
)
trainer = SFTTrainer(model=model, args=args, train_dataset=train, processing_class=tokenizer, peft_config=lora)
trainer.model.print_trainable_parameters()
trainer.train()
print([(log["step"], log["loss"]) for log in trainer.state.log_history if "loss" in log])

trainer.model.eval()
after = [ask(trainer.model, q) for q in questions]
for q, b, a in zip(questions, before, after):
    print(q, "\\n  before:", b, "\\n  after: ", a)
trainer.model.save_pretrained("smollm2-sft-lora")  # the adapter only; merge_and_unload() for a plain model
'''


@dataclass
class DpoResult:
    losses: list[tuple[int, float]]  # (step, DPO loss); starts at log(2) = 0.693 when policy == reference
    margins: list[tuple[int, float]]  # (step, mean reward margin chosen - rejected): grows as DPO learns
    accuracies: list[tuple[int, float]]  # (step, share of pairs where chosen beats rejected)
    comparison: list[dict]  # {"prompt", "before", "after"}
    history: list[dict]
    trainable_params: int
    total_params: int
    train_seconds: float
    steps: int
    max_steps: int
    stopped: bool
    output_dir: Path
    beta: float
    code: str


def dpo_arguments(steps: int, learning_rate: float, beta: float, batch_size: int, max_length: int, seed: int,
                  output_dir: Path | str) -> dict:
    """Keyword arguments of TRL's `DPOConfig` (same CPU switches as SFT)."""
    return dict(output_dir=str(output_dir), max_steps=steps, learning_rate=learning_rate, beta=beta,
                per_device_train_batch_size=batch_size, max_length=max_length, logging_steps=1,
                lr_scheduler_type="constant", bf16=False, gradient_checkpointing=False, save_strategy="no",
                seed=seed, use_cpu=True, report_to="none", disable_tqdm=True)


def dpo_run(steps: int = 10, lora_r: int = 8, learning_rate: float = 5e-4, beta: float = 0.1,
            on_event: Callable[[dict], None] | None = None, stop: threading.Event | None = None,
            output_dir: Path | str = "dpo-lora", prompts=HELD_OUT_PROMPTS, batch_size: int = 2,
            max_length: int = 256, seed: int = 42, max_new_tokens: int = 48) -> DpoResult:
    """LoRA DPO of SmolLM2 on the project's preference triples with TRL's `DPOTrainer`.

    With a peft model TRL needs no second copy: the reference is the same model with the
    adapter switched off. Events as in `sft_run`, "log" also carrying margin and accuracy.
    """
    import torch
    from datasets import Dataset
    from transformers import set_seed
    from trl import DPOConfig, DPOTrainer

    steps = check_steps(steps)
    prompts = check_prompts(prompts)
    settings = SftSettings(steps=steps, lora_r=lora_r, learning_rate=learning_rate, batch_size=batch_size,
                           max_length=max_length, seed=seed, max_new_tokens=max_new_tokens)
    live = _Live(on_event or (lambda event: None), stop or threading.Event())
    output_dir = Path(output_dir)
    threads = torch.get_num_threads()
    try:
        set_seed(seed)
        model, tokenizer = load_fresh_model()
        live.send("phase", phase="before")
        before = answer(model, tokenizer, prompts, max_new_tokens)
        live.send("phase", phase="train")
        rows = [{k: row[k] for k in ("prompt", "chosen", "rejected")} for row in load_preferences()]
        trainer = DPOTrainer(model=model, args=DPOConfig(**dpo_arguments(steps, learning_rate, beta, batch_size,
                                                                         max_length, seed, output_dir)),
                             train_dataset=Dataset.from_list(rows), processing_class=tokenizer,
                             peft_config=lora_config(settings), callbacks=[live.callback(extra={
                                 "margin": "rewards/margins", "accuracy": "rewards/accuracies"})])
        _quiet(trainer)
        trainable, total = trainer.model.get_nb_trainable_parameters()
        started = time.perf_counter()
        trainer.train()
        train_seconds = time.perf_counter() - started
        live.send("phase", phase="after")
        after = answer(trainer.model, tokenizer, prompts, max_new_tokens)
        trainer.model.save_pretrained(output_dir)
    finally:
        torch.set_num_threads(threads)
    logs = [e for e in live.history if e["kind"] == "log"]
    live.send("final", step=trainer.state.global_step, max_steps=trainer.state.max_steps,
              train_seconds=round(train_seconds, 2))
    return DpoResult(
        losses=[(e["step"], float(e["loss"])) for e in logs],
        margins=[(e["step"], float(e["margin"])) for e in logs if e.get("margin") is not None],
        accuracies=[(e["step"], float(e["accuracy"])) for e in logs if e.get("accuracy") is not None],
        comparison=[{"prompt": p, "before": b, "after": a} for p, b, a in zip(prompts, before, after)],
        history=live.history, trainable_params=int(trainable), total_params=int(total),
        train_seconds=round(train_seconds, 2), steps=trainer.state.global_step,
        max_steps=trainer.state.max_steps, stopped=live.stop.is_set(), output_dir=output_dir, beta=beta,
        code=dpo_code(steps, learning_rate, beta, batch_size, max_length, seed, lora_r),
    )


def dpo_code(steps: int = 10, learning_rate: float = 5e-4, beta: float = 0.1, batch_size: int = 2,
             max_length: int = 256, seed: int = 42, lora_r: int = 8) -> str:
    """The DPO run as notebook code."""
    settings = SftSettings(lora_r=lora_r)
    args = dpo_arguments(steps, learning_rate, beta, batch_size, max_length, seed, "smollm2-dpo-lora")
    lines = ",\n".join(f"    {key}={value!r}" for key, value in args.items())
    return f'''import json

from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl import DPOConfig, DPOTrainer

checkpoint = "{HUB_ID}"
tokenizer = AutoTokenizer.from_pretrained(checkpoint)
model = AutoModelForCausalLM.from_pretrained(checkpoint)

# preferences.jsonl: {{"prompt": [user message], "chosen": [assistant message], "rejected": [assistant message]}}
with open("preferences.jsonl", encoding="utf-8") as f:
    rows = [json.loads(line) for line in f]
train = Dataset.from_list([{{k: r[k] for k in ("prompt", "chosen", "rejected")}} for r in rows])

lora = LoraConfig(task_type="CAUSAL_LM", r={settings.lora_r}, lora_alpha={settings.lora_alpha},
                  lora_dropout={settings.lora_dropout}, target_modules={list(settings.target_modules)!r})
args = DPOConfig(
{lines},
)
# With a LoRA adapter, the reference model is the same model with the adapter switched off.
trainer = DPOTrainer(model=model, args=args, train_dataset=train, processing_class=tokenizer, peft_config=lora)
trainer.train()
for log in trainer.state.log_history:
    if "loss" in log:
        print(log["step"], log["loss"], log["rewards/margins"], log["rewards/accuracies"])
'''


def settings_dict(config: SftSettings) -> dict:
    """The settings as plain values (for a table or JSON)."""
    values = asdict(config)
    values["target_modules"] = list(config.target_modules)
    return values
