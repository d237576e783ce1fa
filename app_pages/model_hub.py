"""Model Hub: famous models with their cards, filters and charts; live Hub search; AutoTrain."""
from lib.i18n import t
from lib.ui import hub_explorer as lab
from lib.ui.lesson import lab_page

lab_page(
    "model_hub",
    labs=[(t("hubx_tab"), lab.explorer_lab)],
    leaf_labs={
        **{area: [lab.area_cards(area)] for area in ("nlp", "vision", "speech", "multimodal", "community")},
        "autotrain": [lab.autotrain_lab],
    },
)
