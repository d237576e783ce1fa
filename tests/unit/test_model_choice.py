import pytest

from lib.models import choice, registry

HUB_ONLY = {"fill-mask", "question-answering", "summarization", "translation",
            "zero-shot-image-classification", "object-detection"}


@pytest.fixture
def pack_ready(monkeypatch):
    monkeypatch.setattr(choice, "status", lambda component: "ready")


def test_offline_offers_only_pack_models_and_nothing_for_hub_only_tasks(pack_ready):
    for task in registry.tasks():
        offered = choice.choices(task.id, online=False)
        assert all(c.source in ("pack", "package") for c in offered)
        assert (not offered) == (task.id in HUB_ONLY), task.id
    # Vietnamese NER and espeak-ng run offline through a library's own model, not a pack folder
    assert [(c.source, c.id) for c in choice.choices("token-classification", online=False)] == [
        ("package", "underthesea-ner")]
    assert [c.id for c in choice.choices("text-classification", online=False)] == ["sentiment-e5-vi-en"]


def test_online_adds_the_curated_hub_models_after_the_pack(pack_ready):
    offered = choice.choices("automatic-speech-recognition", online=True)
    assert offered[0].source == "pack"
    assert "openai/whisper-tiny" in [c.id for c in offered if c.source == "hub"]


def test_the_models_speaking_the_page_language_come_first(pack_ready):
    # text-to-speech: picking the model picks the voice, so a Vietnamese page starts with espeak-ng
    assert [c.id for c in choice.choices("text-to-speech", False, "vi")] == ["espeak-ng-vi", "piper-en-us-joe"]
    assert [c.id for c in choice.choices("text-to-speech", False, "en")] == ["piper-en-us-joe", "espeak-ng-vi"]
    # embeddings: the multilingual e5 first in both languages, MiniLM (English only) never first on a Vietnamese page
    for lang in ("vi", "en"):
        assert [c.id for c in choice.choices("feature-extraction", False, lang)] == ["multilingual-e5-small",
                                                                                    "all-minilm-l6-v2"]


def test_a_missing_pack_part_is_not_offered(monkeypatch):
    monkeypatch.setattr(choice, "status", lambda component: "missing")
    assert choice.choices("chat", online=False) == []


def test_locations():
    assert choice.ModelChoice("hub", "openai/whisper-tiny").location == "openai/whisper-tiny"
    assert choice.ModelChoice("pack", "vit-digits").location.endswith("pack/vit-digits")


@pytest.mark.parametrize("text,expected", [("  openai/whisper-tiny ", "openai/whisper-tiny"), ("gpt2", "gpt2"),
                                           ("https://huggingface.co/gpt2", None), ("a b/c", None),
                                           ("<script>alert(1)</script>", None), ("", None)])
def test_free_text_is_validated(text, expected):
    picked = choice.free_text_choice(text)
    assert (picked.id if picked else None) == expected


@pytest.mark.parametrize("task_id", sorted(HUB_ONLY))
def test_hub_code_for_hub_only_tasks_is_valid_python_naming_a_curated_model(task_id):
    code = choice.hub_code(task_id)
    compile(code, task_id, "exec")
    assert registry.task(task_id).hub[0] in code


def test_hub_problem_maps_hub_errors_to_catalogue_keys(monkeypatch):
    import huggingface_hub
    from huggingface_hub import errors

    def raising(error):
        def fake_model_info(model_id, timeout=None):
            raise error
        return fake_model_info

    def http_error(cls):  # the Hub's HTTP errors want a real response; only the type matters here
        error = cls.__new__(cls)
        Exception.__init__(error, cls.__name__)
        return error

    cases = [(http_error(errors.GatedRepoError), "hub_gated"),
             (http_error(errors.RepositoryNotFoundError), "hub_not_found"),
             (errors.OfflineModeIsEnabled("offline"), "hub_unreachable"),
             (ConnectionError("no route"), "hub_unreachable")]
    for error, key in cases:
        monkeypatch.setattr(huggingface_hub, "model_info", raising(error))
        assert choice.hub_problem("owner/model") == key
    monkeypatch.setattr(huggingface_hub, "model_info", lambda model_id, timeout=None: object())
    assert choice.hub_problem("owner/model") is None
