"""Model Hub explorer: famous models with their cards, filters and charts; live Hub search online."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts
from lib.environment import hub_offline
from lib.i18n import current_lang, read, t
from lib.sections import leaves_of_page, page
from lib.ui.widgets import chart, data_table, family_names, learner_errors, show_code

PLOTLY = {"displaylogo": False}
ANY = "—"


def explorer_lab() -> None:
    from lib.hub import catalogue

    st.subheader(t("hubx_title"))
    st.markdown(read("labs/hub/explorer.md"))
    columns = st.columns(4)
    lang = current_lang()
    areas = {leaf.id: leaf.title[lang] for leaf in leaves_of_page("model_hub") if leaf.id != "autotrain"}
    families = family_names(sorted({m.family for m in catalogue.models()}))
    area = columns[0].selectbox(t("hubx_area"), [ANY, *areas], key="hubx_area", format_func=lambda a: areas.get(a, a))
    task = columns[1].selectbox(t("hubx_task"), [ANY, *catalogue.tasks()], key="hubx_task")
    family = columns[2].selectbox(t("hubx_family"), [ANY, *families], key="hubx_family",
                                  format_func=lambda f: families.get(f, f))
    language = columns[3].selectbox(t("hubx_language"), [ANY, *catalogue.languages()], key="hubx_language")
    text = st.text_input(t("hubx_search"), max_chars=100, key="hubx_text")
    chosen = catalogue.filter_models(*(None if v == ANY else v for v in (area, task, family, language)),
                                     text=text.strip() or None)
    if not chosen:
        st.info(t("hubx_none"))
        return
    table = catalogue.table(chosen)
    left, right = st.columns([3, 2])
    known = table.dropna(subset=["parameters"]).rename(columns={"parameters": "params"})
    chart(left, charts.params_by_year(known, t("anatomy_params"), t("anatomy_year"), families), config=PLOTLY,
                      key="hubx_years", alt=t("hubx_years_alt"))
    counts = table["main_task"].value_counts()
    chart(right, charts.category_bars(list(counts.index), list(counts.values)), config=PLOTLY, key="hubx_tasks",
                       alt=t("hubx_tasks_alt"))
    table["family"] = table["family"].map(families)
    data_table(st, table[["name", "hub_id", "year", "parameters", "family", "main_task", "licence", "languages"]],
               column_config={"parameters": st.column_config.NumberColumn(format="localized")})
    model_cards(chosen)
    _live_search()


def model_cards(chosen) -> None:
    from lib.hub import catalogue

    lang = current_lang()
    for model in chosen:
        with st.expander(f"{model.name} · {model.year}", icon="🪪"):
            st.markdown(catalogue.card_text(model.id, lang))
            facts = {t("hubx_col_hub"): model.hub_id or "—", t("col_licence"): model.licence or "—",
                     t("anatomy_params"): t("number", value=model.parameters) if model.parameters else "—",
                     t("hubx_col_tasks"): ", ".join(model.tasks), t("col_languages"): ", ".join(model.languages),
                     t("hubx_col_paper"): model.paper or "—"}
            st.table(pd.DataFrame({t("hubx_col_fact"): list(facts), t("hubx_col_value"): list(facts.values())}))
            if model.pack:
                st.caption(t(f"hubx_pack_{model.pack['relation']}", component=model.pack["component"]))
            if model.url:
                st.link_button(t("hubx_open"), model.url, icon="🤗")
            if model.hub_id:
                _today_on_the_hub(model)


def _today_on_the_hub(model) -> None:
    """The card's figures are fixed; downloads and likes change daily, so online the learner asks the
    Hub itself (model_info). Offline the card says so and shows the call (st.code: an expander
    cannot sit in the card's expander)."""
    from lib.hub import catalogue

    if hub_offline():
        st.caption(t("hubx_info_offline"))
    elif st.button(t("hubx_info_run"), icon="📡", key=f"hubx_info_{model.id}"):
        with learner_errors(), st.spinner(t("working")):
            info = catalogue.hub_model_info(model.hub_id)
            facts = {t("col_downloads"): _count(info["downloads"]), t("col_likes"): _count(info["likes"]),
                     t("col_last_modified"): info["last_modified"] or "—",
                     t("hubx_info_created"): info["created_at"] or "—",
                     t("hubx_info_files"): _count(info["files"]), t("anatomy_params"): _count(info["parameters"]),
                     t("hubx_info_gated"): t("hubx_info_gated_no") if not info["gated"] else str(info["gated"]),
                     t("col_licence"): info["licence"] or "—"}
            st.table(pd.DataFrame({t("hubx_col_fact"): list(facts), t("hubx_col_value"): list(facts.values())}))
            if info["parameters"] and model.parameters:
                st.caption(t("hubx_info_parameters", hub=info["parameters"], card=model.parameters))
    st.code(catalogue.code_info(model.hub_id), language="python")


def _count(value) -> str:
    return t("number", value=value) if isinstance(value, int) else "—"


def area_cards(area: str):
    """The famous models of one leaf of the map, as cards."""
    def widget() -> None:
        from lib.hub import catalogue

        st.subheader(t("hubx_area_title"))
        model_cards(catalogue.filter_models(area=area))

    widget.__name__ = widget.__qualname__ = f"hub_cards_{area}"
    return widget


def _live_search() -> None:
    from lib.hub import catalogue

    st.markdown(f"#### {t('hubx_live_title')}")
    if hub_offline():
        st.info(t("hubx_live_offline"))
        show_code(catalogue.code_search(text="vietnamese", task="text-classification"), expanded=True)
        return
    left, right = st.columns([3, 2])
    text = left.text_input(t("hubx_live_text"), value="vietnamese", max_chars=100, key="hubx_live_text")
    task = right.selectbox(t("hubx_task"), [ANY, *catalogue.tasks()], key="hubx_live_task")
    if st.button(t("hubx_live_run"), icon="🔎", key="hubx_live_run"):
        with learner_errors(), st.spinner(t("working")):
            rows = catalogue.search_hub(text=text.strip() or None, task=None if task == ANY else task)
            data_table(st, pd.DataFrame([vars(row) for row in rows]), column_config={"url": st.column_config.LinkColumn()})
    show_code(catalogue.code_search(text=text.strip() or None, task=None if task == ANY else task))


def autotrain_lab() -> None:
    st.subheader(t("hubx_autotrain_title"))
    st.markdown(read("labs/hub/autotrain.md"))
    trainer = page("trainer_api")
    st.page_link(trainer.file, label=t("hubx_autotrain_link"), icon="🪄")
