"""The project's evaluate modules agree with the libraries they wrap and with hand-checkable cases."""
import random
import re
import unicodedata

import pytest

from lib import metrics
from lib.i18n import prose_words
from lib.metrics.alignment import alignment
from lib.sections import LANGS
from lib.text_input import InputProblem

PRED = [0, 2, 1, 0, 0, 1, 2, 2, 1, 0]
REF = [0, 1, 2, 0, 1, 2, 2, 1, 1, 0]
BINARY_PRED = [0, 0, 1, 1, 0, 1, 1, 0]
BINARY_REF = [0, 1, 0, 1, 0, 1, 1, 1]


def compute(name, **kwargs):
    return metrics.compute(name, **kwargs)


def test_every_metric_has_a_module_folder_and_the_hub_layout():
    assert len(METRIC_NAMES) == len(set(METRIC_NAMES)) == 17
    for name in METRIC_NAMES:
        assert (metrics.METRICS_DIR / name / f"{name}.py").is_file(), name
    with pytest.raises(KeyError):
        metrics.path("bertscore")


METRIC_NAMES = metrics.METRICS


@pytest.mark.parametrize("average", ["binary", "macro", "micro", "weighted"])
def test_precision_recall_f1_match_scikit_learn(average):
    from sklearn.metrics import f1_score, precision_score, recall_score

    pred, ref = (BINARY_PRED, BINARY_REF) if average == "binary" else (PRED, REF)
    for name, function in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
        ours = compute(name, predictions=pred, references=ref, average=average)[name]
        assert ours == pytest.approx(function(ref, pred, average=average)), (name, average)


def test_classification_metrics_match_scikit_learn_and_the_hub_examples():
    from sklearn.metrics import accuracy_score, confusion_matrix, matthews_corrcoef

    assert compute("accuracy", predictions=PRED, references=REF)["accuracy"] == pytest.approx(accuracy_score(REF, PRED))
    assert compute("accuracy", predictions=[0, 1, 1, 2, 1, 0], references=[0, 1, 2, 0, 1, 2]) == {"accuracy": 0.5}
    assert compute("accuracy", predictions=PRED, references=REF, normalize=False)["accuracy"] == 5
    assert compute("f1", predictions=[0, 0, 1, 1, 0], references=[0, 1, 0, 1, 0]) == {"f1": 0.5}
    per_class = compute("f1", predictions=[0, 2, 1, 0, 0, 1], references=[0, 1, 2, 0, 1, 2], average=None)["f1"]
    assert per_class == pytest.approx([0.8, 0.0, 0.0])
    mcc = compute("matthews_correlation", predictions=PRED, references=REF)["matthews_correlation"]
    assert mcc == pytest.approx(matthews_corrcoef(REF, PRED))
    assert compute("matthews_correlation", predictions=[1, 2, 2, 0, 3, 3],
                   references=[1, 3, 2, 0, 3, 2])["matthews_correlation"] == pytest.approx(0.5384615384615384)
    matrix = compute("confusion_matrix", predictions=PRED, references=REF)["confusion_matrix"]
    assert matrix == confusion_matrix(REF, PRED).tolist() and isinstance(matrix[0], list)
    assert compute("confusion_matrix", predictions=[0, 1, 1, 2, 1, 0],
                   references=[0, 1, 2, 0, 1, 2]) == {"confusion_matrix": [[1, 0, 1], [0, 2, 0], [1, 1, 0]]}


def test_identical_inputs_get_perfect_scores():
    labels = [0, 1, 1, 0, 1]
    for name in ("accuracy", "precision", "recall", "f1", "matthews_correlation"):
        assert compute(name, predictions=labels, references=labels)[name] == pytest.approx(1.0), name
    texts = ["Hà Nội là thủ đô của Việt Nam .", "The cat sat on the mat ."]
    assert compute("bleu", predictions=texts, references=texts)["bleu"] == pytest.approx(1.0)
    assert compute("sacrebleu", predictions=texts, references=[[t] for t in texts])["score"] == pytest.approx(100.0)
    assert compute("chrf", predictions=texts, references=[[t] for t in texts])["score"] == pytest.approx(100.0)
    assert compute("wer", predictions=texts, references=texts) == {"wer": 0.0}
    assert compute("cer", predictions=texts, references=texts) == {"cer": 0.0}
    assert compute("exact_match", predictions=texts, references=texts) == {"exact_match": 1.0}


def test_bleu_is_sacrebleu_with_the_hub_keys():
    import sacrebleu

    predictions = ["the cat is on the mat", "there is a dog in the garden today"]
    references = [["the cat sat on the mat"], ["a dog is in the garden"]]
    ours = compute("bleu", predictions=predictions, references=references)
    assert list(ours) == ["bleu", "precisions", "brevity_penalty", "length_ratio", "translation_length",
                          "reference_length"]
    theirs = sacrebleu.corpus_bleu(predictions, [[r[0] for r in references]], smooth_method="none")
    assert ours["bleu"] == pytest.approx(theirs.score / 100)
    assert ours["precisions"] == pytest.approx([p / 100 for p in theirs.precisions])
    assert (ours["translation_length"], ours["reference_length"]) == (theirs.sys_len, theirs.ref_len)
    assert ours["brevity_penalty"] == pytest.approx(theirs.bp)
    # the Hub's own example: uneven numbers of references per prediction are allowed
    hub = compute("bleu", predictions=["hello there general kenobi", "foo bar foobar"],
                  references=[["hello there general kenobi", "hello there!"], ["foo bar foobar"]])
    assert hub["bleu"] == pytest.approx(1.0)
    # one short sentence with no 4-gram in common scores 0 without smoothing, not with it
    short = dict(predictions=["the cat sat"], references=["the cat sat down"])
    assert compute("bleu", **short)["bleu"] == 0.0
    assert 0 < compute("bleu", smooth=True, **short)["bleu"] < 1


def test_sacrebleu_and_chrf_match_the_library_and_the_hub_examples():
    import sacrebleu

    predictions = ["hello there general kenobi", "on our way to ankh morpork"]
    references = [["hello there general kenobi", "hello there !"], ["goodbye ankh morpork", "ankh morpork"]]
    ours = compute("sacrebleu", predictions=predictions, references=references)
    assert list(ours) == ["score", "counts", "totals", "precisions", "bp", "sys_len", "ref_len"]
    assert round(ours["score"], 1) == 39.8
    streams = [[refs[i] for refs in references] for i in range(2)]
    assert ours["score"] == pytest.approx(sacrebleu.corpus_bleu(predictions, streams).score)

    cats = ["The relationship between cats and dogs is not exactly friendly.",
            "a good bookshop is just a genteel black hole that knows how to read."]
    refs = [["The relationship between dogs and cats is not exactly friendly."],
            ["A good bookshop is just a genteel Black Hole that knows how to read."]]
    assert compute("chrf", predictions=cats, references=refs) == {
        "score": pytest.approx(84.64214891738334), "char_order": 6, "word_order": 0, "beta": 2}
    assert compute("chrf", predictions=cats, references=refs, word_order=2)["score"] == pytest.approx(82.87263732906315)
    lower = compute("chrf", predictions=cats, references=refs, word_order=2, lowercase=True)["score"]
    assert lower == pytest.approx(92.12853119829202)
    library = sacrebleu.CHRF(word_order=2, lowercase=True).corpus_score(cats, [[r[0] for r in refs]])
    assert lower == pytest.approx(library.score)


def test_rouge_keeps_vietnamese_letters_where_rouge_score_drops_them():
    from rouge_score import rouge_scorer

    sentence = "Ở đó, mùa thu lá vàng rơi đầy ngõ."
    ours = compute("rouge", predictions=[sentence], references=[sentence])
    assert ours == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0, "rougeLsum": 1.0}
    default = rouge_scorer.RougeScorer(["rouge1"])
    assert default.score("Ở đó", "Ở đó")["rouge1"].fmeasure == 0.0  # every letter non-ASCII: no token at all
    assert compute("rouge", predictions=["Ở đó"], references=["Ở đó"])["rouge1"] == 1.0
    # "má" (mother) and "mả" (grave) differ only by the tone mark: the default tokenizer sees "m" twice
    assert default.score("mả tôi", "má tôi")["rouge1"].fmeasure == 1.0
    assert compute("rouge", predictions=["má tôi"], references=["mả tôi"])["rouge1"] == pytest.approx(0.5)


def test_rouge_matches_rouge_score_on_english():
    from rouge_score import rouge_scorer

    reference, prediction = "the cat was found under the bed", "the cat was under the bed today"
    ours = compute("rouge", predictions=[prediction], references=[reference], use_aggregator=False)
    theirs = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"]).score(reference, prediction)
    for key in theirs:
        assert ours[key] == [pytest.approx(theirs[key].fmeasure)], key
    stemmed = compute("rouge", predictions=["the cats are running"], references=["the cat is running"],
                      use_stemmer=True, use_aggregator=False)
    theirs = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True).score("the cat is running", "the cats are running")
    assert stemmed["rouge1"] == [pytest.approx(theirs["rouge1"].fmeasure)]


def test_wer_cer_match_jiwer_and_can_exceed_one():
    import jiwer

    predictions = ["this is the prediction", "there is an other sample", "hôm nay trời đẹp lắm"]
    references = ["this is the reference", "there is another one", "hôm nay trời rất đẹp"]
    assert compute("wer", predictions=predictions, references=references)["wer"] == pytest.approx(
        jiwer.wer(references, predictions))
    assert compute("cer", predictions=predictions, references=references)["cer"] == pytest.approx(
        jiwer.cer(references, predictions))
    hub = dict(predictions=predictions[:2], references=references[:2])
    assert compute("wer", **hub) == {"wer": 0.5}
    assert compute("cer", **hub)["cer"] == pytest.approx(0.34146341463414637)
    assert metrics.load("wer").compute(**hub) == 0.5  # a bare float, as the Hub's module
    assert compute("wer", predictions=["a b c d e"], references=["a"])["wer"] == 4.0  # four insertions, one word


def test_alignment_lists_every_word_operation():
    rows = alignment("tôi rất thích học máy", "tôi thích học máy lắm")
    assert rows == [("equal", "tôi", "tôi"), ("delete", "rất", None), ("equal", "thích", "thích"),
                    ("equal", "học", "học"), ("equal", "máy", "máy"), ("insert", None, "lắm")]
    rows = alignment("a b c d", "a x d")
    assert rows == [("equal", "a", "a"), ("substitute", "b", "x"), ("delete", "c", None), ("equal", "d", "d")]
    errors = sum(op != "equal" for op, _, _ in rows)
    assert errors / 4 == compute("wer", predictions=["a x d"], references=["a b c d"])["wer"]


def test_seqeval_matches_the_library_report():
    from seqeval.metrics import classification_report

    predictions = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["O", "B-ORG", "I-ORG", "O"], ["B-LOC", "O"]]
    references = [["B-PER", "I-PER", "O", "B-LOC", "O"], ["O", "B-ORG", "O", "O"], ["B-PER", "O"]]
    ours = compute("seqeval", predictions=predictions, references=references)
    report = classification_report(references, predictions, output_dict=True)
    for entity in ("PER", "LOC", "ORG"):
        assert ours[entity] == {"precision": pytest.approx(report[entity]["precision"]),
                                "recall": pytest.approx(report[entity]["recall"]),
                                "f1": pytest.approx(report[entity]["f1-score"]),
                                "number": report[entity]["support"]}
    assert ours["overall_f1"] == pytest.approx(report["micro avg"]["f1-score"])
    assert ours["overall_accuracy"] == pytest.approx(9 / 11)
    assert set(ours) == {"PER", "LOC", "ORG", "overall_precision", "overall_recall", "overall_f1", "overall_accuracy"}


def test_exact_match_follows_the_hub_examples():
    refs, preds = ["the cat", "theater", "YELLING", "agent007"], ["cat?", "theater", "yelling", "agent"]
    assert compute("exact_match", references=refs, predictions=preds)["exact_match"] == pytest.approx(0.25)
    options = dict(ignore_case=True, ignore_punctuation=True)
    assert compute("exact_match", references=refs, predictions=preds, regexes_to_ignore=["the ", "yell"],
                   **options)["exact_match"] == pytest.approx(0.5)
    assert compute("exact_match", references=refs, predictions=preds, regexes_to_ignore=["the ", "yell", "YELL"],
                   **options)["exact_match"] == pytest.approx(0.75)
    assert compute("exact_match", references=refs, predictions=preds, regexes_to_ignore=["the ", "yell", "YELL"],
                   ignore_numbers=True, **options)["exact_match"] == pytest.approx(1.0)
    assert compute("exact_match", references=["Hà Nội"], predictions=["hà nội"], ignore_case=True)["exact_match"] == 1.0


def test_squad_uses_the_official_normalisation():
    def squad(prediction, *answers, qid="q1"):
        return compute("squad", predictions=[{"id": qid, "prediction_text": prediction}],
                       references=[{"id": "q1", "answers": {"text": list(answers), "answer_start": [0] * len(answers)}}])

    assert squad("The Cat!", "cat") == {"exact_match": 100.0, "f1": 100.0}
    assert squad("1976", "1976") == {"exact_match": 100.0, "f1": 100.0}
    big_cat = squad("the big cat", "a cat")  # tokens [big, cat] vs [cat]: P 1/2, R 1
    assert big_cat["exact_match"] == 0.0 and big_cat["f1"] == pytest.approx(100 * 2 / 3)
    assert squad("Paris", "London", "paris.")["exact_match"] == 100.0  # best of the gold answers
    assert squad("  Hà   Nội ", "Hà Nội") == {"exact_match": 100.0, "f1": 100.0}
    assert squad("anything", "cat", qid="other") == {"exact_match": 0.0, "f1": 0.0}  # unanswered question


def test_cards_exist_in_both_languages_for_every_metric():
    for name in METRIC_NAMES:
        for lang in LANGS:
            text = metrics.card(name, lang)
            assert text == unicodedata.normalize("NFC", text), (lang, name)
            prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
            assert not re.search(r"^#{1,2} ", prose, re.M), f"{lang}/{name}: use ### only"
            assert "<" not in prose or not re.search(r"<[a-z]+[\s>]", prose), f"{lang}/{name}: raw HTML"
        assert 80 <= prose_words(metrics.card(name, "vi")) <= 150, name


def test_loading_stays_offline_and_out_of_the_project_cache(monkeypatch):
    import socket
    from pathlib import Path

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    home_modules = Path.home() / ".cache" / "huggingface" / "modules" / "evaluate_modules" / "metrics" / "exact_match"
    before = sorted(home_modules.rglob("*")) if home_modules.exists() else []
    metrics.load.cache_clear()  # a fresh evaluate.load of the local folder
    module = metrics.load("exact_match")
    assert module.compute(predictions=["a"], references=["a"]) == {"exact_match": 1.0}
    assert attempts == []
    import evaluate.config

    assert Path(evaluate.config.HF_MODULES_CACHE) == metrics.CACHE_DIR / "modules"
    assert (metrics.CACHE_DIR / "modules" / "evaluate_modules" / "metrics" / "exact_match").is_dir()
    assert (sorted(home_modules.rglob("*")) if home_modules.exists() else []) == before
    assert not list((metrics.CACHE_DIR / "metrics").rglob("*.arrow"))  # keep_in_memory: no Arrow files left


@pytest.mark.pack
def test_perplexity_prefers_fluent_text_and_matches_the_model_loss():
    import math

    import torch

    from lib.models.loader import load_model, load_tokenizer

    fluent = "The weather is nice today, so we are going to the park for a picnic."
    words = fluent.split()
    random.Random(0).shuffle(words)
    shuffled = " ".join(words)
    result = compute("perplexity", predictions=[fluent, shuffled])
    assert set(result) == {"perplexities", "mean_perplexity"}
    low, high = result["perplexities"]
    assert 1 < low < high and result["mean_perplexity"] == pytest.approx((low + high) / 2)
    # against transformers' own loss on the same tokens (start token included)
    model, tokenizer = load_model("smollm2-135m-instruct", "AutoModelForCausalLM"), load_tokenizer("smollm2-135m-instruct")
    ids = torch.tensor([[tokenizer.convert_tokens_to_ids("<|endoftext|>")] + tokenizer(fluent)["input_ids"]])
    with torch.inference_mode():
        loss = model(input_ids=ids, labels=ids).loss.item()
    assert low == pytest.approx(math.exp(loss), rel=1e-3)
    # padding in a batch changes nothing
    alone = compute("perplexity", predictions=[fluent], batch_size=1)["perplexities"][0]
    assert alone == pytest.approx(low, rel=1e-4)
    with pytest.raises(InputProblem) as problem:
        compute("perplexity", predictions=["Hello"], model_id="openai-community/gpt2")
    assert problem.value.key == "hub_unreachable" and problem.value.values == {"model": "openai-community/gpt2"}
    with pytest.raises(InputProblem) as problem:
        compute("perplexity", predictions=["  "])
    assert problem.value.key == "text_empty"


@pytest.mark.pack
def test_embedding_similarity_ranks_a_paraphrase_above_an_unrelated_sentence():
    source = "Hà Nội là thủ đô của Việt Nam."
    result = compute("embedding_similarity", predictions=[source] * 4,
                     references=[source, "Thủ đô của Việt Nam là Hà Nội.", "Hanoi is the capital of Vietnam.",
                                 "Con mèo đang ngủ trên ghế sofa."])
    same, paraphrase, translation, unrelated = result["similarities"]
    assert same == pytest.approx(1.0, abs=1e-4)
    assert paraphrase > translation > unrelated
    assert result["mean_similarity"] == pytest.approx(sum(result["similarities"]) / 4)
    assert "NOT a Hugging Face Hub metric" in metrics.load("embedding_similarity").description
