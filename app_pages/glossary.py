"""Glossary: Vietnamese <-> English terms, searchable with or without diacritics."""
import pandas as pd
import streamlit as st

from lib.glossary import glossary_rows, search
from lib.i18n import current_lang, glossary, t
from lib.sections import GROUPS
from lib.ui import share
from lib.ui.lesson import page_header

lang = current_lang()
other_lang = "en" if lang == "vi" else "vi"
page_header("glossary")

rows = glossary_rows(glossary(lang), glossary(other_lang))
area_names = {area_id: GROUPS[area_id][lang] for area_id in GROUPS if area_id not in ("start", "reference")}
area_names["general"] = t("glossary_general")

query_col, area_col = st.columns([2, 3])
share.seed("glossary_query", "q")  # a search result or a link from a lesson opens the term
query = query_col.text_input(t("glossary_search"), placeholder=t("glossary_search_placeholder"), max_chars=200,
                             key="glossary_query")
share.keep("q", query.strip())
areas = area_col.multiselect(t("glossary_area"), options=list(area_names), format_func=area_names.get,
                             placeholder=t("glossary_area_placeholder"))
found = search(rows, query, areas)

st.caption(t("glossary_count", shown=len(found), total=len(rows)))
if found:
    table = pd.DataFrame(found)
    table["area"] = table["area"].map(area_names)
    st.dataframe(
        table[["term", "other", "definition", "area"]].rename(columns={
            "term": t("glossary_col_term"), "other": t("glossary_col_other"),
            "definition": t("glossary_col_definition"), "area": t("glossary_col_area"),
        }),
        hide_index=True,
        width="stretch",
        column_config={t("glossary_col_definition"): st.column_config.TextColumn(width="large")},
    )
    if len(found) <= 12:
        for row in found:
            st.markdown(f"**{row['term']}** ({row['other']}): {row['definition']}")
else:
    st.info(t("glossary_none"))
