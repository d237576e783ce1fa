"""The model registry: every task once, every model described in both languages, honest offline lists."""
import unicodedata

import pytest

from lib.models import registry
from lib.models.pack import COMPONENTS
from lib.sections import LANGS

TASK_IDS = [
    "feature-extraction", "text-classification", "zero-shot-classification", "token-classification",
    "text-generation", "chat", "automatic-speech-recognition", "text-to-speech", "image-classification",
    "fill-mask", "question-answering", "summarization", "translation", "zero-shot-image-classification",
    "object-detection",
]
# DESIGN.md, "Not available offline (Hub-only)".
HUB_ONLY = {"fill-mask", "question-answering", "summarization", "translation",
            "zero-shot-image-classification", "object-detection"}
# transformers 5 removed these pipelines; the registry must say what to use instead.
NO_PIPELINE = {"question-answering", "summarization", "translation"}


def referenced_ids() -> set[str]:
    return {model_id for t in registry.tasks() for model_id in (*t.pack, *t.hub)}


def test_every_task_exists_exactly_once_in_order():
    assert [t.id for t in registry.tasks()] == TASK_IDS
    for task_id in TASK_IDS:
        assert registry.task(task_id).id == task_id
    with pytest.raises(KeyError):
        registry.task("no-such-task")


def test_pipelines_are_real_or_replaced():
    for t in registry.tasks():
        if t.id in NO_PIPELINE:
            assert t.pipeline is None and t.instead, t.id
        else:
            assert t.pipeline and t.instead is None, t.id


def test_pipeline_names_exist_in_transformers_when_installed():
    pipelines = pytest.importorskip("transformers.pipelines")
    known = set(pipelines.SUPPORTED_TASKS) | set(pipelines.TASK_ALIASES)
    for t in registry.tasks():
        if t.pipeline:
            assert t.pipeline in known, f"{t.id}: {t.pipeline} is not a transformers pipeline"
    for removed in NO_PIPELINE:
        assert removed not in known, f"{removed} came back: give it a pipeline name again"


def test_hub_lists_have_two_to_four_models_without_duplicates():
    for t in registry.tasks():
        assert 2 <= len(t.hub) <= 4, t.id
        assert len(set(t.hub)) == len(t.hub), t.id
        assert len(set(t.pack)) == len(t.pack), t.id


def test_every_referenced_model_has_facts_and_nothing_is_unreferenced():
    assert referenced_ids() == set(registry.models())


def test_model_facts_are_well_formed():
    for model_id, m in registry.models().items():
        assert m.id == model_id
        assert m.kind in registry.KINDS, model_id
        assert m.status in registry.STATUSES, model_id
        assert m.source.strip() and m.licence.strip(), model_id
        assert m.parameters is None or (isinstance(m.parameters, int) and m.parameters > 0), model_id
        assert m.size_mb is None or m.size_mb > 0, model_id
        assert m.year is None or 2010 <= m.year <= 2026, model_id
        assert all(isinstance(code, str) and code for code in m.languages), model_id
        if m.kind == "hub":
            assert registry.is_valid_hub_id(model_id), model_id
            assert m.status == "ready", model_id


def test_hub_and_offline_lists_hold_the_right_kinds():
    for t in registry.tasks():
        for model_id in t.hub:
            assert registry.model(model_id).kind == "hub", (t.id, model_id)
        for model_id in t.pack:
            assert registry.model(model_id).offline, (t.id, model_id)


def test_ready_pack_models_are_real_pack_components():
    components = {c.id: c for c in COMPONENTS}
    for m in registry.models().values():
        if m.kind == "pack" and m.status == "ready":
            assert m.id in components, m.id
            assert m.licence == components[m.id].licence, m.id
    # Every pack component that is a task model is listed (the GPT-2 tokenizer is not a model).
    pack_models = {m.id for m in registry.models().values() if m.kind == "pack"}
    assert {c.id for c in COMPONENTS} - {"gpt2-tokenizer"} <= pack_models


def test_every_offline_model_is_ready_now():
    # underthesea's NER and espeak-ng's Vietnamese voice became ready with the inference labs (issue 5)
    assert {m.id for m in registry.models().values() if m.status == "planned"} == set()


def test_tasks_without_offline_models_are_exactly_the_hub_only_ones():
    assert {t.id for t in registry.tasks() if not t.pack} == HUB_ONLY


def test_offline_models_filters_planned_ones():
    assert [m.id for m in registry.offline_models("chat")] == ["smollm2-135m-instruct"]
    assert [m.id for m in registry.offline_models("zero-shot-classification")] == ["multilingual-e5-small"]
    assert [m.id for m in registry.offline_models("text-classification")] == ["sentiment-e5-vi-en"]
    assert [m.id for m in registry.offline_models("image-classification")] == ["vit-digits"]
    tts = registry.offline_models("text-to-speech")
    assert [m.id for m in tts] == ["piper-en-us-joe", "espeak-ng-vi"]
    assert [m.id for m in registry.offline_models("token-classification")] == ["underthesea-ner"]
    assert registry.offline_models("summarization", only_ready=False) == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_model_has_a_card_and_nothing_more(lang):
    texts = registry._texts(lang)
    assert set(texts) - {registry.TASKS_KEY} == set(registry.models())
    for model_id in registry.models():
        card = registry.card(model_id, lang)
        assert set(card) == {"summary", "good", "bad"}
        assert set(texts[model_id]) == {"summary", "good", "bad"}, model_id


@pytest.mark.parametrize("lang", LANGS)
def test_every_task_has_a_title_and_an_offline_note(lang):
    assert set(registry._texts(lang)[registry.TASKS_KEY]) == set(TASK_IDS)
    for task_id in TASK_IDS:
        assert set(registry.task_text(task_id, lang)) == {"title", "offline_note"}


def all_texts():
    for lang in LANGS:
        for model_id in registry.models():
            for key, value in registry.card(model_id, lang).items():
                yield lang, f"{model_id}.{key}", value
        for task_id in TASK_IDS:
            for key, value in registry.task_text(task_id, lang).items():
                yield lang, f"_tasks.{task_id}.{key}", value


def test_every_text_is_non_empty_nfc_and_short():
    for lang, where, value in all_texts():
        assert isinstance(value, str) and value.strip(), f"{lang}:{where} is empty"
        assert value == unicodedata.normalize("NFC", value), f"{lang}:{where} is not NFC"
        assert len(value) <= 400, f"{lang}:{where} is too long for a card"


def test_vietnamese_texts_are_not_english_copies():
    for model_id in registry.models():
        assert registry.card(model_id, "vi") != registry.card(model_id, "en"), model_id
    for task_id in TASK_IDS:
        assert registry.task_text(task_id, "vi") != registry.task_text(task_id, "en"), task_id


def test_removed_pipelines_are_explained_in_both_languages():
    for task_id in NO_PIPELINE:
        alternative = registry.task(task_id).instead
        for lang in LANGS:
            assert alternative in registry.task_text(task_id, lang)["offline_note"], (task_id, lang)


def test_unknown_ids_raise_key_error():
    with pytest.raises(KeyError):
        registry.model("nobody/nothing")
    with pytest.raises(KeyError):
        registry.card("nobody/nothing", "vi")
    with pytest.raises(KeyError):
        registry.card(registry.TASKS_KEY, "en")


@pytest.mark.parametrize("repo_id", [
    "openai/whisper-tiny", "gpt2", "facebook/mms-tts-vie", "HuggingFaceTB/SmolLM2-135M-Instruct",
    "google-t5/t5-small", "Helsinki-NLP/opus-mt-en-vi", "a", "x/" + "y" * 96,
])
def test_valid_hub_ids(repo_id):
    assert registry.is_valid_hub_id(repo_id)


@pytest.mark.parametrize("text", [
    "", "a b/c", "https://huggingface.co/gpt2", "../etc/passwd", "owner/name/extra", "-bad/name",
    "a" * 200, "owner/" + "n" * 200, "<script>", "owner/name-", "owner/.name", "own--er/name",
    "owner/na..me", "/name", "owner/", "gpt2\n", " gpt2", "owner\\name", "ví-dụ/mô-hình", None, 42,
])
def test_invalid_hub_ids(text):
    assert not registry.is_valid_hub_id(text)


def test_yaml_is_loaded_once():
    registry.models()
    registry.card("openai-community/gpt2", "vi")
    before = (registry._registry.cache_info().misses, registry._texts.cache_info().misses)
    for _ in range(3):
        registry.tasks()
        registry.models()
        registry.card("openai-community/gpt2", "vi")
    after = (registry._registry.cache_info().misses, registry._texts.cache_info().misses)
    assert before == after


def test_registry_imports_nothing_heavy():
    import subprocess
    import sys

    from lib.sections import ROOT

    script = ("import sys, lib.models.registry as r; r.tasks(); r.card('openai-community/gpt2', 'vi'); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('torch', 'transformers', 'streamlit', 'datasets', 'evaluate')))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
