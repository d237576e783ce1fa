"""Transformers and pipelines: run text, image and sound tasks, open a model up, watch attention."""
from lib.i18n import t
from lib.ui import inference_lab
from lib.ui import transformers_lab as lab
from lib.ui.lesson import lab_page

lab_page(
    "transformers_pipelines",
    labs=[(t("tf_tab_anatomy"), lab.anatomy_lab), (t("tf_tab_attention"), lab.attention_lab)],
    leaf_labs={
        "nlp": [lab.sentiment_lab, lab.zero_shot_lab, lab.ner_lab, *map(lab.hub_only_lab, (
            "fill-mask", "question-answering", "summarization", "translation"))],
        "vision": [inference_lab.digits_lab, lab.hub_only_lab("object-detection")],
        "audio": [inference_lab.asr_lab, inference_lab.tts_lab],
        "multimodal": [lab.hub_only_lab("zero-shot-image-classification")],
    },
)
