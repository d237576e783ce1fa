"""Sentence embeddings: semantic search over the project's corpus, similarity matrices and a
2-D map of meanings, with multilingual-e5-small (the default) or all-MiniLM-L6-v2.

E5 needs a prefix on every input: documents are embedded as "passage: ...", search queries as
"query: ...", and symmetric comparisons (matrix, map) use "query: " on every text, as the
model card advises. One vector space holds Vietnamese and English, so a Vietnamese question
finds English paragraphs too. MiniLM takes no prefix and learned English only: the same search
with it shows a learner why the model's languages matter. Heavy libraries are imported inside
functions.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lib.models.loader import load_model, load_tokenizer
from lib.sections import ROOT
from lib.text_input import InputProblem

E5 = "multilingual-e5-small"
MINILM = "all-minilm-l6-v2"
MODELS = (E5, MINILM)
# (query prefix, passage prefix): what each model was trained to see before a text
PREFIXES = {E5: ("query: ", "passage: "), MINILM: ("", "")}
CORPUS_DIR = ROOT / "data" / "corpus"
LANGS = ("vi", "en")
_passage_lock = threading.Lock()
_passage_vectors: dict = {}  # model -> (n, 384) float32 of all passages, computed once per process


@dataclass(frozen=True)
class Passage:
    id: str  # "vi-001", stable as long as the file's order is
    lang: str
    title: str
    text: str


@lru_cache(maxsize=None)
def _all_passages() -> tuple[Passage, ...]:
    passages = []
    for lang in LANGS:
        raw = (CORPUS_DIR / f"{lang}.txt").read_text(encoding="utf-8")
        for number, block in enumerate(b for b in raw.strip().split("\n\n") if b.strip()):
            title, body = block.strip().split("\n", 1)
            passages.append(Passage(f"{lang}-{number + 1:03d}", lang, title.strip(), body.strip()))
    return tuple(passages)


def corpus_passages(lang: str | None = None) -> list[Passage]:
    """Paragraphs of data/corpus/{vi,en}.txt (a title line, then a body line), Vietnamese first."""
    return [p for p in _all_passages() if lang is None or p.lang == lang]


def _loaded(model_id: str):
    if model_id not in MODELS:
        raise ValueError(f"no sentence encoder {model_id!r}; one of {MODELS}")
    return load_model(model_id), load_tokenizer(model_id)


def embed_texts(texts: list[str], prefix: str | None = None, model_id: str = E5):
    """L2-normalised vectors (numpy float32, [n, 384]) of texts, each given `prefix` (by default
    the model's query prefix: "query: " for e5, none for MiniLM)."""
    from lib.models.e5 import embed

    texts = list(texts)
    if not texts or any(not t or not t.strip() for t in texts):
        raise InputProblem("text_empty")
    model, tokenizer = _loaded(model_id)
    prefix = PREFIXES[model_id][0] if prefix is None else prefix
    return embed(model, tokenizer, [prefix + t.strip() for t in texts])


def _passage_inputs(model_id: str = E5) -> list[str]:
    return [f"{PREFIXES[model_id][1]}{p.title}. {p.text}" for p in corpus_passages()]


def _vectors_file(model_id: str = E5) -> Path:
    """Where the corpus vectors are kept on disk, named by what they depend on.

    The name hashes the exact model inputs and the model folder's manifest (file hashes), so an
    edited corpus or a rebuilt model gets new vectors instead of stale ones.
    """
    from lib.models.pack import MANIFEST, cache_dir, component

    digest = hashlib.sha256("\n\x00".join(_passage_inputs(model_id)).encode("utf-8"))
    digest.update((component(model_id).path / MANIFEST).read_bytes())
    return cache_dir() / "embeddings" / f"corpus-{model_id}-{digest.hexdigest()[:16]}.npy"


def embed_passages(model_id: str = E5):
    """Vectors of every corpus passage ("passage: title. body" for e5), numpy float32 [n, 384].

    Embedding the 134 paragraphs takes tens of seconds on a laptop CPU, so the result is kept
    in memory and in the gitignored cache folder: computed once per machine, not per session.
    """
    import numpy as np

    from lib.models.e5 import embed

    with _passage_lock:
        if model_id in _passage_vectors:
            return _passage_vectors[model_id]
        path = _vectors_file(model_id)
        inputs = _passage_inputs(model_id)
        vectors = None
        if path.is_file():
            try:
                vectors = np.load(path, allow_pickle=False)
            except (OSError, ValueError):
                vectors = None
            if vectors is not None and vectors.shape[0] != len(inputs):
                vectors = None
        if vectors is None:
            model, tokenizer = _loaded(model_id)
            vectors = embed(model, tokenizer, inputs)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with open(partial, "wb") as out:
                np.save(out, vectors, allow_pickle=False)
            os.replace(partial, path)  # atomic: a reader never sees half a file
        _passage_vectors[model_id] = vectors
        return vectors


def search(query: str, top: int = 5, lang: str | None = None, model_id: str = E5) -> list[tuple[Passage, float]]:
    """The `top` passages closest in meaning to the query, with their cosine similarity, best first.

    `lang` keeps one language; by default both are searched (cross-lingual).
    """
    import numpy as np

    if not query or not query.strip():
        raise InputProblem("text_empty")
    vectors = embed_passages(model_id)
    scores = vectors @ embed_texts([query], model_id=model_id)[0]
    passages = corpus_passages()
    candidates = [i for i, p in enumerate(passages) if lang is None or p.lang == lang]
    best = sorted(candidates, key=lambda i: -scores[i])[:max(1, int(top))]
    return [(passages[i], float(np.clip(scores[i], -1.0, 1.0))) for i in best]


def similarity_matrix(texts: list[str], model_id: str = E5):
    """Cosine similarity of every pair of texts: numpy [n, n], symmetric, 1 on the diagonal."""
    import numpy as np

    vectors = embed_texts(texts, model_id=model_id).astype(np.float64)
    matrix = np.clip(vectors @ vectors.T, -1.0, 1.0)
    matrix = (matrix + matrix.T) / 2
    np.fill_diagonal(matrix, 1.0)
    return matrix


def projection_2d(texts: list[str], model_id: str = E5):
    """2-D coordinates (numpy [n, 2]) of the texts' embeddings: near points, near meanings."""
    return pca_2d(embed_texts(texts, model_id=model_id))


def pca_2d(vectors):
    """PCA to two axes with the exact ("full") solver: deterministic, scikit-learn fixes the signs.

    Fewer than three vectors cannot span two directions: missing axes are zeros.
    """
    import numpy as np
    from sklearn.decomposition import PCA

    vectors = np.asarray(vectors, dtype=np.float64)
    points = np.zeros((len(vectors), 2))
    components = min(2, len(vectors) - 1)
    if components > 0:
        points[:, :components] = PCA(n_components=components, svd_solver="full").fit_transform(vectors)
    return points


_HUB_NAMES = {E5: f"intfloat/{E5}", MINILM: "sentence-transformers/all-MiniLM-L6-v2"}


def _encoder_code(model_id: str) -> list[str]:
    """Shown code that loads the encoder and embeds with mean pooling, as lib.models.e5.embed does
    (shared by the search, similarity and zero-shot snippets)."""
    return [
        f'name = "{_HUB_NAMES[model_id]}"  # offline, as in this app: ".cache/pack/{model_id}"',
        "tokenizer = AutoTokenizer.from_pretrained(name)",
        "model = AutoModel.from_pretrained(name)",
        "",
        "def embed(texts):",
        '    batch = tokenizer(texts, padding=True, truncation=True, max_length=512, return_tensors="pt")',
        "    with torch.inference_mode():",
        "        hidden = model(**batch).last_hidden_state",
        '    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)',
        "    return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)",
    ]


E5_CODE = _encoder_code(E5)


def _prefixed(prefix: str, name: str) -> str:
    """A Python expression: the variable `name` with the model's prefix in front, if it has one."""
    return f"{prefix!r} + {name}" if prefix else name


def code_search(query: str, top: int = 5, model_id: str = E5) -> str:
    """Minimal runnable semantic search code (transformers only) over the same corpus."""
    query_prefix, passage_prefix = PREFIXES[model_id]
    return "\n".join([
        "from pathlib import Path",
        "import torch",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        *_encoder_code(model_id),
        "",
        "passages = []  # (title, body) pairs from the project's corpus",
        'for lang in ("vi", "en"):',
        '    text = Path(f"data/corpus/{lang}.txt").read_text(encoding="utf-8")',
        '    passages += [tuple(block.split("\\n", 1)) for block in text.strip().split("\\n\\n")]',
        f'vectors = torch.cat([embed([f"{passage_prefix}{{t}}. {{b}}" for t, b in passages[i:i + 32]])',
        "                     for i in range(0, len(passages), 32)])",
        "",
        f"query = {query[:300]!r}",
        f'scores = vectors @ embed([{_prefixed(query_prefix, "query")}])[0]',
        f"for score, i in zip(*scores.topk({max(1, int(top))})):",
        '    print(f"{score:.3f}  {passages[i][0]}")',
    ]) + "\n"


def code_similarity(texts: list[str], model_id: str = E5) -> str:
    """Minimal runnable code for the similarity matrix and the 2-D PCA map."""
    return "\n".join([
        "import torch",
        "from sklearn.decomposition import PCA",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        *_encoder_code(model_id)[:3],
        "",
        f"texts = {[t[:300] for t in list(texts)[:20]]!r}",
        f'batch = tokenizer([{_prefixed(PREFIXES[model_id][0], "t")} for t in texts], padding=True, truncation=True,'
        ' return_tensors="pt")',
        "with torch.inference_mode():",
        "    hidden = model(**batch).last_hidden_state",
        'mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)',
        "vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)",
        "print(vectors @ vectors.T)  # cosine similarity of every pair",
        'print(PCA(n_components=2, svd_solver="full").fit_transform(vectors.numpy()))  # a 2-D map',
    ]) + "\n"
