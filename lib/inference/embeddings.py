"""Sentence embeddings with multilingual-e5-small: semantic search over the project's corpus,
similarity matrices and a 2-D map of meanings.

E5 needs a prefix on every input: documents are embedded as "passage: ...", search queries as
"query: ...", and symmetric comparisons (matrix, map) use "query: " on every text, as the
model card advises. One vector space holds Vietnamese and English, so a Vietnamese question
finds English paragraphs too. Heavy libraries are imported inside functions.
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
CORPUS_DIR = ROOT / "data" / "corpus"
LANGS = ("vi", "en")
_passage_lock = threading.Lock()
_passage_vectors = None  # (n, 384) float32 of all passages, computed once per process


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


def _e5():
    return load_model(E5), load_tokenizer(E5)


def embed_texts(texts: list[str], prefix: str = "query: "):
    """L2-normalised e5 vectors (numpy float32, [n, 384]) of texts, each given `prefix`."""
    from lib.models.e5 import embed

    texts = list(texts)
    if not texts or any(not t or not t.strip() for t in texts):
        raise InputProblem("text_empty")
    model, tokenizer = _e5()
    return embed(model, tokenizer, [prefix + t.strip() for t in texts])


def _passage_inputs() -> list[str]:
    from lib.models.e5 import PASSAGE_PREFIX

    return [f"{PASSAGE_PREFIX}{p.title}. {p.text}" for p in corpus_passages()]


def _vectors_file() -> Path:
    """Where the corpus vectors are kept on disk, named by what they depend on.

    The name hashes the exact model inputs and the e5 folder's manifest (file hashes), so an
    edited corpus or a rebuilt model gets new vectors instead of stale ones.
    """
    from lib.models.pack import MANIFEST, cache_dir, component

    digest = hashlib.sha256("\n\x00".join(_passage_inputs()).encode("utf-8"))
    digest.update((component(E5).path / MANIFEST).read_bytes())
    return cache_dir() / "embeddings" / f"corpus-{E5}-{digest.hexdigest()[:16]}.npy"


def embed_passages():
    """Vectors of every corpus passage ("passage: title. body"), numpy float32 [n, 384].

    Embedding the 134 paragraphs takes tens of seconds on a laptop CPU, so the result is kept
    in memory and in the gitignored cache folder: computed once per machine, not per session.
    """
    global _passage_vectors
    import numpy as np

    from lib.models.e5 import embed

    with _passage_lock:
        if _passage_vectors is not None:
            return _passage_vectors
        path = _vectors_file()
        inputs = _passage_inputs()
        vectors = None
        if path.is_file():
            try:
                vectors = np.load(path, allow_pickle=False)
            except (OSError, ValueError):
                vectors = None
            if vectors is not None and vectors.shape[0] != len(inputs):
                vectors = None
        if vectors is None:
            model, tokenizer = _e5()
            vectors = embed(model, tokenizer, inputs)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            with open(partial, "wb") as out:
                np.save(out, vectors, allow_pickle=False)
            os.replace(partial, path)  # atomic: a reader never sees half a file
        _passage_vectors = vectors
        return vectors


def search(query: str, top: int = 5, lang: str | None = None) -> list[tuple[Passage, float]]:
    """The `top` passages closest in meaning to the query, with their cosine similarity, best first.

    `lang` keeps one language; by default both are searched (cross-lingual).
    """
    import numpy as np

    from lib.models.e5 import QUERY_PREFIX

    if not query or not query.strip():
        raise InputProblem("text_empty")
    vectors = embed_passages()
    scores = vectors @ embed_texts([query], prefix=QUERY_PREFIX)[0]
    passages = corpus_passages()
    candidates = [i for i, p in enumerate(passages) if lang is None or p.lang == lang]
    best = sorted(candidates, key=lambda i: -scores[i])[:max(1, int(top))]
    return [(passages[i], float(np.clip(scores[i], -1.0, 1.0))) for i in best]


def similarity_matrix(texts: list[str]):
    """Cosine similarity of every pair of texts: numpy [n, n], symmetric, 1 on the diagonal."""
    import numpy as np

    vectors = embed_texts(texts).astype(np.float64)
    matrix = np.clip(vectors @ vectors.T, -1.0, 1.0)
    matrix = (matrix + matrix.T) / 2
    np.fill_diagonal(matrix, 1.0)
    return matrix


def projection_2d(texts: list[str]):
    """2-D coordinates (numpy [n, 2]) of the texts' e5 embeddings: near points, near meanings."""
    return pca_2d(embed_texts(texts))


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


# Shown code that loads e5 and embeds with mean pooling, as lib.models.e5.embed does (shared by
# the search, similarity and zero-shot snippets).
E5_CODE = [
    f'name = "intfloat/{E5}"  # offline, as in this app: ".cache/pack/{E5}"',
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


def code_search(query: str, top: int = 5) -> str:
    """Minimal runnable semantic search code (transformers only) over the same corpus."""
    return "\n".join([
        "from pathlib import Path",
        "import torch",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        *E5_CODE,
        "",
        "passages = []  # (title, body) pairs from the project's corpus",
        'for lang in ("vi", "en"):',
        '    text = Path(f"data/corpus/{lang}.txt").read_text(encoding="utf-8")',
        '    passages += [tuple(block.split("\\n", 1)) for block in text.strip().split("\\n\\n")]',
        'vectors = torch.cat([embed([f"passage: {t}. {b}" for t, b in passages[i:i + 32]])',
        "                     for i in range(0, len(passages), 32)])",
        "",
        f"query = {query[:300]!r}",
        'scores = vectors @ embed(["query: " + query])[0]',
        f"for score, i in zip(*scores.topk({max(1, int(top))})):",
        '    print(f"{score:.3f}  {passages[i][0]}")',
    ]) + "\n"


def code_similarity(texts: list[str]) -> str:
    """Minimal runnable code for the similarity matrix and the 2-D PCA map."""
    return "\n".join([
        "import torch",
        "from sklearn.decomposition import PCA",
        "from transformers import AutoModel, AutoTokenizer",
        "",
        *E5_CODE[:3],
        "",
        f"texts = {[t[:300] for t in list(texts)[:20]]!r}",
        'batch = tokenizer(["query: " + t for t in texts], padding=True, truncation=True, return_tensors="pt")',
        "with torch.inference_mode():",
        "    hidden = model(**batch).last_hidden_state",
        'mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)',
        "vectors = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)",
        "print(vectors @ vectors.T)  # cosine similarity of every pair",
        'print(PCA(n_components=2, svd_solver="full").fit_transform(vectors.numpy()))  # a 2-D map',
    ]) + "\n"
