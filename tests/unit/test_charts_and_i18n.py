import pytest

from lib.charts import ecosystem_sunburst, reading_minutes, words_by_area_bar
from lib.environment import hub_offline, library_versions
from lib.i18n import leaf_words, translate
from lib.sections import AREAS, LANGS, all_leaves


@pytest.mark.parametrize("lang", LANGS)
def test_sunburst_has_root_areas_and_leaves_consistently_sized(lang):
    words = leaf_words(lang)
    trace = ecosystem_sunburst(lang, "Hugging Face", words, translate(lang, "home_map_hover")).data[0]
    assert len(trace.ids) == 1 + len(AREAS) + len(all_leaves())
    values = dict(zip(trace.ids, trace.values))
    for area in AREAS:
        assert values[area.id] == sum(values[leaf.key] for leaf in area.leaves)
    assert values["root"] == sum(values[area.id] for area in AREAS) == sum(words.values())
    labels = dict(zip(trace.ids, trace.labels))
    assert labels["tokenizers.bpe"] == next(l for l in all_leaves() if l.key == "tokenizers.bpe").title[lang]


def test_reading_minutes_is_at_least_one():
    assert reading_minutes(0) == 1
    assert reading_minutes(401) == 3


def test_words_by_area_bar_has_one_trace_per_language():
    rows = [{"area": "A", "lang": "vi", "words": 10}, {"area": "A", "lang": "en", "words": 8}]
    figure = words_by_area_bar(rows, {"vi": "Tiếng Việt", "en": "English", "words": "Words"})
    assert [trace.name for trace in figure.data] == ["Tiếng Việt", "English"]


def test_translate_formats_values():
    assert "7" in translate("en", "glossary_count", shown=7, total=9)


def test_hub_offline_reads_the_environment(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub_offline()
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert not hub_offline()
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert not hub_offline()


def test_library_versions_reads_metadata_without_importing():
    versions = library_versions()
    assert versions["streamlit"] and versions["transformers"]


def test_every_chart_gets_a_text_alternative_in_the_learners_language():
    from lib import charts as chart_builders
    from lib.i18n import translate

    words = {key: translate("vi", key) for key in ("chart_bar", "chart_scatter", "chart_heatmap", "chart_treemap",
                                                     "chart_sunburst", "chart_radar", "chart_pie", "chart_other",
                                                     "chart_axes", "chart_series")}
    lines = chart_builders.lines_chart({"mất mát": ([1, 2], [0.7, 0.5])}, "bước", "mất mát")
    assert chart_builders.describe(lines, words) == ("Biểu đồ điểm hoặc đường. Trục ngang: bước; trục dọc: mất mát. "
                                                     "Các chuỗi dữ liệu: mất mát.")
    bars = chart_builders.token_counts_bar(["GPT-2", "XLM-R"], [12, 5], "token")
    assert chart_builders.describe(bars, words).startswith("Biểu đồ cột. Trục ngang: token")
    import plotly.graph_objects as go

    assert chart_builders.describe(go.Figure(), words) == "Biểu đồ."


def test_heatmap_labels_survive_plotly_markup_repeats_and_length():
    from lib import charts

    labels = ["<s>", "▁the", "▁cat", "▁the", "</s>", "x" * 30]
    shown = charts.axis_labels(labels)
    assert shown[0] == "&lt;s&gt;" and shown[4] == "&lt;/s&gt;"  # Plotly draws "<s>" as markup, i.e. nothing
    assert len(set(shown)) == len(labels)  # a repeated token keeps its own row on a category axis
    assert shown[3].rstrip("\u200b") == shown[1] and shown[5].endswith("…") and len(shown[5]) == 24
    assert list(charts.heatmap([[0.5] * 6] * 6, labels, "weight").data[0].y) == shown
    assert charts.heatmap([[0.0] * 20] * 20, [str(i) for i in range(20)], "weight").layout.height == 140 + 24 * 20
