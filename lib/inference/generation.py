"""Text generation and chat with the pack's SmolLM2-135M-Instruct, for the generation lessons.

Everything runs the real model through transformers' own machinery: the same logits
processors `generate()` builds, `model.generate` for the strategies, `TextIteratorStreamer`
for streaming chat.

Thread safety (many learners, one Streamlit process, one shared model): the model and
tokenizer come from the shared cache and are only *read* here. Inference runs under
`torch.inference_mode()` (no autograd state), `generate()` copies `generation_config` before
applying per-call options, and nothing here sets `tokenizer.padding_side`, `generation_config`
or any other attribute of the shared objects (a test checks). Sampling never touches torch's
global random generator either: each call draws from its own `torch.Generator` (see
`_SeededSampler`), so one learner's seed is reproducible even while others generate or train.
"""
from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from lib.models.loader import load_model, load_tokenizer
from lib.text_input import InputProblem

COMPONENT = "smollm2-135m-instruct"
HUB_ID = "HuggingFaceTB/SmolLM2-135M-Instruct"
CONTEXT_TOKENS = 8192  # SmolLM2's max_position_embeddings
# A classroom limit: reading the prompt costs ~3-7 ms a token on a 2-core laptop (measured by
# bench/chat_first_token.py), so 2,048 tokens would mean 6-13 s before the first word appears.
MAX_PROMPT_TOKENS = 1024
STAGES = ("raw", "repetition_penalty", "temperature", "top_k", "top_p")
SNIPPET_TEXT_CHARS = 200


# ---------------------------------------------------------------- shared model access


def model_and_tokenizer() -> tuple[Any, Any]:
    """The shared SmolLM2 model (eval mode) and tokenizer; read them, never configure them."""
    return load_model(COMPONENT, "AutoModelForCausalLM"), load_tokenizer(COMPONENT)


def _check_text(text: str) -> None:
    if not text or not text.strip():
        raise InputProblem("text_empty")


def _cut_tokens(tokenizer: Any, text: str, n_tokens: int) -> str:
    """The start of text, about n_tokens long; a cut inside a multi-byte letter decodes to
    U+FFFD, so that half letter is dropped."""
    ids = tokenizer.encode(text, add_special_tokens=False)
    return tokenizer.decode(ids[:max(n_tokens, 0)]).rstrip("\ufffd")


def _chat_ids(tokenizer: Any, messages: list[dict]) -> list[int]:
    return list(tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"])


# ---------------------------------------------------------------- fitting a conversation


class FittedMessages(NamedTuple):
    """Unpacks as (messages, dropped_count); `.truncated` says a message had to be cut."""

    messages: list[dict]
    dropped: int

    @property
    def truncated(self) -> bool:
        return any(m.get("truncated") for m in self.messages)

    def notices(self, limit: int = MAX_PROMPT_TOKENS) -> list[tuple[str, dict]]:
        """Catalogue keys (with values) telling the learner what was left out."""
        found = []
        if self.dropped:
            found.append(("chat_turns_dropped", {"count": self.dropped, "limit": limit}))
        if self.truncated:
            found.append(("chat_message_cut", {"limit": limit}))
        return found


def fit_messages(messages: list[dict], max_prompt_tokens: int = MAX_PROMPT_TOKENS) -> FittedMessages:
    """The conversation that fits in max_prompt_tokens: oldest turns dropped first, system kept.

    A turn that would leave the history starting with an assistant reply goes with it. When the
    newest message alone is still too long it is cut (its start kept) and marked
    `"truncated": True`; the same happens to a system prompt that alone exceeds the limit.
    Nothing is raised and the caller's dicts are not modified.
    """
    tokenizer = load_tokenizer(COMPONENT)
    msgs = [dict(m) for m in messages]
    if not msgs:
        return FittedMessages([], 0)

    def size(ms: list[dict]) -> int:
        return len(_chat_ids(tokenizer, ms))

    system = msgs[:1] if msgs[0].get("role") == "system" else []
    rest = msgs[len(system):]
    dropped = 0
    while len(rest) > 1 and size(system + rest) > max_prompt_tokens:
        rest.pop(0)
        dropped += 1
        while len(rest) > 1 and rest[0].get("role") == "assistant":
            rest.pop(0)
            dropped += 1
    if size(system + rest) <= max_prompt_tokens:
        return FittedMessages(system + rest, dropped)

    blank = [{**m, "content": ""} for m in rest]
    if system and size(system + blank) > (max_prompt_tokens // 2 if rest else max_prompt_tokens):
        # a huge system prompt: at most half the budget, the newest message gets the rest
        system = [_shrink(tokenizer, system[0], lambda m: size([m] + blank),
                          max_prompt_tokens // 2 if rest else max_prompt_tokens)]
    if rest and size(system + rest) > max_prompt_tokens:
        rest = [_shrink(tokenizer, rest[-1], lambda m: size(system + [m]), max_prompt_tokens)]
    return FittedMessages(system + rest, dropped)


def _shrink(tokenizer: Any, message: dict, measure, limit: int) -> dict:
    """message with its content's start kept, cut until measure(message) <= limit, marked truncated."""
    content = str(message.get("content", ""))
    n = len(tokenizer.encode(content, add_special_tokens=False))
    cut = message
    while n > 0 and measure(cut) > limit:  # a decode/encode round trip can differ by a token or two
        n = max(0, n - (measure(cut) - limit))
        cut = {**message, "content": _cut_tokens(tokenizer, content, n), "truncated": True}
    return cut


def chat_prompt_text(messages: list[dict]) -> str:
    """The exact text the model reads for this conversation (chat template + assistant cue)."""
    return load_tokenizer(COMPONENT).apply_chat_template(messages, add_generation_prompt=True, tokenize=False)


def _prompt_ids(prompt: str, chat: bool) -> tuple[list[int], list[tuple[str, dict]]]:
    """Token ids for a single prompt (as a user turn when chat), within MAX_PROMPT_TOKENS."""
    _check_text(prompt)
    tokenizer = load_tokenizer(COMPONENT)
    if chat:
        fitted = fit_messages([{"role": "user", "content": prompt}])
        return _chat_ids(tokenizer, fitted.messages), fitted.notices()
    ids = tokenizer.encode(prompt, add_special_tokens=False)
    if len(ids) > MAX_PROMPT_TOKENS:  # a continuation depends on the end of the text: keep it
        return ids[-MAX_PROMPT_TOKENS:], [("generation_prompt_cut", {"limit": MAX_PROMPT_TOKENS})]
    return ids, []


# ---------------------------------------------------------------- next-token distribution


@dataclass(frozen=True)
class TokenProb:
    text: str  # readable decoded text ("�" for a lone piece of a multi-byte letter)
    piece: str  # the vocabulary entry, e.g. "Ġthe" (Ġ marks a leading space)
    token_id: int
    probability: float


@dataclass(frozen=True)
class Stage:
    name: str  # one of STAGES
    active: bool  # False when the setting is neutral (e.g. top_k=0): same as the stage before
    top: list[TokenProb]  # most probable first
    kept: int  # tokens with non-zero probability after this stage


@dataclass(frozen=True)
class NextToken:
    prompt_text: str  # what the model read (chat template included)
    prompt_tokens: int
    vocab_size: int
    stages: list[Stage]
    notices: list[tuple[str, dict]] = field(default_factory=list)

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)


def next_token_distribution(prompt: str, *, chat: bool = True, temperature: float = 1.0, top_k: int = 0,
                            top_p: float = 1.0, repetition_penalty: float = 1.0, top: int = 15) -> NextToken:
    """The model's real next-token distribution, then after each filter generate() would apply.

    Processors are transformers' own, in generate()'s order: repetition penalty (over the
    prompt ids), temperature, top-k, top-p. temperature <= 0 stands for greedy decoding: only
    the most likely token is kept.
    """
    import torch
    from transformers import (RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, TopKLogitsWarper,
                              TopPLogitsWarper)

    model, tokenizer = model_and_tokenizer()
    ids, notices = _prompt_ids(prompt, chat)
    input_ids = torch.tensor([ids])
    with torch.inference_mode():
        logits = model(input_ids=input_ids, logits_to_keep=1).logits[:, -1].float()

    def greedy(_ids, scores):
        return scores.masked_fill(scores < scores.max(dim=-1, keepdim=True).values, float("-inf"))

    steps = [
        ("repetition_penalty", repetition_penalty != 1.0, lambda: RepetitionPenaltyLogitsProcessor(repetition_penalty)),
        ("temperature", temperature != 1.0,
         lambda: TemperatureLogitsWarper(temperature) if temperature > 0 else greedy),
        ("top_k", bool(top_k), lambda: TopKLogitsWarper(top_k=int(top_k))),
        ("top_p", top_p < 1.0, lambda: TopPLogitsWarper(top_p=top_p)),
    ]
    stages = [_stage("raw", True, logits, tokenizer, top)]
    scores = logits
    for name, active, make in steps:
        if active:
            scores = make()(input_ids, scores.clone())
        stages.append(_stage(name, active, scores, tokenizer, top))
    return NextToken(tokenizer.decode(ids), len(ids), int(logits.shape[-1]), stages, notices)


def _stage(name: str, active: bool, scores, tokenizer, top: int) -> Stage:
    import torch

    probs = torch.softmax(scores[0], dim=-1)
    kept = int(torch.isfinite(scores[0]).sum())
    values, indices = probs.topk(min(top, kept))
    ids = indices.tolist()
    pieces = tokenizer.convert_ids_to_tokens(ids)
    return Stage(name, active, [TokenProb(tokenizer.decode([i]), p, i, float(v))
                                for i, p, v in zip(ids, pieces, values.tolist())], kept)


# ---------------------------------------------------------------- strategies


class _SeededSampler:
    """Logits processor that samples with its own torch.Generator and forces that token.

    Used with greedy decoding (the forced token is the argmax) it draws exactly what
    `torch.manual_seed(seed); model.generate(do_sample=True, ...)` draws: softmax of the warped
    scores, then torch.multinomial. Only the random generator differs: a private one, so
    concurrent sessions cannot consume each other's random numbers.
    """

    def __init__(self, seed: int | None):
        import torch

        self.generator = torch.Generator()
        self.generator.manual_seed(int.from_bytes(os.urandom(8), "little") >> 1 if seed is None else seed)

    def __call__(self, input_ids, scores):
        import torch

        probs = torch.softmax(scores, dim=-1)
        chosen = torch.multinomial(probs, num_samples=1, generator=self.generator)
        forced = torch.full_like(scores, float("-inf"))
        return forced.scatter(1, chosen, 0.0)


def _sampling_processors(temperature: float, top_k: int, top_p: float, seed: int | None) -> list:
    """generate()'s sampling warpers (same order and conditions) followed by the private sampler."""
    from transformers import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    processors: list = []
    if temperature != 1.0:
        processors.append(TemperatureLogitsWarper(temperature))
    if top_k:
        processors.append(TopKLogitsWarper(top_k=int(top_k)))
    if top_p < 1.0:
        processors.append(TopPLogitsWarper(top_p=top_p))
    return processors + [_SeededSampler(seed)]


_SAMPLING_DEFAULTS = {"temperature": 1.0, "top_k": 50, "top_p": 1.0}


def _run_generate(model, input_ids, generate_kwargs: dict, seed: int | None = None, **extra):
    """model.generate with the public kwargs; sampling goes through the private-generator sampler."""
    import torch
    from transformers import LogitsProcessorList

    kwargs = dict(generate_kwargs)
    if kwargs.pop("do_sample", False):
        # unset values fall back like generate(): the model's generation_config, then transformers'
        # defaults (temperature 1.0, top_k 50, top_p 1.0; SmolLM2's config sets none of them)
        def setting(name: str):
            for value in (kwargs.pop(name, None), getattr(model.generation_config, name, None)):
                if value is not None:
                    return value
            return _SAMPLING_DEFAULTS[name]

        processors = _sampling_processors(setting("temperature"), setting("top_k"), setting("top_p"), seed)
        kwargs.update(do_sample=False, logits_processor=LogitsProcessorList(processors))
    else:
        kwargs["do_sample"] = False
    with torch.inference_mode():
        return model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), **kwargs, **extra)


@dataclass(frozen=True)
class Generation:
    strategy: str  # "greedy", "sampling" or "beam"
    text: str
    tokens: list[str]  # each new token, decoded on its own
    token_ids: list[int]
    seconds: float
    generate_kwargs: dict  # what to pass to model.generate / the pipeline to get the same text

    @property
    def tokens_per_second(self) -> float:
        return len(self.token_ids) / self.seconds if self.seconds else 0.0


def strategy_kwargs(*, max_new_tokens: int = 30, temperature: float = 0.8, top_k: int = 50, top_p: float = 0.95,
                    num_beams: int = 3) -> dict[str, dict]:
    """The generate() arguments of each strategy, as a learner would write them."""
    return {
        "greedy": {"max_new_tokens": max_new_tokens, "do_sample": False},
        "sampling": {"max_new_tokens": max_new_tokens, "do_sample": True, "temperature": temperature,
                     "top_k": top_k, "top_p": top_p},
        "beam": {"max_new_tokens": max_new_tokens, "do_sample": False, "num_beams": num_beams},
    }


def compare_strategies(prompt: str, *, chat: bool = True, max_new_tokens: int = 30, seed: int = 0,
                       temperature: float = 0.8, top_k: int = 50, top_p: float = 0.95,
                       num_beams: int = 3) -> list[Generation]:
    """Greedy, seeded sampling and beam search on the same prompt, each with its time.

    Sampling with the same seed gives the same text, equal to `set_seed(seed)` then
    `generate(**generate_kwargs)` in a fresh notebook.
    """
    import torch

    model, tokenizer = model_and_tokenizer()
    ids, _ = _prompt_ids(prompt, chat)
    input_ids = torch.tensor([ids])
    results = []
    kwargs_by_strategy = strategy_kwargs(max_new_tokens=max_new_tokens, temperature=temperature, top_k=top_k,
                                         top_p=top_p, num_beams=num_beams)
    for strategy, kwargs in kwargs_by_strategy.items():
        start = time.perf_counter()
        output = _run_generate(model, input_ids, kwargs, seed=seed)
        seconds = time.perf_counter() - start
        new = [i for i in output[0, len(ids):].tolist()]
        results.append(Generation(strategy, tokenizer.decode(new, skip_special_tokens=True),
                                  [tokenizer.decode([i]) for i in new], new, seconds, kwargs))
    return results


# ---------------------------------------------------------------- streaming chat


def _check_chat(messages: list[dict]) -> None:
    if not messages:
        raise InputProblem("text_empty")
    if messages[-1].get("role") != "user":
        raise ValueError("the last message must be the user's")
    _check_text(str(messages[-1].get("content") or ""))


def _event_stop(*events: threading.Event):
    """A StoppingCriteria that stops generation as soon as any of the events is set."""
    import torch
    from transformers import StoppingCriteria

    class EventStop(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return torch.full((input_ids.shape[0],), any(e.is_set() for e in events), dtype=torch.bool)

    return EventStop()


@dataclass
class _Reply:
    """What the generating thread hands back; kept apart from ChatStream so the thread does not
    keep the stream alive (an abandoned stream must be collectable to stop its thread)."""

    token_ids: list[int] = field(default_factory=list)
    finish_reason: str | None = None
    reused_tokens: int = 0  # prompt tokens whose keys and values came from the prefix cache
    error: BaseException | None = None


class _PrefixCache:
    """Attention keys and values of the last few replies, so that a chat turn computes only its
    new tokens. Each turn resends the whole conversation; without this the first token of a long
    conversation waits while the model re-reads every earlier message (4.4 s at ~930 tokens on
    this machine). SmolLM2 keeps ~46 KB per token (30 layers, 3 key-value heads of 64), so the
    cache holds at most `max_tokens` tokens in all (4,096: ~190 MB, e.g. fifteen classroom
    conversations of 270 tokens); the least recently used conversation is dropped first."""

    def __init__(self, max_tokens: int = 4096, min_reuse: int = 32):
        self.max_tokens, self.min_reuse = max_tokens, min_reuse
        self._items: OrderedDict[tuple[int, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, ids: list[int]) -> tuple[Any, int]:
        """(a private copy of the cache covering the longest stored prefix of ids, its length), or (None, 0)."""
        import copy

        with self._lock:
            best, length = None, 0
            for stored in self._items:
                n = _common_prefix(stored, ids)
                if n > length:
                    best, length = stored, n
            length = min(length, len(ids) - 1)  # generate must still read at least one new token
            if best is None or length < self.min_reuse:
                return None, 0
            self._items.move_to_end(best)
            cache = copy.deepcopy(self._items[best])  # generate appends to it: never hand out the shared one
        surplus = cache.get_seq_length() - length
        if surplus > 0:
            cache.crop(-surplus)  # transformers 5: a negative count of tokens to drop from the end
        return cache, length

    def store(self, ids: list[int], cache) -> None:
        length = cache.get_seq_length()
        with self._lock:
            self._items[tuple(ids[:length])] = cache
            self._items.move_to_end(tuple(ids[:length]))
            while sum(map(len, self._items)) > self.max_tokens and len(self._items) > 1:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _common_prefix(a, b) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


prefix_cache = _PrefixCache()


def _generate_reply(model, prompt_ids: list[int], generate_kwargs: dict, seed: int | None, streamer,
                    events: tuple[threading.Event, ...], eos_id: int, reply: _Reply) -> None:
    import torch
    from transformers import StoppingCriteriaList

    try:
        cache, reply.reused_tokens = prefix_cache.lookup(prompt_ids)
        output = _run_generate(model, torch.tensor([prompt_ids]), generate_kwargs, seed=seed, streamer=streamer,
                               stopping_criteria=StoppingCriteriaList([_event_stop(*events)]),
                               cache=cache, return_dict_in_generate=True)
        sequence = output.sequences[0].tolist()
        reply.token_ids = sequence[len(prompt_ids):]
        if output.cache is not None:
            prefix_cache.store(sequence, output.cache)
        if any(e.is_set() for e in events):
            reply.finish_reason = "stopped"
        elif reply.token_ids and reply.token_ids[-1] == eos_id:
            reply.finish_reason = "eos"
        else:
            reply.finish_reason = "length"
    except BaseException as error:  # surfaced in the consumer's thread by ChatStream.__next__
        reply.error = error
        streamer.end()


class ChatStream(Iterator[str]):
    """Text pieces of the assistant's reply as the model writes them (an Iterator[str]).

    Generation starts at the first next(), in a background thread feeding transformers'
    TextIteratorStreamer. After the stream ends, `token_ids`, `text` and `finish_reason`
    ("eos", "length" or "stopped") describe the reply; `notices` lists what fit_messages left
    out. close(), or dropping the stream (a Streamlit rerun does), stops the thread at the next
    token so an abandoned reply does not keep a core busy.
    """

    def __init__(self, messages: list[dict], *, max_new_tokens: int, temperature: float, top_p: float,
                 stop: threading.Event | None, seed: int | None, max_prompt_tokens: int):
        _check_chat(messages)
        self._model, self._tokenizer = model_and_tokenizer()
        self.fitted = fit_messages(messages, max_prompt_tokens)
        self.notices = self.fitted.notices(max_prompt_tokens)
        self.prompt_ids = _chat_ids(self._tokenizer, self.fitted.messages)
        if temperature and temperature > 0:
            self.generate_kwargs = {"max_new_tokens": max_new_tokens, "do_sample": True,
                                    "temperature": temperature, "top_p": top_p}
        else:
            self.generate_kwargs = {"max_new_tokens": max_new_tokens, "do_sample": False}
        self._seed = seed
        self._events = (stop or threading.Event(), threading.Event())  # (caller's stop, closed)
        self._reply = _Reply()
        self._thread: threading.Thread | None = None
        self._pieces: Iterator[str] | None = None
        self._done = False
        self.text = ""

    @property
    def token_ids(self) -> list[int]:
        return self._reply.token_ids

    @property
    def finish_reason(self) -> str | None:
        return self._reply.finish_reason

    @property
    def reused_tokens(self) -> int:
        return self._reply.reused_tokens

    def _start(self) -> None:
        from transformers import TextIteratorStreamer

        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True)
        eos_id = self._tokenizer.convert_tokens_to_ids(self._tokenizer.eos_token)
        self._pieces = iter(streamer)
        self._thread = threading.Thread(
            target=_generate_reply, name="chat-generate", daemon=True,
            args=(self._model, self.prompt_ids, self.generate_kwargs, self._seed, streamer, self._events, eos_id,
                  self._reply))
        self._thread.start()

    def __next__(self) -> str:
        if self._pieces is None:
            self._start()
        while not self._done:
            try:
                piece = next(self._pieces)
            except StopIteration:
                self._done = True
                self._thread.join()
                if self._reply.error is not None:
                    raise self._reply.error
                raise
            if piece:  # the streamer emits "" while a word or a multi-byte letter is unfinished
                self.text += piece
                return piece
        raise StopIteration  # the streamer's queue is drained: asking it again would block forever

    def close(self) -> None:
        self._events[1].set()

    def __del__(self) -> None:
        if hasattr(self, "_events"):  # __init__ may have refused the input
            self.close()


def stream_chat(messages: list[dict], *, max_new_tokens: int = 128, temperature: float = 0.7, top_p: float = 0.9,
                stop: threading.Event | None = None, seed: int | None = None,
                max_prompt_tokens: int = MAX_PROMPT_TOKENS) -> ChatStream:
    """The assistant's reply to messages, streamed piece by piece (temperature 0 = greedy).

    Blank last user message -> InputProblem("text_empty"), raised here, before any generation.
    Setting `stop` ends the reply at the next token.
    """
    return ChatStream(messages, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, stop=stop,
                      seed=seed, max_prompt_tokens=max_prompt_tokens)


# ---------------------------------------------------------------- "show code"


def _literal(text: str) -> str:
    short = text[:SNIPPET_TEXT_CHARS]
    return repr(short) + ("  # (shortened)" if len(text) > len(short) else "")


def _kwargs_text(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _pipeline_lines() -> list[str]:
    return [f'generator = pipeline("text-generation", model="{HUB_ID}")',
            f'# offline, as in this app: pipeline("text-generation", model=".cache/pack/{COMPONENT}")']


def code_generate(prompt: str, *, chat: bool = True, generate_kwargs: dict | None = None, seed: int = 0) -> str:
    """Runnable pipeline code generating from prompt with a strategy's generate_kwargs."""
    kwargs = generate_kwargs or {"max_new_tokens": 30, "do_sample": False}
    lines = ["from transformers import pipeline, set_seed", "", *_pipeline_lines()]
    if kwargs.get("do_sample"):
        lines.append(f"set_seed({seed})  # same seed, same sampled text")
    if chat:
        lines += [f'messages = [{{"role": "user", "content": {_literal(prompt)}}}]',
                  f"result = generator(messages, {_kwargs_text(kwargs)})",
                  'print(result[0]["generated_text"][-1]["content"])']
    else:
        lines += [f"prompt = {_literal(prompt)}",
                  f"result = generator(prompt, return_full_text=False, {_kwargs_text(kwargs)})",
                  'print(result[0]["generated_text"])']
    return "\n".join(lines) + "\n"


def code_chat(messages: list[dict], *, max_new_tokens: int = 128, temperature: float = 0.7, top_p: float = 0.9) -> str:
    """Runnable pipeline code that continues this conversation (and shows how to keep chatting)."""
    if temperature and temperature > 0:
        kwargs = {"max_new_tokens": max_new_tokens, "do_sample": True, "temperature": temperature, "top_p": top_p}
    else:
        kwargs = {"max_new_tokens": max_new_tokens, "do_sample": False}
    history = ",\n".join(f'    {{"role": {m.get("role", "user")!r}, "content": {_literal(str(m.get("content", "")))}}}'
                         for m in messages)
    return "\n".join([
        "from transformers import pipeline", "",
        *[line.replace("generator", "chat", 1) for line in _pipeline_lines()],
        f"messages = [\n{history},\n]",
        f"messages = chat(messages, {_kwargs_text(kwargs)})[0][\"generated_text\"]",
        'print(messages[-1]["content"])  # the reply; append {"role": "user", ...} and call chat(...) again',
    ]) + "\n"


def code_next_token(prompt: str, *, chat: bool = True, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0,
                    repetition_penalty: float = 1.0) -> str:
    """Runnable code printing the next-token distribution after the same logits processors."""
    lines = ["import torch",
             "from transformers import AutoModelForCausalLM, AutoTokenizer, LogitsProcessorList",
             "from transformers import RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, "
             "TopKLogitsWarper, TopPLogitsWarper", "",
             f'name = "{HUB_ID}"  # offline, as in this app: ".cache/pack/{COMPONENT}"',
             "tokenizer = AutoTokenizer.from_pretrained(name)",
             "model = AutoModelForCausalLM.from_pretrained(name)", ""]
    if chat:
        lines += [f'messages = [{{"role": "user", "content": {_literal(prompt)}}}]',
                  "input_ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True,",
                  '                                          return_tensors="pt")["input_ids"]']
    else:
        lines += [f"prompt = {_literal(prompt)}",
                  'input_ids = tokenizer(prompt, return_tensors="pt")["input_ids"]']
    processors = []
    if repetition_penalty != 1.0:
        processors.append(f"RepetitionPenaltyLogitsProcessor({repetition_penalty})")
    if temperature != 1.0 and temperature > 0:
        processors.append(f"TemperatureLogitsWarper({temperature})")
    if top_k:
        processors.append(f"TopKLogitsWarper({int(top_k)})")
    if top_p < 1.0:
        processors.append(f"TopPLogitsWarper({top_p})")
    lines += ["with torch.no_grad():",
              "    logits = model(input_ids).logits[:, -1]  # scores for every token of the vocabulary",
              f"scores = LogitsProcessorList([{', '.join(processors)}])(input_ids, logits)",
              "probs = scores.softmax(dim=-1)[0]",
              "print(int(torch.isfinite(scores).sum()), 'tokens still possible')",
              "for p, i in zip(*probs.topk(10)):",
              "    print(repr(tokenizer.decode(i)), round(p.item(), 4))"]
    return "\n".join(lines) + "\n"
