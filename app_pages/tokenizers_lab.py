"""Tokenizers: compare real tokenizers, measure what Vietnamese costs, open one up, train your own."""
from lib.i18n import t
from lib.ui import tokenizer_algorithms as algorithms
from lib.ui import tokenizer_lab as lab
from lib.ui.lesson import lab_page
from lib.ui.token_view import chip_styles

chip_styles()
lab_page(
    "tokenizers_lab",
    labs=[(t("tok_tab_compare"), lab.compare_lab), (t("tok_tab_cost"), lab.cost_lab)],
    leaf_labs={
        "wordpiece": [algorithms.wordpiece_lab],
        "bpe": [algorithms.bpe_lab],
        "sentencepiece": [algorithms.unigram_lab],
        "fast": [lab.inside_lab, algorithms.fast_slow_lab],
        "custom": [algorithms.train_lab],
    },
)
