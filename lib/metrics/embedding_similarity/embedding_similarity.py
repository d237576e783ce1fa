"""Embedding similarity: the project's own metric (NOT a Hub metric) for meaning, not wording.

Cosine similarity between the multilingual-e5-small sentence embeddings of each prediction and its
reference. BLEU/ROUGE reward shared words; this rewards shared meaning, across Vietnamese and English.
The model comes from the offline pack through the app's one shared cache (lib.models.loader).
"""
import datasets
from sklearn.metrics.pairwise import paired_cosine_distances

import evaluate
from lib.models.e5 import QUERY_PREFIX, embed
from lib.models.loader import load_model, load_tokenizer

E5 = "multilingual-e5-small"

_DESCRIPTION = """
NOT a Hugging Face Hub metric: a metric of this project (Học Hugging Face). For each pair, the cosine
similarity between the E5 sentence embeddings (intfloat/multilingual-e5-small, mean-pooled and
L2-normalised, both sides prefixed "query: " as E5 advises for symmetric tasks) of the prediction and
the reference. Higher means closer in meaning; paraphrases and translations score high even with no
word in common. E5 similarities are compressed: unrelated sentences still score around 0.7-0.8, so
compare scores with each other rather than reading them as percentages.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions (`list` of `str`): generated texts.
    references (`list` of `str`): reference texts, one per prediction.
    prefix (`str`): the E5 prefix for both sides. Defaults to "query: ".
    batch_size (`int`): texts per forward pass. Defaults to 32.
Returns:
    similarities (`list` of `float`): one cosine similarity per pair, in [-1, 1] (in practice about 0.7-1);
    mean_similarity (`float`): their mean. Higher is better.
Examples:
    >>> similarity = evaluate.load("lib/metrics/embedding_similarity")
    >>> similarity.compute(predictions=["Hà Nội là thủ đô của Việt Nam."],
    ...                    references=["Thủ đô của Việt Nam là Hà Nội."])["similarities"]
"""

_CITATION = """
@article{wang2024multilingual,
  title={Multilingual E5 Text Embeddings: A Technical Report},
  author={Wang, Liang and Yang, Nan and Huang, Xiaolong and Yang, Linjun and Majumder, Rangan and Wei, Furu},
  journal={arXiv preprint arXiv:2402.05672},
  year={2024}
}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class EmbeddingSimilarity(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features({
                "predictions": datasets.Value("string", id="sequence"),
                "references": datasets.Value("string", id="sequence"),
            }),
            reference_urls=["https://huggingface.co/intfloat/multilingual-e5-small"],
        )

    def _compute(self, predictions, references, prefix=QUERY_PREFIX, batch_size=32):
        model, tokenizer = load_model(E5), load_tokenizer(E5)
        vectors = embed(model, tokenizer, [prefix + t for t in list(predictions) + list(references)],
                        batch_size=batch_size)
        n = len(predictions)
        similarities = [float(1.0 - d) for d in paired_cosine_distances(vectors[:n], vectors[n:])]
        return {"similarities": similarities,
                "mean_similarity": float(sum(similarities) / n) if n else 0.0}
