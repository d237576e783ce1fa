"""Bad-input campaign: random and malformed learner input into every pure lib/ function it reaches.

The property everywhere: the function returns a result of its documented shape, or raises
lib.text_input.InputProblem whose key exists in both catalogues and formats without a KeyError.
No other exception may escape (the server's parsers may also answer with their ApiError, which
becomes a 4xx). Hypothesis runs derandomized, so CI sees the same examples every time.
"""
from __future__ import annotations

import io
import json
import struct
import wave
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.i18n import strings, translate
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

settings.register_profile(
    "fuzz", derandomize=True, deadline=None, max_examples=80, print_blob=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("fuzz")
FEW = settings(FUZZ, max_examples=8)  # huge inputs and slow loaders
SOME = settings(FUZZ, max_examples=30)


# ----------------------------------------------------------------------------- the property
def check_problem(problem: InputProblem) -> None:
    """A learner-facing problem: its key is in both catalogues and formats with its values."""
    for lang in ("vi", "en"):
        assert problem.key in strings(lang), (lang, problem.key)
        message = translate(lang, problem.key, **problem.values)
        assert isinstance(message, str) and message


def outcome(function, *args, **kwargs):
    """The result, or None after checking the InputProblem; anything else propagates and fails."""
    try:
        return function(*args, **kwargs)
    except InputProblem as problem:
        check_problem(problem)
        return None


# ----------------------------------------------------------------------------- strategies
NASTY = ("\x00", "\u0301", "\u0323", "\u0300\u0301\u0302", "\u202e", "\u200f", "\u200b", "\u2028", "\ufeff",
         "ا", "שָׁלוֹם", "😀", "👩‍👩‍👧", "🇻🇳", "ệ", "đ", "Đ", "ﬁ", "ẞ", "İ", "\r\n", "\r", "\t", " ", "\u3000",
         "\uffff", "\U0010ffff", "\x7f", "\x1b[31m", "<script>", "[MASK]", "##", "Ġ", "▁", "```", "# ", "**", "\\",
         "{", "}", "{0}", "%s")
nasty_text = st.lists(st.sampled_from(NASTY), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=300), nasty_text,
                     st.lists(st.one_of(st.text(max_size=10), st.sampled_from(NASTY)), max_size=20).map("".join))
# Up to ~1 MB: a short piece repeated (few examples: these are slow by design).
huge_text = st.builds(lambda piece, times: piece * times, st.one_of(st.text(min_size=1, max_size=8), nasty_text.filter(bool)),
                      st.integers(10_000, 130_000))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)


# ----------------------------------------------------------------------------- text preparation
@FUZZ
@given(any_text)
def test_prepare_text(text):
    from lib.text_input import MAX_CHARS, prepare

    prepared = outcome(prepare, text)
    if prepared is not None:
        assert prepared.text and len(prepared.text) <= MAX_CHARS and text.startswith(prepared.text)
        for key, values in prepared.notices:
            check_problem(InputProblem(key, **values))


@FEW
@given(huge_text)
def test_prepare_huge_text(text):
    from lib.text_input import MAX_CHARS, prepare

    prepared = prepare(text)
    assert len(prepared.text) == min(len(text), MAX_CHARS)


@FUZZ
@given(st.one_of(st.binary(max_size=400), any_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
                 any_text.map(lambda s: s.encode("utf-16")), any_text.map(lambda s: s.encode("cp1258", "replace")),
                 st.binary(max_size=50).map(lambda b: b"\xff\xfe" + b), st.binary(max_size=50).map(lambda b: b"\xef\xbb\xbf" + b)))
def test_decode_upload(data):
    from lib.text_input import decode_upload

    text = outcome(decode_upload, data)
    assert text is None or isinstance(text, str)


# ----------------------------------------------------------------------------- tokenizing (pack)
TOKENIZERS = ("bert", "gpt2", "xlmr", "smollm2", "whisper", "syllables", "words")


@SOME
@given(any_text)
def test_compare_every_tokenizer(text):
    from lib.text_input import prepare
    from lib.tokenization.compare import DISPLAY_LIMIT, compare, counts_table

    prepared = outcome(prepare, text)
    if prepared is None:
        return
    rows = compare(prepared.text, list(TOKENIZERS))
    assert len(rows) == len(TOKENIZERS)
    for row in rows:
        assert row.count >= len(row.tokens) and len(row.tokens) <= DISPLAY_LIMIT and row.unknown <= row.count
        for token in row.tokens:
            assert isinstance(token.text, str) and 0 <= token.start <= token.end <= len(prepared.text)
            token.marker()
    table = counts_table(rows, prepared.text)
    assert [r["tokens"] for r in table] == [r.count for r in rows]


@FEW
@given(huge_text)
def test_compare_huge_text(text):
    from lib.text_input import prepare
    from lib.tokenization.compare import compare

    prepared = prepare(text)
    for row in compare(prepared.text, ["xlmr", "gpt2", "syllables"]):
        assert row.count >= len(row.tokens)


@SOME
@given(any_text, st.sampled_from(TOKENIZERS[:5]), st.none() | st.integers(-5, 600), st.none() | st.integers(-5, 600))
def test_stages(text, tokenizer_id, max_length, pad_to):
    from lib.tokenization.stages import MAX_CHARS, run

    stages = run(tokenizer_id, text, max_length=max_length, pad_to=pad_to)
    n = len(stages.ids)
    assert len(stages.tokens) == len(stages.type_ids) == len(stages.attention_mask) == len(stages.offsets) == n
    assert stages.truncated >= 0 and isinstance(stages.decoded, str)
    assert stages.lossless == (stages.decoded == text[:MAX_CHARS])


@SOME
@given(any_text)
def test_token_cost_views(text):
    from lib.tokenization.cost import code_points, normal_forms, utf8_bytes

    assert [ch for ch, _ in utf8_bytes(text)] == list(text)
    rows = normal_forms(text, list(TOKENIZERS[:5]))
    assert len(rows) == 5 and all(isinstance(r["same"], bool) for r in rows)
    assert all(p.startswith("U+") for p in code_points(text, "NFD"))


# ----------------------------------------------------------------------------- glossary and site search
@pytest.fixture(scope="module")
def glossary_rows():
    from lib.glossary import glossary_rows as join
    from lib.i18n import glossary

    return {lang: join(glossary(lang), glossary("en" if lang == "vi" else "vi")) for lang in ("vi", "en")}


@FUZZ
@given(query=any_text, lang=st.sampled_from(["vi", "en"]), areas=st.none() | st.lists(st.text(max_size=12), max_size=3))
def test_glossary_search(glossary_rows, query, lang, areas):
    from lib.glossary import search

    rows = glossary_rows[lang]
    found = search(rows, query, areas)
    assert all(row in rows for row in found)


@FUZZ
@given(markdown=any_text, lang=st.sampled_from(["vi", "en"]), limit=st.integers(0, 20))
def test_link_terms(markdown, lang, limit):
    from lib.glossary import link_terms
    from lib.i18n import glossary

    linked = link_terms(markdown, glossary(lang), lang, limit)
    assert isinstance(linked, str) and len(linked) >= len(markdown)
    assert linked.count("](glossary?") - markdown.count("](glossary?") <= limit


@settings(FUZZ, max_examples=3)
@given(huge_text.map(lambda s: s[:100_000]))
def test_link_terms_long(markdown):
    """Lessons are a few KB; 100 KB takes ~2 s (1 MB ~28 s: 182 term patterns each scan the text)."""
    from lib.glossary import link_terms
    from lib.i18n import glossary

    assert len(link_terms(markdown, glossary("vi"), "vi")) >= len(markdown)


@FUZZ
@given(query=st.one_of(any_text, huge_text.map(lambda s: s[:20_000])), lang=st.sampled_from(["vi", "en"]))
def test_site_search(query, lang):
    from lib.site_search import MAX_RESULTS, search

    hits = search(query, lang)
    assert len(hits) <= MAX_RESULTS
    assert all(hit.kind in ("section", "term") and isinstance(hit.snippet, str) for hit in hits)


# ----------------------------------------------------------------------------- metrics
words = st.text(alphabet=st.sampled_from(list("ab cđệ😀\u0301\t")), max_size=12)
labels = st.integers(0, 4)


def _metric_kwargs(name, predictions, references):
    if name in ("bleu", "chrf"):
        return {"predictions": predictions, "references": [[r] for r in references]}
    if name in ("f1",):
        return {"predictions": predictions, "references": references, "average": "macro"}
    return {"predictions": predictions, "references": references}


@settings(FUZZ, max_examples=25)
@given(data=st.data(), name=st.sampled_from(["accuracy", "f1", "wer", "cer", "bleu", "rouge", "chrf", "exact_match"]))
def test_metric_compute(data, name):
    from lib.metrics import compute

    element = labels if name in ("accuracy", "f1") else words
    predictions = data.draw(st.lists(element, max_size=6), label="predictions")
    if data.draw(st.booleans(), label="same length"):
        references = data.draw(st.lists(element, min_size=len(predictions), max_size=len(predictions)), label="references")
    else:
        references = data.draw(st.lists(element, max_size=6), label="references")
    result = outcome(compute, name, **_metric_kwargs(name, predictions, references))
    if result is not None:
        assert isinstance(result, dict) and result
        assert len(predictions) == len(references) and predictions


@settings(FUZZ, max_examples=15)
@given(predictions=any_text, references=any_text)
def test_metric_explorer(predictions, references):
    from lib.metrics import explore

    pair = outcome(explore.paired_lines, predictions, references)
    if pair is None:
        return
    preds, refs = pair
    result = outcome(explore.classification, refs, preds)
    assert result is None or len(result.confusion) == len(result.labels)
    scores = outcome(explore.translation, preds, refs)
    assert scores is None or {"bleu", "chrf", "rouge"} <= set(scores)
    speech = outcome(explore.speech, references, predictions)
    assert speech is None or {"wer", "cer", "alignment"} <= set(speech)


# ----------------------------------------------------------------------------- dataset uploads
@pytest.fixture(autouse=True)
def private_hf_cache(tmp_path_factory, monkeypatch):
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path_factory.getbasetemp() / "hf_default_cache")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def _parquet() -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame({"x": [1.5, 2.5], "t": ["Việt", "Nam"]}).to_parquet(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_FILES = {
    "t.csv": "text,label\nTôi thích,1\n\"a, b\",0\n".encode(),
    "t.tsv": "text\tlabel\nTôi thích\t1\n".encode(),
    "t.json": json.dumps([{"text": "Việt", "n": 1}, {"text": "Nam", "n": 2}], ensure_ascii=False).encode(),
    "t.jsonl": '{"text": "Việt", "n": 1}\n{"text": "Nam", "n": "x"}\n'.encode(),
}


def _mutate(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    """Truncated at `cut` (a fraction in thousandths) with a few bytes changed: a damaged file."""
    out = bytearray(data[: max(1, len(data) * cut // 1000)])
    for position, value in flips:
        if out:
            out[position % len(out)] = value
    return bytes(out)


damage = st.tuples(st.integers(1, 1000), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4))
upload_names = st.sampled_from(["d.csv", "d.tsv", "d.json", "d.jsonl", "d.parquet", "d.zip", "d.txt", "d", "../../x.csv",
                                "ảnh.ZIP", "a.b.JSON", ".csv", "con\x00.csv"])


def _check_loaded(loaded) -> None:
    assert loaded.dataset.num_rows > 0 and isinstance(loaded.code, str) and "load_dataset" in loaded.code
    for key, values in loaded.notices:
        check_problem(InputProblem(key, **values))


@SOME
@given(data=st.binary(max_size=300), name=upload_names)
def test_upload_random_bytes(data, name):
    from lib.datasets_lab.uploads import load_upload

    loaded = outcome(load_upload, data, name, 10**6)
    if loaded is not None:
        _check_loaded(loaded)


@SOME
@given(kind=st.sampled_from(["t.csv", "t.tsv", "t.json", "t.jsonl", "t.parquet", "t.zip"]), how=damage)
def test_upload_damaged_files(kind, how):
    from lib.datasets_lab.uploads import load_upload

    good = {"t.parquet": _parquet, "t.zip": lambda: _zip({"cat/1.png": _png(2, 2), "dog/2.png": _png(3, 3)})}
    original = good[kind]() if kind in good else GOOD_FILES[kind]
    loaded = outcome(load_upload, _mutate(original, *how), kind, 10**6)
    if loaded is not None:
        _check_loaded(loaded)


@SOME
@given(text=any_text, name=st.sampled_from(["t.csv", "t.tsv", "t.json", "t.jsonl"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1", "utf-32"]))
def test_upload_text_in_any_encoding(text, name, encoding):
    from lib.datasets_lab.uploads import load_upload

    body = "a,b\n" + text if name.endswith("sv") else json.dumps({"a": text}, ensure_ascii=False)
    loaded = outcome(load_upload, body.encode(encoding, "replace"), name, 10**6)
    if loaded is not None:
        _check_loaded(loaded)


@pytest.mark.parametrize("name, data", [
    ("long.csv", b"a,b\n" + b"x" * 900_000 + b",1\n"),  # one huge line
    ("long.jsonl", b'{"a": "' + b"y" * 900_000 + b'"}\n'),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000),  # deeper than Python's recursion limit
    ("deep.jsonl", b"[" * 50_000 + b"]" * 50_000 + b"\n"),
    ("nested.json", b'{"a": ' * 2000 + b"1" + b"}" * 2000),
    ("many_columns.csv", b",".join(b"c%d" % i for i in range(2_000)) + b"\n" + b",".join(b"1" for _ in range(2_000))),
    ("nul.csv", b"a,b\n1,\x00\n"),
    ("crlf.csv", b"a,b\r\n1,2\r\n3\r\n"),
    ("quote.csv", b'a,b\n"unclosed,1\n2,3\n'),
    ("bom.json", b"\xef\xbb\xbf[]"),
    ("number.json", b"42"),
    ("null.json", b"null"),  # pyarrow 26 segfaults on a first row that is null: refused before it reads
    ("null_first.jsonl", b'\n null\n{"a": 1}\n'),
    ("null_in_list.json", b'[null, {"a": 1}]'),
    ("null_later.jsonl", b'{"a": 1}\nnull\n'),
    ("list.jsonl", b"[1, 2]\n[3]\n"),
    ("slip.zip", _zip({"../../evil.png": b"\x89PNG", "/abs/x.png": b"x"})),
    ("bomb.zip", _zip({"a/big.png": b"\x00" * 3_000_000})),
    ("empty.parquet", b"PAR1PAR1"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_upload_malformed_files(name, data):
    from lib.datasets_lab.uploads import load_upload

    loaded = outcome(load_upload, data, name, 10**6)
    if loaded is not None:
        _check_loaded(loaded)


# ----------------------------------------------------------------------------- progress file and quiz
@FUZZ
@given(st.one_of(st.binary(max_size=300), any_text, json_values.map(json.dumps),
                 st.fixed_dictionaries({"app": st.just("hoc-hugging-face"), "version": st.just(1)},
                                       optional={"visited": json_values, "quiz": json_values}).map(json.dumps),
                 st.fixed_dictionaries({"app": st.just("hoc-hugging-face"), "version": json_values}).map(json.dumps)))
def test_progress_from_json(data):
    from lib.progress import AREA_IDS, LEAF_KEYS, from_json

    state = outcome(from_json, data)
    if state is not None:
        assert set(state) == {"app", "version", "visited", "quiz"}
        assert set(state["visited"]) <= LEAF_KEYS and set(state["quiz"]) <= AREA_IDS
        assert all(isinstance(v, bool) for answers in state["quiz"].values() for v in answers.values())


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 99_999, "{" * 50_000, b"\xff\xfe" + "{}".encode("utf-16-le"),
                                  b'{"app": "hoc-hugging-face", "version": 1, "visited": ' + b"[" * 90_000 + b"]" * 90_000 + b"}",
                                  b"x" * 300_000])
def test_progress_from_json_malformed(data):
    from lib.progress import from_json

    assert outcome(from_json, data) is None


@pytest.fixture(scope="module")
def all_questions():
    from lib.quiz import AREA_IDS, load

    return [q for lang in ("vi", "en") for area in AREA_IDS for q in load(area, lang)]


@FUZZ
@given(data=st.data())
def test_quiz_grading(all_questions, data):
    from lib.quiz import grade

    question = data.draw(st.sampled_from(all_questions))
    picked = data.draw(st.sets(st.integers(-3, len(question.choices) + 3), max_size=6))
    assert grade(question, picked) == (bool(picked) and frozenset(picked) == question.correct)


# ----------------------------------------------------------------------------- slides
@FUZZ
@given(markdown=st.one_of(any_text, st.lists(st.sampled_from(["# A", "## B #", "```", "~~~", "text", "", "#nospace", "##### five"]),
                                             max_size=20).map("\n".join)),
       title=any_text)
def test_slides_split(markdown, title):
    from lib.slides import split

    slides = split(markdown, title, "leaf")
    assert slides and all(isinstance(s.body, str) and s.leaf == "leaf" for s in slides)


# ----------------------------------------------------------------------------- Hub CLI arguments
cli_values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), any_text, st.text(max_size=150),
                       st.lists(any_text, max_size=7), st.floats(), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                       st.sampled_from(["gpt2", "openai/whisper-tiny", "config.json", "a/b/c.json", "-rf", "5", "١٢", "²",
                                        "x" * 101, "models/../..", "downloads"]))


@FUZZ
@given(data=st.data())
def test_hub_cli_arguments(data):
    from lib.tools.hub_cli import COMMANDS, FORBIDDEN, build_argv, display

    command = data.draw(st.one_of(st.sampled_from(list(COMMANDS)), any_text, st.integers()), label="command")
    names = [a.name for a in COMMANDS[command].args] if command in COMMANDS else []
    keys = st.one_of(st.sampled_from(names), st.text(max_size=8)) if names else st.text(max_size=8)
    args = data.draw(st.dictionaries(keys, cli_values, max_size=4), label="args")
    argv = outcome(build_argv, command, args)
    if argv is not None:
        assert argv[0] == "hf" and all(isinstance(word, str) for word in argv)
        learner_words = argv[1 + len(COMMANDS[command].argv):]
        assert not any(ch in FORBIDDEN or ord(ch) < 32 for word in learner_words for ch in word)
        assert isinstance(display(argv), str)


# ----------------------------------------------------------------------------- local server request parsing
@FUZZ
@given(body=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                      st.fixed_dictionaries({"inputs": json_values}, optional={"parameters": json_values,
                                            "messages": json_values}).map(lambda v: json.dumps(v).encode())),
       content_type=st.sampled_from(["application/json", "application/json; charset=utf-8", "", "image/png", "text/plain"]))
def test_server_request_parsing(body, content_type):
    from lib.serving import server

    request = server.Request(body, content_type)
    for parse in (server._inputs_and_parameters, server._media):
        try:
            parse(request)
        except server.ApiError as error:
            assert 400 <= error.status < 500 and isinstance(error.body()["error"], str)
    try:
        payload = request.payload()
    except server.ApiError:
        return
    notices: list = []
    for parse in (lambda: server._texts(payload.get("inputs"), notices), lambda: server._chat_messages(payload.get("messages")),
                  lambda: server._number(payload.get("parameters") if isinstance(payload.get("parameters"), dict) else {},
                                         "top_k", int, 1, 100)):
        try:
            outcome(parse)
        except server.ApiError as error:
            assert 400 <= error.status < 500


@pytest.mark.parametrize("body", [b"[" * 200_000 + b"]" * 200_000, b'{"inputs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_server_deep_json_is_a_400(body):
    from lib.serving import server

    with pytest.raises(server.ApiError) as raised:
        server.Request(body, "application/json").payload()
    assert raised.value.status == 400


@FUZZ
@given(path=st.one_of(any_text, st.sampled_from(["/", "//", "/tasks/", "/tasks/text-classification/health/x", "/v1/models/",
                                                   "//[", "/tasks/../health", "/%2e%2e/"])),
       origin=st.one_of(any_text, st.sampled_from(["http://[", "http://[::1]", "http://localhost:1", "null", "http://127.0.0.1.evil.com",
                                                     "http://[::ffff:127.0.0.1]", "http://]"])),
       length=st.one_of(any_text, st.sampled_from(["²", "١٢", "-1", "99999999999999999999", " 5", "0x10"])))
def test_server_route_origin_and_length(path, origin, length):
    from lib.serving import server

    route = server._route_target(path)
    assert route is None or route[0] in server._ALLOWED
    assert isinstance(server._loopback_origin(origin), bool)
    declared = server._declared_length(length)
    assert isinstance(declared, int) and declared >= 0


# ----------------------------------------------------------------------------- images
def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode != "RGBA" else (0, 0, 0, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims any size (no pixel data): a decompression bomb's first bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _check_image(result) -> None:
    from lib.image_input import MAX_SIDE

    image, notices = result
    assert image.mode == "RGB" and max(image.size) <= MAX_SIDE and min(image.size) >= 1
    for key, values in notices:
        check_problem(InputProblem(key, **values))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.builds(_png_header, st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1))))
def test_image_random_bytes_and_huge_headers(data):
    from lib.image_input import load_image

    result = outcome(load_image, data)
    if result is not None:
        _check_image(result)


@pytest.fixture(scope="module")
def image_files() -> dict[str, bytes]:
    from PIL import Image

    files = {}
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "WEBP", "TIFF"):
        buffer = io.BytesIO()
        Image.new("RGB", (20, 12), (200, 30, 30)).save(buffer, fmt)
        files[fmt] = buffer.getvalue()
    files["RGBA"] = _png(5, 7, "RGBA")
    files["I;16"] = _png(4, 4, "I;16")
    return files


@FUZZ
@given(data=st.data(), how=damage)
def test_image_damaged_files(image_files, data, how):
    from lib.image_input import load_image

    original = image_files[data.draw(st.sampled_from(sorted(image_files)))]
    result = outcome(load_image, _mutate(original, *how))
    if result is not None:
        _check_image(result)


# ----------------------------------------------------------------------------- audio
def _wav(samples: bytes, rate: int = 16_000, channels: int = 1, width: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


def _tone_wav(seconds: float = 0.5, level: float = 0.3) -> bytes:
    import numpy as np

    t = np.arange(int(16_000 * seconds)) / 16_000
    return _wav((level * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes())


def _check_audio(result) -> None:
    import numpy as np

    samples, notices = result
    assert samples.dtype == np.float32 and samples.ndim == 1 and samples.size > 0
    assert float(np.abs(samples).max()) <= 1.0
    for key, values in notices:
        check_problem(InputProblem(key, **values))


@SOME
@given(data=st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"RIFF" + b),
                      st.binary(max_size=400).map(lambda b: b"RIFF\x24\x00\x00\x00WAVEfmt " + b)))
def test_audio_random_bytes(data):
    from lib.audio_input import load_audio

    result = outcome(load_audio, data)
    if result is not None:
        _check_audio(result)


@SOME
@given(how=damage)
def test_audio_damaged_wav(how):
    from lib.audio_input import load_audio

    result = outcome(load_audio, _mutate(_tone_wav(), *how))
    if result is not None:
        _check_audio(result)


@pytest.mark.parametrize("name, data", [
    ("silent", _wav(b"\x00\x00" * 16_000)),
    ("one sample", _wav(b"\x10\x00")),
    ("no frames", _wav(b"")),
    ("8 kHz stereo", _wav(b"\x00\x40\x00\xc0" * 8_000, rate=8_000, channels=2)),
    ("8-bit", _wav(bytes(range(256)) * 64, width=1)),
    ("header claims 4 GB", _tone_wav()[:4] + b"\xff\xff\xff\xff" + _tone_wav()[8:40] + b"\xff\xff\xff\x7f" + _tone_wav()[44:]),
    ("rate 1 Hz", _wav(b"\x00\x40" * 100, rate=1)),
    ("full scale square", _wav(b"\xff\x7f\x00\x80" * 8_000)),
])
def test_audio_edge_files(name, data):
    from lib.audio_input import load_audio

    result = outcome(load_audio, data, max_seconds=30)
    if result is not None:
        _check_audio(result)
