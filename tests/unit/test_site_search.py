"""The search box finds lesson sections and glossary terms in the learner's language."""
from lib import site_search
from lib.sections import page


def test_finds_terms_without_diacritics_and_links_them_to_the_glossary():
    hits = site_search.search("bo tach tu", "vi")
    term = next(h for h in hits if h.kind == "term")
    assert term.title.startswith("bộ tách từ") and term.page == "glossary" and dict(term.params)["q"] == "bộ tách từ"


def test_finds_a_leaf_and_opens_its_tab():
    hits = site_search.search("LoRA", "en")
    leaf = next(h for h in hits if h.kind == "section" and dict(h.params).get("tab") == "peft")
    assert page(leaf.page).id == "tools" and "LoRA" in leaf.snippet


def test_answers_in_the_current_language_only():
    assert all("tokenizer training" not in h.title.split("(")[0] for h in site_search.search("huan luyen", "vi"))
    english = site_search.search("training", "en")
    assert english and all(h.title.isascii() or "(" in h.title for h in english if h.kind == "section")


def test_empty_and_huge_queries():
    assert site_search.search("", "vi") == [] and site_search.search("   ", "en") == []
    assert site_search.search("a" * 1_000_000, "en") == []
    assert len(site_search.search("model", "en")) == site_search.MAX_RESULTS
