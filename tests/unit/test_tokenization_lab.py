"""The Tokenizers lab's lib/ on the real pack tokenizers: known answers, exact counts, honest stages."""
import re
import unicodedata

import pytest

from lib.models.pack import component, status
from lib.sections import ROOT
from lib.text_input import MAX_CHARS, InputProblem, decode_upload, prepare
from lib.tokenization import catalog, code, compare, cost, stages
from lib.ui.token_view import chips_html

PRETRAINED = [s.id for s in catalog.PRETRAINED]
needs_pack = pytest.mark.skipif(
    any(status(component(s.component)) != "ready" for s in catalog.PRETRAINED), reason="offline pack not built"
)
VIETNAMESE = "Hà Nội là thủ đô của Việt Nam, nơi có hồ Hoàn Kiếm."


def fresh(tokenizer_id):
    """An independent copy of a pack tokenizer, to configure without touching the shared one."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(component(catalog.spec(tokenizer_id).component).path / "tokenizer.json"))


@needs_pack
def test_gpt2_hello_world_is_the_real_gpt2():
    row = compare.tokenize("gpt2", "Hello world")
    assert [t.id for t in row.tokens] == [15496, 995]
    assert [t.text for t in row.tokens] == ["Hello", "Ġworld"]
    assert row.tokens[1].marker() == ("Ġ", "world")


@needs_pack
def test_bert_uncased_strips_vietnamese_accents():
    row = compare.tokenize("bert", "Việt Nam")
    assert [t.text for t in row.tokens] == ["viet", "nam"]
    assert catalog.load("bert").normalizer.normalize_str("ma má mà mả mã mạ") == "ma ma ma ma ma ma"


@needs_pack
@pytest.mark.parametrize("tokenizer_id", ["gpt2", "xlmr", "smollm2", "whisper"])
def test_decode_round_trips_except_where_the_tokenizer_is_lossy(tokenizer_id):
    result = stages.run(tokenizer_id, VIETNAMESE)
    assert result.decoded == VIETNAMESE and result.lossless and result.differences == []


@needs_pack
def test_bert_round_trip_is_lossy_and_says_where():
    result = stages.run("bert", "Xin chào Việt Nam")
    assert result.decoded == "xin chao viet nam" and not result.lossless
    assert ("replace", "à", "a") in result.differences


@needs_pack
def test_unknown_tokens_are_flagged_and_counted():
    row = compare.tokenize("bert", "xin chào 😀 😀")
    assert row.unknown == 2
    assert [t.text for t in row.tokens if t.unknown] == ["[UNK]", "[UNK]"]
    assert all(not t.unknown for t in compare.tokenize("gpt2", "😀").tokens)  # byte-level BPE has no unknowns


@needs_pack
def test_offsets_point_at_the_characters_of_the_text():
    row = compare.tokenize("xlmr", VIETNAMESE)
    assert [VIETNAMESE[t.start:t.end] for t in row.tokens][:3] == ["Hà", " Nội", " là"]  # ▁ covers the space
    assert row.tokens[0].marker() == ("▁", "Hà")


@needs_pack
def test_long_text_is_shown_in_part_but_counted_exactly():
    text = (ROOT / "data" / "corpus" / "vi.txt").read_text(encoding="utf-8")
    text = (text * 3)[:100_000]
    rows = compare.compare(text, PRETRAINED + ["syllables"])
    for row in rows:
        assert len(row.tokens) == compare.DISPLAY_LIMIT and row.truncated
    for tokenizer_id, row in zip(PRETRAINED, rows):
        library = fresh(tokenizer_id)
        library.no_padding()
        library.no_truncation()
        assert row.count == len(library.encode(text, add_special_tokens=False).ids)
    assert rows[-1].count == len(text.split())


@needs_pack
def test_special_tokens_are_marked_when_added():
    row = compare.tokenize("xlmr", "xin chào", add_special_tokens=True)
    assert (row.tokens[0].text, row.tokens[0].special) == ("<s>", True)
    assert (row.tokens[-1].text, row.tokens[-1].special) == ("</s>", True)


def test_syllables_and_words_baselines():
    assert [s for s, _, _ in catalog.syllables("Xin  chào\nbạn")] == ["Xin", "chào", "bạn"]
    assert catalog.segment_words("") == [] and catalog.segment_words("   ") == []
    text = "Tôi yêu Việt Nam"
    words = catalog.segment_words(text)
    assert ("Việt Nam", 8, 16) in words
    for _word, start, end in catalog.segment_words("Xin chào <b>Việt   Nam</b>!"):
        assert start <= end


@needs_pack
def test_token_tax_shows_what_vietnamese_costs():
    rows = {(r["tokenizer"], r["lang"]): r for r in cost.token_tax(PRETRAINED)}
    gpt2 = rows[(catalog.spec("gpt2").name, "vi")]
    xlmr = rows[(catalog.spec("xlmr").name, "vi")]
    assert gpt2["tax"] > 3 > 1.3 > xlmr["tax"]  # measured: 4.13 and 1.05
    assert gpt2["tokens_per_syllable"] > 3 and rows[(catalog.spec("gpt2").name, "en")]["tokens_per_syllable"] is None
    for row in rows.values():
        assert row["chars_per_token"] == pytest.approx(row["chars"] / row["tokens"])
    assert len(cost.parallel_pairs()) == 128


def test_utf8_bytes_and_code_points():
    assert cost.utf8_bytes("aệ😀") == [("a", 1), ("ệ", 3), ("😀", 4)]
    assert cost.code_points("ệ", "NFC") == ["U+1EC7"]
    assert cost.code_points("ệ", "NFD") == ["U+0065", "U+0323", "U+0302"]


@needs_pack
def test_nfd_text_gives_other_tokens_unless_the_normalizer_folds_it():
    rows = {r["tokenizer"]: r for r in cost.normal_forms("Tiếng Việt có dấu", PRETRAINED)}
    assert rows[catalog.spec("bert").name]["same"]  # BERT strips the accents either way
    assert not rows[catalog.spec("gpt2").name]["same"]
    assert rows[catalog.spec("gpt2").name]["nfd_tokens"] > rows[catalog.spec("gpt2").name]["nfc_tokens"]


@needs_pack
@pytest.mark.parametrize("tokenizer_id", PRETRAINED)
@pytest.mark.parametrize("max_length,pad_to", [(None, None), (8, None), (None, 40), (6, 12)])
def test_stages_end_exactly_where_the_library_encode_ends(tokenizer_id, max_length, pad_to):
    text = "Xin chào Việt Nam! Hello, WORLD 🤗"
    result = stages.run(tokenizer_id, text, max_length, pad_to)
    library = fresh(tokenizer_id)
    library.no_padding()
    library.no_truncation()
    if max_length:
        library.enable_truncation(max_length)
    if pad_to:
        token, token_id = stages.pad_token(library)
        library.enable_padding(length=pad_to, pad_token=token, pad_id=token_id)
    expected = library.encode(text)
    assert result.ids == expected.ids
    assert result.tokens == expected.tokens
    assert result.attention_mask == expected.attention_mask
    assert result.offsets == expected.offsets
    library.no_truncation()
    library.no_padding()
    flat = [token for pieces in result.model_tokens for token, _ in pieces]
    assert flat == library.encode(text, add_special_tokens=False).tokens  # the model stage, before truncation


def test_text_input_decoding_and_limits():
    assert decode_upload("Việt Nam".encode()) == "Việt Nam"
    assert decode_upload("\ufeffViệt".encode()) == "Việt"
    assert decode_upload("Việt Nam".encode("utf-16")) == "Việt Nam"
    for data, key in [(b"", "text_upload_empty"), (b"  \n", "text_upload_empty"),
                      (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "text_upload_binary"),
                      (bytes(range(1, 32)) * 50, "text_upload_binary"),
                      ("café à la carte".encode("cp1252"), "text_upload_not_utf8")]:
        with pytest.raises(InputProblem) as problem:
            decode_upload(data)
        assert problem.value.key == key
    with pytest.raises(InputProblem, match="text_empty"):
        prepare("")
    assert prepare("   ").notices == [("text_only_spaces", {})]
    long = prepare("a" * (MAX_CHARS + 5))
    assert len(long.text) == MAX_CHARS and long.notices[0][0] == "text_cut"


def test_chips_escape_learner_text_and_tokens():
    token = compare.Token('<script>alert("x")</script>', 1, 0, 5)
    html = chips_html([token], '<img src=x onerror=alert(1)>')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    assert 'title="id 1 · 0–5 · «&lt;img »"' in html
    assert "⏎" in chips_html([compare.Token("a\nb", None, 0, 3)], "a\nb")


SOURCE = re.compile(r'Tokenizer\.from_pretrained\("([^"]+)"\)')


def runnable_offline(snippet: str) -> str:
    """The snippet with each Hub id swapped for the same file in the offline pack."""
    by_source = {s.source: component(s.component).path for s in catalog.PRETRAINED}
    snippet = SOURCE.sub(lambda m: f'Tokenizer.from_file("{by_source[m.group(1)] / "tokenizer.json"}")', snippet)
    return snippet.replace('hf_hub_download(repo, "vocab.txt")', f'"{by_source["sentence-transformers/all-MiniLM-L6-v2"] / "vocab.txt"}"')


@needs_pack
def test_shown_code_runs(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    snippets = [
        code.compare_code(PRETRAINED + ["syllables", "words"], VIETNAMESE),
        code.cost_code("gpt2"),
        code.nfc_code("xlmr", "Tiếng Việt"),
        code.stages_code("gpt2", VIETNAMESE, 8, 12, stages.pad_token(catalog.load("gpt2"))),
        code.bpe_code("low lower newest", 20),
        code.wordpiece_code("tokenization nguyễn"),
        code.unigram_code("Việt Nam"),
        code.bytes_code("Việt"),
    ]
    for snippet in snippets:
        exec(compile(runnable_offline(snippet), "<snippet>", "exec"), {})
    printed = capsys.readouterr().out
    assert f"BERT WordPiece (uncased) {compare.tokenize('bert', VIETNAMESE).count} " in printed  # the app's count
    assert "tax x4.13" in printed
    assert "['token', '##ization']" in printed
    assert "ma ma ma ma ma ma" in printed and "('ệ', 3)" in printed


def test_shown_code_keeps_long_text_short():
    snippet = code.compare_code(["gpt2"], "x" * 10_000)
    assert len(snippet) < 2_000 and "(shortened)" in snippet
    assert unicodedata.is_normalized("NFC", code.unigram_code("Việt"))
