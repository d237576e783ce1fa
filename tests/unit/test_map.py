"""The map in lib/sections.py is the one source of truth: it must be complete and consistent."""
from pathlib import Path

from lib.sections import AREAS, GROUPS, LANGS, PAGES, ROOT, all_leaves, leaves_of_page, pages_by_group

DESIGN_LEAVES = {
    "hub": {"nlp", "vision", "speech", "multimodal", "community", "autotrain"},
    "transformers": {"nlp", "vision", "audio", "multimodal", "trainer", "pipelines"},
    "datasets": {"nlp", "vision", "speech", "multimodal", "loading", "viewer"},
    "tokenizers": {"wordpiece", "bpe", "sentencepiece", "fast", "custom"},
    "inference": {"hosted", "spaces", "text_generation", "image_classification", "speech_recognition",
                  "conversational", "embeddings", "text_to_speech"},
    "tools": {"hub_cli", "accelerate", "peft", "optimum", "trl", "evaluate", "gradio", "streamlit"},
}


def test_six_areas_with_every_leaf_of_the_design():
    assert {a.id: {leaf.id for leaf in a.leaves} for a in AREAS} == DESIGN_LEAVES


def test_ids_and_anchors_are_unique():
    leaves = all_leaves()
    assert len({leaf.key for leaf in leaves}) == len(leaves)
    assert len({leaf.anchor for leaf in leaves}) == len(leaves)
    assert len({p.id for p in PAGES}) == len(PAGES)
    assert len({p.url_path for p in PAGES}) == len(PAGES)


def test_every_title_exists_in_both_languages():
    titled = [*AREAS, *all_leaves(), *PAGES]
    for item in titled:
        assert set(item.title) == set(LANGS), item
        assert all(item.title[lang].strip() for lang in LANGS), item
    for group, title in GROUPS.items():
        assert set(title) == set(LANGS), group


def test_every_leaf_is_shown_by_an_existing_page_and_every_area_has_a_page():
    page_ids = {p.id for p in PAGES}
    for leaf in all_leaves():
        assert leaf.page in page_ids, leaf
    grouped = pages_by_group()
    for area in AREAS:
        assert grouped.get(area.id), f"no page in the navigation group of {area.id}"


def test_page_files_exist_and_none_is_unlisted():
    listed = {p.file for p in PAGES}
    on_disk = {str(path.relative_to(ROOT)) for path in (ROOT / "app_pages").glob("*.py")}
    assert listed == on_disk


def test_required_pages_exist():
    required = {"home", "model_hub", "transformers_pipelines", "trainer_api", "datasets_lab",
                "tokenizers_lab", "inference_spaces", "tools", "glossary", "about"}
    assert required <= {p.id for p in PAGES}
    assert [leaf.key for leaf in leaves_of_page("trainer_api")] == ["transformers.trainer"]


def test_no_page_file_hard_codes_the_list_of_pages():
    assert not (ROOT / "pages").exists(), "a pages/ folder switches Streamlit to old-style multipage on first visit"
    for path in [*Path(ROOT / "app_pages").glob("*.py"), ROOT / "Home.py"]:
        source = path.read_text(encoding="utf-8")
        assert "pages/" not in source, f"{path.name} hard-codes a page path; read lib/sections.py"


def test_clicks_on_the_home_map_open_the_right_page():
    from lib.sections import page_of_node

    assert page_of_node("tokenizers.bpe").id == "tokenizers_lab"
    assert page_of_node("transformers.trainer").id == "trainer_api"
    assert page_of_node("transformers").id == "transformers_pipelines"
    assert page_of_node("root") is None
    assert page_of_node("<script>") is None
