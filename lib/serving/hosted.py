"""A real call to Hugging Face's hosted inference (Inference Providers) with the learner's token.

Only possible when the app was started online (HF_HUB_OFFLINE unset) and the machine reaches
the Hub; offline the page explains this and shows the code. `base_url` sends the very same
client call to any server with Hugging Face's API shapes (this app's local server, a TGI/TEI
server, an Inference Endpoint): that is also how the tests run it without internet.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from lib.environment import hub_offline
from lib.serving.examples import BY_TASK, route
from lib.text_input import InputProblem

HOSTED_TASKS = ("text-classification", "token-classification", "zero-shot-classification",
                "feature-extraction", "chat-completion")
MAX_INPUT_CHARS = 2_000  # a hosted call is billed per request; a classroom demo needs a sentence
TIMEOUT_SECONDS = 60
# HTTP status -> what the learner is told (catalogue keys)
STATUS_KEYS = {401: "hosted_token_refused", 403: "hosted_token_refused", 402: "hosted_no_credits",
               404: "hosted_model_not_found", 429: "hosted_rate_limited"}


@dataclass(frozen=True)
class HostedAnswer:
    task: str
    model: str
    answer: Any  # plain Python data (lists, dicts, floats), ready for st.json or a chart
    seconds: float


def default_model(task: str) -> str:
    return BY_TASK[task].hosted_model


def check(task: str, text: str, token: str | None, labels: list[str] | None = None, base_url: str | None = None) -> str:
    """The problems a learner can fix before anything is sent."""
    if task not in HOSTED_TASKS:
        raise InputProblem("hosted_task_unknown", task=task)
    text = (text or "").strip()
    if not text:
        raise InputProblem("text_empty")
    if len(text) > MAX_INPUT_CHARS:
        raise InputProblem("hosted_too_long", limit=MAX_INPUT_CHARS, length=len(text))
    if task == "zero-shot-classification" and not any(label.strip() for label in labels or []):
        raise InputProblem("zero_shot_no_labels")
    if base_url is None:
        if hub_offline():
            raise InputProblem("hosted_offline")
        if not (token or "").strip():
            raise InputProblem("hosted_token_missing")
    return text


def call(task: str, text: str, token: str | None = None, model: str | None = None,
         labels: list[str] | None = None, base_url: str | None = None) -> HostedAnswer:
    """One InferenceClient call: to Inference Providers (provider="auto") or, with base_url, to that server."""
    from huggingface_hub import InferenceClient

    text = check(task, text, token, labels, base_url)
    model = (model or "").strip() or default_model(task)
    token = (token or "").strip() or None
    if base_url is None:
        client, target = InferenceClient(provider="auto", api_key=token, timeout=TIMEOUT_SECONDS), model
    elif task == "chat-completion":
        client, target = InferenceClient(base_url=base_url, api_key=token, timeout=TIMEOUT_SECONDS), model
    else:  # a server with one URL per task, like an Inference Endpoint
        client, target = InferenceClient(model=route(task, base_url), api_key=token, timeout=TIMEOUT_SECONDS), None
    started = time.perf_counter()
    try:
        answer = _send(client, task, text, target, labels)
    except Exception as error:  # turned into a sentence the learner can act on
        raise _problem(error, model) from None
    return HostedAnswer(task, model, answer, round(time.perf_counter() - started, 3))


def _send(client, task: str, text: str, model: str | None, labels: list[str] | None) -> Any:
    if task == "text-classification":
        return [dict(item) for item in client.text_classification(text, model=model)]
    if task == "token-classification":
        return [dict(item) for item in client.token_classification(text, model=model)]
    if task == "zero-shot-classification":
        labels = [label.strip() for label in labels if label.strip()]
        return [dict(item) for item in client.zero_shot_classification(text, labels, model=model)]
    if task == "feature-extraction":
        return client.feature_extraction(text, model=model).tolist()
    output = client.chat_completion([{"role": "user", "content": text}], model=model, max_tokens=200)
    return {"content": output.choices[0].message.content, "usage": dict(output.usage or {})}


def _problem(error: Exception, model: str) -> InputProblem:
    from huggingface_hub import errors

    if isinstance(error, errors.OfflineModeIsEnabled):
        return InputProblem("hosted_offline")
    if isinstance(error, errors.HfHubHTTPError) and error.response is not None:
        status = error.response.status_code
        if status in STATUS_KEYS:
            return InputProblem(STATUS_KEYS[status], model=model)
        return InputProblem("hosted_http_error", status=status, detail=_short(error.server_message or str(error)))
    if isinstance(error, ValueError):  # e.g. no provider serves this model for this task
        return InputProblem("hosted_no_provider", model=model, detail=_short(str(error)))
    return InputProblem("hosted_unreachable", detail=_short(f"{type(error).__name__}: {error}"))


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"
