"""Example texts for the tokenizer widgets: each shows one thing tokenizers do differently.

The texts are inputs, the same in both interface languages; their labels are in the catalogue
(tok_preset_<id>).
"""
PRESETS: dict[str, str] = {
    "vi": "Hà Nội là thủ đô của Việt Nam, nơi có hồ Hoàn Kiếm và ba mươi sáu phố phường.",
    "en": "Hanoi is the capital of Vietnam, home to Hoan Kiem Lake and the thirty-six streets of the Old Quarter.",
    "mixed": "Mình đang học Hugging Face 🤗 với Python 3.13 — vui ghê! #AI @lop12A",
    "accents": "ma má mà mả mã mạ",
    "numbers": "Ngày 02/09/1945; giá 1.234.567 đồng, tăng 12,5% so với năm 2025.",
    "code": "def xin_chao(ten):\n    return f\"Xin chào {ten}!\"",
}
