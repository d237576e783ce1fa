"""Datasets: famous datasets in their real schema, the Data Loading API step by step, a Dataset Viewer."""
from lib.i18n import t
from lib.ui import datasets_lab as lab
from lib.ui.lesson import lab_page

lab_page(
    "datasets_lab",
    labs=[(t("ds_tab_compare"), lab.compare_lab)],
    leaf_labs={
        **{leaf: [lab.famous_lab(leaf)] for leaf in ("nlp", "vision", "speech", "multimodal")},
        "loading": [lab.loading_lab],
        "viewer": [lab.viewer_lab],
    },
)
