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


COMPACT = {"margin": {"t": 30, "l": 10, "r": 10, "b": 10}, "font": {"size": 14}, "legend": {"orientation": "h", "y": -0.2}}


def _compact(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(height=height, **COMPACT)
    return figure


def token_counts_bar(names: list[str], counts: list[int], title: str) -> go.Figure:
    """Horizontal bars: how many tokens each tokenizer needs for the same text (redrawn on every keystroke)."""
    layout = {"xaxis": {"title": {"text": title}}, "yaxis": {"autorange": "reversed"},
              "height": 60 + 34 * len(names), **COMPACT}
    return go.Figure(go.Bar(x=counts, y=names, orientation="h", text=counts, textposition="auto",
                            marker_color="#DC2626"), layout=layout)


def token_tax_bars(rows: list[dict], metrics: dict[str, str], languages: dict[str, str]) -> go.Figure:
    """One panel per metric (tokens per word, per syllable, characters per token), vi vs en bars.

    rows come from lib.tokenization.cost.token_tax; `metrics` maps a row key to its title and
    `languages` maps "vi"/"en" to legend labels, both in the learner's language.
    """
    from plotly.subplots import make_subplots

    figure = make_subplots(rows=1, cols=len(metrics), subplot_titles=list(metrics.values()), horizontal_spacing=0.08)
    colours = {"vi": "#DC2626", "en": "#2563EB"}
    for column, metric in enumerate(metrics, start=1):
        for lang, label in languages.items():
            lang_rows = [r for r in rows if r["lang"] == lang and r[metric] is not None]
            figure.add_bar(name=label, x=[r["tokenizer"] for r in lang_rows], y=[round(r[metric], 2) for r in lang_rows],
                           marker_color=colours[lang], showlegend=column == 1, legendgroup=lang,
                           text=[f"{r[metric]:.2f}" for r in lang_rows], textposition="auto", row=1, col=column)
    figure.update_layout(barmode="group")
    figure.update_xaxes(tickangle=-30)
    return _compact(figure, 460)


def pair_counts_bar(pairs: list[tuple[tuple[str, str], int]], winner: tuple[str, str], axis: str) -> go.Figure:
    """The most frequent neighbouring pairs before a BPE merge; the merged one in red."""
    labels = [f"{left} + {right}" for (left, right), _ in pairs]
    colours = ["#DC2626" if pair == winner else "#93C5FD" for pair, _ in pairs]
    figure = go.Figure(go.Bar(x=[count for _, count in pairs], y=labels, orientation="h", marker_color=colours,
                              text=[count for _, count in pairs], textposition="auto"))
    figure.update_layout(xaxis_title=axis, yaxis={"autorange": "reversed", "type": "category"})
    return _compact(figure, 80 + 28 * len(pairs))


def segmentation_scores_bar(candidates: list[tuple[list[str], float]], axis: str) -> go.Figure:
    """Candidate Unigram segmentations by total log probability; the best (highest) first, in red."""
    labels = [" | ".join(pieces) for pieces, _ in candidates]
    figure = go.Figure(go.Bar(x=[score for _, score in candidates], y=labels, orientation="h",
                              marker_color=["#DC2626"] + ["#93C5FD"] * (len(candidates) - 1),
                              text=[f"{score:.2f}" for _, score in candidates], textposition="auto"))
    figure.update_layout(xaxis_title=axis, yaxis={"autorange": "reversed", "type": "category"})
    return _compact(figure, 80 + 34 * len(candidates))


def grouped_bars(categories: list[str], series: dict[str, list[float]], axis: str, height: int = 360) -> go.Figure:
    """Bars of several named series over the same categories (speed per mode, size per vocabulary...)."""
    figure = go.Figure()
    for name, values in series.items():
        figure.add_bar(name=name, x=categories, y=values, text=[f"{v:,.2f}" for v in values], textposition="auto")
    figure.update_layout(barmode="group", yaxis_title=axis)
    return _compact(figure, height)


def lines_chart(series: dict[str, tuple[list[float], list[float]]], x_title: str, y_title: str,
                reference: dict[str, float] | None = None) -> go.Figure:
    """Named (x, y) lines with markers, plus optional horizontal reference lines (pretrained tokenizers)."""
    figure = go.Figure()
    for name, (xs, ys) in series.items():
        figure.add_scatter(name=name, x=xs, y=ys, mode="lines+markers")
    for name, value in (reference or {}).items():
        figure.add_hline(y=value, line_dash="dot", line_color="#6B7280", annotation_text=name,
                         annotation_position="top left")
    figure.update_layout(xaxis_title=x_title, yaxis_title=y_title)
    return _compact(figure, 420)
