"""The Hub CLI panel (whitelisted `hf` commands) and the Spaces generator.

The CLI checks refuse anything outside the whitelist before a process starts; `hf version` and
`hf env` really run, offline. The generated Streamlit apps run under AppTest with
`transformers.pipeline` replaced by a small fake (see `patch_pipeline`): this tests each app's UI code, not the model
(the real models are Hub downloads a Space makes, not part of the offline pack). Gradio is not
installed here, so the Gradio apps are checked statically and then executed against a stub
`gradio` module to call their functions once.
"""
from __future__ import annotations

import ast
import io
import subprocess
import sys
import types
import zipfile

import pytest
import yaml

from lib.text_input import InputProblem
from lib.tools import hub_cli, spaces
from lib.tools.hub_cli import COMMANDS, build_argv, explain_snippets, run

METACHARACTERS = [";", "|", "&", "$", "`", ">", "<", "\n"]


def problem(call, *args, **kwargs) -> InputProblem:
    with pytest.raises(InputProblem) as caught:
        call(*args, **kwargs)
    return caught.value


# ----------------------------------------------------------------------------- CLI whitelist
def test_unknown_commands_are_refused():
    for command in ("repos_delete", "auth_token", "upload", "rm -rf", "", None, "version; ls"):
        assert problem(build_argv, command, {}).key == "cli_unknown_command"


def test_every_argument_refuses_shell_metacharacters():
    checked = 0
    for command_id, spec in COMMANDS.items():
        for arg in spec.args:
            if arg.kind == "flag":
                continue
            for ch in METACHARACTERS:
                value = f"gpt2{ch}x"
                args = {arg.name: [value] if arg.many else value}
                if command_id == "download" and arg.name != "repo_id":
                    args["repo_id"] = "gpt2"
                if command_id in ("models_info", "models_card", "datasets_info") and arg.name != "repo_id":
                    args["repo_id"] = "gpt2"
                assert problem(build_argv, command_id, args).key == "cli_forbidden_character", (command_id, arg.name, ch)
                checked += 1
    assert checked >= 8 * 20


@pytest.mark.parametrize("bad", ["a/b/c", "../etc/passwd", "https://huggingface.co/gpt2", "a--b", "bad id",
                                 "owner/" + "x" * 97, "-rf", "gpt2."])
def test_bad_repo_ids_are_refused(bad):
    assert problem(build_argv, "models_info", {"repo_id": bad}).key in (
        "cli_bad_repo_id", "cli_bad_value", "cli_value_too_long")


def test_good_repo_ids_pass():
    assert build_argv("models_info", {"repo_id": "HuggingFaceTB/SmolLM2-135M-Instruct"}) == [
        "hf", "models", "info", "HuggingFaceTB/SmolLM2-135M-Instruct"]
    assert build_argv("datasets_info", {"repo_id": "imdb"}) == ["hf", "datasets", "info", "imdb"]


def test_unknown_options_values_and_limits_are_refused():
    assert problem(build_argv, "models_ls", {"token": "hf_x"}).key == "cli_unknown_option"
    assert problem(build_argv, "download", {"repo_id": "gpt2", "local_dir": "/tmp"}).key == "cli_unknown_option"
    assert problem(build_argv, "models_ls", {"search": "a" * 101}).key == "cli_value_too_long"
    assert problem(build_argv, "models_ls", {"search": "--token"}).key == "cli_bad_value"  # would read as an option
    assert problem(build_argv, "models_ls", {"limit": 500}).key == "cli_bad_number"
    assert problem(build_argv, "models_ls", {"limit": "ten"}).key == "cli_bad_number"
    assert problem(build_argv, "models_ls", {"sort": "random"}).key == "cli_bad_choice"
    assert problem(build_argv, "cache_ls", {"revisions": "yes"}).key == "cli_bad_value"
    assert problem(build_argv, "models_info", {}).key == "cli_missing_argument"


def test_download_is_limited_to_small_named_files():
    assert problem(build_argv, "download", {"repo_id": "gpt2"}).key == "cli_download_needs_files"
    assert problem(build_argv, "download", {"repo_id": "gpt2", "filenames": ["model.safetensors"]}).key == \
        "cli_file_not_allowed"
    assert problem(build_argv, "download", {"repo_id": "gpt2", "filenames": ["../../x.json"]}).key == "cli_bad_value"
    many = [f"f{i}.json" for i in range(6)]
    assert problem(build_argv, "download", {"repo_id": "gpt2", "filenames": many}).key == "cli_too_many_values"
    assert build_argv("download", {"repo_id": "gpt2", "filenames": ["config.json", "tokenizer.json"]}) == [
        "hf", "download", "gpt2", "config.json", "tokenizer.json", "--repo-type", "model"]
    assert build_argv("download", {"repo_id": "imdb", "repo_type": "dataset", "dry_run": True}) == [
        "hf", "download", "imdb", "--repo-type", "dataset", "--dry-run"]


def test_argv_is_a_plain_list_and_unicode_search_is_one_argument():
    argv = build_argv("models_ls", {"search": "phở bert", "author": "vinai", "limit": 5, "sort": "downloads"})
    assert argv == ["hf", "models", "ls", "--search", "phở bert", "--author", "vinai", "--sort", "downloads",
                    "--limit", "5"]
    assert all(isinstance(a, str) for a in argv)
    assert hub_cli.display(argv) == "hf models ls --search 'phở bert' --author vinai --sort downloads --limit 5"


def test_run_never_uses_a_shell_and_blanks_tokens(monkeypatch):
    seen = {}

    def fake_run(argv, **kwargs):
        seen.update(kwargs, argv=argv)
        return subprocess.CompletedProcess(argv, 0, "token: hf_" + "a" * 30 + "\n\x1b[32mok\x1b[0m", "")

    monkeypatch.setattr(hub_cli.subprocess, "run", fake_run)
    result = run("auth_whoami")
    assert seen["shell"] is False and isinstance(seen["argv"], list)
    assert seen["argv"][0].endswith("hf") and seen["argv"][1:] == ["auth", "whoami"]
    assert seen["timeout"] == hub_cli.DEFAULT_TIMEOUT and seen["env"]["NO_COLOR"] == "1"
    assert "hf_aaaa" not in result.stdout and "hf_***" in result.stdout and "\x1b" not in result.stdout
    assert result.argv == ["hf", "auth", "whoami"]


def test_run_reports_a_timeout_and_cuts_long_output(monkeypatch):
    def slow(argv, **kwargs):
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    monkeypatch.setattr(hub_cli.subprocess, "run", slow)
    assert problem(run, "env", timeout=3).key == "cli_timeout"
    monkeypatch.setattr(hub_cli.subprocess, "run",
                        lambda argv, **kw: subprocess.CompletedProcess(argv, 0, "x" * 50_000, ""))
    result = run("env")
    assert result.truncated and len(result.stdout) <= hub_cli.MAX_OUTPUT_CHARS + 2


def test_online_commands_are_refused_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert problem(run, "models_ls", {"search": "bert"}).key == "cli_needs_online"
    assert problem(run, "download", {"repo_id": "gpt2", "filenames": ["config.json"]}).key == "cli_needs_online"


def test_hf_version_and_env_really_run_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    version = run("version")
    assert version.returncode == 0 and "2.4.0" in version.stdout and version.argv == ["hf", "version"]
    env = run("env")
    assert env.returncode == 0 and "huggingface_hub version: 2.4.0" in env.stdout
    assert "HF_HUB_OFFLINE: True" in env.stdout


def test_snippets_show_the_real_commands():
    snippets = explain_snippets()
    assert set(snippets) == {"auth", "upload", "repo_create"}
    assert "hf auth login" in snippets["auth"] and "HF_TOKEN" in snippets["auth"]
    assert "hf upload" in snippets["upload"] and "upload_folder" in snippets["upload"]
    assert "hf repos create" in snippets["repo_create"] and "create_repo(" in snippets["repo_create"]
    for code in snippets.values():
        assert "hf repo " not in code  # the 1.x spelling; 2.4 has `hf repos`


# ----------------------------------------------------------------------------- Spaces generator
def test_titles_are_checked():
    assert problem(spaces.generate, "chat", "gradio", "").key == "spaces_title_empty"
    assert problem(spaces.generate, "chat", "gradio", "   ").key == "spaces_title_empty"
    assert problem(spaces.generate, "chat", "gradio", "x" * 61).key == "spaces_title_too_long"
    assert problem(spaces.generate, "chat", "gradio", "<script>alert(1)</script>").key == "spaces_title_bad_characters"
    assert problem(spaces.generate, "chat", "gradio", "a\x00b").key == "spaces_title_bad_characters"
    assert problem(spaces.generate, "nope", "gradio", "Ok").key == "spaces_unknown_task"
    assert problem(spaces.generate, "chat", "flask", "Ok").key == "spaces_unknown_sdk"
    assert problem(spaces.generate, "chat", "gradio", "Ok", model_id="https://evil/x").key == "spaces_bad_model_id"


@pytest.mark.parametrize("sdk", spaces.SDKS)
@pytest.mark.parametrize("task_id", list(spaces.TASKS))
def test_readme_header_requirements_and_zip(task_id, sdk):
    title = "Phân loại cảm xúc: Nam's demo"
    files = spaces.generate(task_id, sdk, title)
    readme = files["README.md"]
    assert readme.startswith("---\n")
    header = yaml.safe_load(readme.split("---\n")[1])
    for key in ("title", "emoji", "colorFrom", "colorTo", "sdk", "pinned", "license", "models"):
        assert key in header, key
    assert header["title"] == title and header["models"] == [spaces.TASKS[task_id].default_model]
    assert header["colorFrom"] in spaces.COLORS and header["colorTo"] in spaces.COLORS
    assert len(header["short_description"]) <= 60
    requirements = files["requirements.txt"]
    assert "transformers==5.24.0" in requirements and "torch==2.13.0" in requirements
    assert "download.pytorch.org/whl/cpu" in requirements
    if sdk == "gradio":
        assert header["sdk"] == "gradio" and header["sdk_version"] == "6.31.0" and header["app_file"] == "app.py"
        assert "gradio==6.31.0" in requirements and "Dockerfile" not in files
    else:
        assert header["sdk"] == "docker" and header["app_port"] == 8501
        assert "streamlit==1.67.0" in requirements and '"--server.port=8501"' in files["Dockerfile"]
    needs_ffmpeg = spaces.TASKS[task_id].needs_ffmpeg
    assert needs_ffmpeg == ("ffmpeg" in files.get("packages.txt", "") + files.get("Dockerfile", ""))
    tree = ast.parse(files["app.py"])
    titles = [n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
              and getattr(n.targets[0], "id", "") == "TITLE"]
    assert titles == [title]
    data = spaces.to_zip(files)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {n: archive.read(n).decode("utf-8") for n in archive.namelist()} == files
    assert spaces.to_zip(files) == data


# ----------------------------------------------------------------------------- running the apps
def fake_pipeline_factory(calls: list):
    """A stand-in for transformers.pipeline: answers each task in the shape the real one does."""
    def fake_pipeline(task, model=None, **kwargs):
        calls.append((task, model, kwargs))

        def answer(inputs, **options):
            if task == "text-classification":
                return [{"label": "POSITIVE", "score": 0.93}, {"label": "NEGATIVE", "score": 0.07}]
            if task == "image-classification":
                return [{"label": "tabby cat", "score": 0.8}, {"label": "remote control", "score": 0.1}]
            if task == "automatic-speech-recognition":
                return {"text": "xin chào các bạn"}
            if task == "text-generation":
                return [{"generated_text": [*inputs, {"role": "assistant", "content": "Chào bạn!"}]}]
            if task == "feature-extraction":
                seed = sum(map(ord, inputs)) % 7 + 1
                return [[[seed, 1.0, 0.5], [seed, 2.0, 0.5]]]  # (1, tokens, hidden)
            raise AssertionError(task)
        return answer
    return fake_pipeline


def patch_pipeline(monkeypatch, calls: list) -> None:
    """Replace `transformers.pipeline` for the generated apps' `from transformers import pipeline`.

    A stub `transformers` module is put in sys.modules rather than patching the real one: the app
    only needs `pipeline`, the real package costs seconds of torch import on a shared CPU, and in
    transformers 5.24 the first attribute access swaps the lazy module in sys.modules, which would
    silently undo a patch made on the old object.
    """
    stub = types.ModuleType("transformers")
    stub.pipeline = fake_pipeline_factory(calls)
    monkeypatch.setitem(sys.modules, "transformers", stub)


@pytest.mark.parametrize("task_id", list(spaces.TASKS))
def test_generated_streamlit_app_runs_with_a_fake_model(task_id, tmp_path, monkeypatch):
    """The UI code of each generated Streamlit app, with the model replaced by a fake pipeline."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    calls: list = []
    patch_pipeline(monkeypatch, calls)
    st.cache_resource.clear()
    app = tmp_path / "app.py"
    app.write_text(spaces.generate(task_id, "streamlit", "Thử nghiệm")["app.py"], encoding="utf-8")
    at = AppTest.from_file(str(app), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value.endswith("Thử nghiệm")
    if task_id == "chat":
        at.chat_input[0].set_value("Xin chào").run()
    else:
        at.button[0].click().run()
    assert not at.exception, at.exception
    assert calls and calls[0][1] == spaces.TASKS[task_id].default_model
    page = " ".join(str(e.value) for kind in ("markdown", "metric", "subheader") for e in getattr(at, kind))
    expected = {"text-classification": "POSITIVE", "automatic-speech-recognition": "xin chào các bạn",
                "chat": "Chào bạn!"}.get(task_id)
    if expected:
        assert expected in page
    else:
        assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == (2 if task_id == "image-classification" else 3)
    st.cache_resource.clear()


def stub_gradio(record: dict) -> types.ModuleType:
    """Just enough of gradio's surface to build the app and hand back its function."""
    gr = types.ModuleType("gradio")

    class Component:
        def __init__(self, *args, **kwargs):
            self.args, self.kwargs = args, kwargs

    class App(Component):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            record["app"] = (type(self).__name__, kwargs)

        def launch(self, *args, **kwargs):
            record["launched"] = True

    for name in ("Textbox", "Label", "Image", "Audio", "Dropdown", "Number", "Chatbot", "Markdown"):
        setattr(gr, name, type(name, (Component,), {}))
    for name in ("Interface", "ChatInterface", "Blocks"):
        setattr(gr, name, type(name, (App,), {}))
    return gr


@pytest.mark.parametrize("task_id", list(spaces.TASKS))
def test_generated_gradio_app_is_well_formed(task_id, monkeypatch):
    source = spaces.generate(task_id, "gradio", "Thử nghiệm")["app.py"]
    tree = ast.parse(compile(source, "app.py", "exec", ast.PyCF_ONLY_AST))
    imports = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert "gradio" in imports
    built = {node.func.attr for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "gr"}
    assert built & {"Interface", "ChatInterface", "Blocks"}
    assert any(isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "launch" for n in ast.walk(tree))

    record: dict = {}
    calls: list = []
    monkeypatch.setitem(sys.modules, "gradio", stub_gradio(record))
    patch_pipeline(monkeypatch, calls)
    namespace = {"__name__": "space_app"}
    exec(compile(source, "app.py", "exec"), namespace)
    kind, kwargs = record["app"]
    fn = kwargs["fn"]
    if task_id == "chat":
        history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]}]
        assert fn("Xin chào", history) == "Chào bạn!"
    elif task_id == "automatic-speech-recognition":
        assert fn("/tmp/a.wav", "Tiếng Việt") == "xin chào các bạn"
        assert fn(None, "English") == ""
    elif task_id == "feature-extraction":
        scores = fn("query", "one\ntwo\n\n")
        assert set(scores) == {"one", "two"} and all(-1.0001 <= s <= 1.0001 for s in scores.values())
    else:
        result = fn("some input")
        assert isinstance(result, dict) and max(result.values()) > 0.5
    assert calls[0][1] == spaces.TASKS[task_id].default_model
    assert "launched" not in record  # launch() only under __main__


@pytest.mark.pack
@pytest.mark.parametrize("task_id, component", [("text-classification", "sentiment-e5-vi-en"),
                                                ("feature-extraction", "all-minilm-l6-v2")])
def test_generated_streamlit_app_runs_a_real_pack_model(task_id, component, tmp_path):
    """The same app code with the real transformers pipeline, pointed at a pack folder instead of the Hub id:
    checks that the calls the app makes (top_k=None, token vectors) match what pipelines really return."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from lib.models.loader import pack_path

    source = spaces.generate(task_id, "streamlit", "Real")["app.py"]
    source = source.replace(repr(spaces.TASKS[task_id].default_model), repr(str(pack_path(component))), 1)
    app = tmp_path / "app.py"
    app.write_text(source, encoding="utf-8")
    st.cache_resource.clear()
    at = AppTest.from_file(str(app), default_timeout=300)
    at.run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    if task_id == "text-classification":
        assert at.metric[0].value == "positive"  # the pack classifier's label for the default sentence
    else:
        table = at.dataframe[0].value
        assert table.iloc[-1]["sentence"] == "The weather is lovely today."  # the off-topic line ranks last
    st.cache_resource.clear()
