"""Data for the TRL page's diagrams: the post-training pipeline and the methods side by side.

Pure data (bilingual labels as {"vi", "en"} like lib/sections.py), no plotting: the page draws
nodes and edges with Plotly. Positions are on a 0..1 grid, left to right in training order.
Facts checked against TRL 1.16 as installed: SFTTrainer, RewardTrainer, DPOTrainer, GRPOTrainer
and RLOOTrainer exist; PPOTrainer is no longer part of TRL.
"""
from __future__ import annotations

# What each stage needs; the page colours a node by its data kind.
DATA_KINDS = {
    "raw_text": {"vi": "Văn bản thô rất lớn", "en": "Huge amounts of raw text",
                 "example": {"text": "Hugging Face is a company based in New York and Paris..."}},
    "demonstrations": {"vi": "Cặp câu hỏi – câu trả lời mẫu", "en": "Demonstrations: prompt and answer",
                       "file": "data/instructions/pairs.jsonl"},
    "preference_pairs": {"vi": "Cặp ưa thích: câu hỏi, câu trả lời tốt hơn, câu trả lời kém hơn",
                         "en": "Preference pairs: prompt, chosen answer, rejected answer",
                         "file": "data/instructions/preferences.jsonl"},
    "prompts_reward": {"vi": "Chỉ câu hỏi, cộng một điểm thưởng cho mỗi câu trả lời mô hình tự sinh",
                       "en": "Prompts only, plus a reward for each answer the model generates"},
}

STAGES = [
    {"id": "pretraining", "x": 0.0, "y": 0.5, "data": "raw_text", "trl": None,
     "label": {"vi": "Tiền huấn luyện", "en": "Pretraining"},
     "learns": {"vi": "Đoán token tiếp theo: mô hình nắm được ngôn ngữ và kiến thức chung.",
                "en": "Predict the next token: the model learns language and general knowledge."}},
    {"id": "sft", "x": 0.25, "y": 0.5, "data": "demonstrations", "trl": "SFTTrainer",
     "label": {"vi": "SFT (tinh chỉnh có giám sát)", "en": "SFT (supervised fine-tuning)"},
     "learns": {"vi": "Bắt chước câu trả lời mẫu: mô hình học cách trò chuyện và làm theo hướng dẫn.",
                "en": "Imitate example answers: the model learns to chat and follow instructions."}},
    {"id": "reward_model", "x": 0.5, "y": 0.85, "data": "preference_pairs", "trl": "RewardTrainer",
     "label": {"vi": "Mô hình phần thưởng", "en": "Reward model"},
     "learns": {"vi": "Chấm điểm một câu trả lời sao cho câu được người chọn có điểm cao hơn.",
                "en": "Score an answer so that the one people chose gets the higher score."}},
    {"id": "ppo", "x": 0.75, "y": 0.85, "data": "prompts_reward", "trl": None,
     "label": {"vi": "PPO (RLHF)", "en": "PPO (RLHF)"},
     "learns": {"vi": "Sinh câu trả lời, nhận điểm từ mô hình phần thưởng, cập nhật nhưng không đi quá xa mô hình SFT.",
                "en": "Generate answers, get scores from the reward model, update without drifting far from the SFT model."}},
    {"id": "grpo", "x": 0.75, "y": 0.5, "data": "prompts_reward", "trl": "GRPOTrainer",
     "label": {"vi": "GRPO", "en": "GRPO"},
     "learns": {"vi": "Sinh một nhóm câu trả lời cho mỗi câu hỏi; câu nào điểm cao hơn trung bình nhóm thì được khuyến khích.",
                "en": "Generate a group of answers per prompt; answers scoring above the group average are reinforced."}},
    {"id": "dpo", "x": 0.75, "y": 0.15, "data": "preference_pairs", "trl": "DPOTrainer",
     "label": {"vi": "DPO", "en": "DPO"},
     "learns": {"vi": "Học thẳng từ cặp ưa thích: tăng xác suất câu được chọn, giảm câu bị từ chối, không cần mô hình phần thưởng.",
                "en": "Learn straight from preference pairs: raise the chosen answer, lower the rejected one, no reward model."}},
    {"id": "aligned", "x": 1.0, "y": 0.5, "data": None, "trl": None,
     "label": {"vi": "Mô hình trợ lý", "en": "Assistant model"},
     "learns": {"vi": "Mô hình đã được căn chỉnh theo mong muốn của con người.",
                "en": "A model aligned with what people prefer."}},
]

EDGES = [
    {"source": "pretraining", "target": "sft", "label": {"vi": "mô hình nền", "en": "base model"}},
    {"source": "sft", "target": "reward_model", "label": {"vi": "khởi tạo", "en": "initialises"}},
    {"source": "sft", "target": "ppo", "label": {"vi": "chính sách ban đầu", "en": "starting policy"}, "at": 0.32},
    {"source": "reward_model", "target": "ppo", "label": {"vi": "điểm thưởng", "en": "rewards"}},
    {"source": "sft", "target": "grpo", "label": {"vi": "chính sách ban đầu", "en": "starting policy"}},
    {"source": "reward_model", "target": "grpo", "label": {"vi": "hoặc hàm thưởng viết tay", "en": "or a hand-written reward function"},
     "at": 0.62},
    {"source": "sft", "target": "dpo", "label": {"vi": "chính sách + mô hình tham chiếu", "en": "policy + reference model"}},
    {"source": "ppo", "target": "aligned", "label": {"vi": "", "en": ""}},
    {"source": "grpo", "target": "aligned", "label": {"vi": "", "en": ""}},
    {"source": "dpo", "target": "aligned", "label": {"vi": "", "en": ""}},
]

# GRPO's reward can be plain Python: TRL calls it with the sampled completions (here conversational).
REWARD_EXAMPLE = (
    "def short_answers(completions, **kwargs):  # prefer answers of about 120 characters\n"
    "    return [-abs(len(c[0][\"content\"]) - 120) / 120 for c in completions]"
)

# The methods side by side: what each needs while it trains (the page shows it as a table).
# DPO with a LoRA adapter keeps one copy in memory: the reference is the model with the adapter off.
METHODS = [
    {"id": "sft", "trl": "SFTTrainer", "data": "demonstrations", "reward_model": False, "reference_model": False,
     "generates_while_training": False, "models_in_memory": 1, "runs_here": True},
    {"id": "dpo", "trl": "DPOTrainer", "data": "preference_pairs", "reward_model": False, "reference_model": True,
     "generates_while_training": False, "models_in_memory": 2, "runs_here": True},
    {"id": "ppo", "trl": None, "data": "prompts_reward", "reward_model": True, "reference_model": True,
     "generates_while_training": True, "models_in_memory": 4, "runs_here": False},  # policy, reference, reward, value
    # GRPO's reward is a function or a model; TRL 1.16 defaults to beta=0.0, so no reference model is loaded.
    {"id": "grpo", "trl": "GRPOTrainer", "data": "prompts_reward", "reward_model": False, "reference_model": False,
     "generates_while_training": True, "models_in_memory": 1, "runs_here": False},
]


def pipeline(lang: str = "vi") -> dict:
    """Nodes and edges in one language: {"nodes": [{id, x, y, label, learns, data, data_label, trl}], "edges": [...]}."""
    nodes = [{**{k: v for k, v in s.items() if k not in ("label", "learns")}, "label": s["label"][lang],
              "learns": s["learns"][lang], "data_label": DATA_KINDS[s["data"]][lang] if s["data"] else ""}
             for s in STAGES]
    edges = [{**e, "label": e["label"][lang]} for e in EDGES]
    return {"nodes": nodes, "edges": edges}


def methods(lang: str = "vi") -> list[dict]:
    """One row per method with its stage label and data kind in `lang` (for a DataFrame)."""
    labels = {s["id"]: s["label"][lang] for s in STAGES}
    return [{**m, "label": labels[m["id"]], "data_label": DATA_KINDS[m["data"]][lang]} for m in METHODS]


def data_examples() -> dict:
    """One real row of each data kind from the project's files (demonstration, preference pair)."""
    from lib.alignment.sft import load_pairs, load_preferences

    return {"demonstrations": load_pairs()[0], "preference_pairs": load_preferences()[0],
            "prompts_reward": {"prompt": load_preferences()[0]["prompt"],
                               "reward": REWARD_EXAMPLE}}
