"""A ready-to-deploy Hugging Face Space for one task, as files and as a zip the learner downloads.

Two flavours: Gradio (`sdk: gradio`, Spaces installs gradio from `sdk_version`) and Streamlit.
Since 2025-04-30 Spaces no longer offers Streamlit as a built-in SDK: a Streamlit Space is a
Docker Space (`sdk: docker`, `app_port: 8501`) with a Dockerfile, which is what we generate.
Every app loads its model once, inside a function (`load_pipeline`), so the UI code can be
tested with the model replaced. Nothing here imports Streamlit or Gradio.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import OrderedDict
from dataclasses import dataclass

from lib.models.registry import is_valid_hub_id
from lib.text_input import InputProblem

SDKS = ("streamlit", "gradio")
VERSIONS = {"transformers": "5.24.0", "torch": "2.13.0", "streamlit": "1.67.0", "gradio": "6.31.0",
            "numpy": "2.4.6", "pandas": "3.1.1", "pillow": "13.0.0"}
PYTHON_VERSION = "3.11"
COLORS = ("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray")  # Spaces config reference
TITLE_MAX = 60
_TITLE = re.compile(r"[\w .,:!?()&+'-]+")  # letters in any script (Vietnamese too), digits, light punctuation
LICENSE = "apache-2.0"  # the generated code; each default model is Apache-2.0 too


@dataclass(frozen=True)
class SpaceTask:
    pipeline: str
    default_model: str
    models: tuple[str, ...]  # suggestions for the page's picker (first = default)
    emoji: str
    color_from: str
    color_to: str
    description: str  # short_description in the README header (English, at most 60 characters)
    needs_ffmpeg: bool = False


TASKS: "OrderedDict[str, SpaceTask]" = OrderedDict([
    ("text-classification", SpaceTask(
        "text-classification", "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        ("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "wonrax/phobert-base-vietnamese-sentiment"),
        "💬", "blue", "green", "Sentiment of a sentence with Transformers")),
    ("image-classification", SpaceTask(
        "image-classification", "google/vit-base-patch16-224",
        ("google/vit-base-patch16-224", "facebook/deit-tiny-patch16-224"),
        "🖼️", "purple", "pink", "What is in this picture? ImageNet classes")),
    ("automatic-speech-recognition", SpaceTask(
        "automatic-speech-recognition", "openai/whisper-tiny",
        ("openai/whisper-tiny", "vinai/PhoWhisper-base"),
        "🎙️", "yellow", "red", "Speech to text with Whisper", needs_ffmpeg=True)),
    ("chat", SpaceTask(
        "text-generation", "HuggingFaceTB/SmolLM2-135M-Instruct",
        ("HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-360M-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"),
        "🤖", "indigo", "blue", "A small chat model running on CPU")),
    ("feature-extraction", SpaceTask(
        "feature-extraction", "sentence-transformers/all-MiniLM-L6-v2",
        ("sentence-transformers/all-MiniLM-L6-v2", "intfloat/multilingual-e5-small"),
        "🧭", "green", "gray", "Sentence similarity with embeddings")),
])


def check_title(title: object) -> str:
    """The Space title, trimmed; refused when empty, too long or with characters outside a safe set."""
    if not isinstance(title, str) or not title.strip():
        raise InputProblem("spaces_title_empty")
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise InputProblem("spaces_title_too_long", length=len(title), limit=TITLE_MAX)
    if not _TITLE.fullmatch(title):
        bad = sorted({ch for ch in title if not _TITLE.fullmatch(ch)})
        raise InputProblem("spaces_title_bad_characters", characters=" ".join(bad))
    return title


# ----------------------------------------------------------------------------- app templates
# Placeholders (__TITLE__, __MODEL__, ...) are replaced with repr() values, so any accepted title
# or model id lands in the code as a Python string literal.
_ST_HEAD = '''"""__TITLE_TEXT__: a Hugging Face Space made with Streamlit and 🤗 Transformers."""
import streamlit as st
from transformers import pipeline

TITLE = __TITLE__
MODEL_ID = __MODEL__

st.set_page_config(page_title=TITLE, page_icon=__EMOJI__)
st.title(__EMOJI__ + " " + TITLE)
st.caption(f"Model: [{MODEL_ID}](https://huggingface.co/{MODEL_ID})")


@st.cache_resource(show_spinner="Loading the model (only the first time)…")
def load_pipeline():
    """Loaded once per Space and shared by every visitor."""
    return pipeline(__PIPELINE__, model=MODEL_ID__PIPELINE_KW__)


'''

_ST_BODY = {
    "text-classification": '''import pandas as pd

text = st.text_area("Text", "I love this course: every step is clear!")
if st.button("Classify", type="primary"):
    if not text.strip():
        st.warning("Type a sentence first.")
    else:
        scores = load_pipeline()(text, top_k=None)
        best = max(scores, key=lambda s: s["score"])
        st.metric("Label", best["label"], f"{best['score']:.1%}")
        st.bar_chart(pd.DataFrame(scores).set_index("label")["score"])
''',
    "image-classification": '''import pandas as pd
from PIL import Image

SAMPLE_URL = "http://images.cocodataset.org/val2017/000000039769.jpg"  # two cats, used in the HF docs

upload = st.file_uploader("An image", type=["png", "jpg", "jpeg", "webp"])
url = st.text_input("…or the address of an image", SAMPLE_URL)
if upload is not None:
    st.image(upload, width=320)
if st.button("Classify", type="primary"):
    source = Image.open(upload).convert("RGB") if upload is not None else url.strip()
    predictions = load_pipeline()(source, top_k=5)
    table = pd.DataFrame(predictions)
    st.bar_chart(table.set_index("label")["score"], horizontal=True)
    st.dataframe(table, hide_index=True)
''',
    "automatic-speech-recognition": '''SAMPLE_URL = "https://huggingface.co/datasets/Narsil/asr_dummy/resolve/main/mlk.flac"
LANGUAGES = {"Detect automatically": None, "Tiếng Việt": "vietnamese", "English": "english"}

recording = st.audio_input("Record yourself")
upload = st.file_uploader("…or an audio file", type=["wav", "mp3", "flac", "ogg", "m4a"])
url = st.text_input("…or the address of an audio file", SAMPLE_URL)
language = st.selectbox("Language", list(LANGUAGES))
if st.button("Transcribe", type="primary"):
    audio = recording or upload
    source = audio.getvalue() if audio is not None else url.strip()  # bytes are decoded with ffmpeg
    options = {"language": LANGUAGES[language]} if LANGUAGES[language] else {}
    with st.spinner("Listening…"):
        result = load_pipeline()(source, generate_kwargs=options)
    st.subheader("Transcript")
    st.write(result["text"])
''',
    "chat": '''SYSTEM_PROMPT = "You are a friendly teaching assistant. Answer briefly and clearly."

if "messages" not in st.session_state:
    st.session_state.messages = []
for message in st.session_state.messages:
    with st.chat_message(message["role"]):
        st.markdown(message["content"])

if prompt := st.chat_input("Ask me something"):
    st.session_state.messages.append({"role": "user", "content": prompt})
    with st.chat_message("user"):
        st.markdown(prompt)
    with st.chat_message("assistant"):
        with st.spinner("Thinking…"):
            conversation = [{"role": "system", "content": SYSTEM_PROMPT}, *st.session_state.messages]
            output = load_pipeline()(conversation, max_new_tokens=256, do_sample=True, temperature=0.7, top_p=0.9)
        reply = output[0]["generated_text"][-1]["content"]
        st.markdown(reply)
    st.session_state.messages.append({"role": "assistant", "content": reply})

if st.session_state.messages and st.button("New conversation"):
    st.session_state.messages = []
    st.rerun()
''',
    "feature-extraction": '''import numpy as np
import pandas as pd


def embed(text):
    """Mean of the token vectors, normalised: the sentence embedding sentence-transformers computes."""
    tokens = np.asarray(load_pipeline()(text)[0])  # (tokens, hidden size)
    vector = tokens.mean(axis=0)
    return vector / np.linalg.norm(vector)


query = st.text_input("Query", "How do I train a model?")
sentences = st.text_area("Sentences to compare, one per line",
                         "Fine-tuning adapts a pretrained model to your data.\\n"
                         "The weather is lovely today.\\n"
                         "The Trainer API runs the training loop for you.")
if st.button("Compare", type="primary"):
    lines = [line.strip() for line in sentences.splitlines() if line.strip()]
    if not query.strip() or not lines:
        st.warning("Type a query and at least one sentence.")
    else:
        q = embed(query)
        table = pd.DataFrame({"sentence": lines, "cosine": [float(q @ embed(line)) for line in lines]})
        table = table.sort_values("cosine", ascending=False)
        st.bar_chart(table.set_index("sentence")["cosine"], horizontal=True)
        st.dataframe(table, hide_index=True)
''',
}

_GR_HEAD = '''"""__TITLE_TEXT__: a Hugging Face Space made with Gradio and 🤗 Transformers."""
from functools import lru_cache

import gradio as gr
from transformers import pipeline

TITLE = __TITLE__
MODEL_ID = __MODEL__


@lru_cache(maxsize=1)
def load_pipeline():
    """Loaded once, on the first request, and kept for every visitor."""
    return pipeline(__PIPELINE__, model=MODEL_ID__PIPELINE_KW__)


'''

_GR_BODY = {
    "text-classification": '''

def classify(text):
    return {s["label"]: s["score"] for s in load_pipeline()(text, top_k=None)}


demo = gr.Interface(
    fn=classify,
    inputs=gr.Textbox(label="Text", lines=3),
    outputs=gr.Label(label="Label"),
    title=TITLE,
    description=f"Model: {MODEL_ID}",
    examples=[["I love this course: every step is clear!"], ["The lesson was far too long."]],
)
''',
    "image-classification": '''

def classify(image):
    return {p["label"]: p["score"] for p in load_pipeline()(image, top_k=5)}


demo = gr.Interface(
    fn=classify,
    inputs=gr.Image(type="pil", label="Image"),
    outputs=gr.Label(num_top_classes=5, label="Classes"),
    title=TITLE,
    description=f"Model: {MODEL_ID}",
)
''',
    "automatic-speech-recognition": '''LANGUAGES = {"Detect automatically": None, "Tiếng Việt": "vietnamese", "English": "english"}


def transcribe(audio_path, language):
    if audio_path is None:
        return ""
    options = {"language": LANGUAGES[language]} if LANGUAGES[language] else {}
    return load_pipeline()(audio_path, generate_kwargs=options)["text"]  # the file is decoded with ffmpeg


demo = gr.Interface(
    fn=transcribe,
    inputs=[gr.Audio(sources=["microphone", "upload"], type="filepath", label="Audio"),
            gr.Dropdown(list(LANGUAGES), value="Detect automatically", label="Language")],
    outputs=gr.Textbox(label="Transcript"),
    title=TITLE,
    description=f"Model: {MODEL_ID}",
)
''',
    "chat": '''SYSTEM_PROMPT = "You are a friendly teaching assistant. Answer briefly and clearly."


def text_of(content):
    """Message content as text, whether Gradio gives a string or a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def respond(message, history):
    conversation = [{"role": "system", "content": SYSTEM_PROMPT}]
    conversation += [{"role": m["role"], "content": text_of(m["content"])} for m in history]
    conversation.append({"role": "user", "content": text_of(message)})
    output = load_pipeline()(conversation, max_new_tokens=256, do_sample=True, temperature=0.7, top_p=0.9)
    return output[0]["generated_text"][-1]["content"]


demo = gr.ChatInterface(fn=respond, title=TITLE, description=f"Model: {MODEL_ID}")
''',
    "feature-extraction": '''import numpy as np


def embed(text):
    """Mean of the token vectors, normalised: the sentence embedding sentence-transformers computes."""
    vector = np.asarray(load_pipeline()(text)[0]).mean(axis=0)
    return vector / np.linalg.norm(vector)


def compare(query, sentences):
    lines = [line.strip() for line in sentences.splitlines() if line.strip()]
    if not query.strip() or not lines:
        return {}
    q = embed(query)
    return {line: float(q @ embed(line)) for line in lines}


demo = gr.Interface(
    fn=compare,
    inputs=[gr.Textbox(label="Query", value="How do I train a model?"),
            gr.Textbox(label="Sentences to compare, one per line", lines=4,
                       value="Fine-tuning adapts a pretrained model to your data.\\n"
                             "The weather is lovely today.\\n"
                             "The Trainer API runs the training loop for you.")],
    outputs=gr.Label(label="Cosine similarity"),
    title=TITLE,
    description=f"Model: {MODEL_ID}",
)
''',
}

_GR_TAIL = '''
if __name__ == "__main__":
    demo.launch()
'''

_DOCKERFILE = '''# Streamlit on Spaces runs as a Docker Space (the built-in Streamlit SDK was retired in 2025).
FROM python:__PYTHON__-slim
__APT__RUN useradd -m -u 1000 user
USER user
ENV HOME=/home/user PATH=/home/user/.local/bin:$PATH
WORKDIR /home/user/app
COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir --upgrade -r requirements.txt
COPY --chown=user . .
EXPOSE 8501
# Spaces shows the app inside an iframe, where Streamlit's XSRF cookie is blocked and uploads fail
# with "403"; the Hub's cookie-limitations page recommends switching that check off.
CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", \\
     "--server.fileWatcherType=none", "--server.enableXsrfProtection=false"]
'''


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(key, value)
    return template


def _app(task_id: str, sdk: str, title: str, model_id: str) -> str:
    task = TASKS[task_id]
    kw = ""
    if task_id == "automatic-speech-recognition":
        kw = ", chunk_length_s=30"  # long recordings are cut into 30 s windows, as Whisper expects
    values = {"__TITLE_TEXT__": title.replace('"""', "'''"), "__TITLE__": repr(title), "__MODEL__": repr(model_id),
              "__EMOJI__": repr(task.emoji), "__PIPELINE__": repr(task.pipeline), "__PIPELINE_KW__": kw}
    head, body = (_ST_HEAD, _ST_BODY[task_id]) if sdk == "streamlit" else (_GR_HEAD, _GR_BODY[task_id])
    imports, _, body = body.partition("\n\n") if body.startswith(("import ", "from ")) else ("", "", body)
    head = _fill(head, values)
    if imports:  # the task's own imports join the others at the top of the file
        head = head.replace("from transformers import pipeline\n", imports + "\nfrom transformers import pipeline\n", 1)
    return head + body.lstrip("\n") + ("" if sdk == "streamlit" else _GR_TAIL)


def _requirements(task_id: str, sdk: str) -> str:
    v = VERSIONS
    lines = [
        "# Pinned versions that were tested together.",
        "# CPU-only torch: the default Linux wheel pulls gigabytes of CUDA libraries a CPU Space never uses.",
        "--extra-index-url https://download.pytorch.org/whl/cpu",
        f"torch=={v['torch']}",
        f"transformers=={v['transformers']}",
    ]
    if sdk == "streamlit":
        lines.append(f"streamlit=={v['streamlit']}")
        if task_id in ("text-classification", "image-classification", "feature-extraction"):
            lines.append(f"pandas=={v['pandas']}")
    else:
        lines.append(f"# gradio=={v['gradio']} is installed by Spaces from sdk_version in README.md;")
        lines.append(f"# to run the app on your own computer: pip install gradio=={v['gradio']}")
    if task_id == "image-classification":
        lines.append(f"pillow=={v['pillow']}")
    if task_id == "feature-extraction":
        lines.append(f"numpy=={v['numpy']}")
    return "\n".join(lines) + "\n"


def _slug(title: str) -> str:
    """A repo name from the title: Vietnamese letters lose their marks ("Chép lời" -> "chep-loi")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60] or "my-space"


def _readme(task_id: str, sdk: str, title: str, model_id: str) -> str:
    import yaml

    task = TASKS[task_id]
    header: dict[str, object] = {"title": title, "emoji": task.emoji, "colorFrom": task.color_from,
                                 "colorTo": task.color_to}
    if sdk == "gradio":
        header.update({"sdk": "gradio", "sdk_version": VERSIONS["gradio"], "python_version": PYTHON_VERSION,
                       "app_file": "app.py"})
    else:
        header.update({"sdk": "docker", "app_port": 8501, "tags": ["streamlit"]})
    header.update({"pinned": False, "license": LICENSE, "short_description": task.description,
                   "models": [model_id]})
    front = yaml.safe_dump(header, sort_keys=False, allow_unicode=True)
    slug = "your-name/" + _slug(title)
    create_sdk = "gradio" if sdk == "gradio" else "docker"
    run_local = ("python app.py" if sdk == "gradio"
                 else "streamlit run app.py")
    return (
        f"---\n{front}---\n\n"
        f"# {task.emoji} {title}\n\n"
        f"{task.description}, using [`{model_id}`](https://huggingface.co/{model_id}) "
        f"through a 🤗 Transformers `pipeline(\"{task.pipeline}\")`.\n\n"
        "## Deploy\n\n"
        "```bash\n"
        "hf auth login\n"
        f"hf repos create {slug} --type space --sdk {create_sdk}\n"
        f"hf upload {slug} . . --repo-type space\n"
        "```\n\n"
        "## Run on your computer\n\n"
        "```bash\n"
        "pip install -r requirements.txt" + (f" gradio=={VERSIONS['gradio']}" if sdk == "gradio" else "") + "\n"
        f"{run_local}\n"
        "```\n\n"
        "Generated by Học Hugging Face. Configuration reference: "
        "https://huggingface.co/docs/hub/spaces-config-reference\n"
    )


def generate(task_id: str, sdk: str, title: str, model_id: str | None = None) -> dict[str, str]:
    """The Space's files (path -> text): README.md with the Spaces header, app.py, requirements.txt,
    plus a Dockerfile (Streamlit) or packages.txt (Gradio apps that need ffmpeg)."""
    if task_id not in TASKS:
        raise InputProblem("spaces_unknown_task", task=str(task_id)[:40])
    if sdk not in SDKS:
        raise InputProblem("spaces_unknown_sdk", sdk=str(sdk)[:40])
    title = check_title(title)
    task = TASKS[task_id]
    model_id = task.default_model if model_id in (None, "") else model_id
    if not is_valid_hub_id(model_id):
        raise InputProblem("spaces_bad_model_id", value=str(model_id)[:100])
    files = {
        "README.md": _readme(task_id, sdk, title, model_id),
        "app.py": _app(task_id, sdk, title, model_id),
        "requirements.txt": _requirements(task_id, sdk),
    }
    if sdk == "streamlit":
        apt = ("RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg "
               "&& rm -rf /var/lib/apt/lists/*\n") if task.needs_ffmpeg else ""
        files["Dockerfile"] = _fill(_DOCKERFILE, {"__PYTHON__": PYTHON_VERSION, "__APT__": apt})
    elif task.needs_ffmpeg:
        files["packages.txt"] = "ffmpeg\n"  # Debian packages a Gradio Space installs before the app
    return files


def to_zip(files: dict[str, str]) -> bytes:
    """The files as a zip (fixed timestamps, so the same Space always gives the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path].encode("utf-8"))
    return buffer.getvalue()
