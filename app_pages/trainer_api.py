"""Trainer API: watch a model learn, live, then train your own without code."""
from lib.i18n import t
from lib.ui import training_lab as lab
from lib.ui.lesson import lab_page

lab_page(
    "trainer_api",
    labs=[(t("train_tab_live"), lab.trainer_lab), (t("train_tab_wizard"), lab.wizard_lab)],
    leaf_labs={},
)
