"""Home: welcome, the ecosystem map, a learning path and a guide for the classroom."""
import streamlit as st

from lib.charts import ecosystem_sunburst
from lib.i18n import current_lang, leaf_words, read, t
from lib.sections import AREAS, page, page_of_node, pages_by_group
from lib.ui import progress_ui
from lib.ui.lesson import page_header
from lib.ui.widgets import chart

lang = current_lang()
page_header("home")

# Only the open tab runs (on_change="rerun"), so the heavy Plotly bundle is not fetched
# while a learner reads the path or the classroom guide, and the first paint stays light.
map_tab, progress_tab, path_tab, classroom_tab = st.tabs(
    [t("home_map_title"), t("progress_tab"), t("home_path_title"), t("home_classroom_title")], key="home_tab",
    on_change="rerun"
)
if map_tab.open:
    with map_tab:
        st.caption(t("home_map_caption"))
        figure = ecosystem_sunburst(lang, t("home_map_root"), leaf_words(lang), t("home_map_hover"))
        clicked = chart(st, figure, on_select="rerun", selection_mode="points", key="ecosystem_map",
                        alt=t("home_map_alt"))
        for point in clicked.selection["points"]:
            target = page_of_node(point.get("id", ""))
            if target:
                st.switch_page(target.file)
if progress_tab.open:
    with progress_tab:
        progress_ui.panel()
if path_tab.open:
    path_tab.markdown(read("home/learning_path.md"))
if classroom_tab.open:
    classroom_tab.markdown(read("home/classroom.md"))

st.subheader(t("home_pages_title"))
columns = st.columns(3)
for index, area in enumerate(AREAS):
    with columns[index % 3].container(border=True):
        st.markdown(f"**{area.icon} {area.title[lang]}**")
        for spec in pages_by_group()[area.id]:
            st.page_link(spec.file, label=spec.title[lang], icon=spec.icon)
        st.caption(" · ".join(leaf.title[lang] for leaf in area.leaves))
st.page_link(page("about").file, label=page("about").title[lang], icon=page("about").icon)
