"""Presentation mode cuts a lesson at its headings, never inside a code block."""
from lib import slides
from lib.i18n import content
from lib.sections import LANGS, PAGES, leaves_of_page

LESSON = """Intro paragraph.

## First
Text one.

```python
# not a heading
x = 1
```

### Second
Text two.
"""


def test_split_at_headings_not_in_code():
    deck = slides.split(LESSON, "Title", leaf="bpe")
    assert [s.title for s in deck] == ["Title", "First", "Second"]
    assert "# not a heading" in deck[1].body and deck[2].body == "Text two."
    assert {s.leaf for s in deck} == {"bpe"}


def test_a_text_without_headings_is_one_slide_and_empty_text_still_gives_one():
    assert slides.split("Just text.", "T") == [slides.Slide("T", "Just text.")]
    assert slides.split("", "T") == [slides.Slide("T", "")]


def test_every_lab_page_gives_a_deck_in_both_languages():
    for lang in LANGS:
        for spec in PAGES:
            leaves = leaves_of_page(spec.id)
            if not leaves:
                continue
            deck = slides.deck((spec.title[lang], content(lang, spec.intro_path)),
                               [(leaf.id, leaf.title[lang], content(lang, leaf.content_path)) for leaf in leaves])
            assert deck[0].leaf is None and {s.leaf for s in deck} >= {leaf.id for leaf in leaves}
            assert all(s.title.strip() and s.body.strip() for s in deck), (lang, spec.id)
