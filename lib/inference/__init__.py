"""Running the pack models for the inference lessons: one function per task, charts-ready results."""
