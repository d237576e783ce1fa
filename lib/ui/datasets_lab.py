"""Datasets lab widgets: the Data Loading API step by step, a Dataset Viewer, famous datasets."""
from __future__ import annotations

import tempfile

import pandas as pd
import streamlit as st

from lib import charts
from lib.environment import hub_offline
from lib.i18n import current_lang, read, t, translate
from lib.ui.widgets import chart, learner_errors, notices, show_code, upload_help

PLOTLY = {"displaylogo": False}
PAGE_SIZES = [10, 25, 50, 100]
SOURCES = ["project", "famous", "synthetic", "upload", "hub"]
UPLOAD_TYPES = ["csv", "tsv", "json", "jsonl", "parquet", "zip"]
NO_FILTER = "—"


# --- opening a dataset -----------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=24)
def _opened(kind: str, ident: str):
    """(DataFrame, class labels, code) of a bundled source, shared read-only by every session."""
    from lib.datasets_lab import sources, viewer
    from lib.models.cache import one_load_at_a_time

    with one_load_at_a_time():  # datasets' fingerprinting must not see a half-imported transformers
        opened = {"project": sources.project, "famous": sources.famous_example,
                  "synthetic": lambda _: sources.synthetic()}[kind](ident)
        frame, labels = viewer.dataset_frame(opened.dataset)
    return frame, labels, opened.code


def _uploaded(upload) -> tuple | None:
    """The learner's file as a dataset, kept in their own session only (never shared)."""
    from lib.datasets_lab import uploads, viewer

    cached = st.session_state.get("ds_upload_loaded")
    if cached and cached[0] == upload.file_id:
        return cached[1]
    limit = st.get_option("server.maxUploadSize")
    loaded = uploads.load_upload(upload.getvalue(), upload.name, max_bytes=limit * 1_000_000)
    frame, labels = viewer.dataset_frame(loaded.dataset)
    st.session_state["ds_upload_loaded"] = (upload.file_id, (frame, labels, loaded.code, loaded.notices))
    return frame, labels, loaded.code, loaded.notices


def _source_label(lang: str, source: str) -> str:
    return translate(lang, f"ds_source_{source}")


def viewer_lab() -> None:
    from lib.datasets_lab import famous, sources

    st.subheader(t("ds_viewer_title"))
    st.markdown(read("labs/datasets/viewer.md"))
    lang = current_lang()
    source = st.segmented_control(t("ds_source"), SOURCES, default="project", key="ds_source",
                                  format_func=lambda s: _source_label(lang, s)) or "project"
    with learner_errors(), st.spinner(t("working")):
        if source == "project":
            ident = st.selectbox(t("ds_project_file"), list(sources.PROJECT_FILES), key="ds_project",
                                 format_func=lambda i: sources.PROJECT_FILES[i][1])
            opened = _opened("project", ident)
        elif source == "famous":
            ident = st.selectbox(t("ds_famous_pick"), [d.id for d in famous.catalogue()], key="ds_famous",
                                 format_func=lambda i: famous.get(i).name)
            opened = _opened("famous", ident)
            st.caption(famous.note_text(famous.get(ident).note, lang))
        elif source == "synthetic":
            st.caption(t("ds_synthetic_note", rows=sources.SYNTHETIC_ROWS))
            opened = _opened("synthetic", "reviews")
        elif source == "upload":
            upload = st.file_uploader(t("ds_upload"), type=UPLOAD_TYPES, key="ds_upload_file",
                                      help=upload_help())
            if upload is None:
                st.info(t("ds_upload_waiting"))
                return
            frame, labels, code, upload_notices = _uploaded(upload)
            notices(upload_notices)
            opened = frame, labels, code
        else:
            opened = _hub_source()
            if opened is None:
                return
        browse(*opened, key="ds_view")


def _hub_source():
    from lib.datasets_lab import sources

    if hub_offline():
        st.info(t("ds_hub_offline"))
        st.code('from datasets import load_dataset\n\nds = load_dataset("stanfordnlp/imdb", split="train", '
                'streaming=True)\nprint(next(iter(ds)))', language="python")
        return None
    left, middle, right = st.columns([3, 2, 1])
    repo_id = left.text_input(t("ds_hub_id"), value="stanfordnlp/imdb", max_chars=120, key="ds_hub_id")
    config = middle.text_input(t("ds_hub_config"), value="", max_chars=80, key="ds_hub_config")
    split = right.text_input(t("ds_hub_split"), value="train", max_chars=40, key="ds_hub_split")
    if not st.button(t("ds_hub_open"), icon="☁️", key="ds_hub_open") and "ds_hub_loaded" not in st.session_state:
        return None
    wanted = (repo_id.strip(), config.strip(), split.strip() or "train")
    loaded = st.session_state.get("ds_hub_loaded")
    if loaded is None or loaded[0] != wanted:
        try:
            from lib.datasets_lab import viewer

            opened = sources.hub(*wanted)
            frame, labels = viewer.dataset_frame(opened.dataset)
        except Exception as error:  # no such dataset, gated, a script-based dataset, no connection
            st.error(t("ds_hub_failed", dataset=wanted[0], error=f"{type(error).__name__}: {str(error)[:300]}"
                       .replace("`", "'")))
            return None
        loaded = (wanted, (frame, labels, opened.code))
        st.session_state["ds_hub_loaded"] = loaded
    return loaded[1]


# --- browsing ------------------------------------------------------------------------------

def browse(frame: pd.DataFrame, labels: dict, code: str, key: str) -> None:
    """Search, filter, page, per-column statistics and downloads, like the Hub's Dataset Viewer."""
    from lib.datasets_lab import viewer

    left, right = st.columns([3, 1])
    query = left.text_input(t("ds_search"), key=f"{key}_search", max_chars=200, placeholder=t("ds_search_hint"))
    fold = right.toggle(t("ds_fold"), value=True, key=f"{key}_fold", help=t("ds_fold_help"))
    view = viewer.search(frame, query, fold_accents=fold)
    view, filter_code = _column_filter(frame, view, labels, key)
    stats = {s.name: s for s in viewer.column_stats(view, labels)}
    size = st.session_state.get(f"{key}_size", PAGE_SIZES[0])
    pages = viewer.page_count(len(view), size)
    if st.session_state.get(f"{key}_page", 1) > pages:  # a new filter left fewer pages: back to the last one
        st.session_state[f"{key}_page"] = pages
    st.caption(t("ds_rows_match", shown=len(view), total=len(frame), pages=pages))
    rows = viewer.page(view, st.session_state.get(f"{key}_page", 1), size)
    images = viewer.image_columns(frame)
    st.dataframe(viewer.display_frame(rows, labels), hide_index=True,
                 column_config={name: st.column_config.ImageColumn(name) for name in images},
                 row_height=70 if images else None)
    left, middle, right, far = st.columns([1, 1, 1, 1])
    left.number_input(t("ds_page"), 1, pages, key=f"{key}_page")
    middle.selectbox(t("ds_page_size"), PAGE_SIZES, key=f"{key}_size")
    right.download_button(t("ds_download_csv"), lambda: viewer.to_csv_bytes(view), file_name="view.csv",
                          mime="text/csv", icon="⬇️", key=f"{key}_csv", on_click="ignore", help=t("ds_download_help"))
    far.download_button(t("ds_download_parquet"), lambda: viewer.to_parquet_bytes(view), file_name="view.parquet",
                        mime="application/octet-stream", icon="⬇️", key=f"{key}_parquet", on_click="ignore",
                        help=t("ds_download_help"))
    _column_cards(list(stats.values()), labels)
    search_code = (f"\n# search (accents folded as here: lib/datasets_lab/viewer.py)\n"
                   f"ds = ds.filter(lambda row: {query.strip()!r}.lower() in str(row).lower())\n"
                   if query.strip() else "")
    show_code(code + search_code + filter_code)


def _column_filter(frame, view, labels: dict, key: str) -> tuple[pd.DataFrame, str]:
    """One column filter shaped by the column's kind: a range, a choice of values, or a text."""
    from lib.datasets_lab import viewer

    images = set(viewer.image_columns(frame))  # once: it looks into every column
    columns = [NO_FILTER, *[c for c in frame.columns if c not in images]]
    column = st.selectbox(t("ds_filter_column"), columns, key=f"{key}_filter_column")
    if column == NO_FILTER:
        return view, ""
    stats = next(s for s in viewer.column_stats(frame[[column]], labels) if s.name == column)
    if stats.kind == "number" and not stats.categorical and stats.minimum is not None and stats.minimum < stats.maximum:
        low, high = st.slider(t("ds_filter_range"), float(stats.minimum), float(stats.maximum),
                              (float(stats.minimum), float(stats.maximum)), key=f"{key}_filter_range_{column}")
        return (viewer.filter_column(view, column, minimum=low, maximum=high),
                f"ds = ds.filter(lambda row: {low!r} <= row[{column!r}] <= {high!r})\n")
    if stats.categorical or stats.kind in ("class label", "bool"):
        values = [value for value, _ in stats.top]
        names = labels.get(column)
        chosen = st.multiselect(t("ds_filter_values"), values, default=values, key=f"{key}_filter_values_{column}",
                                format_func=lambda v: f"{names[int(v)]} ({v})" if names else str(v))
        return (viewer.filter_column(view, column, values=chosen),
                f"ds = ds.filter(lambda row: row[{column!r}] in {chosen!r})\n")
    if stats.kind == "text":
        text = st.text_input(t("ds_filter_contains"), key=f"{key}_filter_text_{column}", max_chars=200)
        if text.strip():
            return (viewer.filter_column(view, column, contains=text),
                    f"ds = ds.filter(lambda row: {text!r}.lower() in row[{column!r}].lower())\n")
        return view, ""
    st.caption(t("ds_filter_unsupported", kind=stats.kind))
    return view, ""


def _column_cards(stats: list, labels: dict) -> None:
    st.markdown(f"**{t('ds_stats_title')}**")
    for start in range(0, len(stats), 3):
        for column, item in zip(st.columns(3), stats[start:start + 3]):
            with column.container(border=True):
                st.markdown(f"**{item.name}** · `{item.kind}`")
                st.caption(t("ds_stats_line", count=item.count, nulls=item.nulls,
                             unique="—" if item.unique is None else item.unique))
                names = labels.get(item.name)
                if item.top and (item.categorical or item.kind in ("class label", "bool")):
                    chart(st, charts.category_bars([names[int(v)] if names else v for v, _ in item.top],
                                                         [n for _, n in item.top]),
                                    config=PLOTLY, key=f"ds_stat_{item.name}")
                elif item.histogram:
                    axis = t("ds_axis_length") if item.kind == "text" else item.name
                    chart(st, charts.column_histogram(*item.histogram, axis), config=PLOTLY,
                                    key=f"ds_stat_{item.name}")
                if item.mean is not None:  # of the values, or of the texts' lengths
                    values = {"minimum": item.minimum, "maximum": item.maximum, "mean": item.mean, "median": item.median}
                    st.caption(t("ds_stats_lengths", **values) if item.kind == "text" else t("ds_stats_numbers", **values))


# --- the Data Loading API, step by step --------------------------------------------------------

def _workdir() -> str:
    """A private folder per learner for what the steps write (save_to_disk, caches)."""
    if "ds_workdir" not in st.session_state:
        st.session_state["ds_workdir"] = tempfile.mkdtemp(prefix="hhf-steps-")
    return st.session_state["ds_workdir"]


def loading_lab() -> None:
    from lib.datasets_lab import steps

    st.subheader(t("ds_loading_title"))
    st.markdown(read("labs/datasets/loading.md"))
    lang = current_lang()
    names = list(steps.STEPS)
    name = st.selectbox(t("ds_step_pick"), names, key="ds_step",
                        format_func=lambda n: f"{names.index(n) + 1}. {translate(lang, f'ds_step_{n}_title')}")
    st.markdown(f"#### {t(f'ds_step_{name}_title')}")
    st.markdown(t(f"ds_step_{name}_text"))
    options = {}
    if name in ("streaming", "memory_map"):
        options["rows"] = st.select_slider(t("ds_step_rows"), [10_000, 50_000, 200_000, 1_000_000], value=200_000,
                                           key=f"ds_step_rows_{name}", format_func=lambda n: t("number", value=n))
    if st.button(t("ds_step_run"), icon="▶️", key=f"ds_step_run_{name}"):
        from pathlib import Path

        with learner_errors(), st.spinner(t("working")):
            step = steps.STEPS[name](Path(_workdir()), **options)
            st.session_state["ds_step_result"] = (name, options, step)
    done = st.session_state.get("ds_step_result")
    if done and done[0] == name and done[1] == options:
        step = done[2]
        st.code(step.code, language="python")
        _show_result(step.result)
        figures = list(step.figures.items())
        for start in range(0, len(figures), 4):
            for column, (figure, value) in zip(st.columns(4), figures[start:start + 4]):
                column.metric(t(f"ds_figure_{figure}"), _figure_text(value))
    else:
        st.caption(t("ds_step_not_run"))


def _show_result(result) -> None:
    if isinstance(result, pd.DataFrame):
        from lib.datasets_lab import viewer

        st.dataframe(viewer.display_frame(result), hide_index=True)
    elif isinstance(result, dict):
        st.json(result, expanded=True)
    else:
        st.text(str(result))


def _figure_text(value) -> str:
    if isinstance(value, float):
        return t("number", value=round(value, 3))
    if isinstance(value, int):
        return t("number", value=value)
    return str(value)


# --- famous datasets -----------------------------------------------------------------------

def famous_lab(leaf: str):
    """The famous datasets of one leaf: what each is, its facts, and a small example in its schema."""
    def widget() -> None:
        from lib.datasets_lab import famous

        lang = current_lang()
        st.subheader(t("ds_famous_title"))
        st.markdown(read("labs/datasets/famous.md"))
        for facts in famous.by_leaf(leaf):
            with st.container(border=True):
                st.markdown(f"#### {facts.name} ({facts.year})")
                st.markdown(famous.text(facts.id, lang))
                st.dataframe(pd.DataFrame([{t("ds_col_task"): ", ".join(facts.tasks),
                                            t("ds_col_rows"): t("number", value=facts.rows) if facts.rows else "—",
                                            t("ds_col_size"): t("number", value=facts.size_gb) if facts.size_gb else "—",
                                            t("ds_col_licence"): facts.licence,
                                            t("ds_col_languages"): ", ".join(facts.languages),
                                            t("ds_col_hub"): facts.hub_id or "—"}]), hide_index=True)
                if st.toggle(t("ds_famous_example"), key=f"ds_famous_open_{facts.id}"):
                    with learner_errors(), st.spinner(t("working")):
                        frame, labels, code = _opened("famous", facts.id)
                        st.caption(famous.note_text(facts.note, lang))
                        st.table(pd.DataFrame({t("ds_col_feature"): list(facts.schema),
                                               t("ds_col_type"): list(facts.schema.values())}))
                        browse(frame, labels, code, key=f"ds_famous_{facts.id}")

    widget.__name__ = widget.__qualname__ = f"famous_{leaf}"
    return widget


def compare_lab() -> None:
    from lib.datasets_lab import famous

    st.subheader(t("ds_compare_title"))
    table = famous.comparison_table()
    modalities = {m: t(f"ds_modality_{m.replace('-', '_')}") for m in set(table["modality"])}
    chart(st, charts.datasets_by_year(table, t("ds_col_rows"), t("anatomy_year"), modalities), config=PLOTLY,
          key="ds_compare_years", alt=t("ds_compare_alt"))
    table = table.assign(modality=table["modality"].map(modalities),  # unsure figures are a dash, not "None"
                         rows=[t("number", value=int(n)) if n == n else "—" for n in table["rows"]],
                         size_gb=[t("number", value=g) if g == g else "—" for g in table["size_gb"]])
    st.dataframe(table.drop(columns=["id"]).rename(columns={
        "name": t("ds_col_name"), "modality": t("ds_col_modality"), "year": t("anatomy_year"),
        "rows": t("ds_col_rows"), "size_gb": t("ds_col_size"), "languages": t("ds_col_languages")}),
        hide_index=True)
