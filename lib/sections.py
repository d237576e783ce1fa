"""The map of the Hugging Face ecosystem: the single source of truth for pages and leaves.

Navigation, the Home sunburst, content loading and the tests all read this module, so a
new leaf or page is added here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGS = ("vi", "en")


@dataclass(frozen=True)
class Leaf:
    """One leaf of the ecosystem tree; its explanation lives in content/<lang>/<area>/<id>.md."""

    area: str
    id: str
    icon: str
    title: dict[str, str]
    page: str

    @property
    def key(self) -> str:
        return f"{self.area}.{self.id}"

    @property
    def anchor(self) -> str:
        return f"{self.area}-{self.id}".replace("_", "-")

    @property
    def content_path(self) -> str:
        return f"{self.area}/{self.id}.md"


@dataclass(frozen=True)
class Area:
    id: str
    icon: str
    title: dict[str, str]
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class PageSpec:
    """A Streamlit page; `group` is an area id or one of the non-area groups below."""

    id: str
    icon: str
    title: dict[str, str]
    group: str

    @property
    def file(self) -> str:
        """Not in pages/: Streamlit treats a pages/ folder as old-style multipage and, on the first
        visit after a server start, runs a linked page without Home.py (no language, no menu)."""
        return f"app_pages/{self.id}.py"

    @property
    def url_path(self) -> str:
        return self.id.replace("_", "-")

    @property
    def intro_path(self) -> str:
        return f"pages/{self.id}.md"


def _area(area_id: str, icon: str, vi: str, en: str, leaves: list[tuple]) -> Area:
    return Area(
        id=area_id,
        icon=icon,
        title={"vi": vi, "en": en},
        leaves=tuple(
            Leaf(area=area_id, id=lid, icon=licon, title={"vi": lvi, "en": len_}, page=page)
            for lid, licon, lvi, len_, page in leaves
        ),
    )


AREAS: tuple[Area, ...] = (
    _area("hub", "🏛️", "Model Hub", "Model Hub", [
        ("nlp", "📝", "NLP: BERT, GPT, T5, BART", "NLP: BERT, GPT, T5, BART", "model_hub"),
        ("vision", "🖼️", "Thị giác: ViT, DETR", "Vision: ViT, DETR", "model_hub"),
        ("speech", "🎙️", "Tiếng nói: Whisper, Wav2Vec2", "Speech: Whisper, Wav2Vec2", "model_hub"),
        ("multimodal", "🔀", "Đa phương thức: CLIP, Flamingo", "Multimodal: CLIP, Flamingo", "model_hub"),
        ("community", "🤝", "Mô hình cộng đồng", "Community models", "model_hub"),
        ("autotrain", "🪄", "AutoTrain", "AutoTrain", "model_hub"),
    ]),
    _area("transformers", "🤖", "Transformers", "Transformers", [
        ("nlp", "📝", "Transformers cho văn bản (NLP)", "Transformers for text (NLP)", "transformers_pipelines"),
        ("vision", "🖼️", "Transformers cho ảnh", "Transformers for vision", "transformers_pipelines"),
        ("audio", "🔊", "Transformers cho âm thanh", "Transformers for audio", "transformers_pipelines"),
        ("multimodal", "🔀", "Transformers đa phương thức", "Multimodal Transformers", "transformers_pipelines"),
        ("pipelines", "🚰", "Pipeline", "Pipelines", "transformers_pipelines"),
        ("trainer", "🏋️", "Trainer API", "Trainer API", "trainer_api"),
    ]),
    _area("datasets", "🗂️", "Datasets", "Datasets", [
        ("nlp", "📝", "Dữ liệu văn bản: SQuAD, IMDB, CoLA", "Text data: SQuAD, IMDB, CoLA", "datasets_lab"),
        ("vision", "🖼️", "Dữ liệu ảnh: COCO, ImageNet", "Vision data: COCO, ImageNet", "datasets_lab"),
        ("speech", "🎙️", "Dữ liệu tiếng nói: LibriSpeech, Common Voice", "Speech data: LibriSpeech, Common Voice", "datasets_lab"),
        ("multimodal", "🔀", "Dữ liệu đa phương thức: LAION-5B, Conceptual Captions", "Multimodal data: LAION-5B, Conceptual Captions", "datasets_lab"),
        ("loading", "📥", "Data Loading API", "Data Loading API", "datasets_lab"),
        ("viewer", "🔍", "Dataset Viewer", "Dataset Viewer", "datasets_lab"),
    ]),
    _area("tokenizers", "✂️", "Tokenizers", "Tokenizers", [
        ("wordpiece", "🧩", "WordPiece", "WordPiece", "tokenizers_lab"),
        ("bpe", "🔗", "BPE (Byte-Pair Encoding)", "BPE (Byte-Pair Encoding)", "tokenizers_lab"),
        ("sentencepiece", "▁", "SentencePiece", "SentencePiece", "tokenizers_lab"),
        ("fast", "⚡", "Fast tokenizer", "Fast tokenizers", "tokenizers_lab"),
        ("custom", "🛠️", "Tự huấn luyện tokenizer", "Custom tokenizers", "tokenizers_lab"),
    ]),
    _area("inference", "🚀", "Inference API", "Inference API", [
        ("hosted", "☁️", "Suy luận qua máy chủ (hosted inference)", "Hosted inference", "inference_spaces"),
        ("spaces", "🪐", "Spaces: Gradio, Streamlit", "Spaces: Gradio, Streamlit", "inference_spaces"),
        ("text_generation", "✍️", "Sinh văn bản", "Text generation", "inference_spaces"),
        ("image_classification", "🏷️", "Phân loại ảnh", "Image classification", "inference_spaces"),
        ("speech_recognition", "👂", "Nhận dạng tiếng nói", "Speech recognition", "inference_spaces"),
        ("conversational", "💬", "Trò chuyện (chat)", "Conversational AI", "inference_spaces"),
        ("embeddings", "🧭", "Vector nhúng (embeddings)", "Embeddings", "inference_spaces"),
        ("text_to_speech", "🗣️", "Chuyển văn bản thành giọng nói", "Text-to-speech", "inference_spaces"),
    ]),
    _area("tools", "🧰", "Công cụ bổ sung", "Additional tools", [
        ("hub_cli", "⌨️", "Hub CLI", "Hub CLI", "tools"),
        ("accelerate", "🏎️", "Accelerate", "Accelerate", "tools"),
        ("peft", "🎛️", "PEFT", "PEFT", "tools"),
        ("optimum", "⚙️", "Optimum", "Optimum", "tools"),
        ("trl", "🎯", "TRL", "TRL", "tools"),
        ("evaluate", "📏", "Evaluate", "Evaluate", "tools"),
        ("gradio", "🎨", "Gradio", "Gradio", "tools"),
        ("streamlit", "👑", "Streamlit", "Streamlit", "tools"),
    ]),
)

# Navigation groups in sidebar order: the start group, the six areas, then reference pages.
GROUPS: dict[str, dict[str, str]] = {
    "start": {"vi": "Bắt đầu", "en": "Start"},
    **{a.id: a.title for a in AREAS},
    "reference": {"vi": "Tra cứu", "en": "Reference"},
}

PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "🏠", {"vi": "Trang chủ", "en": "Home"}, "start"),
    PageSpec("model_hub", "🏛️", {"vi": "Model Hub", "en": "Model Hub"}, "hub"),
    PageSpec("transformers_pipelines", "🤖",
             {"vi": "Transformers và pipeline", "en": "Transformers & Pipelines"}, "transformers"),
    PageSpec("trainer_api", "🏋️", {"vi": "Trainer API", "en": "Trainer API"}, "transformers"),
    PageSpec("datasets_lab", "🗂️", {"vi": "Datasets", "en": "Datasets"}, "datasets"),
    PageSpec("tokenizers_lab", "✂️", {"vi": "Tokenizers", "en": "Tokenizers"}, "tokenizers"),
    PageSpec("inference_spaces", "🚀",
             {"vi": "Inference API và Spaces", "en": "Inference API & Spaces"}, "inference"),
    PageSpec("tools", "🧰", {"vi": "Công cụ bổ sung", "en": "Additional tools"}, "tools"),
    PageSpec("quiz", "📝", {"vi": "Câu hỏi ôn tập và tiến độ", "en": "Quizzes & progress"}, "reference"),
    PageSpec("glossary", "📖", {"vi": "Thuật ngữ", "en": "Glossary"}, "reference"),
    PageSpec("about", "📦", {"vi": "Giới thiệu và gói ngoại tuyến", "en": "About & offline pack"}, "reference"),
)

ROOT = Path(__file__).resolve().parent.parent


def all_leaves() -> list[Leaf]:
    return [leaf for area in AREAS for leaf in area.leaves]


def area(area_id: str) -> Area:
    return next(a for a in AREAS if a.id == area_id)


def page(page_id: str) -> PageSpec:
    return next(p for p in PAGES if p.id == page_id)


def leaves_of_page(page_id: str) -> list[Leaf]:
    return [leaf for leaf in all_leaves() if leaf.page == page_id]


def page_of_node(node_id: str) -> PageSpec | None:
    """The page a click on the Home map opens: a leaf's page, or an area's first page."""
    for leaf in all_leaves():
        if leaf.key == node_id:
            return page(leaf.page)
    return next((p for p in PAGES if p.group == node_id), None)


def pages_by_group() -> dict[str, list[PageSpec]]:
    """Pages grouped for st.navigation, groups in GROUPS order, empty groups dropped."""
    groups = {g: [p for p in PAGES if p.group == g] for g in GROUPS}
    return {g: ps for g, ps in groups.items() if ps}
