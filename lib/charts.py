"""Pure Plotly figure builders: data in, figure out (no Streamlit here)."""
from __future__ import annotations

import html
import math
import textwrap

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
                           texttemplate="%{y:.2f}", textposition="outside", textangle=0, cliponaxis=False,
                           textfont={"size": 11}, row=1, col=column)
    figure.update_xaxes(tickangle=-45)
    _compact(figure, 480)
    # the legend above the panels: below them it sat on the slanted tokenizer names
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": 1.25, "x": 0}, margin={"t": 95})
    return figure


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


def score_bars(labels: list[str], scores: list[float], axis: str) -> go.Figure:
    """A classifier's scores, best first, as horizontal bars (sentiment, zero-shot, digits)."""
    figure = go.Figure(go.Bar(x=scores, y=labels, orientation="h", marker_color="#2563EB",
                              text=[f"{s:.1%}" for s in scores], textposition="auto"))
    figure.update_layout(xaxis={"title": {"text": axis}, "range": [0, 1]}, yaxis={"autorange": "reversed", "type": "category"})
    return _compact(figure, 80 + 30 * len(labels))


def next_token_stages(result, stage_titles: dict[str, str], axis: str) -> go.Figure:
    """One panel per sampling stage (raw, repetition penalty, temperature, top-k, top-p): the same
    candidate tokens' probabilities before and after each filter."""
    from plotly.subplots import make_subplots

    stages = result.stages
    figure = make_subplots(rows=1, cols=len(stages), shared_yaxes=True, horizontal_spacing=0.02,
                           subplot_titles=[stage_titles.get(s.name, s.name) for s in stages])
    labels = [repr(token.text)[1:-1] or "∅" for token in stages[0].top]
    for column, stage in enumerate(stages, start=1):
        probability = {token.token_id: token.probability for token in stage.top}
        values = [probability.get(token.token_id, 0.0) for token in stages[0].top]
        figure.add_bar(x=values, y=labels, orientation="h", marker_color="#7C3AED", showlegend=False,
                       text=[f"{v:.0%}" if v >= 0.01 else "" for v in values], textposition="auto", row=1, col=column)
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(range=[0, 1], title_text=axis)
    return _compact(figure, 120 + 24 * len(labels))


def scatter_2d(x, y, labels: list[str]) -> go.Figure:
    """Sentences as points: close points are sentences the model finds similar."""
    figure = go.Figure(go.Scatter(x=list(x), y=list(y), mode="markers+text", text=[label[:30] for label in labels],
                                  hovertext=labels, hoverinfo="text", textposition="top center",
                                  marker={"size": 11, "color": "#059669"}))
    figure.update_layout(xaxis={"showticklabels": False}, yaxis={"showticklabels": False})
    return _compact(figure, 440)


def heatmap(matrix, labels: list[str], title: str, x_labels: list[str] | None = None) -> go.Figure:
    """A labelled square (or rectangular) matrix: similarities, attention weights."""
    short = axis_labels(labels)
    figure = go.Figure(go.Heatmap(z=matrix, x=axis_labels(x_labels) if x_labels else short, y=short,
                                  colorscale="Blues", colorbar={"title": {"text": title}}))
    figure.update_layout(yaxis={"autorange": "reversed", "type": "category", "dtick": 1},
                         xaxis={"type": "category", "dtick": 1})
    return _compact(figure, max(320, min(900, 140 + 24 * len(short))))  # a readable row per label


def axis_labels(labels: list[str], limit: int = 24) -> list[str]:
    """Category labels Plotly shows as written: HTML-escaped (Plotly reads "<s>", a token, as
    strike-through markup and draws nothing), cut with "…", and kept distinct (a category axis merges
    equal labels, so a token seen twice would lose its row) with invisible zero-width spaces."""
    out, seen = [], {}
    for label in labels:
        text = label if len(label) <= limit else label[:limit - 1] + "…"
        text = html.escape(text, quote=False)
        seen[text] = seen.get(text, -1) + 1
        out.append(text + "\u200b" * seen[text])
    return out


def parameter_treemap(nodes: list[dict], hover: str) -> go.Figure:
    """A model's parameters by module: each box's area is its parameter count.

    `hover` is a Plotly hover template in the learner's language, e.g. "%{label}<br>%{value:,} tham số".
    """
    figure = go.Figure(go.Treemap(ids=[n["id"] for n in nodes], labels=[n["label"] for n in nodes],
                                  parents=[n["parent"] for n in nodes], values=[n["params"] for n in nodes],
                                  branchvalues="total", hovertemplate=hover + "<extra></extra>"))
    return _compact(figure, 520)


def params_by_year(table, params_title: str, year_title: str, family_names: dict[str, str] | None = None) -> go.Figure:
    """Famous models by year and size (log scale), coloured by family: how fast models grew."""
    return _by_year(table, "params", "family", params_title, year_title, family_names, 420)


def _by_year(table, value: str, group: str, value_title: str, year_title: str, names: dict[str, str] | None,
             height: int) -> go.Figure:
    """Points by year and a log-scaled size, one colour per group (shown under `names`). Point names
    are written beside the points only when there are few (more overlap); hovering always shows them."""
    figure = go.Figure()
    labelled = len(table) <= 8
    for key, rows in table.groupby(group):
        figure.add_scatter(name=(names or {}).get(key, key), x=rows["year"], y=rows[value], text=rows["name"],
                           mode="markers+text" if labelled else "markers", textposition="top center",
                           marker={"size": 12}, hovertemplate="<b>%{text}</b><br>%{x}: %{y:,}<extra></extra>")
    span = table["year"].max() - table["year"].min() if len(table) else 0
    figure.update_layout(xaxis={"title": {"text": year_title}, "dtick": 1 if span <= 15 else None, "tickformat": "d"},
                         yaxis={"title": {"text": value_title}, "type": "log"})
    return _compact(figure, height)


def column_histogram(counts: list[int], edges: list[float], axis: str) -> go.Figure:
    """A column's distribution as the Hub's viewer draws it: one bar per bin, hover gives the range."""
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    widths = [b - a for a, b in zip(edges[:-1], edges[1:], strict=True)]
    ranges = [f"{a:,.4g} – {b:,.4g}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    figure = go.Figure(go.Bar(x=centres, y=counts, width=widths, marker_color="#059669", customdata=ranges,
                              hovertemplate="%{customdata}: %{y}<extra></extra>"))
    figure.update_layout(xaxis_title=axis, bargap=0.05)
    return _compact(figure, 200)


def category_bars(labels: list[str], counts: list[int]) -> go.Figure:
    """The most frequent values of a column (class labels, categories), largest first."""
    figure = go.Figure(go.Bar(x=counts, y=[str(label)[:30] for label in labels], orientation="h",
                              marker_color="#059669", text=counts, textposition="auto", textangle=0))
    figure.update_layout(yaxis={"autorange": "reversed", "type": "category"})
    return _compact(figure, 60 + 24 * len(labels))


def datasets_by_year(table, rows_title: str, year_title: str, modality_names: dict[str, str] | None = None) -> go.Figure:
    """Famous datasets by year and size (log scale), coloured by modality: how data grew."""
    return _by_year(table.dropna(subset=["rows"]), "rows", "modality", rows_title, year_title, modality_names, 440)


def radar(profiles: dict[str, dict[str, float]]) -> go.Figure:
    """Several systems on the same 0..1 scores: the larger the shape, the better on every axis."""
    figure = go.Figure()
    for name, scores in profiles.items():
        axes = list(scores)
        figure.add_scatterpolar(name=name, r=[scores[a] for a in axes] + [scores[axes[0]]], theta=axes + [axes[0]],
                                fill="toself", opacity=0.6)
    figure.update_layout(polar={"radialaxis": {"range": [0, 1]}})
    return _compact(figure, 420)


def flow_diagram(nodes: list[dict], edges: list[dict], colours: dict[str, str] | None = None) -> go.Figure:
    """Boxes (x, y on a 0..1 grid, label, hover text) joined by labelled arrows: a training pipeline.
    Labels wrap inside their box; an edge's label sits at `at` along it (default halfway), so labels
    of crossing edges can be moved apart."""
    at = {node["id"]: (node["x"], node["y"]) for node in nodes}
    figure = go.Figure()
    for edge in edges:
        (x0, y0), (x1, y1) = at[edge["source"]], at[edge["target"]]
        figure.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                              arrowhead=3, arrowwidth=1.5, arrowcolor="#9CA3AF", standoff=46, startstandoff=46)
        if edge.get("label"):
            share = edge.get("at", 0.5)
            figure.add_annotation(x=x0 + share * (x1 - x0), y=y0 + share * (y1 - y0), text=edge["label"],
                                  showarrow=False, font={"size": 11, "color": "#6B7280"}, yshift=9)
    figure.add_scatter(x=[n["x"] for n in nodes], y=[n["y"] for n in nodes], mode="markers+text",
                       text=["<br>".join(textwrap.wrap(n["label"], 12)) for n in nodes], textposition="middle center",
                       hovertext=[n.get("hover", "") for n in nodes], hoverinfo="text",
                       marker={"size": 88, "symbol": "square", "opacity": 0.9,
                               "color": [(colours or {}).get(n.get("kind"), "#DBEAFE") for n in nodes]},
                       textfont={"size": 12, "color": "#111827"})
    figure.update_layout(xaxis={"visible": False, "range": [-0.1, 1.1]}, yaxis={"visible": False, "range": [-0.05, 1.05]},
                         showlegend=False)
    return _compact(figure, 460)


def progress_treemap(rows: list[dict], root: str, hover: dict[str, str]) -> go.Figure:
    """The map as a treemap coloured by progress: grey untouched, light green opened, dark green
    opened with every quiz question of the leaf right. `hover` holds "opened"/"not_opened"/"quiz"
    templates ("quiz" gets {right} and {questions})."""
    ids, labels, parents, values, colours, texts = [root], [root], [""], [0], [0.0], [""]
    for area_id in dict.fromkeys(row["area_id"] for row in rows):
        area_rows = [row for row in rows if row["area_id"] == area_id]
        ids.append(area_id)
        labels.append(area_rows[0]["area"])
        parents.append(root)
        values.append(0)
        colours.append(sum(_progress_level(row) for row in area_rows) / len(area_rows))
        texts.append("")
        for row in area_rows:
            ids.append(row["key"])
            labels.append(row["leaf"])
            parents.append(area_id)
            values.append(1)
            colours.append(_progress_level(row))
            quiz = hover["quiz"].format(right=row["right"], questions=row["questions"]) if row["questions"] else ""
            texts.append(" · ".join(filter(None, [hover["opened" if row["visited"] else "not_opened"], quiz])))
    figure = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, text=texts, branchvalues="remainder",
        marker={"colors": colours, "colorscale": [[0, "#E5E7EB"], [0.4, "#BBF7D0"], [1, "#15803D"]],
                "cmin": 0, "cmax": 1},
        hovertemplate="<b>%{label}</b><br>%{text}<extra></extra>", textinfo="label"))
    return _compact(figure, 460)


def _progress_level(row: dict) -> float:
    """0 untouched, 0.4 opened, up to 1 with the leaf's quiz answered right."""
    quiz = row["right"] / row["questions"] if row["questions"] else (1.0 if row["visited"] else 0.0)
    return 0.4 * row["visited"] + 0.6 * quiz


_KIND_NAMES = {"bar": "bar", "scatter": "scatter", "heatmap": "heatmap", "treemap": "treemap",
               "sunburst": "sunburst", "scatterpolar": "radar", "pie": "pie", "histogram": "bar"}


def describe(figure: go.Figure, words: dict[str, str]) -> str:
    """A text alternative for a chart that has none written: its kind, axes and series, in the
    learner's language. `words` holds the catalogue's "chart_<kind>", "chart_axes" and "chart_series"."""
    kinds = [_KIND_NAMES.get(trace.type, "other") for trace in figure.data]
    text = words[f"chart_{kinds[0] if kinds else 'other'}"]
    x, y = (figure.layout.xaxis.title.text or "", figure.layout.yaxis.title.text or "")
    if x or y:
        text += " " + words["chart_axes"].format(x=x or "—", y=y or "—")
    names = [trace.name for trace in figure.data if trace.name]
    if names:
        text += " " + words["chart_series"].format(names=", ".join(dict.fromkeys(names)))
    return text
