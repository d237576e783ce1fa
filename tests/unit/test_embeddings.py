"""Semantic search, similarity and the 2-D map with the pack's multilingual-e5-small."""
import numpy as np
import pytest

from lib.inference import embeddings
from lib.models.pack import pack_dir
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack


def ids(results):
    return [passage.id for passage, _ in results]


def test_corpus_is_read_as_title_and_body_pairs():
    vi, en = embeddings.corpus_passages("vi"), embeddings.corpus_passages("en")
    assert (len(vi), len(en)) == (78, 56)  # as the data card says
    everything = embeddings.corpus_passages()
    assert len({p.id for p in everything}) == len(everything) == 134
    assert vi[0].title == "Định luật vạn vật hấp dẫn" and vi[0].text.startswith("Năm 1687, Isaac Newton")
    assert en[-1].title == "Antarctica"
    assert all(p.title and len(p.text) > 400 and "\n" not in p.text for p in everything)


def test_passage_vectors_are_normalised_and_kept():
    vectors = embeddings.embed_passages()
    assert vectors.shape == (134, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert embeddings.embed_passages() is vectors
    assert embeddings._vectors_file().is_file()


def test_a_question_about_newton_and_gravity_finds_the_gravity_passage():
    gravity = "vi-001"  # "Định luật vạn vật hấp dẫn"; the English file has no paragraph of its own on it
    assert ids(embeddings.search("Newton và lực hấp dẫn", top=3))[0] == gravity
    english = "Who discovered the law of universal gravitation?"
    # cross-lingual: the English question reaches the Vietnamese paragraph. Over both languages it
    # ranks second, after "The Scientific Revolution" (which names Newton's law): e5 favours the
    # query's own language by a few hundredths of cosine.
    assert gravity in ids(embeddings.search(english, top=3))
    assert ids(embeddings.search(english, top=3, lang="vi"))[0] == gravity


@pytest.mark.parametrize("query, expected", [
    ("Tại sao Trái Đất có bốn mùa?", "Why Earth has seasons"),
    ("Alan Turing và máy tính", "Alan Turing and computation"),
    ("Pin điện hoạt động như thế nào?", "Batteries and electrochemistry"),
])
def test_a_vietnamese_query_finds_english_passages(query, expected):
    results = embeddings.search(query, top=5, lang="en")
    assert results[0][0].title == expected
    scores = [score for _, score in results]
    assert scores == sorted(scores, reverse=True) and len(results) == 5


def test_similarity_matrix_is_symmetric_with_ones_on_the_diagonal():
    texts = ["Con mèo ngủ trên ghế.", "The cat is sleeping on the chair.", "Giá xăng tăng mạnh.", "Fuel prices rose sharply."]
    matrix = embeddings.similarity_matrix(texts)
    assert matrix.shape == (4, 4)
    assert np.allclose(matrix, matrix.T) and np.allclose(np.diag(matrix), 1.0)
    assert matrix.max() <= 1.0 and matrix.min() >= -1.0
    assert matrix[0, 1] > matrix[0, 2] and matrix[0, 1] > matrix[0, 3]  # a translation is closest
    assert matrix[2, 3] > matrix[2, 1]


def test_projection_is_two_dimensional_and_deterministic():
    texts = ["con mèo", "the cat", "con chó", "the dog", "xe máy", "a motorbike"]
    first, second = embeddings.projection_2d(texts), embeddings.projection_2d(texts)
    assert first.shape == (6, 2) and np.array_equal(first, second)
    assert np.abs(first).sum() > 0
    assert embeddings.projection_2d(["một câu"]).tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("call", [
    lambda: embeddings.search("   "),
    lambda: embeddings.similarity_matrix(["ok", ""]),
    lambda: embeddings.projection_2d([]),
])
def test_blank_input_is_a_problem_for_the_learner(call):
    with pytest.raises(InputProblem) as problem:
        call()
    assert problem.value.key == "text_empty"


def test_code_snippets_run_offline(capsys):
    source = embeddings.code_similarity(["con mèo", "the cat", "xe máy"])
    source = source.replace("intfloat/multilingual-e5-small", str(pack_dir() / "multilingual-e5-small"))
    exec(compile(source, "similarity_snippet", "exec"), {})
    assert "tensor" in capsys.readouterr().out
    compile(embeddings.code_search("Newton và lực hấp dẫn"), "search_snippet", "exec")  # runs ~1 min: only compiled


def test_minilm_has_its_own_corpus_vectors_and_reads_english_only():
    """The lab's second encoder: no prefix, its own cached vectors, and the lesson it teaches."""
    minilm = embeddings.MINILM
    vectors = embeddings.embed_passages(minilm)
    assert vectors.shape == (134, 384) and vectors is not embeddings.embed_passages()
    assert embeddings._vectors_file(minilm) != embeddings._vectors_file() and embeddings._vectors_file(minilm).is_file()
    assert embeddings.search("Why does Earth have seasons?", top=1, model_id=minilm)[0][0].title == "Why Earth has seasons"
    vietnamese = "Tại sao Trái Đất có bốn mùa?"  # e5 finds the seasons passage first (test above); MiniLM does not
    assert "Why Earth has seasons" not in [p.title for p, _ in embeddings.search(vietnamese, top=3, lang="en",
                                                                                 model_id=minilm)]
    cat_vi, cat_en, fuel_vi = "Con mèo ngủ trên ghế.", "The cat is sleeping on the chair.", "Giá xăng tăng mạnh."
    matrix = embeddings.similarity_matrix([cat_vi, cat_en, fuel_vi], minilm)
    assert matrix[0, 2] > matrix[0, 1]  # Vietnamese resembles Vietnamese more than its own translation


def test_minilm_snippets_take_no_prefix_and_run_offline(capsys):
    source = embeddings.code_similarity(["con mèo", "the cat"], embeddings.MINILM)
    assert "query: " not in source and "sentence-transformers/all-MiniLM-L6-v2" in source
    exec(compile(source.replace("sentence-transformers/all-MiniLM-L6-v2", str(pack_dir() / embeddings.MINILM)),
                 "minilm_snippet", "exec"), {})
    assert "tensor" in capsys.readouterr().out
    search = embeddings.code_search("seasons", model_id=embeddings.MINILM)
    assert "passage: " not in search and "embed([query])" in search
    compile(search, "minilm_search", "exec")
