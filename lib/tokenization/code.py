"""The code shown under each tokenizer widget: minimal, runnable, with the learner's own input.

Snippets load tokenizers by their Hub id (what a learner types in a notebook); the comment
says how this app loads the same file offline. Tests execute them against the offline pack.
"""
from __future__ import annotations

from lib.tokenization import catalog

SNIPPET_TEXT_CHARS = 200


def _text_literal(text: str) -> str:
    short = text[:SNIPPET_TEXT_CHARS]
    return repr(short) + ("  # (shortened)" if len(text) > len(short) else "")


def _load_lines(spec: catalog.TokenizerSpec) -> list[str]:
    lines = [f'tokenizer = Tokenizer.from_pretrained("{spec.source}")']
    if spec.component:
        lines.append(f'# offline, as in this app: Tokenizer.from_file(".cache/pack/{spec.component}/tokenizer.json")')
    # some tokenizer.json files pad and cut every text (MiniLM's to 128 tokens); the lab shows whole texts
    lines.append("tokenizer.no_padding(); tokenizer.no_truncation()")
    return lines


def compare_code(tokenizer_ids: list[str], text: str) -> str:
    pretrained = [catalog.spec(i) for i in tokenizer_ids if not catalog.spec(i).is_baseline]
    lines = ["from tokenizers import Tokenizer", "", f"text = {_text_literal(text)}", ""]
    for spec in pretrained:
        lines += _load_lines(spec)
        lines += ["encoding = tokenizer.encode(text, add_special_tokens=False)",
                  f'print("{spec.name}", len(encoding.ids), encoding.tokens, encoding.ids, encoding.offsets)', ""]
    if "syllables" in tokenizer_ids:
        lines += ['print("syllables", len(text.split()))']
    if "words" in tokenizer_ids:
        lines += ["from underthesea import word_tokenize", "",
                  'print("words", word_tokenize(text))  # "Việt Nam" is one word of two syllables']
    return "\n".join(lines).rstrip() + "\n"


def cost_code(tokenizer_id: str) -> str:
    spec = catalog.spec(tokenizer_id)
    return "\n".join([
        "import json", "from tokenizers import Tokenizer", "",
        *_load_lines(spec), "",
        'pairs = [json.loads(line) for line in open("data/translation/vi_en.jsonl", encoding="utf-8")]',
        "count = lambda texts: sum(len(e.ids) for e in tokenizer.encode_batch(texts, add_special_tokens=False))",
        'vi = count([p["vi"] for p in pairs])',
        'en = count([p["en"] for p in pairs])',
        'print(f"Vietnamese {vi} tokens, English {en} tokens, tax x{vi / en:.2f}")',
    ]) + "\n"


def nfc_code(tokenizer_id: str, text: str) -> str:
    spec = catalog.spec(tokenizer_id)
    return "\n".join([
        "import unicodedata", "from tokenizers import Tokenizer", "",
        *_load_lines(spec),
        f"text = {_text_literal(text)}",
        'for form in ("NFC", "NFD"):',
        "    same_looking = unicodedata.normalize(form, text)",
        "    print(form, len(same_looking), 'code points', tokenizer.encode(same_looking).tokens)",
    ]) + "\n"


def stages_code(tokenizer_id: str, text: str, max_length: int | None, pad_to: int | None,
                pad: tuple[str, int] = ("[PAD]", 0)) -> str:
    spec = catalog.spec(tokenizer_id)
    lines = ["from tokenizers import Tokenizer", "", *_load_lines(spec), f"text = {_text_literal(text)}", "",
             "normalized = tokenizer.normalizer.normalize_str(text) if tokenizer.normalizer else text",
             "words = tokenizer.pre_tokenizer.pre_tokenize_str(normalized)",
             "pieces = [[t.value for t in tokenizer.model.tokenize(word)] for word, span in words]",
             "print(normalized, words, pieces, sep='\\n')", ""]
    if max_length is not None:
        lines.append(f"tokenizer.enable_truncation(max_length={max_length})")
    if pad_to is not None:
        lines.append(f'tokenizer.enable_padding(length={pad_to}, pad_token="{pad[0]}", pad_id={pad[1]})')
    lines += ["encoding = tokenizer.encode(text)  # normalizer -> pre-tokenizer -> model -> post-processor",
              "print(encoding.tokens, encoding.ids, encoding.attention_mask, encoding.offsets, sep='\\n')",
              "print(tokenizer.decode(encoding.ids))  # the way back: is anything lost?"]
    return "\n".join(lines) + "\n"


def bpe_code(corpus: str, vocab_size: int) -> str:
    return "\n".join([
        "import json",
        "from tokenizers import Tokenizer, models, pre_tokenizers, trainers", "",
        f"corpus = {_text_literal(corpus)}",
        "tokenizer = Tokenizer(models.BPE())",
        "tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()",
        f"trainer = trainers.BpeTrainer(vocab_size={vocab_size}, min_frequency=0, show_progress=False)",
        "tokenizer.train_from_iterator([corpus], trainer)",
        'print(json.loads(tokenizer.to_str())["model"]["merges"])  # the merges, in the order they were learned',
    ]) + "\n"


def wordpiece_code(text: str) -> str:
    spec = catalog.spec("bert")
    return "\n".join([
        "from tokenizers import Tokenizer", "", *_load_lines(spec),
        f"text = {_text_literal(text)}",
        "normalized = tokenizer.normalizer.normalize_str(text)  # lower case, accents stripped",
        "for word, span in tokenizer.pre_tokenizer.pre_tokenize_str(normalized):",
        "    print(word, [t.value for t in tokenizer.model.tokenize(word)])  # greedy longest-match-first",
    ]) + "\n"


def unigram_code(word: str) -> str:
    spec = catalog.spec("xlmr")
    return "\n".join([
        "import json", "from tokenizers import Tokenizer", "", *_load_lines(spec),
        f"word = {_text_literal(word)}",
        'pieces = "▁" + word.replace(" ", "▁")  # what the Metaspace pre-tokenizer does',
        "print([t.value for t in tokenizer.model.tokenize(pieces)])  # the most probable segmentation",
        'scores = dict(json.loads(tokenizer.to_str())["model"]["vocab"])  # piece -> log probability',
        "print({t.value: scores[t.value] for t in tokenizer.model.tokenize(pieces)})",
    ]) + "\n"


def fast_slow_code() -> str:
    return """import time
from huggingface_hub import hf_hub_download
from tokenizers import Tokenizer
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

repo = "sentence-transformers/all-MiniLM-L6-v2"  # offline, as in this app: .cache/pack/all-minilm-l6-v2/
fast = Tokenizer.from_pretrained(repo)  # Rust: the `tokenizers` library
fast.no_padding(); fast.no_truncation()  # this repo's tokenizer.json pads and cuts to 128 tokens
slow = BertTokenizerLegacy(hf_hub_download(repo, "vocab.txt"), do_lower_case=True)  # pure Python, same vocabulary
texts = ["Xin chào Việt Nam! Hugging Face makes tokenizers fast."] * 2000
megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6

for name, run in (("fast", fast.encode_batch), ("slow", lambda batch: slow(batch)["input_ids"])):
    start = time.perf_counter()
    run(texts)
    print(f"{name}: {megabytes / (time.perf_counter() - start):.2f} MB/s")
"""


def bytes_code(word: str) -> str:
    spec = catalog.spec("bert")
    return "\n".join([
        f"word = {_text_literal(word)}",
        'print([(ch, len(ch.encode("utf-8"))) for ch in word])  # "ệ" is 3 bytes: byte-level BPE sees 3 symbols',
        "", "from tokenizers import Tokenizer", "", *_load_lines(spec),
        'print(tokenizer.normalizer.normalize_str("ma má mà mả mã mạ"))  # BERT uncased: six words, one spelling',
    ]) + "\n"
