"""Sharing and serving widgets: the local inference server, a Space to deploy, the Hub CLI,
and Gradio against Streamlit."""
from __future__ import annotations

import json

import streamlit as st

from lib.environment import hub_offline
from lib.i18n import current_lang, read, t, translate
from lib.sections import ROOT
from lib.ui.widgets import learner_errors, show_code

JSON_TASKS = ["text-classification", "feature-extraction", "token-classification", "zero-shot-classification",
              "text-generation", "chat-completion", "text-to-speech"]


# --- the local inference server -------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _server():
    """One server for the whole app, on a free loopback port, started on first request."""
    from lib.serving.server import start

    return start(port=0)


def server_lab() -> None:
    from lib.serving import examples

    st.subheader(t("serve_title"))
    st.markdown(read("labs/sharing/server.md"))
    running = st.session_state.get("serve_started") or st.button(t("serve_start"), icon="🖥️", key="serve_start")
    if not running:
        show_code(f"# in a terminal, from the project folder\n{examples.START_COMMAND}\n")
        return
    st.session_state["serve_started"] = True
    server = _server()
    st.success(t("serve_running", url=server.url))
    lang = current_lang()
    task = st.selectbox(t("serve_task"), JSON_TASKS, key="serve_task")
    code = examples.task_examples(task, server.url)
    client, raw, curl, hosted = st.tabs(["InferenceClient", "requests", "curl", t("serve_hosted_tab")])
    client.code(code["inference_client"], language="python")
    raw.code(code["requests"], language="python")
    curl.code(code["curl"], language="bash")
    hosted.code(code["hosted"], language="python")
    payload = examples.BY_TASK[task].payload
    if st.button(t("serve_call"), icon="📨", key="serve_call"):
        with learner_errors(), st.spinner(t("working")):
            status, headers, body = _post(examples.route(task, server.url), payload)
            st.caption(t("serve_status", status=status, kind=headers.get("Content-Type", "")))
            if headers.get("Content-Type", "").startswith("audio/"):
                st.audio(body, format="audio/wav")
            else:
                answer = json.loads(body)
                st.json(_shorten(answer), expanded=2)
    with st.expander(t("serve_beyond"), icon="🏭"):
        st.markdown(translate(lang, "serve_beyond_text"))
        st.code(examples.remote_servers_code(), language="python")


def _post(url: str, payload: dict) -> tuple[int, dict, bytes]:
    """POST JSON to the local server with the standard library (huggingface_hub refuses every
    request while HF_HUB_OFFLINE=1, even to 127.0.0.1, and the app stays offline)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _shorten(answer):
    """Long vectors cut for display: 384 numbers say less than their first eight and a count."""
    if isinstance(answer, list) and len(answer) > 16 and all(isinstance(x, (int, float)) for x in answer):
        return answer[:8] + [f"… ({len(answer)} numbers)"]
    if isinstance(answer, list):
        return [_shorten(item) for item in answer]
    if isinstance(answer, dict):
        return {key: _shorten(value) for key, value in answer.items()}
    return answer


# --- Hugging Face's hosted inference, for real when online -----------------------------------

def hosted_lab() -> None:
    """A real call to Inference Providers with the learner's token; offline it says why not."""
    from lib.serving import examples, hosted

    st.subheader(t("hosted_live_title"))
    task = st.selectbox(t("serve_task"), list(hosted.HOSTED_TASKS), key="hosted_task")
    if hub_offline():
        st.info(t("hosted_live_offline"), icon="📴")
        show_code(examples.hosted_code(task), expanded=True)
        return
    token = st.text_input(t("hosted_token"), type="password", help=t("hosted_token_help"), key="hosted_token")
    model = st.text_input(t("hosted_model"), value=hosted.default_model(task), key=f"hosted_model_{task}")
    example = examples.BY_TASK[task]
    text = st.text_area(t("hosted_text"), value=_first_text(example), max_chars=hosted.MAX_INPUT_CHARS,
                        key=f"hosted_text_{task}")
    labels = None
    if task == "zero-shot-classification":
        labels = st.text_input(t("hosted_labels"), value=", ".join(example.payload["parameters"]["candidate_labels"]),
                               key="hosted_labels").split(",")
    show_code(examples.hosted_code(task))
    if st.button(t("hosted_call"), icon="☁️", key="hosted_call"):
        with learner_errors(), st.spinner(t("working")):
            answer = hosted.call(task, text, token=token, model=model, labels=labels)
            st.caption(t("hosted_took", model=answer.model, seconds=answer.seconds))
            st.json(_shorten(answer.answer), expanded=2)


def _first_text(example) -> str:
    payload = example.payload
    return payload["messages"][-1]["content"] if "messages" in payload else payload["inputs"]


# --- a Space to deploy -----------------------------------------------------------------------

def spaces_lab() -> None:
    from lib.tools import spaces

    st.subheader(t("spaces_title"))
    st.markdown(read("labs/sharing/spaces.md"))
    left, middle = st.columns(2)
    task_id = left.selectbox(t("spaces_task"), list(spaces.TASKS), key="spaces_task")
    sdk = middle.segmented_control(t("spaces_sdk"), list(spaces.SDKS), default="gradio", key="spaces_sdk") or "gradio"
    left, right = st.columns(2)
    model_id = left.selectbox(t("spaces_model"), list(spaces.TASKS[task_id].models), key=f"spaces_model_{task_id}")
    title = right.text_input(t("spaces_title_input"), value="Học Hugging Face demo", max_chars=80, key="spaces_name")
    with learner_errors():
        files = spaces.generate(task_id, sdk, title, model_id)
        for tab, (path, text) in zip(st.tabs(list(files)), files.items(), strict=True):
            tab.code(text, language={"app.py": "python", "Dockerfile": "docker", "README.md": "markdown"}.get(path))
        st.download_button(t("spaces_download"), spaces.to_zip(files), file_name=f"{task_id}-{sdk}-space.zip",
                           mime="application/zip", icon="📦", key="spaces_zip")
        st.caption(t("spaces_deploy"))


# --- the Hub command line ----------------------------------------------------------------------

def cli_lab() -> None:
    from lib.tools import hub_cli

    st.subheader(t("cli_title"))
    st.markdown(read("labs/sharing/cli.md"))
    lang = current_lang()
    command_id = st.selectbox(t("cli_command"), list(hub_cli.COMMANDS), key="cli_command",
                              format_func=lambda c: "hf " + " ".join(hub_cli.COMMANDS[c].argv))
    spec = hub_cli.COMMANDS[command_id]
    st.caption(translate(lang, spec.explain_key))
    if spec.online_only and hub_offline():
        st.info(t("cli_offline_only"))
    values = {}
    for arg in spec.args:
        key = f"cli_{command_id}_{arg.name}"
        options = getattr(arg.check, "options", None)
        if arg.kind == "flag":
            values[arg.name] = st.checkbox(arg.option or arg.name, key=key)
        elif options:
            picked = st.selectbox(arg.option or arg.name, ["", *options], key=key)
            if picked:
                values[arg.name] = picked
        else:
            typed = st.text_input(arg.option or arg.name, value="" if arg.default is None else str(arg.default),
                                  max_chars=120, key=key, help=t("cli_many_help") if arg.many else None)
            if typed.strip():
                values[arg.name] = typed.split() if arg.many else typed
    with learner_errors():
        argv = hub_cli.build_argv(command_id, values)
        st.code(hub_cli.display(argv), language="bash")
        if st.button(t("cli_run"), icon="⌨️", key="cli_run"):
            with st.spinner(t("working")):
                result = hub_cli.run(command_id, values)
            st.caption(t("cli_result", code=result.returncode, seconds=result.seconds))
            st.code((result.stdout + ("\n" + result.stderr if result.stderr else "")).strip() or "—", language=None)
    with st.expander(t("cli_explain_more"), icon="🔐"):
        snippets = hub_cli.explain_snippets()
        for name in ("auth", "upload", "repo_create"):
            st.markdown(f"**{t(f'cli_snippet_{name}')}**")
            st.code(snippets[name], language="bash" if name == "auth" else "python")


# --- Gradio and Streamlit ----------------------------------------------------------------------

def gradio_streamlit_lab() -> None:
    from lib.tools import spaces

    st.subheader(t("gs_title"))
    st.markdown(read("labs/sharing/gradio_streamlit.md"))
    gradio = spaces.generate("text-classification", "gradio", "Sentiment demo")["app.py"]
    streamlit_app = spaces.generate("text-classification", "streamlit", "Sentiment demo")["app.py"]
    left, right = st.columns(2)
    left.markdown("**Gradio**")
    left.code(gradio, language="python")
    right.markdown("**Streamlit**")
    right.code(streamlit_app, language="python")


def this_page_source() -> None:
    """This app as the Streamlit example: the page file and the widgets it calls, as they run."""
    st.subheader(t("gs_source_title"))
    st.markdown(t("gs_source_text"))
    for relpath in ("app_pages/tools.py", "lib/ui/lesson.py", "lib/ui/sharing_lab.py"):
        with st.expander(relpath, icon="📄"):
            st.code((ROOT / relpath).read_text(encoding="utf-8"), language="python", line_numbers=True)
