"""Tasks without an offline model, done by prompting the pack's small chat model instead.

Honest by construction: the prompt is shown to the learner and the widget says a 135M chat
model is guessing, not a model trained for the task. Prompts are in English, the language
SmolLM2 follows best; the learner's text can be in any language.
"""
from __future__ import annotations

from lib.text_input import InputProblem

TASKS = ("question-answering", "summarization", "translation")
MAX_INPUT_CHARS = 2_000  # about 500 tokens: the prompt stays well inside the chat's 1,024-token limit
_TEMPLATES = {
    "question-answering": "Answer the question using only the context. Reply with a short phrase.\n\n"
                          "Context: {context}\n\nQuestion: {question}",
    "summarization": "Summarize the following text in one or two sentences.\n\nText: {context}",
    "translation": "Translate the following text into {target}. Reply with the translation only.\n\nText: {context}",
}
LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English"}


def build_messages(task_id: str, context: str, question: str = "", target: str = "en") -> list[dict]:
    """The chat messages that ask SmolLM2 to do the task; blank inputs are an InputProblem."""
    if task_id not in TASKS:
        raise ValueError(f"no prompt for {task_id}")
    if not context.strip() or (task_id == "question-answering" and not question.strip()):
        raise InputProblem("text_empty")
    prompt = _TEMPLATES[task_id].format(context=context.strip()[:MAX_INPUT_CHARS], question=question.strip()[:300],
                                        target=LANGUAGE_NAMES.get(target, target))
    return [{"role": "user", "content": prompt}]


def prompting_code(messages: list[dict]) -> str:
    """The same request as a transformers text-generation pipeline, for "show code"."""
    return ("from transformers import pipeline\n\n"
            'chat = pipeline("text-generation", model="HuggingFaceTB/SmolLM2-135M-Instruct")\n'
            f"messages = {messages!r}\n"
            "reply = chat(messages, max_new_tokens=96, do_sample=False)\n"
            'print(reply[0]["generated_text"][-1]["content"])\n')
