"""A local inference server that speaks Hugging Face's task API, so a classroom without internet
can run the same `InferenceClient` code it would run against the hosted API.

Why: `huggingface_hub.InferenceClient` posts to whatever URL it is given as `model` (or
`base_url`) exactly as it posts to the Hugging Face router (the "hf-inference" provider):
same JSON payload, same answer parsing. This server answers those requests on loopback with
the offline pack's models, using the standard library's `http.server` only.

URL scheme (one URL per task, like one Inference Endpoint per model):

    POST /tasks/text-classification           {"inputs": "text", "parameters": {"top_k": 2}}
    POST /tasks/feature-extraction            {"inputs": "text" | ["a", "b"], "prompt_name": "query"}
    POST /tasks/token-classification          {"inputs": "Vietnamese text"}
    POST /tasks/zero-shot-classification      {"inputs": "text", "parameters": {"candidate_labels": [...]}}
    POST /tasks/text-generation               {"inputs": "prompt", "parameters": {...}, "stream": false}
    POST /tasks/image-classification          raw image bytes, or {"inputs": "<base64>", "parameters": {...}}
    POST /tasks/automatic-speech-recognition  raw audio bytes, or {"inputs": "<base64>", "parameters": {"language": "vi"}}
    POST /tasks/text-to-speech                {"inputs": "text", "parameters": {"language": "en" | "vi"}} -> audio/wav
    POST /v1/chat/completions                 OpenAI-style chat (also under /tasks/text-generation/v1/...)
    GET  /  (index)   GET /health   GET /info   GET /tasks/<task>/health   GET /tasks/<task>/info   GET /v1/models

So: `InferenceClient(base_url="http://127.0.0.1:8765")` reaches chat_completion (the client
appends /v1/chat/completions); every other task takes its task URL, either per client
(`InferenceClient(model=".../tasks/text-classification")`) or per call (`model=URL`). A bare
base URL cannot serve the other tasks: for them the client posts to the URL unchanged, and a
text-classification and a text-generation payload look the same.

Answers have the hf-inference shapes: [[{"label", "score"}]] for text classification,
[{"label", "score"}] for image and zero-shot classification, a list of 384 floats per text
for feature extraction, [{"entity_group", "score", "word", "start", "end"}] for NER (score is
null: underthesea's CRF gives no probability), [{"generated_text"}] for text generation (TGI
server-sent events when "stream": true), {"text", "chunks"} for speech recognition, WAV bytes
for text-to-speech, and OpenAI chat.completion objects (SSE chunks when streaming).

Errors are JSON {"error": "...", "error_type": "..."}: 400 bad JSON or a learner-facing problem
(then also "key" and "values": a lib.text_input.InputProblem catalogue key, the message in
English), 403 a request from a web page of another site, 404 unknown route, 405 wrong method,
411 chunked upload, 413 body over 1 MB (JSON tasks) or 20 MB (image and audio), 422 missing
"inputs" or a parameter the pack's model cannot honour, 503 pack not provisioned or the model
busy too long. Notices (text cut, image reduced...) travel in the X-Notices header as JSON.
Only loopback addresses are accepted for binding; generation runs one request at a time.
Heavy libraries are imported inside the handlers.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import ipaddress
import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from lib.text_input import InputProblem

JSON_LIMIT = 1_000_000  # bytes of a JSON request: far more text than a lesson needs
MEDIA_LIMIT = 20_000_000  # bytes of an image or audio upload (raw or base64 in JSON)
DRAIN_LIMIT = 64_000_000  # an oversized body up to this is read and dropped, so the client sees the 413
MAX_BATCH = 64  # texts per feature-extraction or text-classification request
MAX_NEW_TOKENS = 512
DEFAULT_NEW_TOKENS = 64
DEFAULT_CHAT_TOKENS = 128
GENERATION_WAIT_SECONDS = 300  # a request waits this long for the one generation slot, then gets 503
TASK_PREFIX = "/tasks/"
CHAT_PATHS = ("/v1/chat/completions", "/tasks/text-generation/v1/chat/completions")
CHAT_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
SYSTEM_FINGERPRINT = "hoc-hugging-face-offline-pack"

_generation_lock = threading.Lock()  # one generation at a time: two would halve each other's speed on 2 cores


# --------------------------------------------------------------------------- errors and replies
class ApiError(Exception):
    """An HTTP error answer: status, a developer-facing message and an error type."""

    def __init__(self, status: int, message: str, error_type: str = "validation", **extra: Any):
        super().__init__(message)
        self.status, self.message, self.error_type, self.extra = status, message, error_type, extra

    def body(self) -> dict:
        return {"error": self.message, "error_type": self.error_type, **self.extra}


def _problem_error(problem: InputProblem) -> ApiError:
    """A learner-facing problem as 400 with its catalogue key and the English message."""
    from lib.i18n import translate

    try:
        message = translate("en", problem.key, **problem.values)
    except KeyError:  # a key missing from the catalogue must not hide the problem itself
        message = problem.key
    return ApiError(400, message, "input_problem", key=problem.key, values=problem.values)


def _notice_list(notices: Iterable[tuple[str, dict]]) -> list[dict]:
    from lib.i18n import translate

    found = []
    for key, values in notices:
        try:
            message = translate("en", key, **values)
        except KeyError:
            message = key
        found.append({"key": key, "values": values, "message": message})
    return found


@dataclass
class Reply:
    """What a handler answers: a JSON value or bytes, or a stream of server-sent event bytes."""

    body: Any = None
    content_type: str = "application/json"
    status: int = 200
    notices: list[tuple[str, dict]] = field(default_factory=list)
    stream: Iterator[bytes] | None = None
    cleanup: Callable[[], None] | None = None  # always called once the answer is written (or abandoned)


# --------------------------------------------------------------------------- request parsing
@dataclass
class Request:
    body: bytes
    content_type: str

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, f"the body is not valid JSON: {error}", "bad_json") from None
        except RecursionError:  # "[[[[..." nested deeper than Python's stack: a 400, not a 500
            raise ApiError(400, "the body is not valid JSON: nested too deeply", "bad_json") from None

    def payload(self) -> dict:
        data = self.json()
        if not isinstance(data, dict):
            raise ApiError(400, "the JSON body must be an object such as {\"inputs\": ...}", "bad_json")
        return data


def _inputs_and_parameters(request: Request) -> tuple[Any, dict]:
    payload = request.payload()
    if "inputs" not in payload:
        raise ApiError(422, 'missing "inputs" in the JSON body', "missing_inputs")
    parameters = payload.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ApiError(422, '"parameters" must be a JSON object')
    return payload["inputs"], parameters


def _media(request: Request) -> tuple[bytes, dict]:
    """(file bytes, parameters): raw bytes in the body, or base64 "inputs" in JSON (the client
    sends JSON as soon as any parameter is set)."""
    if request.content_type.split(";")[0].strip().lower() == "application/json":
        inputs, parameters = _inputs_and_parameters(request)
        if not isinstance(inputs, str):
            raise ApiError(422, '"inputs" must be the file as a base64 string')
        try:
            return base64.b64decode(inputs, validate=True), parameters
        except (binascii.Error, ValueError):
            raise ApiError(400, '"inputs" is not valid base64', "bad_base64") from None
    return request.body, {}


def _check_parameters(parameters: dict, allowed: Iterable[str]) -> None:
    unknown = sorted(set(parameters) - set(allowed))
    if unknown:
        raise ApiError(422, f"unsupported parameter(s) {unknown}; this server accepts {sorted(allowed)}",
                       "unsupported_parameter")


def _number(parameters: dict, name: str, kind: type, low: float, high: float, default: Any = None) -> Any:
    value = parameters.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and value != int(value)):
        raise ApiError(422, f"{name} must be a number ({kind.__name__})")
    if not low <= value <= high:
        raise ApiError(422, f"{name} must be between {low} and {high}")
    return kind(value)


def _text(value: Any, notices: list) -> str:
    """One learner text, bounded by lib.text_input.prepare (its notices are collected)."""
    from lib.text_input import prepare

    if not isinstance(value, str):
        raise ApiError(422, '"inputs" must be a string')
    prepared = prepare(value)
    notices.extend(prepared.notices)
    return prepared.text


def _texts(value: Any, notices: list) -> tuple[list[str], bool]:
    """(texts, whether one string was sent) for the tasks that take a string or a list of strings."""
    if isinstance(value, str):
        return [_text(value, notices)], True
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ApiError(422, '"inputs" must be a string or a non-empty list of strings')
    if len(value) > MAX_BATCH:
        raise ApiError(422, f"at most {MAX_BATCH} texts per request")
    return [_text(v, notices) for v in value], False


def _only_softmax(parameters: dict) -> None:
    if parameters.get("function_to_apply") not in (None, "softmax"):
        raise ApiError(422, 'function_to_apply: only "softmax" is available here', "unsupported_parameter")


# --------------------------------------------------------------------------- task handlers
def text_classification(request: Request) -> Reply:
    """The pack's Vietnamese+English sentiment classifier; [[{"label", "score"}, ...]] per text."""
    from lib.inference.text_tasks import E5, classify_sentiment
    from lib.models.loader import load_tokenizer

    inputs, parameters = _inputs_and_parameters(request)
    _check_parameters(parameters, ("top_k", "function_to_apply"))
    _only_softmax(parameters)
    top_k = _number(parameters, "top_k", int, 1, 100)
    notices: list = []
    texts, _ = _texts(inputs, notices)
    results = classify_sentiment(texts)
    if any(r.truncated for r in results):
        notices.append(("text_truncated_model", {"limit": load_tokenizer(E5).model_max_length}))
    body = [[{"label": label, "score": score} for label, score in result[:top_k]] for result in results]
    return Reply(body, notices=notices)


def feature_extraction(request: Request) -> Reply:
    """multilingual-e5-small sentence vectors (384 floats, L2-normalised), TEI-style parameters at the root."""
    from lib.inference.embeddings import embed_texts
    from lib.models.e5 import PASSAGE_PREFIX, QUERY_PREFIX

    payload = request.payload()
    if "inputs" not in payload:
        raise ApiError(422, 'missing "inputs" in the JSON body', "missing_inputs")
    options = {k: v for k, v in payload.items() if k not in ("inputs", "parameters")}
    if isinstance(payload.get("parameters"), dict):
        options.update(payload["parameters"])
    _check_parameters(options, ("normalize", "prompt_name", "truncate", "truncation_direction"))
    if options.get("normalize") is False:
        raise ApiError(422, "e5 vectors are always L2-normalised here (normalize=false is not available)",
                       "unsupported_parameter")
    if options.get("truncation_direction") not in (None, "right"):
        raise ApiError(422, 'truncation_direction: texts are cut on the right (after 512 tokens)',
                       "unsupported_parameter")
    prefixes = {None: QUERY_PREFIX, "query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}
    if options.get("prompt_name") not in prefixes:
        raise ApiError(422, 'prompt_name must be "query" or "passage" (e5 needs one of these prefixes)',
                       "unsupported_parameter")
    notices: list = []
    texts, single = _texts(payload["inputs"], notices)
    vectors = embed_texts(texts, prefix=prefixes[options.get("prompt_name")]).tolist()
    return Reply(vectors[0] if single else vectors, notices=notices)


def token_classification(request: Request) -> Reply:
    """underthesea's Vietnamese NER, as grouped entities with character offsets."""
    from lib.inference.text_tasks import vietnamese_ner

    inputs, parameters = _inputs_and_parameters(request)
    _check_parameters(parameters, ("aggregation_strategy", "ignore_labels", "stride"))
    if parameters.get("aggregation_strategy") not in (None, "simple", "first", "average", "max"):
        raise ApiError(422, "aggregation_strategy: only grouped entities are available (simple)",
                       "unsupported_parameter")
    ignore = parameters.get("ignore_labels") or []
    if not isinstance(ignore, list):
        raise ApiError(422, "ignore_labels must be a list of labels")
    notices: list = []
    text = _text(inputs, notices)
    body = [{"entity_group": e.label, "score": None, "word": e.text, "start": e.start, "end": e.end}
            for e in vietnamese_ner(text) if e.label not in ignore]
    return Reply(body, notices=notices)


def zero_shot_classification(request: Request) -> Reply:
    """Labels ranked by e5 similarity (not NLI); [{"label", "score"}] best first, scores sum to 1."""
    from lib.inference.text_tasks import zero_shot_by_embedding

    inputs, parameters = _inputs_and_parameters(request)
    _check_parameters(parameters, ("candidate_labels", "hypothesis_template", "multi_label"))
    if parameters.get("multi_label"):
        raise ApiError(422, "multi_label: similarity scores are shared by the labels (sum to 1); "
                       "independent scores need an NLI model", "unsupported_parameter")
    labels = parameters.get("candidate_labels") or []
    if isinstance(labels, str):
        labels = labels.split(",")
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        raise ApiError(422, "candidate_labels must be a list of strings")
    template = parameters.get("hypothesis_template") or "{}"
    if not isinstance(template, str):
        raise ApiError(422, "hypothesis_template must be a string with {}")
    notices: list = []
    text = _text(inputs, notices)
    ranked = zero_shot_by_embedding(text, labels, template=template)
    return Reply([{"label": label, "score": score} for label, score in ranked], notices=notices)


_GENERATION_PARAMETERS = ("max_new_tokens", "do_sample", "temperature", "top_k", "top_p", "seed",
                          "repetition_penalty", "return_full_text", "stop", "details")


def _acquire_generation() -> None:
    if not _generation_lock.acquire(timeout=GENERATION_WAIT_SECONDS):
        raise ApiError(503, "the model is busy with other requests; try again in a moment", "overloaded")


def text_generation(request: Request) -> Reply:
    """SmolLM2 continuing a raw prompt (no chat template), TGI-style parameters and streaming."""
    import torch

    from lib.inference import generation

    payload = request.payload()
    if "inputs" not in payload:
        raise ApiError(422, 'missing "inputs" in the JSON body', "missing_inputs")
    parameters = payload.get("parameters") or {}
    if not isinstance(parameters, dict):
        raise ApiError(422, '"parameters" must be a JSON object')
    unused = [name for name in parameters if name not in _GENERATION_PARAMETERS]
    if unused:  # transformers' own wording: InferenceClient then drops them, warns and retries
        raise ApiError(400, f"The following `model_kwargs` are not used by the model: {unused} "
                            "(note: typos in the generate arguments will also show up in this list)")
    stop = parameters.get("stop") or []
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
        raise ApiError(422, "stop must be a list of non-empty strings")
    seed = _number(parameters, "seed", int, 0, 2**63 - 1)
    kwargs: dict[str, Any] = {"max_new_tokens": _number(parameters, "max_new_tokens", int, 1, MAX_NEW_TOKENS,
                                                        DEFAULT_NEW_TOKENS)}
    temperature = _number(parameters, "temperature", float, 0.0, 100.0)
    sampling = bool(parameters.get("do_sample")) or (temperature is not None and temperature > 0
                                                      and parameters.get("do_sample") is None)
    kwargs["do_sample"] = sampling
    if sampling:
        for name, kind, low, high in (("temperature", float, 1e-3, 100.0), ("top_k", int, 0, 10**6),
                                      ("top_p", float, 1e-6, 1.0)):
            value = _number(parameters, name, kind, low, high)
            if value is not None:
                kwargs[name] = value
    penalty = _number(parameters, "repetition_penalty", float, 0.01, 100.0)
    if penalty is not None:
        kwargs["repetition_penalty"] = penalty
    notices: list = []
    prompt = _text(payload["inputs"], notices)
    prompt_ids, cut = generation._prompt_ids(prompt, chat=False)
    notices += cut
    model, tokenizer = generation.model_and_tokenizer()
    extra: dict[str, Any] = {"stop_strings": stop, "tokenizer": tokenizer} if stop else {}
    prefix = prompt if parameters.get("return_full_text") else ""

    def finish_reason(new_ids: list[int], text: str) -> str:
        if stop and any(text.endswith(s) for s in stop):
            return "stop_sequence"
        return "eos_token" if new_ids and new_ids[-1] == tokenizer.eos_token_id else "length"

    if payload.get("stream"):
        return _text_generation_stream(model, tokenizer, prompt_ids, kwargs, seed, extra, finish_reason, notices)
    _acquire_generation()
    try:
        output = generation._run_generate(model, torch.tensor([prompt_ids]), kwargs, seed=seed, **extra)
    finally:
        _generation_lock.release()
    new_ids = output[0, len(prompt_ids):].tolist()
    text = tokenizer.decode(new_ids, skip_special_tokens=True)
    answer: dict[str, Any] = {"generated_text": prefix + text}
    if parameters.get("details"):
        answer["details"] = {"finish_reason": finish_reason(new_ids, text), "generated_tokens": len(new_ids),
                             "seed": seed, "prefill": [], "tokens": []}
    return Reply([answer], notices=notices)


def _sse(data: Any) -> bytes:
    return b"data: " + json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n\n"


def _text_generation_stream(model, tokenizer, prompt_ids, kwargs, seed, extra, finish_reason, notices) -> Reply:
    """TGI's server-sent events: one {"index", "token": {"text", ...}} per piece, the last with
    "generated_text" and "details". Generation runs in a thread feeding TextIteratorStreamer."""
    import torch
    from transformers import StoppingCriteriaList, TextIteratorStreamer

    from lib.inference import generation

    stop_event = threading.Event()
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["output"] = generation._run_generate(
                model, torch.tensor([prompt_ids]), kwargs, seed=seed, streamer=streamer,
                stopping_criteria=StoppingCriteriaList([generation._event_stop(stop_event)]), **extra)
        except BaseException as error:  # surfaced as an error event
            result["error"] = error
            streamer.end()

    thread = threading.Thread(target=run, name="serving-generate", daemon=True)

    def events() -> Iterator[bytes]:
        thread.start()
        text, index = "", 0
        for piece in streamer:
            if not piece:
                continue
            index += 1
            text += piece
            yield _sse({"index": index, "token": {"id": None, "text": piece, "logprob": None, "special": False},
                        "generated_text": None, "details": None})
        thread.join()
        if "error" in result:
            yield _sse({"error": str(result["error"]), "error_type": "generation"})
            return
        new_ids = result["output"][0, len(prompt_ids):].tolist()
        yield _sse({"index": index + 1, "token": {"id": None, "text": "", "logprob": None, "special": True},
                    "generated_text": text,
                    "details": {"finish_reason": finish_reason(new_ids, text), "generated_tokens": len(new_ids),
                                "seed": seed}})

    def cleanup() -> None:
        stop_event.set()  # a client that left stops the model at its next token
        if thread.is_alive():
            thread.join()
        _generation_lock.release()

    _acquire_generation()
    return Reply(stream=events(), content_type="text/event-stream", notices=notices, cleanup=cleanup)


_UNSUPPORTED_CHAT = ("tools", "tool_choice", "tool_prompt", "response_format", "logit_bias", "top_logprobs")


def _chat_messages(messages: Any) -> list[dict]:
    """OpenAI messages as {"role", "content": str}; list contents keep their text parts."""
    if not isinstance(messages, list) or not messages:
        raise ApiError(422, '"messages" must be a non-empty list of {"role", "content"}', "missing_inputs")
    cleaned = []
    for message in messages:
        if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant"):
            raise ApiError(422, 'each message needs a role: "system", "user" or "assistant"')
        content = message.get("content")
        if isinstance(content, list):
            if any(not isinstance(p, dict) or p.get("type") != "text" for p in content):
                raise ApiError(422, "only text parts are understood by SmolLM2 (no images)", "unsupported_parameter")
            content = "".join(str(p.get("text") or "") for p in content)
        if not isinstance(content, str):
            raise ApiError(422, "each message content must be a string")
        cleaned.append({"role": message["role"], "content": content})
    if cleaned[-1]["role"] != "user":
        raise ApiError(422, "the last message must be the user's")
    return cleaned


def _end_chat(chat) -> None:
    """Stop the model and wait for its thread, so the next request gets the model to itself."""
    chat.close()
    if getattr(chat, "_thread", None) is None:  # never started: nothing runs
        return
    try:
        for _ in chat:
            pass
    except Exception:  # noqa: BLE001 - an error in an abandoned reply is nobody's to see
        pass


def chat_completion(request: Request) -> Reply:
    """OpenAI-style chat with SmolLM2 (chat template), non-streaming or server-sent events."""
    from lib.inference.generation import stream_chat

    payload = request.payload()
    for name in _UNSUPPORTED_CHAT:
        if payload.get(name) is not None:
            raise ApiError(422, f"{name} is not available with SmolLM2-135M on this server", "unsupported_parameter")
    if payload.get("logprobs") or _number(payload, "n", int, 1, 1, 1) != 1:
        raise ApiError(422, "logprobs and n > 1 are not available on this server", "unsupported_parameter")
    for name in ("frequency_penalty", "presence_penalty"):
        if payload.get(name):
            raise ApiError(422, f"{name} is not available on this server", "unsupported_parameter")
    messages = _chat_messages(payload.get("messages"))
    stop = payload.get("stop") or []
    if isinstance(stop, str):
        stop = [stop]
    if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
        raise ApiError(422, "stop must be a string or a list of non-empty strings")
    max_tokens = _number(payload, "max_tokens", int, 1, MAX_NEW_TOKENS, None)
    if max_tokens is None:
        max_tokens = _number(payload, "max_completion_tokens", int, 1, MAX_NEW_TOKENS, DEFAULT_CHAT_TOKENS)
    options = {"max_new_tokens": max_tokens, "seed": _number(payload, "seed", int, 0, 2**63 - 1)}
    temperature = _number(payload, "temperature", float, 0.0, 2.0)
    top_p = _number(payload, "top_p", float, 1e-6, 1.0)
    if temperature is not None:
        options["temperature"] = temperature
    if top_p is not None:
        options["top_p"] = top_p
    chat = stream_chat(messages, **options)  # checks the text (InputProblem) before any generation
    stream_options = payload.get("stream_options") or {}
    include_usage = isinstance(stream_options, dict) and bool(stream_options.get("include_usage"))
    ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    head = {"id": ident, "created": created, "model": CHAT_MODEL, "system_fingerprint": SYSTEM_FINGERPRINT}

    state = {"stopped_by_string": False}

    def pieces() -> Iterator[str]:
        """The reply's text pieces, cut before the first stop string (held back until sure)."""
        sent = 0
        hold = max((len(s) for s in stop), default=1) - 1
        for _ in chat:
            text = chat.text
            cuts = [text.find(s, max(0, sent - hold)) for s in stop]
            cuts = [c for c in cuts if c >= 0]
            if cuts:
                if min(cuts) > sent:
                    yield text[sent:min(cuts)]
                state["stopped_by_string"] = True
                return
            safe = len(text) - hold if stop else len(text)
            if safe > sent:
                yield text[sent:safe]
                sent = safe
        if len(chat.text) > sent:
            yield chat.text[sent:]

    def finish() -> str:
        return "length" if chat.finish_reason == "length" and not state["stopped_by_string"] else "stop"

    def usage() -> dict:
        prompt, completion = len(chat.prompt_ids), len(chat.token_ids)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    notices = list(chat.notices)
    _acquire_generation()
    if not payload.get("stream"):
        try:
            content = "".join(pieces())
        finally:
            _end_chat(chat)
            _generation_lock.release()
        body = {**head, "object": "chat.completion",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": finish(), "logprobs": None}],
                "usage": usage()}
        return Reply(body, notices=notices)

    def chunk(delta: dict, reason: str | None = None) -> bytes:
        return _sse({**head, "object": "chat.completion.chunk",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": reason, "logprobs": None}]})

    def events() -> Iterator[bytes]:
        yield chunk({"role": "assistant", "content": ""})
        try:
            for piece in pieces():
                yield chunk({"role": "assistant", "content": piece})
        except Exception as error:  # noqa: BLE001 - headers are sent: report in the stream
            yield _sse({"error": str(error), "error_type": "generation"})
            return
        yield chunk({"role": "assistant", "content": ""}, finish())
        if include_usage:
            yield _sse({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage()})
        yield b"data: [DONE]\n\n"

    def cleanup() -> None:
        _end_chat(chat)
        _generation_lock.release()

    return Reply(stream=events(), content_type="text/event-stream", notices=notices, cleanup=cleanup)


def image_classification(request: Request) -> Reply:
    """The pack's digits ViT on any image (raw bytes or base64 JSON); [{"label", "score"}] best first."""
    from lib.image_input import load_image
    from lib.inference.vision import classify_digit

    data, parameters = _media(request)
    _check_parameters(parameters, ("top_k", "function_to_apply"))
    _only_softmax(parameters)
    top_k = _number(parameters, "top_k", int, 1, 10, 5)
    image, notices = load_image(data)
    ranked = classify_digit(image)[:top_k]
    return Reply([{"label": label, "score": score} for label, score in ranked], notices=list(notices))


def automatic_speech_recognition(request: Request) -> Reply:
    """Whisper base (faster-whisper) on any audio file; {"text", "chunks": [{"text", "timestamp"}], "language"}."""
    from lib.audio_input import load_audio
    from lib.inference.speech import recognize

    data, parameters = _media(request)
    _check_parameters(parameters, ("language", "return_timestamps"))
    language = parameters.get("language")
    if language not in (None, "vi", "en"):
        raise ApiError(422, 'language must be "vi" or "en" (or absent: Whisper detects it)')
    samples, notices = load_audio(data)
    heard = recognize(samples, language=language)
    body = {"text": heard.text.strip(), "language": heard.language,
            "language_probability": heard.language_probability,
            "chunks": [{"text": text.strip(), "timestamp": [start, end]} for start, end, text in heard.segments]}
    return Reply(body, notices=list(notices))


def text_to_speech(request: Request) -> Reply:
    """English (Piper) or Vietnamese (espeak-ng) speech as a 16-bit WAV file."""
    from lib.audio_input import to_wav_bytes
    from lib.inference.speech import speak

    inputs, parameters = _inputs_and_parameters(request)
    _check_parameters(parameters, ("language",))
    language = parameters.get("language") or "en"
    if language not in ("en", "vi"):
        raise ApiError(422, 'language must be "en" (Piper voice) or "vi" (espeak-ng)')
    notices: list = []
    speech = speak(_text(inputs, notices), language)
    return Reply(to_wav_bytes(speech.samples, speech.sample_rate), content_type="audio/wav",
                 notices=notices + list(speech.notices))


@dataclass(frozen=True)
class Task:
    name: str
    handler: Callable[[Request], Reply]
    model: str  # what answers, for /info and the index
    client_method: str  # the InferenceClient method that calls it
    media: bool = False  # the body is an image or audio file: the larger limit applies


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("text-classification", text_classification, "sentiment-e5-vi-en (offline pack)", "text_classification"),
    Task("feature-extraction", feature_extraction, "intfloat/multilingual-e5-small", "feature_extraction"),
    Task("token-classification", token_classification, "underthesea NER (CRF, VLSP 2016)", "token_classification"),
    Task("zero-shot-classification", zero_shot_classification, "intfloat/multilingual-e5-small (similarity)",
         "zero_shot_classification"),
    Task("text-generation", text_generation, CHAT_MODEL, "text_generation"),
    Task("image-classification", image_classification, "vit-digits (offline pack)", "image_classification",
         media=True),
    Task("automatic-speech-recognition", automatic_speech_recognition, "whisper-base (faster-whisper)",
         "automatic_speech_recognition", media=True),
    Task("text-to-speech", text_to_speech, "piper en_US-joe / espeak-ng vi", "text_to_speech"),
)}
CHAT_TASK = Task("chat-completion", chat_completion, CHAT_MODEL, "chat_completion")


def warm_up() -> None:
    """Load every model once, so the first learner's request does not wait for loading."""
    from lib.inference import embeddings, generation, speech, text_tasks, vision

    text_tasks._sentiment_pipeline()
    embeddings.embed_texts(["warm up"])
    generation.model_and_tokenizer()
    vision._pipeline()
    speech.whisper_model()
    speech.piper_voice()
    text_tasks.vietnamese_ner("Hà Nội")


# --------------------------------------------------------------------------- routing and HTTP
def _route(path: str) -> tuple[str, Task | None] | None:
    """(kind, task) of a path: kind is "task", "chat", "index", "health", "info" or "models"; None if unknown."""
    path = path.rstrip("/") or "/"
    if path == "/":
        return "index", None
    if path in CHAT_PATHS:
        return "chat", CHAT_TASK
    if path in ("/health", "/info"):
        return path[1:], None
    if path == "/v1/models":
        return "models", None
    if path.startswith(TASK_PREFIX):
        name, _, rest = path[len(TASK_PREFIX):].partition("/")
        task = TASKS.get(name)
        if task is not None and rest in ("", "health", "info"):
            return rest or "task", task
    return None


_ALLOWED = {"task": "POST", "chat": "POST", "index": "GET", "health": "GET", "info": "GET", "models": "GET"}


def _route_target(target: str) -> tuple[str, Task | None] | None:
    """The route of a request line's target; a target urlsplit cannot read ("//[") is unknown (404)."""
    try:
        return _route(urlsplit(target).path)
    except ValueError:
        return None


def _declared_length(value: str | None) -> int:
    """Content-Length as sent, for draining a refused body; 0 when it is not a plain number ("²" is a digit to isdigit)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() else 0


def _loopback_origin(origin: str) -> bool:
    try:
        host = urlsplit(origin).hostname or ""
    except ValueError:  # "http://[" : not a loopback page
        return False
    return host == "localhost" or _is_loopback(host)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "HocHuggingFace-local/1.0"
    protocol_version = "HTTP/1.0"  # one request per connection: streams end when the socket closes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if getattr(self.server, "verbose", False):
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    # ---- helpers
    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_json(self, status: int, value: Any, headers: dict | None = None) -> None:
        body = json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
        self._send(status, body, "application/json", headers)

    def _drain(self, length: int) -> None:
        """Read and drop an unwanted body so the client sees our answer instead of a reset."""
        if length > DRAIN_LIMIT:
            self.close_connection = True
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                break
            length -= len(chunk)

    def _body(self, limit: int) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise ApiError(411, "send the body with a Content-Length (chunked uploads are not accepted)",
                           "length_required")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise ApiError(400, "Content-Length is not a number", "bad_request") from None
        if length < 0:
            raise ApiError(400, "Content-Length is negative", "bad_request")
        if length > limit:
            self._drain(length)
            raise ApiError(413, f"the body has {length:,} bytes; this route accepts at most {limit:,}",
                           "payload_too_large")
        return self.rfile.read(length) if length else b""

    def _base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _index(self) -> dict:
        base = self._base_url()
        return {"name": "Học Hugging Face offline inference server",
                "tasks": {name: {"url": f"{base}{TASK_PREFIX}{name}", "model": t.model,
                                 "client_method": t.client_method} for name, t in TASKS.items()},
                "chat_completions": f"{base}{CHAT_PATHS[0]}", "chat_model": CHAT_MODEL}

    def _info(self, task: Task | None) -> dict:
        if task is None:
            return self._index()
        info = {"model_id": task.model, "model_pipeline_tag": task.name, "model_dtype": "float32",
                "model_device_type": "cpu", "router": "lib.serving.server"}
        if task.name == "text-generation":
            from lib.inference.generation import MAX_PROMPT_TOKENS

            info.update(max_input_length=MAX_PROMPT_TOKENS, max_total_tokens=MAX_PROMPT_TOKENS + MAX_NEW_TOKENS,
                        max_concurrent_requests=1)
        return info

    def _serve(self, method: str) -> None:
        try:
            self._answer(method)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client left; nothing to tell it

    def _answer(self, method: str) -> None:
        route = _route_target(self.path)
        declared = _declared_length(self.headers.get("Content-Length"))
        origin = self.headers.get("Origin")
        if origin and not _loopback_origin(origin):  # a web page elsewhere must not drive the models
            self._drain(declared)
            self._send_json(403, {"error": "requests from other web sites are refused", "error_type": "forbidden"})
            return
        if route is None:
            self._drain(declared)
            self._send_json(404, {"error": f"no route {self.path!r}; GET / lists the task URLs",
                                  "error_type": "not_found"})
            return
        kind, task = route
        if method != _ALLOWED[kind]:
            self._drain(declared)
            self._send_json(405, {"error": f"{method} is not allowed here; use {_ALLOWED[kind]}",
                                  "error_type": "method_not_allowed"}, {"Allow": _ALLOWED[kind]})
            return
        if kind == "index":
            self._send_json(200, self._index())
        elif kind == "health":
            self._send_json(200, {"status": "ok"})
        elif kind == "info":
            self._send_json(200, self._info(task))
        elif kind == "models":
            self._send_json(200, {"object": "list", "data": [{"id": CHAT_MODEL, "object": "model",
                                                              "owned_by": "offline-pack"}]})
        else:
            self._run(task)

    def _run(self, task: Task) -> None:
        from lib.models.loader import PackMissing

        reply: Reply | None = None
        try:
            request = Request(self._body(MEDIA_LIMIT if task.media else JSON_LIMIT),
                              self.headers.get("Content-Type") or "")
            reply = task.handler(request)
            self._write(reply)
        except ApiError as error:
            self._send_json(error.status, error.body())
        except InputProblem as problem:
            error = _problem_error(problem)
            self._send_json(error.status, error.body())
        except PackMissing as missing:
            self._send_json(503, {"error": f"the offline pack has no {missing.component_id!r}: run `make setup`",
                                  "error_type": "pack_missing"})
        except (BrokenPipeError, ConnectionResetError):
            raise
        except Exception as error:  # noqa: BLE001 - an answer beats a dropped connection
            self._send_json(500, {"error": f"{type(error).__name__}: {error}", "error_type": "internal"})
        finally:
            if reply is not None and reply.stream is not None and hasattr(reply.stream, "close"):
                reply.stream.close()
            if reply is not None and reply.cleanup is not None:
                reply.cleanup()

    def _write(self, reply: Reply) -> None:
        headers = {}
        if reply.notices:
            headers["X-Notices"] = json.dumps(_notice_list(reply.notices), ensure_ascii=True, default=str)
        if reply.stream is None:
            if isinstance(reply.body, bytes):
                self._send(reply.status, reply.body, reply.content_type, headers)
            else:
                self._send_json(reply.status, reply.body, headers)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Cache-Control", "no-cache")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.close_connection = True
        for event in reply.stream:
            self.wfile.write(event)
            self.wfile.flush()


class _LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False


def loopback_host(host: str) -> str:
    """The IPv4 loopback address to bind for host; anything reachable from other machines is refused."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"refusing to bind to {host!r}: use 127.0.0.1 (loopback only)") from None
    if address.version != 4 or not address.is_loopback:
        raise ValueError(f"refusing to bind to {host!r}: this server only listens on 127.0.0.1 (loopback)")
    return str(address)


class Server:
    """A running server: `.url`, `.port`, `.stop()`; also a context manager."""

    def __init__(self, httpd: _LoopbackServer, thread: threading.Thread):
        self._httpd, self._thread = httpd, thread
        self.host, self.port = httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"

    def task_url(self, task: str) -> str:
        """The URL to give InferenceClient as `model` for a task (chat: use `.url` as base_url)."""
        if task not in TASKS:
            raise KeyError(task)
        return f"{self.url}{TASK_PREFIX}{task}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(port: int = 0, host: str = "127.0.0.1", verbose: bool = False) -> Server:
    """Serve in a daemon thread on loopback; port 0 picks a free port (read it from `.port`)."""
    httpd = _LoopbackServer((loopback_host(host), int(port)), _Handler)
    httpd.verbose = verbose
    thread = threading.Thread(target=httpd.serve_forever, name="inference-server", daemon=True)
    thread.start()
    return Server(httpd, thread)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Offline inference server with Hugging Face's task API shapes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1", help="loopback only (127.0.0.1 or localhost)")
    parser.add_argument("--warm", action="store_true", help="load every model before answering")
    args = parser.parse_args(argv)
    # as Home.py: torch's OpenMP threads must not spin on a shared CPU (measured: idle spinning made
    # calls in another thread 2-15x slower on a busy 2-core machine)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.warm:
        warm_up()
    server = start(args.port, args.host, verbose=True)
    print(f"Serving on {server.url}  (GET {server.url}/ lists the task URLs; Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
