"""Additional tools: the Hub CLI, metrics to poke at, LoRA, Accelerate, Gradio and Streamlit side by side."""
from lib.ui import alignment_lab, evaluate_lab, optimize_lab, sharing_lab, training_lab
from lib.ui.lesson import lab_page

lab_page(
    "tools",
    labs=[],
    leaf_labs={
        "hub_cli": [sharing_lab.cli_lab],
        "evaluate": [evaluate_lab.metrics_lab],
        "gradio": [sharing_lab.gradio_streamlit_lab],
        "streamlit": [sharing_lab.this_page_source],
        "peft": [training_lab.lora_lab],
        "accelerate": [training_lab.accelerate_lab],
        "optimum": [optimize_lab.optimum_lab],
        "trl": [alignment_lab.trl_lab],
    },
)
