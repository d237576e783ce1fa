"""Lessons link the first appearance of glossary terms to the glossary page."""
import re
from urllib.parse import unquote

from lib.glossary import link_terms
from lib.i18n import content, glossary
from lib.sections import all_leaves


def test_lessons_link_the_first_appearance_of_glossary_terms():
    link = re.compile(r"\[([^\]]*)\]\(glossary\?lang=(vi|en)&q=([^)]*)\)")
    for lang in ("vi", "en"):
        terms = {entry["term"] for entry in glossary(lang)}
        for leaf in all_leaves():
            lesson = content(lang, leaf.content_path)
            linked = link_terms(lesson, glossary(lang), lang)
            found = link.findall(linked)
            assert 0 < len(found) <= 12, (lang, leaf.key)
            assert link.sub(lambda m: m.group(1), linked) == lesson  # only links were added
            assert all(unquote(q) in terms and text.lower() == unquote(q).lower() and page_lang == lang
                       for text, page_lang, q in found)
            assert len({unquote(q) for _, _, q in found}) == len(found)  # first appearance only


def test_links_leave_code_headings_and_existing_links_alone():
    entries = [{"term": "tokenizer"}, {"term": "BPE"}]
    text = "## tokenizer\n\n`tokenizer` and [BPE](https://x.org) and ```\ntokenizer\n``` then tokenizer, BPE."
    out = link_terms(text, entries, "en")
    assert out == ("## tokenizer\n\n`tokenizer` and [BPE](https://x.org) and ```\ntokenizer\n``` then "
                   "[tokenizer](glossary?lang=en&q=tokenizer), [BPE](glossary?lang=en&q=BPE).")
