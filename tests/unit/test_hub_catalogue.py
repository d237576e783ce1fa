"""The Model Hub catalogue: facts complete and cross-checked against counted models, card texts
bilingual, filters right, and the live Hub functions tested with fakes (no network, ever)."""
import re
import socket
import unicodedata

import pytest
import yaml

from lib.hub import catalogue
from lib.models.pack import COMPONENTS
from lib.sections import LANGS, all_leaves
from lib.text_input import InputProblem

pytestmark = pytest.mark.pack

REQUIRED = ("id", "hub_id", "name", "family", "area", "model_type", "tasks", "parameters", "parameters_source",
            "licence", "languages", "year", "paper", "pack", "anatomy")
BRIEF_IDS = ("google-bert/bert-base-uncased", "openai-community/gpt2", "google-t5/t5-small", "facebook/bart-large",
             "google/vit-base-patch16-224", "facebook/detr-resnet-50", "openai/whisper-base",
             "facebook/wav2vec2-base-960h", "openai/clip-vit-base-patch32", "HuggingFaceM4/idefics2-8b",
             "vinai/phobert-base", "VietAI/vit5-base", "vinai/bartpho-syllable")
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")


# ------------------------------------------------------------------ facts
def test_facts_yaml_is_complete_and_valid():
    raw = yaml.safe_load(catalogue.FACTS_FILE.read_text(encoding="utf-8"))["models"]
    ids = [item["id"] for item in raw]
    assert len(ids) == len(set(ids)) == len(catalogue.models()) >= 18
    hub_leaves = {leaf.id for leaf in all_leaves() if leaf.area == "hub"}
    assert set(catalogue.AREAS) <= hub_leaves
    components = {c.id for c in COMPONENTS}
    for item in raw:
        assert set(item) == set(REQUIRED), item["id"]
        assert item["family"] in catalogue.FAMILIES and item["area"] in catalogue.AREAS, item["id"]
        assert item["tasks"] and all(re.fullmatch(r"[a-z0-9-]+", t) for t in item["tasks"]), item["id"]
        assert 2017 <= item["year"] <= 2026 and item["name"], item["id"]
        if item["parameters"] is None:
            assert item["parameters_source"] is None, item["id"]
        else:
            assert isinstance(item["parameters"], int) and item["parameters"] > 1_000_000, item["id"]
            assert item["parameters_source"] in ("counted", "paper", "card"), item["id"]
        assert item["licence"] is None or re.fullmatch(r"[a-z0-9.-]+", item["licence"]), item["id"]
        assert all(code == "multilingual" or re.fullmatch(r"[a-z]{2}", code) for code in item["languages"])
        if item["hub_id"] is not None:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+", item["hub_id"]), item["id"]
        if item["pack"] is not None:
            assert item["pack"]["relation"] in catalogue.PACK_RELATIONS
            assert item["pack"]["component"] in components, item["id"]
    hub_ids = {m.hub_id for m in catalogue.models()}
    assert set(BRIEF_IDS) <= hub_ids
    assert {m.area for m in catalogue.models()} == set(catalogue.AREAS)
    flamingo = catalogue.get("flamingo")
    assert flamingo.hub_id is None and flamingo.url is None  # no official weights
    assert catalogue.get("vinai/phobert-base").id == "phobert"
    assert {m.id for m in catalogue.models() if m.in_pack} == {"whisper", "multilingual_e5", "minilm", "smollm2"}


def test_parameters_agree_with_anatomy_counts():
    """Within 2% of the count lib.inference.anatomy builds from the published configs."""
    from lib.inference import anatomy

    checked = 0
    for model in catalogue.models():
        if model.anatomy is None:
            continue
        counted = anatomy.summary(model.anatomy)["total_params"]
        assert model.parameters is not None and abs(model.parameters - counted) <= 0.02 * counted, model.id
        checked += 1
    assert checked >= 9


def test_parameters_of_pack_models_match_the_pack_configs():
    """The models the pack holds are counted from their own config.json on the meta device."""
    import torch
    import transformers

    from lib.models.loader import pack_path

    for model in catalogue.models():
        if not model.in_pack or model.model_type is None or model.id == "whisper":  # whisper: CTranslate2, no config
            continue
        config = transformers.AutoConfig.from_pretrained(pack_path(model.pack["component"]))
        auto = transformers.AutoModelForCausalLM if "text-generation" in model.tasks else transformers.AutoModel
        with torch.device("meta"):
            built = auto.from_config(config)
        count = sum(p.numel() for p in {id(p): p for p in built.parameters()}.values())
        assert count == model.parameters, (model.id, count)
        assert config.model_type == model.model_type


# ------------------------------------------------------------------ texts
def test_card_texts_have_the_same_keys_in_both_languages_and_are_nfc():
    texts = {lang: yaml.safe_load((catalogue.CONTENT_DIR / lang / catalogue.TEXTS_FILE).read_text(encoding="utf-8"))
             for lang in LANGS}
    assert set(texts["vi"]) == set(texts["en"]) == {"models"}
    assert set(texts["vi"]["models"]) == set(texts["en"]["models"]) == {m.id for m in catalogue.models()}
    for lang in LANGS:
        for model in catalogue.models():
            value = catalogue.card_text(model.id, lang)
            assert value == unicodedata.normalize("NFC", value), (lang, model.id)
            sentences = len(re.findall(r"[.!?](?:\s|$)", value))
            assert 2 <= sentences <= 5, (lang, model.id, sentences)
            if lang == "vi":
                assert len(VIETNAMESE_LETTERS.findall(value.lower())) > 5, model.id
    for lang in LANGS:  # PhoBERT's one pitfall a Vietnamese learner must hear
        assert "VnCoreNLP" in catalogue.card_text("phobert", lang)
    assert "tách từ" in catalogue.card_text("phobert", "vi")
    assert "word-segmented" in catalogue.card_text("phobert", "en")


@pytest.mark.parametrize("relpath", ["labs/hub/explorer.md", "labs/hub/autotrain.md"])
def test_lab_texts_exist_in_both_languages_with_a_teachable_length(relpath):
    from lib.i18n import content, prose_words

    vi_words = prose_words(content("vi", relpath))
    assert 100 <= vi_words <= 160, vi_words
    assert prose_words(content("en", relpath)) >= 0.6 * vi_words
    for lang in LANGS:
        assert content(lang, relpath) == unicodedata.normalize("NFC", content(lang, relpath))
    if relpath.endswith("autotrain.md"):
        assert "autotrain-advanced" in content("vi", relpath) and "Trainer API" in content("en", relpath)


# ------------------------------------------------------------------ filters and table
def test_filters_work_alone_and_together():
    assert {m.id for m in catalogue.filter_models(area="vision")} == {"vit", "detr"}
    assert {m.id for m in catalogue.filter_models(area="speech")} == {"whisper", "wav2vec2"}
    assert {m.id for m in catalogue.filter_models(task="automatic-speech-recognition")} == {
        "whisper", "wav2vec2", "phowhisper"}
    vietnamese = {m.id for m in catalogue.filter_models(language="vi")}
    assert {"phobert", "vit5", "bartpho", "phowhisper", "xlm_roberta", "whisper"} <= vietnamese
    assert "gpt2" not in vietnamese and "bert" not in vietnamese
    assert {m.id for m in catalogue.filter_models(area="community", family="encoder-decoder")} == {"vit5", "bartpho"}
    assert {m.id for m in catalogue.filter_models(text="VINAI")} == {"phobert", "bartpho", "phowhisper"}
    assert {m.id for m in catalogue.filter_models(text="roberta")} >= {"xlm_roberta", "phobert"}
    assert catalogue.filter_models(text="  ") == catalogue.models() == catalogue.filter_models()
    assert catalogue.filter_models(area="vision", language="vi") == []
    assert "fill-mask" in catalogue.tasks() and "vi" in catalogue.languages()


def test_table_has_one_row_per_model_with_integer_parameters():
    frame = catalogue.table()
    assert len(frame) == len(catalogue.models())
    assert list(frame.columns) == ["id", "name", "hub_id", "year", "parameters", "family", "area", "tasks",
                                   "main_task", "licence", "languages", "in_pack"]
    assert str(frame["parameters"].dtype) == "Int64"
    assert frame.set_index("id").loc["vit5", "parameters"] is __import__("pandas").NA
    assert frame.set_index("id").loc["gpt2", "parameters"] == 124439808
    assert len(catalogue.table(catalogue.filter_models(area="vision"))) == 2


# ------------------------------------------------------------------ the live Hub, with fakes
@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection is recorded (and fails), so a test can assert there was none."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.fixture
def online(monkeypatch, no_network):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    return no_network


def _info(repo_id, **extra):
    from huggingface_hub.hf_api import ModelInfo

    fields = {"id": repo_id, "downloads": 1234, "likes": 56, "pipeline_tag": "fill-mask",
              "library_name": "transformers", "lastModified": "2024-03-05T10:20:30.000Z",
              "createdAt": "2020-07-21T00:00:00.000Z", "tags": ["transformers", "vi", "license:mit"]}
    fields.update(extra)
    return ModelInfo(**fields)


def test_search_hub_passes_the_filters_and_reads_real_model_info_objects(online, monkeypatch):
    from huggingface_hub import HfApi

    calls = []

    def fake_list_models(self, **kwargs):
        calls.append(kwargs)
        yield from (_info("vinai/phobert-base"), _info("vinai/phobert-large", likes=None, tags=None,
                                                       lastModified=None))

    monkeypatch.setattr(HfApi, "list_models", fake_list_models)
    rows = catalogue.search_hub(" phobert ", task="fill-mask", library="transformers", language="vi",
                                sort="likes", limit=500)
    assert calls == [{"search": "phobert", "pipeline_tag": "fill-mask", "filter": ["transformers", "vi"],
                      "sort": "likes", "limit": catalogue.MAX_LIMIT, "expand": catalogue._LIST_EXPAND}]
    first, second = rows
    assert first == catalogue.HubRow(id="vinai/phobert-base", task="fill-mask", library="transformers",
                                     downloads=1234, likes=56, last_modified="2024-03-05", licence="mit",
                                     url="https://huggingface.co/vinai/phobert-base")
    assert second.likes is None and second.licence is None and second.last_modified is None
    catalogue.search_hub()
    assert calls[-1] == {"sort": "downloads", "limit": 20, "expand": catalogue._LIST_EXPAND}
    with pytest.raises(ValueError):
        catalogue.search_hub(sort="stars")
    assert online == []


def test_hub_model_info_reads_card_licence_files_and_parameters(online, monkeypatch):
    from huggingface_hub import HfApi

    seen = []

    def fake_model_info(self, repo_id, **kwargs):
        seen.append((repo_id, kwargs))
        return _info(repo_id, cardData={"license": "apache-2.0", "language": ["vi"]},
                     siblings=[{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}],
                     safetensors={"parameters": {"F32": 134998272}, "total": 134998272}, gated=False)

    monkeypatch.setattr(HfApi, "model_info", fake_model_info)
    info = catalogue.hub_model_info(" vinai/phobert-base ")
    assert seen == [("vinai/phobert-base", {"timeout": catalogue.TIMEOUT})]
    assert info == {"id": "vinai/phobert-base", "url": "https://huggingface.co/vinai/phobert-base",
                    "downloads": 1234, "likes": 56, "pipeline_tag": "fill-mask", "library": "transformers",
                    "licence": "apache-2.0",  # the card's metadata wins over the tag
                    "last_modified": "2024-03-05", "created_at": "2020-07-21", "files": 2,
                    "parameters": 134998272, "gated": False, "tags": ["transformers", "vi", "license:mit"]}
    # without card data: the license: tag; without siblings or safetensors: None
    monkeypatch.setattr(HfApi, "model_info", lambda self, repo_id, **kw: _info(repo_id))
    bare = catalogue.hub_model_info("gpt2")
    assert bare["licence"] == "mit" and bare["files"] is None and bare["parameters"] is None
    assert online == []


def _http_error(cls):  # the Hub's HTTP errors want a real response; only the type matters here
    error = cls.__new__(cls)
    Exception.__init__(error, cls.__name__)
    return error


def test_hub_failures_become_catalogue_keys(online, monkeypatch):
    from huggingface_hub import HfApi, errors

    def failing_list(self, **kwargs):  # lazy, like the real one: fails while iterating
        raise errors.OfflineModeIsEnabled("offline")
        yield

    monkeypatch.setattr(HfApi, "list_models", failing_list)
    with pytest.raises(InputProblem) as problem:
        catalogue.search_hub("phobert")
    assert (problem.value.key, problem.value.values) == ("hub_unreachable", {"model": "phobert"})

    for error, key in ((_http_error(errors.RepositoryNotFoundError), "hub_not_found"),
                       (ConnectionError("no route"), "hub_unreachable"), (TimeoutError(), "hub_unreachable")):
        def failing_info(self, repo_id, error=error, **kwargs):
            raise error
        monkeypatch.setattr(HfApi, "model_info", failing_info)
        with pytest.raises(InputProblem) as problem:
            catalogue.hub_model_info("owner/model")
        assert (problem.value.key, problem.value.values) == (key, {"model": "owner/model"})
    for bad in ("", "a b/c", "https://huggingface.co/gpt2", "<script>", "a/b/c"):
        with pytest.raises(InputProblem) as problem:
            catalogue.hub_model_info(bad)
        assert problem.value.key == "hub_not_found"


def test_offline_raises_the_key_without_any_network_call(monkeypatch, no_network):
    from huggingface_hub import HfApi, constants

    assert constants.is_offline_mode()  # tests/conftest.py sets HF_HUB_OFFLINE=1
    called = []
    monkeypatch.setattr(HfApi, "list_models", lambda self, **kw: called.append(kw) or iter(()))
    monkeypatch.setattr(HfApi, "model_info", lambda self, *a, **kw: called.append(a))
    with pytest.raises(InputProblem) as problem:
        catalogue.search_hub(task="automatic-speech-recognition", language="vi")
    assert (problem.value.key, problem.value.values) == ("hub_unreachable",
                                                         {"model": "automatic-speech-recognition"})
    with pytest.raises(InputProblem) as problem:
        catalogue.hub_model_info("vinai/PhoWhisper-base")
    assert (problem.value.key, problem.value.values) == ("hub_unreachable", {"model": "vinai/PhoWhisper-base"})
    assert called == [] and no_network == []


def test_offline_with_the_real_client_makes_no_connection(monkeypatch, no_network):
    """Even with our own check skipped, huggingface_hub refuses in offline mode: belt and braces."""
    monkeypatch.setattr(catalogue, "_offline", lambda: False)
    for call in (lambda: catalogue.search_hub("bert"), lambda: catalogue.hub_model_info("openai-community/gpt2")):
        with pytest.raises(InputProblem) as problem:
            call()
        assert problem.value.key == "hub_unreachable"
    assert no_network == []


# ------------------------------------------------------------------ the code to show
def test_code_is_valid_python_with_the_same_arguments():
    code = catalogue.code_search("phobert", task="fill-mask", language="vi", sort="likes", limit=5)
    compile(code, "search", "exec")
    assert "search='phobert'" in code and "pipeline_tag='fill-mask'" in code and "filter=['vi']" in code
    assert "sort='likes'" in code and "limit=5" in code
    info = catalogue.code_info("vinai/phobert-base")
    compile(info, "info", "exec")
    assert "model_info('vinai/phobert-base')" in info
