"""Both languages carry the same files and keys, written in NFC Vietnamese, with real length."""
import re
import unicodedata

import pytest
import yaml

from lib.i18n import CONTENT_DIR, content, content_files, glossary, leaf_words, prose_words, strings
from lib.sections import AREAS, LANGS, PAGES, ROOT, all_leaves

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
STRING_KEY_IN_CODE = re.compile(r"""\b(?:t\(|translate\([\w.]+(?:\(\))?(?: or "\w+")?,)\s*["']([a-z0-9_]+)["']""")
STRING_KEY_PREFIX_IN_CODE = re.compile(r"""\b(?:t\(|translate\(\s*lang,)\s*f["']([a-z0-9_]+)\{""")
# lib/ raises problems and notices as catalogue keys for the page to translate
STRING_KEY_AS_PROBLEM = re.compile(r"""(?:InputProblem\(|[([]\(|= \()\s*["']((?:text|image|audio|media|speech|zero_shot|chat|generation|hub|ds|metric|cli|spaces|train|trl)_[a-z0-9_]+)["']""")
STRING_LITERAL = re.compile(r"""["']([a-z][a-z0-9_]*)["']""")
STRING_KEY_AS_DEFAULT = re.compile(r"""["']([a-z0-9_]+_default(?:_[a-z0-9_]+)?)["']""")  # a widget's first value, in a table


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping: plain YAML keeps the last one,
    so a second `train_title` silently replaced the Tokenizers lab's heading with the Trainer's."""


def _no_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    repeated = sorted({key for key in keys if keys.count(key) > 1}, key=str)
    if repeated:
        raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {repeated}", node.start_mark)
    return loader.construct_mapping(node, deep)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in
                                        [*CONTENT_DIR.rglob("*.yaml"), *(ROOT / "lib").rglob("*.yaml")]))
def test_no_yaml_file_gives_a_key_twice(path):
    yaml.load((ROOT / path).read_text(encoding="utf-8"), Loader=_UniqueKeys)


def test_same_content_files_in_both_languages():
    assert content_files("vi") == content_files("en")


@pytest.mark.parametrize("lang", LANGS)
def test_every_leaf_and_page_has_non_empty_content(lang):
    needed = [leaf.content_path for leaf in all_leaves()] + [p.intro_path for p in PAGES]
    needed += ["home/learning_path.md", "home/classroom.md", "about/project.md"]
    for relpath in needed:
        assert content(lang, relpath).strip(), f"{lang}/{relpath} is empty"


@pytest.mark.parametrize("relpath", content_files("vi"))
def test_files_are_nfc_and_vietnamese_has_diacritics(relpath):
    for lang in LANGS:
        text = (CONTENT_DIR / lang / relpath).read_text(encoding="utf-8")
        assert text == unicodedata.normalize("NFC", text), f"{lang}/{relpath} is not NFC"
    vietnamese = (CONTENT_DIR / "vi" / relpath).read_text(encoding="utf-8")
    assert len(VIETNAMESE_LETTERS.findall(vietnamese.lower())) > 5, f"vi/{relpath} lacks diacritics"


@pytest.mark.parametrize("relpath", [leaf.content_path for leaf in all_leaves()])
def test_leaf_content_uses_only_subheadings(relpath):
    for lang in LANGS:
        prose = re.sub(r"```.*?```", "", content(lang, relpath), flags=re.DOTALL)
        for line in prose.splitlines():
            assert not re.match(r"#{1,2} ", line), f"{lang}/{relpath}: the page prints the title; use ###"
            assert not re.search(r"<(script|div|span|style|iframe)\b", line, re.I), f"raw HTML in {lang}/{relpath}"


def test_vietnamese_leaves_average_at_least_250_words():
    words = leaf_words("vi")
    assert sum(words.values()) / len(words) >= 250, words
    short = {key: n for key, n in words.items() if n < 150}
    assert not short, f"leaves too short to teach anything: {short}"


def test_english_twin_is_not_a_stub():
    vi, en = leaf_words("vi"), leaf_words("en")
    for key in vi:
        assert en[key] >= 0.5 * vi[key], f"en/{key} says much less than vi ({en[key]} vs {vi[key]} words)"


def test_prose_words_ignores_code():
    assert prose_words("một hai\n```python\nimport x\nprint(1)\n```\nba") == 3


def test_string_catalogues_have_the_same_non_empty_keys():
    vi, en = strings("vi"), strings("en")
    assert set(vi) == set(en)
    for lang, catalogue in (("vi", vi), ("en", en)):
        for key, value in catalogue.items():
            assert isinstance(value, str) and value.strip(), f"{lang}:{key}"
            assert value == unicodedata.normalize("NFC", value)


def test_every_key_used_in_code_exists_and_none_is_unused():
    from lib.sections import ROOT

    sources = [p.read_text(encoding="utf-8") for p in [ROOT / "Home.py", *ROOT.glob("app_pages/*.py"),
                                                        *ROOT.glob("lib/**/*.py")]]
    used = {key for source in sources for pattern in (STRING_KEY_IN_CODE, STRING_KEY_AS_PROBLEM, STRING_KEY_AS_DEFAULT)
            for key in pattern.findall(source)}
    catalogue = set(strings("vi"))
    prefixes = {prefix for source in sources for prefix in STRING_KEY_PREFIX_IN_CODE.findall(source)}
    used |= {key for key in catalogue if any(key.startswith(prefix) for prefix in prefixes)}
    assert used - catalogue == set(), "keys used in code but missing from the catalogue"
    # a key written as a plain literal anywhere (a spec's explain_key, a table of defaults) is used too
    used |= {literal for source in sources for literal in STRING_LITERAL.findall(source)} & catalogue
    # keys read indirectly (translate(lang, ...)) are listed here explicitly
    indirect = {"language_label", "language_name", "sidebar_offline", "sidebar_online",
                "hub_unreachable", "hub_not_found", "hub_gated",  # keys returned by choice.hub_problem
                "tok_hub_load_failed", "tok_hub_added",  # messages a callback leaves for the next run
                "ds_upload_not_utf8", "ds_upload_binary"}  # uploads._DATASET_WORDS: decode_upload's problems renamed
    assert catalogue - used - indirect == set(), "catalogue keys nothing uses"


def test_glossary_ids_match_and_cover_every_area():
    vi, en = glossary("vi"), glossary("en")
    assert [e["id"] for e in vi] == [e["id"] for e in en]
    assert len({e["id"] for e in vi}) == len(vi) >= 80
    areas = {a.id for a in AREAS} | {"general"}
    for lang, entries in (("vi", vi), ("en", en)):
        for entry in entries:
            assert entry["area"] in areas, entry
            assert entry["term"].strip() and entry["definition"].strip(), entry
    assert {e["area"] for e in vi} >= {a.id for a in AREAS}
    assert [e["area"] for e in vi] == [e["area"] for e in en]
