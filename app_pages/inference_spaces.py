"""Inference: generate, chat, classify digits, recognise and synthesise speech, search by meaning."""
from lib.ui import inference_lab as lab
from lib.ui import sharing_lab
from lib.ui.lesson import lab_page

lab_page(
    "inference_spaces",
    labs=[],
    leaf_labs={
        "hosted": [sharing_lab.server_lab, sharing_lab.hosted_lab],
        "spaces": [sharing_lab.spaces_lab],
        "text_generation": [lab.generation_lab],
        "image_classification": [lab.digits_lab],
        "speech_recognition": [lab.asr_lab],
        "conversational": [lab.chat_lab],
        "embeddings": [lab.embeddings_lab],
        "text_to_speech": [lab.tts_lab],
    },
)
