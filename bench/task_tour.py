"""Peak memory after using every task of the Transformers and Inference labs, in one process.

Each step calls the same lib function the widget calls, with the app's default input, then
prints the process's resident memory now (VmRSS) and at its peak so far (VmHWM), against the
baseline of the same process after its imports and before any model. The goal (issue 5): the
peak stays under the app's memory budget (lib/models/cache.py: the whole process, of which the
model cache gets all but NON_MODEL_MB). The model cache counts transformers weights and the
files of Whisper (CTranslate2) and Piper (onnxruntime); tokenizers, underthesea and the chat's
prefix cache live outside it, so the tour measures the process rather than the cache's sum.
"anon" is memory only this process holds; "file" is weights memory-mapped from safetensors,
pages the kernel can drop and read again.
Usage: python bench/task_tour.py   (HHF_MEMORY_BUDGET_MB changes the budget)
"""
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def memory_mb() -> tuple[float, float, float, float]:
    """(VmRSS, VmHWM, RssAnon, RssFile) of this process in MB. Weights loaded from safetensors are
    memory-mapped: their pages count in RssFile once read, and the kernel can drop them again."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return tuple(int(fields[name].split()[0]) / 1024 for name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"))


def tasks():
    import numpy as np
    from PIL import Image

    from lib.i18n import translate
    from lib.inference import anatomy, attention, embeddings, generation, speech, text_tasks, vision

    def say(key):
        return translate("vi", key)

    def chat():
        conversation = [{"role": "user", "content": "What is a tokenizer?"}]
        for question in ("And an embedding?", "Give one example."):
            stream = generation.stream_chat(conversation, max_new_tokens=32, temperature=0)
            list(stream)
            conversation += [{"role": "assistant", "content": stream.text}, {"role": "user", "content": question}]

    def digits():
        import io

        _, png = vision.digit_samples(1)[0]
        vision.classify_digit(Image.open(io.BytesIO(png)).convert("RGB"))

    def speech_round_trip():
        samples, rate, _ = speech.speak("Xin chào các bạn, hôm nay chúng ta học về mô hình.", "vi")
        english, _, _ = speech.speak("Welcome to the class.", "en")
        speech.recognize(np.interp(np.arange(0, len(samples), rate / 16_000), np.arange(len(samples)), samples)
                         .astype(np.float32), None)
        return english

    return [
        ("sentiment", lambda: text_tasks.classify_sentiment([say("sent_default")])),
        ("zero-shot (e5)", lambda: text_tasks.zero_shot_by_embedding(say("zs_default"),
                                                                      say("zs_labels_default").split(","))),
        ("NER (underthesea)", lambda: text_tasks.vietnamese_ner(say("ner_default"))),
        ("semantic search", lambda: embeddings.search(say("emb_query_default"))),
        ("embedding map", lambda: embeddings.projection_2d(say("emb_sentences_default").splitlines())),
        ("next-token chart", lambda: generation.next_token_distribution(say("gen_prompt_default"))),
        ("greedy/sampling/beam", lambda: generation.compare_strategies(say("gen_prompt_default"), max_new_tokens=20)),
        ("chat, 3 turns", chat),
        ("digits (ViT)", digits),
        ("speech: espeak-ng, Piper, Whisper", speech_round_trip),
        ("attention (e5)", lambda: attention.attention_maps("multilingual-e5-small", say("attn_default"))),
        ("attention (MiniLM)", lambda: attention.attention_maps("all-minilm-l6-v2", say("attn_default"))),
        ("anatomy (9 models, meta)", lambda: [anatomy.parameter_tree(key) for key in anatomy.model_keys()]),
    ]


def main() -> None:
    import streamlit  # noqa: F401  (the app's imports, so the baseline is the app's)
    import torch  # noqa: F401
    import transformers  # noqa: F401

    from lib.models.cache import budget_from_env, memory_budget_from_env
    from lib.models.loader import shared_cache

    budget = budget_from_env() / 1e6
    baseline = memory_mb()[0]
    memory_budget = memory_budget_from_env() / 1e6
    print(f"load average {os.getloadavg()[0]:.1f}; baseline after imports {baseline:.0f} MB; "
          f"memory budget {memory_budget:.0f} MB, of which the model cache {budget:.0f} MB")
    print(f"{'task':<36}{'seconds':>9}{'RSS now':>9}{'peak':>8}{'anon':>8}{'file':>8}{'cache (MB)':>12}")
    for name, run in tasks():
        start = time.perf_counter()
        run()
        now, peak, anon, file = memory_mb()
        print(f"{name:<36}{time.perf_counter() - start:>9.1f}{now:>9.0f}{peak:>8.0f}{anon:>8.0f}{file:>8.0f}"
              f"{shared_cache().used_bytes() / 1e6:>12.0f}")
    now, peak, anon, file = memory_mb()
    print(f"peak RSS {peak:.0f} MB (baseline {baseline:.0f} + {peak - baseline:.0f} MB of models, tokenizers and data) "
          f"against the memory budget {memory_budget:.0f} MB: {'met' if peak <= memory_budget else 'MISSED'} "
          f"(ratio {peak / memory_budget:.2f}); evicted: {shared_cache().evictions or 'nothing'}")


if __name__ == "__main__":
    main()
