"""Tokenizers lab widgets: compare real tokenizers, the cost of Vietnamese, and inside one tokenizer."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.charts import token_counts_bar, token_tax_bars
from lib.environment import hub_offline
from lib.i18n import current_lang, read, t, translate
from lib.models.registry import is_valid_hub_id
from lib.text_input import MAX_CHARS, InputProblem, decode_upload, prepare
from lib.tokenization import catalog, code, compare, cost, stages
from lib.tokenization.presets import PRESETS
from lib.ui import share
from lib.ui.model_picker import cached_hub_problem
from lib.ui.token_view import pieces_html, rows_html
from lib.ui.widgets import chart, filled, learner_errors, md_literal, notices, show_code

TEXT_KEY = "tok_text"
CHOSEN_KEY = "tok_chosen"
HUB_IDS_KEY = "tok_hub_ids"


def _rows(text: str, tokenizer_ids: tuple[str, ...]) -> list[compare.TokenRow]:
    """The last comparison of this session, reused when only the view changes (ids toggle, tabs).

    Kept per session rather than in st.cache_data: a new text would be hashed and pickled on
    every keystroke for a cache that another learner's text almost never hits.
    """
    last = st.session_state.get("tok_rows")
    if last is None or last[0] != (text, tokenizer_ids):
        last = ((text, tokenizer_ids), compare.compare(text, list(tokenizer_ids)))
        st.session_state["tok_rows"] = last
    return last[1]


@st.cache_data(show_spinner=False)
def _token_tax() -> list[dict]:
    return cost.token_tax([s.id for s in catalog.PRETRAINED])


def _apply_preset() -> None:
    preset = st.session_state.get("tok_preset")
    if preset:
        st.session_state[TEXT_KEY] = PRESETS[preset]


def _apply_upload() -> None:
    """Runs before the script, so the text box can take the file's text."""
    upload = st.session_state.get("tok_upload")
    st.session_state.pop("tok_upload_problem", None)
    if upload is None:
        return
    try:
        text = decode_upload(upload.getvalue())
    except InputProblem as problem:
        st.session_state["tok_upload_problem"] = (problem.key, problem.values)
        return
    if len(text) > MAX_CHARS:
        st.session_state["tok_upload_problem"] = ("text_cut", {"length": len(text), "limit": MAX_CHARS})
        text = text[:MAX_CHARS]
    st.session_state[TEXT_KEY] = text


def lab_text() -> str:
    """The text box, presets and .txt upload of the comparison; returns the current text."""
    lang = current_lang()
    share.seed(TEXT_KEY, "text")
    st.session_state.setdefault(TEXT_KEY, PRESETS["vi"])
    st.pills(t("tok_presets"), list(PRESETS), format_func=lambda p: translate(lang, f"tok_preset_{p}"),
             key="tok_preset", on_change=_apply_preset)
    text = st.text_area(t("tok_text_label"), key=TEXT_KEY, height=130, max_chars=MAX_CHARS)
    share.keep("text", text)
    st.file_uploader(t("tok_upload"), type=["txt"], key="tok_upload", on_change=_apply_upload,
                     help=t("tok_upload_help", limit=MAX_CHARS))
    problem = st.session_state.get("tok_upload_problem")
    if problem:
        (st.info if problem[0] == "text_cut" else st.warning)(t(problem[0], **problem[1]))
    return text


def _choose_tokenizers() -> list[str]:
    lang = current_lang()
    options = [s.id for s in catalog.ALL] + st.session_state.get(HUB_IDS_KEY, [])
    share.seed(CHOSEN_KEY, "tokenizers", lambda raw: [i for i in dict.fromkeys(raw.split(",")) if i in options])
    st.session_state.setdefault(CHOSEN_KEY, list(options))

    def label(tokenizer_id: str) -> str:
        spec = catalog.spec(tokenizer_id)
        return translate(lang, f"tok_baseline_{spec.id}") if spec.is_baseline else spec.name

    chosen = st.pills(t("tok_choose"), options, selection_mode="multi", format_func=label, key=CHOSEN_KEY)
    share.keep("tokenizers", ",".join(chosen))
    if hub_offline():
        st.caption(t("tok_hub_offline"))
    else:
        with st.form("tok_hub_form", border=False):
            st.text_input(t("tok_hub_add"), placeholder="vinai/phobert-base", max_chars=200, key="tok_hub_id")
            st.form_submit_button(t("tok_hub_add_button"), key="tok_hub_submit", on_click=_add_hub_tokenizer)
        if message := st.session_state.pop("tok_hub_message", None):
            level, key, values = message
            getattr(st, level)(t(key, **values))
    return [i for i in options if i in chosen]


def _add_hub_tokenizer() -> None:
    """Runs before the script, so that a tokenizer that loads joins the chosen ones at once."""
    hub_id = st.session_state.get("tok_hub_id", "").strip()
    if not hub_id:
        return
    if not is_valid_hub_id(hub_id):
        message = ("error", "picker_invalid_id", {})
    elif problem := cached_hub_problem(hub_id):
        message = ("warning", problem, {"model": hub_id})
    else:
        try:
            catalog.load(hub_id)
        except Exception:  # no tokenizer.json and nothing transformers can convert
            message = ("warning", "tok_hub_load_failed", {"model": hub_id})
        else:
            hub_ids = st.session_state.setdefault(HUB_IDS_KEY, [])
            if hub_id not in hub_ids:
                hub_ids.append(hub_id)
                st.session_state[CHOSEN_KEY] = [*st.session_state.get(CHOSEN_KEY, []), hub_id]
            message = ("success", "tok_hub_added", {"model": hub_id})
    st.session_state["tok_hub_message"] = message


def compare_lab() -> None:
    with st.expander(t("lab_how_to_read"), icon="💡"):  # folded: the text box comes first
        st.markdown(read("labs/tokenizers/compare.md"))
    text = lab_text()
    tokenizer_ids = _choose_tokenizers()
    if not tokenizer_ids:
        st.info(t("tok_choose_none"))
        return
    with learner_errors():
        prepared = prepare(text)
        notices(prepared.notices)
        with st.spinner(t("tok_working")):
            rows = _rows(prepared.text, tuple(tokenizer_ids))
        show_ids = st.toggle(t("tok_show_ids"), key="tok_show_ids")
        st.caption(t("tok_legend"))
        st.html(rows_html([_row_view(row) for row in rows], prepared.text, show_ids, t("tok_hover")))
        chart(st, token_counts_bar([_row_name(r) for r in rows], [r.count for r in rows], t("tok_count_axis")),
                        config={"displaylogo": False}, alt=t("tok_count_alt"))
        table = pd.DataFrame(compare.counts_table(rows, prepared.text))
        table["tokenizer"] = [_row_name(r) for r in rows]
        st.dataframe(table.rename(columns=lambda c: t(f"tok_col_{c}")), hide_index=True)
        show_code(code.compare_code(tokenizer_ids, prepared.text))


def _row_name(row: compare.TokenRow) -> str:
    return t(f"tok_baseline_{row.spec.id}") if row.spec.is_baseline else row.spec.name


def _row_view(row: compare.TokenRow) -> tuple[str, tuple[compare.Token, ...], str]:
    head = t("tok_row_summary", name=_row_name(row), count=row.count, ms=row.seconds * 1000)
    if row.unknown:
        head += " · " + t("tok_row_unknown", count=row.unknown)
    note = t("tok_row_truncated", shown=len(row.tokens), count=row.count) if row.truncated else ""
    return head, row.tokens, note


def cost_lab() -> None:
    lang = current_lang()
    st.markdown(read("labs/tokenizers/cost.md"))
    with learner_errors():
        rows = _token_tax()
        metrics = {m: t(f"tok_metric_{m}") for m in ("tokens_per_word", "tokens_per_syllable", "chars_per_token")}
        languages = {"vi": translate(lang, "lang_vi"), "en": translate(lang, "lang_en")}
        chart(st, token_tax_bars(rows, metrics, languages), config={"displaylogo": False})
        vi_rows = [r for r in rows if r["lang"] == "vi"]
        en_tokens = {r["tokenizer"]: r["tokens"] for r in rows if r["lang"] == "en"}
        st.dataframe(pd.DataFrame([{
            t("tok_col_tokenizer"): r["tokenizer"], t("tok_col_vi_tokens"): r["tokens"],
            t("tok_col_en_tokens"): en_tokens[r["tokenizer"]], t("tok_col_tax"): round(r["tax"], 2),
        } for r in vi_rows]), hide_index=True)
        st.caption(t("tok_tax_source", pairs=len(cost.parallel_pairs())))
        show_code(code.cost_code("gpt2"))

    st.subheader(t("tok_bytes_title"))
    word = st.text_input(t("tok_bytes_word"), value="Việt", max_chars=100, key="tok_bytes_word")
    if word:
        st.dataframe(pd.DataFrame(cost.utf8_bytes(word), columns=[t("tok_col_char"), t("tok_col_bytes")]),
                     hide_index=True)
    with learner_errors():
        accents = "ma má mà mả mã mạ"
        st.markdown(t("tok_accents_demo", text=accents, normalized=catalog.load("bert").normalizer.normalize_str(accents)))
        show_code(code.bytes_code(word or "Việt"))

    st.subheader(t("tok_nfc_title"))
    st.markdown(read("labs/tokenizers/nfc_nfd.md"))
    sample = st.text_input(t("tok_nfc_text"), value="Tiếng Việt có dấu", max_chars=300, key="tok_nfc_text")
    if not filled(sample):
        return
    with learner_errors():
        ids = [s.id for s in catalog.PRETRAINED]
        table = pd.DataFrame(cost.normal_forms(sample, ids))
        table["same"] = table["same"].map({True: "✅", False: "❌"})
        st.dataframe(table.rename(columns=lambda c: t(f"tok_col_{c}")), hide_index=True)
        first = sample.split()[0]
        st.caption(t("tok_code_points", word=md_literal(first), nfc=" ".join(cost.code_points(first, "NFC")),
                     nfd=" ".join(cost.code_points(first, "NFD"))))
        show_code(code.nfc_code("gpt2", sample))


def inside_lab() -> None:
    st.markdown(read("labs/tokenizers/inside.md"))
    ids = [s.id for s in catalog.PRETRAINED]
    names = {s.id: s.name for s in catalog.PRETRAINED}
    tokenizer_id = st.selectbox(t("tok_inside_choose"), ids, format_func=names.get, key="tok_inside_id")
    text = st.text_input(t("tok_text_label"), value="Xin chào Việt Nam! Hello, WORLD 🤗", max_chars=stages.MAX_CHARS,
                         key="tok_inside_text")
    with learner_errors():
        _inside(tokenizer_id, text)


def _inside(tokenizer_id: str, text: str) -> None:
    left, right = st.columns(2)
    # Below its special tokens plus one, the library does not truncate at all: not offered.
    minimum = catalog.load(tokenizer_id).num_special_tokens_to_add(False) + 1
    max_length = left.number_input(t("tok_truncate"), min_value=minimum, max_value=512, value=None, step=1,
                                   placeholder=t("tok_no_limit"), key=f"tok_inside_max_{tokenizer_id}",
                                   help=t("tok_truncate_min", special=minimum - 1, minimum=minimum))
    pad_to = right.number_input(t("tok_pad"), min_value=1, max_value=512, value=None, step=1,
                                placeholder=t("tok_no_limit"), key="tok_inside_pad")
    prepared = prepare(text)
    notices(prepared.notices)
    result = stages.run(tokenizer_id, prepared.text, max_length, pad_to)
    st.markdown(t("tok_stage_normalizer", name=result.normalizer or "—"))
    st.code(result.normalized, language=None, wrap_lines=True)
    st.markdown(t("tok_stage_pre_tokenizer", name=result.pre_tokenizer or "—"))
    st.html(pieces_html(piece for piece, _ in result.pre_tokens))
    st.markdown(t("tok_stage_model", name=result.model))
    st.html(" ‖ ".join(pieces_html(token for token, _ in pieces) for pieces in result.model_tokens)
            or pieces_html([]))
    st.markdown(t("tok_stage_post", name=result.post_processor or "—", truncated=result.truncated))
    st.dataframe(pd.DataFrame({
        t("tok_col_token"): result.tokens, t("tok_col_id"): result.ids, t("tok_col_type_id"): result.type_ids,
        t("tok_col_attention"): result.attention_mask, t("tok_col_special"): result.special_tokens_mask,
        t("tok_col_offsets"): [f"{a}–{b}" for a, b in result.offsets],
    }), hide_index=True)
    st.markdown(t("tok_stage_decode"))
    st.code(result.decoded, language=None, wrap_lines=True)
    if result.lossless:
        st.success(t("tok_round_trip_ok"))
    else:
        st.warning(t("tok_round_trip_lossy"))
        changes = [(t(f"tok_op_{op}"), original, decoded) for op, original, decoded in result.differences]
        st.dataframe(pd.DataFrame(changes, columns=[t("tok_col_change"), t("tok_col_original"), t("tok_col_decoded")]),
                     hide_index=True)
    show_code(code.stages_code(tokenizer_id, prepared.text, max_length, pad_to,
                               stages.pad_token(catalog.load(tokenizer_id))))

