"""The About page's view of the offline pack: what is inside, its state, and a build button."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.i18n import current_lang, strings, t
from lib.models.pack import COMPONENTS, provision, size_on_disk, status


def pack_table() -> pd.DataFrame:
    rows = []
    for c in COMPONENTS:
        state = status(c)
        rows.append({
            t("pack_col_part"): c.id,
            t("pack_col_source"): _source(c),
            t("pack_col_licence"): c.licence,
            t("pack_col_packages"): ", ".join(c.packages),
            t("pack_col_state"): t(f"pack_state_{state}"),
            t("pack_col_size"): round(size_on_disk(c) / 1e6, 1) if state == "ready" else None,
        })
    return pd.DataFrame(rows)


def _source(component) -> str:
    """Where a part comes from: a Hub name stays as it is, the parts made here say so in the learner's language."""
    name = component.id.replace("-", "_")
    return t(f"pack_source_{name}") if f"pack_source_{name}" in strings(current_lang()) else component.source


def pack_panel() -> None:
    table = pack_table()
    st.dataframe(table, hide_index=True)
    missing = [c.id for c in COMPONENTS if status(c) != "ready"]
    if not missing:
        st.success(t("pack_all_ready", total=round(sum(size_on_disk(c) for c in COMPONENTS) / 1e6)))
        return
    st.warning(t("pack_missing", parts=", ".join(missing)))
    st.code("make setup", language="bash")
    if st.button(t("pack_build_button"), type="primary"):
        progress = st.progress(0.0, text=t("pack_building_start"))
        done = []

        def report(component_id: str, state: str, seconds: float) -> None:
            if state == "building":
                progress.progress(len(done) / len(missing), text=t("pack_building", part=component_id))
                return
            done.append(component_id)
            if state.startswith("failed"):
                failures.append(t("pack_failed", part=component_id, why=state.removeprefix("failed: ")))

        failures: list[str] = []
        provision(missing, report=report)
        progress.progress(1.0, text=t("pack_building_done"))
        if not failures:
            st.rerun()
        for failure in failures:
            st.error(failure)
