from lib.glossary import fold, glossary_rows, search
from lib.i18n import glossary

ROWS = [
    {"id": "tokenizer", "term": "bộ tách từ", "other": "tokenizer", "area": "tokenizers",
     "definition": "Chia văn bản thành token."},
    {"id": "fine_tuning", "term": "tinh chỉnh", "other": "fine-tuning", "area": "transformers",
     "definition": "Huấn luyện tiếp một mô hình, dùng bộ tách từ có sẵn."},
]


def test_fold_strips_vietnamese_diacritics_and_d_bar():
    assert fold("Đường Tiếng Việt") == "duong tieng viet"
    assert fold("TINH CHỈNH") == "tinh chinh"


def test_search_without_diacritics_and_in_the_other_language():
    assert [r["id"] for r in search(ROWS, "tach tu")] == ["tokenizer", "fine_tuning"]
    assert [r["id"] for r in search(ROWS, "FINE-tuning")] == ["fine_tuning"]
    assert search(ROWS, "") == ROWS
    assert search(ROWS, "không có từ này") == []


def test_term_matches_rank_before_definition_matches():
    assert search(ROWS, "bộ tách từ")[0]["id"] == "tokenizer"


def test_area_filter():
    assert [r["id"] for r in search(ROWS, "", ["transformers"])] == ["fine_tuning"]


def test_real_glossary_finds_tokenizer_both_ways():
    vi_rows = glossary_rows(glossary("vi"), glossary("en"))
    en_rows = glossary_rows(glossary("en"), glossary("vi"))
    assert any(r["other"] == "tokenizer" for r in search(vi_rows, "tokenizer"))
    assert any(r["term"] == "tokenizer" for r in search(en_rows, "bo tach tu"))


def test_hostile_queries_do_not_break_search():
    rows = glossary_rows(glossary("vi"), glossary("en"))
    for query in ["<script>alert(1)</script>", "a" * 100_000, "\x00\u0301\ufeff", "((("]:
        assert isinstance(search(rows, query), list)
