"""Small pieces every live widget uses: "show code", readable problems, the pack hint."""
from __future__ import annotations

import re
from contextlib import contextmanager

import streamlit as st

from lib.i18n import current_lang, t
from lib.models.loader import PackMissing
from lib.text_input import InputProblem


IMAGE_TYPES = ["png", "jpg", "jpeg", "webp", "bmp"]  # what the image widgets accept (PIL reads them all)
AUDIO_TYPES = ["wav", "mp3", "ogg", "webm", "m4a", "flac"]  # what faster-whisper's decoder reads


def upload_help() -> str:
    """The upload limit in the learner's language, for an uploader's help."""
    return t("upload_limit", mb=st.get_option("server.maxUploadSize"))


def chart(container, figure, **options):
    """st.plotly_chart with a text alternative: the one given (alt=...), else one made from the
    figure's kind, axes and series, so a screen reader never meets an unnamed chart."""
    from lib.charts import describe

    if not options.get("alt"):
        words = {key: t(key) for key in ("chart_bar", "chart_scatter", "chart_heatmap", "chart_treemap",
                                         "chart_sunburst", "chart_radar", "chart_pie", "chart_other")}
        options["alt"] = describe(figure, {**words, "chart_axes": t("chart_axes"), "chart_series": t("chart_series")})
    options.setdefault("config", {"displaylogo": False})
    # 1.234.567 and 0,5 on a Vietnamese page's axes and labels, as in its text (set both ways: a
    # cached figure may be shared by sessions in both languages)
    figure.update_layout(separators=",." if current_lang() == "vi" else ".,")
    return container.plotly_chart(figure, **options)


def data_table(container, frame, **options):
    """st.dataframe with headings in the learner's language (catalogue keys `col_<column>`): lib/
    keeps English keys for its data, a Vietnamese learner should not read `size_mb` or `hub_id`.
    A column_config keyed by the original column names follows the renaming."""
    heading = {column: t(f"col_{column}") for column in frame.columns}
    if "column_config" in options:
        options["column_config"] = {heading.get(k, k): v for k, v in options["column_config"].items()}
    options.setdefault("hide_index", True)
    return container.dataframe(frame.rename(columns=heading), **options)


def family_names(families) -> dict[str, str]:
    """Architecture families (encoder, decoder, encoder-decoder, speech...) in the learner's language."""
    return {family: t(f"anatomy_family_{family.replace('-', '_')}") for family in families}


def show_code(code: str, expanded: bool = False) -> None:
    """The minimal runnable Hugging Face code doing what the widget above just did."""
    with st.expander(t("show_code"), icon="🧑‍💻", expanded=expanded):
        st.code(code, language="python")


@contextmanager
def learner_errors():
    """Turns the problems a learner can cause (or a missing pack part) into a message, not a traceback."""
    try:
        yield
    except InputProblem as problem:
        st.warning(t(problem.key, **problem.values))
    except PackMissing as missing:
        st.warning(t("pack_part_missing", part=missing.component_id))


def notices(items: list[tuple[str, dict]]) -> None:
    for key, values in items:
        st.info(t(key, **values))


def filled(text: str) -> bool:
    """False (with the learner told why) when a small input was left blank."""
    if text.strip():
        return True
    st.warning(t("text_empty"))
    return False


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~])")


def md_literal(text: str) -> str:
    """Learner text (or tokens made from it) placed in a Markdown string, shown as typed:
    "**x**", "`code`", "$x$" or "[a](b)" are not rendered."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
