"""Home: welcome, the ecosystem map, a learning path and a guide for the classroom."""
import streamlit as st

from lib.charts import ecosystem_sunburst
from lib.i18n import current_lang, leaf_words, read, t
from lib.sections import AREAS, page, pages_by_group
from lib.ui.lesson import page_header

lang = current_lang()
page_header("home")

st.header(t("home_map_title"), anchor="map")
st.caption(t("home_map_caption"))
figure = ecosystem_sunburst(lang, t("home_map_root"), leaf_words(lang), t("home_map_hover"))
st.plotly_chart(figure, config={"displaylogo": False}, alt=t("home_map_alt"))

st.subheader(t("home_pages_title"))
columns = st.columns(3)
for index, area in enumerate(AREAS):
    with columns[index % 3].container(border=True):
        st.markdown(f"**{area.icon} {area.title[lang]}**")
        for spec in pages_by_group()[area.id]:
            st.page_link(spec.file, label=spec.title[lang], icon=spec.icon)
        st.caption(" · ".join(leaf.title[lang] for leaf in area.leaves))

path_tab, classroom_tab = st.tabs([t("home_path_title"), t("home_classroom_title")])
with path_tab:
    st.markdown(read("home/learning_path.md"))
with classroom_tab:
    st.markdown(read("home/classroom.md"))
st.page_link(page("about").file, label=page("about").title[lang], icon=page("about").icon)
