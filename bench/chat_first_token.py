"""Chat latency with SmolLM2-135M-Instruct: time to the first streamed piece, and tokens/second.

All in one process, on the same greedy reply so every path produces the same tokens:
  cold      the first stream_chat after loading (first forward pass pays one-off costs)
  warm      median of 5 more stream_chat calls
  direct    model.generate on the same prompt ids, no thread, no streamer: max_new_tokens=1 for
            the first-token baseline, the full reply for the tokens/second baseline
  long      first piece with a history filling the classroom prompt limit (MAX_PROMPT_TOKENS), median of 3:
            seen for the first time (prefix cache cleared) and as the next turn of that conversation
            (its history's keys and values reused from the prefix cache, as in the app)
Goal (issue): first token within 2 s on the 2-core machine.
The machine's load average is printed: other processes on 2 cores slow everything, and
libgomp's busy-waiting threads make it far worse unless OMP_WAIT_POLICY=PASSIVE is set
before torch is imported (try both: `OMP_WAIT_POLICY=PASSIVE python bench/chat_first_token.py`).
Usage: python bench/chat_first_token.py [max_new_tokens]
"""
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

MESSAGES = [{"role": "system", "content": "You are a friendly teacher. Answer briefly."},
            {"role": "user", "content": "Xin chào! What is Hugging Face, in two sentences?"}]


def stream_once(gen, messages, max_new_tokens, reuse=False):
    """(seconds to the first piece, seconds in all, new tokens) for one streamed greedy reply;
    without `reuse`, the prefix cache is emptied first so that the whole prompt is read."""
    if not reuse:
        gen.prefix_cache.clear()
    start = time.perf_counter()
    stream = gen.stream_chat(messages, max_new_tokens=max_new_tokens, temperature=0)
    first = None
    for _ in stream:
        if first is None:
            first = time.perf_counter() - start
    return first, time.perf_counter() - start, len(stream.token_ids)


def direct_once(gen, messages, max_new_tokens):
    import torch

    model, tokenizer = gen.model_and_tokenizer()
    ids = torch.tensor([tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"]])
    start = time.perf_counter()
    with torch.inference_mode():
        output = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                max_new_tokens=max_new_tokens)
    return time.perf_counter() - start, output.shape[1] - ids.shape[1]


def main() -> None:
    max_new_tokens = int(sys.argv[1]) if len(sys.argv) > 1 else 32
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    start = time.perf_counter()
    import torch

    from lib.inference import generation as gen

    gen.model_and_tokenizer()
    print(f"import + load: {time.perf_counter() - start:.1f} s (torch threads: {torch.get_num_threads()})")

    cold_first, cold_total, cold_tokens = stream_once(gen, MESSAGES, max_new_tokens)
    warm = [stream_once(gen, MESSAGES, max_new_tokens) for _ in range(5)]
    warm_first = statistics.median(w[0] for w in warm)
    warm_rate = statistics.median((w[2] - 1) / (w[1] - w[0]) for w in warm if w[2] > 1)  # after the first piece
    direct_first = statistics.median(direct_once(gen, MESSAGES, 1)[0] for _ in range(5))
    direct = [direct_once(gen, MESSAGES, max_new_tokens) for _ in range(3)]
    direct_rate = statistics.median(n / s for s, n in direct)
    stream_rate = statistics.median(w[2] / w[1] for w in warm)

    tokenizer = gen.load_tokenizer(gen.COMPONENT)
    history = [MESSAGES[0]]
    while len(tokenizer.apply_chat_template(history, add_generation_prompt=True)["input_ids"]) < gen.MAX_PROMPT_TOKENS - 150:
        history += [{"role": "user", "content": "Tell me one fact about Vietnam. " * 4},
                    {"role": "assistant", "content": "Hà Nội là thủ đô của Việt Nam, có hơn một nghìn năm lịch sử."}]
    history.append(MESSAGES[1])
    fitted = gen.fit_messages(history)
    long_tokens = len(tokenizer.apply_chat_template(fitted.messages, add_generation_prompt=True)["input_ids"])
    long_cold, long_next = [], []
    for question in ("And the capital of Japan?", "Which river runs through Hanoi?", "Name one Vietnamese dish."):
        gen.prefix_cache.clear()  # a long conversation seen for the first time: every token is read
        stream = gen.stream_chat(history, max_new_tokens=8, temperature=0)
        start = time.perf_counter()
        next(stream)
        long_cold.append(time.perf_counter() - start)
        list(stream)
        turn = history + [{"role": "assistant", "content": stream.text}, {"role": "user", "content": question}]
        long_next.append(stream_once(gen, turn, 2, reuse=True)[0])  # the next turn: the history comes from the prefix cache
    long_first, next_first = statistics.median(long_cold), statistics.median(long_next)

    print(f"reply: {cold_tokens} tokens (greedy, max_new_tokens={max_new_tokens})")
    print(f"{'':<34}{'first token (s)':>16}{'tokens/s':>10}")
    print(f"{'stream_chat, cold after load':<34}{cold_first:>16.2f}{cold_tokens / cold_total:>10.1f}")
    print(f"{'stream_chat, warm (median of 5)':<34}{warm_first:>16.2f}{stream_rate:>10.1f}")
    print(f"{'model.generate direct (baseline)':<34}{direct_first:>16.2f}{direct_rate:>10.1f}")
    print(f"{'stream_chat, ' + str(long_tokens) + '-token prompt':<34}{long_first:>16.2f}   (no cache)")
    print(f"{'  its next turn, prefix reused':<34}{next_first:>16.2f}   x{next_first / long_first:.2f}")
    print(f"streaming overhead: first token x{warm_first / direct_first:.2f} of direct, "
          f"throughput x{stream_rate / direct_rate:.2f}; decode after the first piece {warm_rate:.1f} tokens/s")
    print(f"goal first token <= 2 s: warm {'met' if warm_first <= 2 else 'MISSED'}, "
          f"cold {'met' if cold_first <= 2 else 'MISSED'}, long conversation's next turn {'met' if next_first <= 2 else 'MISSED'} "
          f"(first sight of a long prompt {'met' if long_first <= 2 else 'missed'}); "
          f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
