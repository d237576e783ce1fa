"""Generation and chat lib on the real SmolLM2: honest distributions, reproducible strategies, live streams."""
import os

# libgomp's busy-waiting threads crawl when other processes share the 2 cores (10x slower here);
# only effective when this module is the first to import torch, as when run on its own.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import contextlib  # noqa: E402
import io  # noqa: E402
import threading  # noqa: E402

import pytest  # noqa: E402

from lib.inference import generation as gen  # noqa: E402
from lib.models.pack import component, status  # noqa: E402
from lib.text_input import InputProblem  # noqa: E402

pytestmark = [pytest.mark.pack,
              pytest.mark.skipif(status(component(gen.COMPONENT)) != "ready", reason="offline pack not built")]

PROMPT = "The capital of France is"
QUESTION = "Name one colour."
NEW_TOKENS = 6


@pytest.fixture(scope="module")
def shared():
    """The shared model and tokenizer, and a snapshot of the state no function may change."""
    model, tokenizer = gen.model_and_tokenizer()
    snapshot = (model.generation_config.to_dict(), tokenizer.padding_side, tokenizer.truncation_side, model.training)
    return model, tokenizer, snapshot


@pytest.fixture(scope="module")
def strategies(shared):
    return gen.compare_strategies(QUESTION, max_new_tokens=NEW_TOKENS)


def direct_probs(model, tokenizer, text):
    import torch

    inputs = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        return torch.softmax(model(**inputs).logits[0, -1], dim=-1)


def test_raw_stage_is_the_models_own_distribution(shared):
    model, tokenizer, _ = shared
    result = gen.next_token_distribution(PROMPT, chat=False, top=2000)
    raw = result.stage("raw")
    assert raw.kept == result.vocab_size == 49152
    assert 0.99 < sum(t.probability for t in raw.top) <= 1.0 + 1e-5  # the other 47,152 tokens share the rest
    expected = direct_probs(model, tokenizer, PROMPT)
    values, ids = expected.topk(15)
    assert [t.token_id for t in raw.top[:15]] == ids.tolist()
    assert [t.probability for t in raw.top[:15]] == pytest.approx(values.tolist(), abs=1e-5)
    assert raw.top[0].text == " Paris" and raw.top[0].piece == "ĠParis"
    # neutral settings leave every later stage equal to the raw one, and say so
    assert all(not s.active and s.kept == raw.kept for s in result.stages[1:])
    assert [s.name for s in result.stages] == list(gen.STAGES)


def test_each_filter_does_what_generate_would(shared):
    raw = gen.next_token_distribution(PROMPT, chat=False, top=200).stage("raw")
    top_k = gen.next_token_distribution(PROMPT, chat=False, top_k=5).stage("top_k")
    assert top_k.kept == 5 and len(top_k.top) == 5
    assert [t.token_id for t in top_k.top] == [t.token_id for t in raw.top[:5]]
    assert sum(t.probability for t in top_k.top) == pytest.approx(1.0, abs=1e-5)

    sharp = gen.next_token_distribution(PROMPT, chat=False, temperature=0.5).stage("temperature")
    flat = gen.next_token_distribution(PROMPT, chat=False, temperature=2.0).stage("temperature")
    assert sharp.top[0].probability > raw.top[0].probability > flat.top[0].probability
    assert sharp.kept == raw.kept  # temperature reshapes, it removes nothing

    # top-p keeps the smallest set of most likely tokens whose probabilities reach p
    for p in (0.5, 0.9):
        kept = gen.next_token_distribution(PROMPT, chat=False, top_p=p).stage("top_p").kept
        cumulative, needed = 0.0, 0
        while cumulative < p:
            cumulative += raw.top[needed].probability
            needed += 1
        assert kept == needed


def test_repetition_penalty_lowers_tokens_already_in_the_prompt(shared):
    text = "red red red red red"
    result = gen.next_token_distribution(text, chat=False, repetition_penalty=1.5)
    red = shared[1].encode(" red", add_special_tokens=False)[0]
    before = next(t.probability for t in result.stage("raw").top if t.token_id == red)
    after = next((t.probability for t in result.stage("repetition_penalty").top if t.token_id == red), 0.0)
    assert after < before


def test_chat_prompt_goes_through_the_template(shared):
    result = gen.next_token_distribution(QUESTION, top=3)
    assert result.prompt_text == gen.chat_prompt_text([{"role": "user", "content": QUESTION}])
    assert result.prompt_text.startswith("<|im_start|>system\n") and result.prompt_text.endswith("<|im_start|>assistant\n")


def test_blank_text_is_a_learner_problem(shared):
    for call in (lambda: gen.next_token_distribution("   "), lambda: gen.compare_strategies(""),
                 lambda: gen.stream_chat([{"role": "user", "content": " \n"}]), lambda: gen.stream_chat([])):
        with pytest.raises(InputProblem) as problem:
            call()
        assert problem.value.key == "text_empty"


def test_strategies_are_reproducible(strategies):
    assert [g.strategy for g in strategies] == ["greedy", "sampling", "beam"]
    again = gen.compare_strategies(QUESTION, max_new_tokens=NEW_TOKENS)
    for first, second in zip(strategies[:2], again[:2]):  # greedy, and sampling with the same seed
        assert first.token_ids == second.token_ids and first.text == second.text
    assert strategies[2].text.strip()
    for g in strategies:
        assert 0 < len(g.token_ids) <= NEW_TOKENS and len(g.tokens) == len(g.token_ids) and g.seconds > 0
    assert strategies[1].generate_kwargs == {"max_new_tokens": NEW_TOKENS, "do_sample": True, "temperature": 0.8,
                                             "top_k": 50, "top_p": 0.95}


def test_private_sampler_draws_what_generate_draws_after_manual_seed(shared, strategies):
    """The thread-safe sampler is an implementation detail: the text is the notebook's text."""
    import torch

    model, tokenizer, _ = shared
    ids = tokenizer.apply_chat_template([{"role": "user", "content": QUESTION}], add_generation_prompt=True,
                                        return_tensors="pt", return_dict=True)
    torch.manual_seed(0)
    with torch.no_grad():
        output = model.generate(**ids, **strategies[1].generate_kwargs)
    assert output[0, ids["input_ids"].shape[1]:].tolist() == strategies[1].token_ids


def test_stream_pieces_are_the_decoded_reply(shared, strategies):
    tokenizer = shared[1]
    stream = gen.stream_chat([{"role": "user", "content": QUESTION}], max_new_tokens=NEW_TOKENS, temperature=0)
    pieces = list(stream)
    assert len(pieces) > 1
    assert stream.token_ids == strategies[0].token_ids  # same prompt, greedy: the same reply
    assert "".join(pieces) == tokenizer.decode(stream.token_ids, skip_special_tokens=True) == stream.text
    assert stream.finish_reason in ("eos", "length")
    assert list(stream) == []  # an exhausted stream stays exhausted (and does not block)


def test_next_turn_reuses_the_conversation_so_far_and_answers_the_same(shared):
    """The prefix cache skips re-reading the history; the greedy reply is the one a cold run gives."""
    gen.prefix_cache.clear()
    first = [{"role": "user", "content": "Name three fruits."}]
    stream = gen.stream_chat(first, max_new_tokens=NEW_TOKENS, temperature=0)
    list(stream)
    assert stream.reused_tokens == 0
    second = first + [{"role": "assistant", "content": stream.text}, {"role": "user", "content": "And three colours?"}]
    warm = gen.stream_chat(second, max_new_tokens=NEW_TOKENS, temperature=0)
    list(warm)
    assert warm.reused_tokens >= len(stream.prompt_ids)  # at least the first turn's prompt came from the cache
    gen.prefix_cache.clear()
    cold = gen.stream_chat(second, max_new_tokens=NEW_TOKENS, temperature=0)
    list(cold)
    assert cold.reused_tokens == 0 and cold.token_ids == warm.token_ids


def test_prefix_cache_stays_within_its_tokens_and_never_lends_its_own():
    import torch
    from transformers import DynamicCache

    def cache_of(length):
        cache = DynamicCache()
        cache.update(torch.zeros(1, 1, length, 2), torch.zeros(1, 1, length, 2), 0)
        return cache

    store = gen._PrefixCache(max_tokens=14, min_reuse=3)
    store.store(list(range(10)), cache_of(10))
    assert store.lookup([0, 1, 9]) == (None, 0)  # too short a shared prefix to be worth it
    lent, length = store.lookup(list(range(6)) + [99])
    assert length == 6 and lent.get_seq_length() == 6
    assert store.lookup(list(range(10)))[1] == 9  # generate must still read one token
    store.store([5] * 4, cache_of(4))
    store.store([7] * 4, cache_of(4))
    assert store.lookup(list(range(10)))[0] is None  # 10 + 4 + 4 > 14: the least recently used was dropped
    assert store.lookup([5] * 4 + [1])[1] == 4 and store.lookup([7] * 4 + [1])[1] == 4


def test_stop_event_ends_the_reply_early(shared):
    stop = threading.Event()
    stream = gen.stream_chat([{"role": "user", "content": "Write a long story about a cat."}], max_new_tokens=60,
                             stop=stop, seed=1)
    next(stream)
    stop.set()
    list(stream)
    assert stream.finish_reason == "stopped"
    assert len(stream.token_ids) < 20


def test_abandoned_stream_stops_its_thread(shared):
    stream = gen.stream_chat([{"role": "user", "content": "Count from one to one hundred."}], max_new_tokens=200)
    next(stream)
    thread = stream._thread
    del stream  # what a Streamlit rerun does to a half-read stream
    thread.join(timeout=120)
    assert not thread.is_alive()


def test_fit_messages_keeps_system_and_newest_turns(shared):
    tokenizer = shared[1]

    def size(messages):
        return len(tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"])

    short = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert gen.fit_messages(short) == (short, 0)

    history = [{"role": "system", "content": "Be brief."}]
    for i in range(6):
        history += [{"role": "user", "content": f"question {i} " + "word " * 150},
                    {"role": "assistant", "content": f"answer {i} " + "word " * 150}]
    history.append({"role": "user", "content": "And now?"})
    original = [dict(m) for m in history]
    messages, dropped = fitted = gen.fit_messages(history, 700)
    assert history == original  # the caller's list and dicts are untouched
    assert messages[0] == history[0] and messages[-1] == history[-1] and messages[1]["role"] == "user"
    assert messages == [history[0]] + history[1 + dropped:]
    assert size(messages) <= 700 < size([history[0]] + history[dropped - 1:])
    assert dropped % 2 == 0 and not fitted.truncated
    assert fitted.notices(700) == [("chat_turns_dropped", {"count": dropped, "limit": 700})]


def test_fit_messages_cuts_a_single_long_message(shared):
    tokenizer = shared[1]
    long_text = "Việt Nam có nhiều món ăn ngon. " * 400
    fitted = gen.fit_messages([{"role": "user", "content": long_text}], 500)
    (message,), dropped = fitted
    assert dropped == 0 and fitted.truncated and message["truncated"]
    assert long_text.startswith(message["content"]) and len(message["content"]) > 600
    assert 490 <= len(tokenizer.apply_chat_template([message], add_generation_prompt=True)["input_ids"]) <= 500
    assert [key for key, _ in fitted.notices(500)] == ["chat_message_cut"]

    huge_system = [{"role": "system", "content": "Rule. " * 2000}, {"role": "user", "content": "Hi"}]
    messages, _ = gen.fit_messages(huge_system, 400)
    assert messages[1] == huge_system[1] and messages[0]["truncated"]
    assert len(tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"]) <= 400


def run_snippet(code: str) -> str:
    path = str(component(gen.COMPONENT).path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace(gen.HUB_ID, path), "<snippet>", "exec"), {})
    return out.getvalue()


def test_show_code_runs_offline_and_says_the_same(strategies):
    greedy = strategies[0]
    # same prompt ids as the app; with the sampler test above, set_seed + the sampling snippet gives the app's text too
    assert run_snippet(gen.code_generate(QUESTION, generate_kwargs=greedy.generate_kwargs)).strip() == greedy.text.strip()
    assert "set_seed(0)" in gen.code_generate(QUESTION, generate_kwargs=strategies[1].generate_kwargs)
    code = gen.code_chat([{"role": "system", "content": "Be brief."}, {"role": "user", "content": QUESTION}],
                         max_new_tokens=NEW_TOKENS, temperature=0)
    assert run_snippet(code).strip()
    printed = run_snippet(gen.code_next_token(PROMPT, chat=False, temperature=0.7, top_k=5, top_p=0.9))
    assert "tokens still possible" in printed
    assert "Paris" in printed


def test_no_function_changed_the_shared_model_or_tokenizer(shared):
    model, tokenizer, snapshot = shared
    assert (model.generation_config.to_dict(), tokenizer.padding_side, tokenizer.truncation_side,
            model.training) == snapshot
