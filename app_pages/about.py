"""About: the project, this installation (offline mode, library versions) and the content."""
import pandas as pd
import streamlit as st

from lib.charts import words_by_area_bar
from lib.environment import hub_offline, library_versions
from lib.i18n import current_lang, leaf_words, read, t
from lib.sections import AREAS, LANGS
from lib.ui.lesson import page_header
from lib.ui.pack_panel import pack_panel
from lib.ui.widgets import chart

lang = current_lang()
page_header("about")
st.markdown(read("about/project.md"))

st.header(t("pack_title"), anchor="offline-pack")
pack_panel()

st.header(t("about_install_title"), anchor="installation")
if hub_offline():
    st.success(t("about_offline_on"))
else:
    st.warning(t("about_offline_off"))
versions = library_versions()
st.dataframe(
    pd.DataFrame({
        t("about_col_library"): list(versions),
        t("about_col_version"): [v or t("about_not_installed") for v in versions.values()],
    }),
    hide_index=True,
)

st.header(t("about_content_title"), anchor="content")
words = {code: leaf_words(code) for code in LANGS}
rows = [
    {"area": area.title[lang], "lang": code, "words": sum(words[code][leaf.key] for leaf in area.leaves)}
    for area in AREAS for code in LANGS
]
chart(st, words_by_area_bar(rows, {"vi": t("lang_vi"), "en": t("lang_en"), "words": t("about_words")}),
      alt=t("about_content_alt"))
leaf_count = sum(len(area.leaves) for area in AREAS)
st.caption(t("about_content_caption", leaves=leaf_count,
             vi=sum(words["vi"].values()), en=sum(words["en"].values()),
             average=sum(words["vi"].values()) // leaf_count))
