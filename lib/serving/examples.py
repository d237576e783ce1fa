"""Client code shown to learners for the local inference server (lib.serving.server): for each
task the InferenceClient call, the same request with `requests` and with curl, the same
InferenceClient call against Hugging Face's hosted API, and how the client points at a TGI or
TEI server or an Inference Endpoint. Pure strings, so a page can show them and a test can run them.

Why these shapes: the point of the lesson is that only the URL changes between the classroom
laptop and the hosted API; the method, the payload and the answer stay the same.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

DEFAULT_BASE_URL = "http://127.0.0.1:8765"
START_COMMAND = "python -m lib.serving.server --port 8765"
OFFLINE_NOTE = ("# huggingface_hub refuses every request, even to 127.0.0.1, while HF_HUB_OFFLINE=1:\n"
                "# unset it in the notebook that calls the server (the server itself stays offline).")


@dataclass(frozen=True)
class TaskExample:
    task: str  # the route name under /tasks/ ("chat-completion" uses /v1/chat/completions)
    method: str  # InferenceClient method
    call_args: str  # the arguments after the first one, as Python source ("" when none)
    first_arg: str  # Python source of the first argument
    payload: dict | None  # the JSON body; None when the body is a file
    file: str = ""  # the file sent as the body (image or audio)
    hosted_model: str = ""
    hosted_note: str = ""
    answer: str = ""  # how to read the answer


EXAMPLES: tuple[TaskExample, ...] = (
    TaskExample("text-classification", "text_classification", "", '"Món phở này ngon tuyệt!"',
                {"inputs": "Món phở này ngon tuyệt!"},
                hosted_model="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                hosted_note="English only; the offline classifier was fine-tuned in this app and is not on the Hub",
                answer="for item in result:\n    print(item.label, round(item.score, 3))"),
    TaskExample("feature-extraction", "feature_extraction", 'prompt_name="query"', '"Hà Nội là thủ đô của Việt Nam."',
                {"inputs": "Hà Nội là thủ đô của Việt Nam.", "prompt_name": "query"},
                hosted_model="intfloat/multilingual-e5-small",
                hosted_note='on the Hub, write the e5 prefix yourself: "query: Hà Nội ..."',
                answer="print(result.shape)  # (384,): one vector of 384 numbers"),
    TaskExample("token-classification", "token_classification", "",
                '"Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập tại Hà Nội."',
                {"inputs": "Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập tại Hà Nội."},
                hosted_model="dslim/bert-base-NER", hosted_note="English names; offline, underthesea tags Vietnamese",
                answer="for entity in result:\n    print(entity.entity_group, entity.word, entity.start, entity.end)"),
    TaskExample("zero-shot-classification", "zero_shot_classification", 'candidate_labels=["thể thao", "chính trị", "ẩm thực"]',
                '"Đội tuyển Việt Nam thắng 2-0 tối qua."',
                {"inputs": "Đội tuyển Việt Nam thắng 2-0 tối qua.",
                 "parameters": {"candidate_labels": ["thể thao", "chính trị", "ẩm thực"]}},
                hosted_model="facebook/bart-large-mnli",
                hosted_note="a real NLI model (English); offline, labels are ranked by e5 similarity",
                answer="for item in result:\n    print(item.label, round(item.score, 3))"),
    TaskExample("text-generation", "text_generation", "max_new_tokens=30", '"The three primary colours are"',
                {"inputs": "The three primary colours are", "parameters": {"max_new_tokens": 30}},
                hosted_model="Qwen/Qwen2.5-7B-Instruct", hosted_note="any text-generation model with a provider",
                answer="print(result)  # the generated text only"),
    TaskExample("chat-completion", "chat_completion", "max_tokens=100",
                '[{"role": "user", "content": "Giải thích ngắn gọn: token là gì?"}]',
                {"model": "HuggingFaceTB/SmolLM2-135M-Instruct",
                 "messages": [{"role": "user", "content": "Giải thích ngắn gọn: token là gì?"}], "max_tokens": 100},
                hosted_model="Qwen/Qwen2.5-7B-Instruct", hosted_note="any chat model with a provider on its Hub page",
                answer="print(result.choices[0].message.content)"),
    TaskExample("image-classification", "image_classification", "top_k=3", '"digit.png"', None, file="digit.png",
                hosted_model="google/vit-base-patch16-224",
                hosted_note="ImageNet classes; offline, a tiny ViT knows the digits 0-9",
                answer="for item in result:\n    print(item.label, round(item.score, 3))"),
    TaskExample("automatic-speech-recognition", "automatic_speech_recognition", "", '"speech.wav"', None,
                file="speech.wav", hosted_model="openai/whisper-large-v3",
                answer="print(result.text)"),
    TaskExample("text-to-speech", "text_to_speech", "", '"Hello! Welcome to Hugging Face."',
                {"inputs": "Hello! Welcome to Hugging Face.", "parameters": {"language": "en"}},
                hosted_model="hexgrad/Kokoro-82M",
                hosted_note="served by partner providers (provider=\"auto\"); offline: Piper (en) and espeak-ng (vi)",
                answer='Path("speech.wav").write_bytes(result)  # audio bytes'),
)
BY_TASK = {example.task: example for example in EXAMPLES}


def route(task: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The URL a task answers on (chat: the OpenAI-style path)."""
    base_url = base_url.rstrip("/")
    return f"{base_url}/v1/chat/completions" if task == "chat-completion" else f"{base_url}/tasks/{task}"


def _call(example: TaskExample) -> str:
    args = example.first_arg + (f", {example.call_args}" if example.call_args else "")
    return f"result = client.{example.method}({args})"


def _header(example: TaskExample) -> str:
    return "from pathlib import Path\n" if "Path(" in example.answer else ""


def inference_client_code(task: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """InferenceClient against the local server: chat takes the bare base_url, every other task its task URL."""
    example = BY_TASK[task]
    if task == "chat-completion":
        target = f'base_url="{base_url.rstrip("/")}")  # the client adds /v1/chat/completions'
    else:
        target = f'model="{route(task, base_url)}")  # one URL per task, like an Inference Endpoint'
    return (f"{OFFLINE_NOTE}\n{_header(example)}from huggingface_hub import InferenceClient\n\n"
            f"client = InferenceClient({target}\n{_call(example)}\n{example.answer}\n")


def requests_code(task: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The same request with `requests`: what InferenceClient sends on the wire."""
    example = BY_TASK[task]
    url = route(task, base_url)
    if example.payload is None:
        send = (f'with open("{example.file}", "rb") as f:\n'
                f'    response = requests.post("{url}", data=f.read())  # the raw file is the body')
    else:
        body = json.dumps(example.payload, ensure_ascii=False)
        send = f'response = requests.post("{url}", json={body})'
    if task == "text-to-speech":
        read = 'Path("speech.wav").write_bytes(response.content)  # audio/wav'
        header = "from pathlib import Path\n\n"
    else:
        read = "print(response.json())"
        header = ""
    return (f"{header}import requests\n\n{send}\n"
            "response.raise_for_status()  # errors come as JSON: {\"error\": ..., \"error_type\": ...}\n"
            f"{read}\n")


def curl_command(task: str, base_url: str = DEFAULT_BASE_URL) -> str:
    """The same request with curl (a shell one-liner)."""
    example = BY_TASK[task]
    url = route(task, base_url)
    if example.payload is None:
        return f"curl -s {url} --data-binary @{example.file}\n"
    body = json.dumps(example.payload, ensure_ascii=False).replace("'", "'\\''")
    out = " -o speech.wav" if task == "text-to-speech" else ""
    return f"curl -s {url} -H 'Content-Type: application/json' -d '{body}'{out}\n"


def hosted_code(task: str) -> str:
    """The same InferenceClient call against Hugging Face's hosted API (needs internet and a token)."""
    example = BY_TASK[task]
    note = f"  # {example.hosted_note}" if example.hosted_note else ""
    args = example.first_arg + (f", {example.call_args}" if example.call_args else "")
    if task == "feature-extraction":
        args = args.replace('"Hà Nội', '"query: Hà Nội').replace(', prompt_name="query"', "")
    return (f"import os\n{_header(example)}from huggingface_hub import InferenceClient\n\n"
            "# needs internet and a token allowed to call Inference Providers (hf.co/settings/tokens)\n"
            'client = InferenceClient(provider="auto", api_key=os.environ["HF_TOKEN"])\n'
            f'result = client.{example.method}({args}, model="{example.hosted_model}"){note}\n'
            f"{example.answer}\n")


def remote_servers_code() -> str:
    """The same client pointed at a TGI or TEI server, or a dedicated Inference Endpoint, with base_url."""
    return '''import os
from huggingface_hub import InferenceClient

# Text Generation Inference (TGI), e.g. started with
#   docker run -p 8080:80 ghcr.io/huggingface/text-generation-inference --model-id HuggingFaceTB/SmolLM2-135M-Instruct
tgi = InferenceClient(base_url="http://localhost:8080")
print(tgi.text_generation("The three primary colours are", max_new_tokens=30))
print(tgi.chat_completion([{"role": "user", "content": "Hello!"}], max_tokens=50).choices[0].message.content)

# Text Embeddings Inference (TEI), e.g. started with
#   docker run -p 8081:80 ghcr.io/huggingface/text-embeddings-inference:cpu-latest --model-id intfloat/multilingual-e5-small
tei = InferenceClient(base_url="http://localhost:8081")
print(tei.feature_extraction("query: Hà Nội là thủ đô của Việt Nam.").shape)

# A dedicated Inference Endpoint (created on hf.co/endpoints or with `hf endpoints`): its URL and your token
endpoint = InferenceClient(base_url="https://YOUR-ENDPOINT.endpoints.huggingface.cloud", api_key=os.environ["HF_TOKEN"])
print(endpoint.text_classification("I love this course!"))
'''


def task_examples(task: str, base_url: str = DEFAULT_BASE_URL) -> dict[str, str]:
    """{"inference_client", "requests", "curl", "hosted"} code for one task."""
    return {"inference_client": inference_client_code(task, base_url), "requests": requests_code(task, base_url),
            "curl": curl_command(task, base_url), "hosted": hosted_code(task)}


def all_examples(base_url: str = DEFAULT_BASE_URL) -> dict[str, dict[str, str]]:
    """task_examples for every task, in the lesson's order."""
    return {example.task: task_examples(example.task, base_url) for example in EXAMPLES}
