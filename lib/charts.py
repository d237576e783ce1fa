"""Pure Plotly figure builders: data in, figure out (no Streamlit here)."""
from __future__ import annotations

import math

import plotly.graph_objects as go

from lib.sections import AREAS

READING_WORDS_PER_MINUTE = 200
AREA_COLORS = {
    "hub": "#F59E0B",
    "transformers": "#2563EB",
    "datasets": "#059669",
    "tokenizers": "#DC2626",
    "inference": "#7C3AED",
    "tools": "#0891B2",
}


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / READING_WORDS_PER_MINUTE))


def ecosystem_sunburst(lang: str, root_label: str, leaf_words: dict[str, int], hover: str) -> go.Figure:
    """The map as a sunburst: areas -> leaves, each leaf sized by how much there is to read.

    `hover` is a format string with {words} and {minutes}, in the learner's language.
    """
    total = sum(leaf_words.get(leaf.key, 0) for area in AREAS for leaf in area.leaves)
    ids, labels, parents, values = ["root"], [root_label], [""], [total]
    colors, hovers = ["#FFFFFF"], [hover.format(words=total, minutes=reading_minutes(total))]
    for area in AREAS:
        area_words = sum(leaf_words.get(leaf.key, 0) for leaf in area.leaves)
        ids.append(area.id)
        labels.append(f"{area.icon} {area.title[lang]}")
        parents.append("root")
        values.append(area_words)
        colors.append(AREA_COLORS[area.id])
        hovers.append(hover.format(words=area_words, minutes=reading_minutes(area_words)))
        for leaf in area.leaves:
            words = leaf_words.get(leaf.key, 0)
            ids.append(leaf.key)
            labels.append(leaf.title[lang])
            parents.append(area.id)
            values.append(words)
            colors.append(AREA_COLORS[area.id])
            hovers.append(hover.format(words=words, minutes=reading_minutes(words)))
    figure = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={"colors": colors, "line": {"color": "#FFFFFF", "width": 1}},
            customdata=hovers,
            hovertemplate="<b>%{label}</b><br>%{customdata}<extra></extra>",
            insidetextorientation="radial",
        )
    )
    figure.update_layout(margin={"t": 10, "l": 10, "r": 10, "b": 10}, height=560, font={"size": 15})
    return figure


def words_by_area_bar(rows: list[dict], labels: dict[str, str]) -> go.Figure:
    """Grouped bars of prose words per area and language; rows have area, lang, words."""
    figure = go.Figure()
    for lang in sorted({row["lang"] for row in rows}, reverse=True):
        lang_rows = [row for row in rows if row["lang"] == lang]
        figure.add_bar(
            name=labels[lang],
            x=[row["area"] for row in lang_rows],
            y=[row["words"] for row in lang_rows],
        )
    figure.update_layout(barmode="group", margin={"t": 10, "l": 10, "r": 10, "b": 10}, height=380,
                         yaxis_title=labels["words"], legend={"orientation": "h"})
    return figure
