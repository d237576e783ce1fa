"""Additional tools: Evaluate's metrics to poke at, and (as they come) the other tools of the map."""
from lib.ui import evaluate_lab, training_lab
from lib.ui.lesson import lab_page

lab_page(
    "tools",
    labs=[],
    leaf_labs={
        "evaluate": [evaluate_lab.metrics_lab],
        "peft": [training_lab.lora_lab],
        "accelerate": [training_lab.accelerate_lab],
    },
)
