"""Security pass: no remote code, no pickled weights, bounded uploads, escaped HTML, a loopback-only server.

Source checks read the code as syntax trees (not strings), so a call spread over lines is still seen.
"""
from __future__ import annotations

import ast
import re
import socket
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lib.sections import ROOT

SOURCES = sorted([*(ROOT / "lib").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py"), ROOT / "Home.py"])
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
            "<a href=\"javascript:alert(1)\">x</a>", "'><svg/onload=alert(1)>", "</div><iframe src=//x>")


def _calls(path: Path, name: str):
    """Every call to `<anything>.name(...)` or `name(...)` in a source file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if called == name:
                yield node


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


# ----------------------------------------------------------------------------- remote code
TRUST = re.compile(r"trust_remote_code\s*[=:]\s*True|[\"']trust_remote_code[\"']\s*:\s*True")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_trust_remote_code_in_sources(path):
    assert not TRUST.search(path.read_text(encoding="utf-8"))


def test_no_trust_remote_code_in_generated_code():
    from lib.serving import examples
    from lib.tools import spaces

    shown = [code for task in examples.all_examples("http://127.0.0.1:8765").values() for code in task.values()]
    shown.append(examples.remote_servers_code())
    for task_id, task in spaces.TASKS.items():
        for sdk in spaces.SDKS:
            for model in task.models:
                shown.extend(spaces.generate(task_id, sdk, "My Space", model).values())
    assert shown and not any("trust_remote_code" in code for code in shown)


# ----------------------------------------------------------------------------- safetensors only
PICKLE_SUFFIXES = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy", ".npz", ".h5", ".msgpack"}
NON_TORCH_WEIGHTS = {".safetensors", ".onnx", ".gguf"}


def _is_ctranslate2(path: Path) -> bool:
    """CTranslate2's model.bin: its own binary format (a version number first), next to its vocabulary;
    not a torch pickle (zip "PK" since torch 1.6, or a raw pickle starting with 0x80)."""
    head = path.read_bytes()[:4] if path.stat().st_size < 1024 else path.open("rb").read(4)
    has_vocabulary = any(path.parent.glob("vocabulary.*"))
    return path.name == "model.bin" and has_vocabulary and not head.startswith((b"PK", b"\x80"))


@pytest.mark.pack
def test_pack_holds_no_pickled_weights():
    from lib.models.pack import COMPONENTS

    folders = [ROOT / ".cache" / "pack" / c.id for c in COMPONENTS if (ROOT / ".cache" / "pack" / c.id).is_dir()]
    assert folders
    weights = []
    for folder in folders:
        for file in folder.rglob("*"):
            if file.suffix in PICKLE_SUFFIXES:
                assert _is_ctranslate2(file), f"{file.relative_to(ROOT)} may be a pickle"
            if file.suffix in NON_TORCH_WEIGHTS | {".bin"}:
                weights.append(file)
    assert {f.suffix for f in weights} <= NON_TORCH_WEIGHTS | {".bin"}
    assert sum(f.suffix == ".safetensors" for f in weights) >= 4


_NOT_WEIGHTS = ("Tokenizer", "Processor", "Config", "FeatureExtractor", "Quantizer", "Peft")


def test_every_model_load_in_lib_refuses_pickles():
    """Model from_pretrained calls pass use_safetensors=True (or read a GGUF); pipeline() calls that
    load by name or folder pass model_kwargs={"use_safetensors": True}."""
    unsafe = []
    for path in (ROOT / "lib").rglob("*.py"):
        for call in _calls(path, "from_pretrained"):
            receiver = ast.unparse(call.func.value) if isinstance(call.func, ast.Attribute) else ""
            if any(word in receiver for word in _NOT_WEIGHTS) or receiver in ("Tokenizer", "tokenizers.Tokenizer"):
                continue
            safe = _keyword(call, "use_safetensors")
            if not (isinstance(safe, ast.Constant) and safe.value is True) and _keyword(call, "gguf_file") is None \
                    and not any(k.arg is None and "use_safetensors" in ast.unparse(k.value) for k in call.keywords):
                unsafe.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)[:80]}")
        for call in _calls(path, "pipeline"):
            model = _keyword(call, "model")
            source = path.read_text(encoding="utf-8")
            if model is None or isinstance(model, ast.Attribute) or (
                    isinstance(model, ast.Name) and f"{model.id} = load_model(" in source):
                continue  # a model object already loaded (safely, through the loader)
            if "use_safetensors" not in ast.unparse(_keyword(call, "model_kwargs") or ast.Constant(None)):
                unsafe.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)[:80]}")
    assert not unsafe, unsafe


def test_load_model_asks_for_safetensors(monkeypatch):
    import transformers

    from lib.models import loader

    seen = {}

    class Fake:
        def eval(self):
            return self

    def fake_from_pretrained(path, **kwargs):
        seen.update(kwargs, path=path)
        return Fake()

    class Direct:
        def get(self, key, factory):
            return factory()

    monkeypatch.setattr(loader, "shared_cache", lambda: Direct())
    monkeypatch.setattr(loader, "pack_path", lambda component_id: Path("/nowhere") / component_id)
    monkeypatch.setattr(transformers.AutoModel, "from_pretrained", fake_from_pretrained)
    loader.load_model("all-minilm-l6-v2", "AutoModel", attn_implementation="eager")
    assert seen["use_safetensors"] is True and seen["attn_implementation"] == "eager"


@pytest.mark.pack
def test_pack_model_loads_with_safetensors_only():
    from lib.models.loader import load_model

    model = load_model("vit-digits", "AutoModelForImageClassification")
    assert model.num_parameters() > 0


# ----------------------------------------------------------------------------- upload limits
def test_upload_size_is_bounded():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert 1 <= config["server"]["maxUploadSize"] <= 20  # MB: a classroom laptop's memory, not a server's


UPLOADER_FILES = [p for p in SOURCES if list(_calls(p, "file_uploader"))]


def test_uploaders_are_found():
    assert len(UPLOADER_FILES) >= 5  # the scan itself works (lib/ui labs, the progress page)


@pytest.mark.parametrize("path", UPLOADER_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_uploader_names_its_types(path):
    calls = list(_calls(path, "file_uploader"))
    for call in calls:
        types = _keyword(call, "type")
        assert types is not None, f"{path.name}:{call.lineno} has no type="
        if isinstance(types, (ast.List, ast.Tuple)):
            assert types.elts, f"{path.name}:{call.lineno} has an empty type list"


def test_generated_space_uploaders_name_their_types():
    from lib.tools import spaces

    for task_id in spaces.TASKS:
        app = spaces.generate(task_id, "streamlit", "My Space", None)["app.py"]
        for line in app.splitlines():
            if "file_uploader(" in line:
                assert "type=" in line, line


# ----------------------------------------------------------------------------- HTML escaping
ALLOWED_TAGS = {"div", "span", "code", "i", "b", "mark"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe_html(html: str) -> None:
    """Only the builders' own tags, no event handlers, no links or sources, nothing but a class,
    a title or a style as attributes."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, (tag, html[:300])
        for name, value in attrs:
            assert name in ("class", "title", "style"), (tag, name, html[:300])
            assert "javascript:" not in (value or "").lower() or name == "title", (name, value)
    for payload in PAYLOADS:
        if "<" in payload:  # plain "javascript:" text outside an attribute is harmless
            assert payload not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_token_chips_escape_learner_text(payload):
    from lib.tokenization.compare import Token
    from lib.ui.token_view import chips_html, pieces_html, rows_html

    text = f"xin chào {payload} ok"
    tokens = [Token(payload, 1, 9, 9 + len(payload)), Token("Ġ" + payload, None, 0, len(text), special=True),
              Token("##" + payload, 7, 0, 3, unknown=True)]
    assert_safe_html(chips_html(tokens, text, show_ids=True, hover=f"{payload} {{id}} {{piece}}"))
    assert_safe_html(rows_html([(payload, tokens, payload)], text, True, "{piece}"))
    assert_safe_html(pieces_html([payload, "▁" + payload]))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_metric_alignment_and_entities_escape_learner_text(payload):
    from types import SimpleNamespace

    from lib.ui.evaluate_lab import alignment_html
    from lib.ui.hub_lab import entities_html

    rows = [("equal", payload, payload), ("substitute", payload, "x"), ("insert", None, payload), ("delete", payload, None)]
    assert_safe_html(alignment_html(rows))
    text = f"{payload} ở Hà Nội {payload}"
    entity = SimpleNamespace(start=len(payload) + 4, end=len(payload) + 10, label=payload, text="Hà Nội")
    assert_safe_html(entities_html(text, [entity]))


def test_html_and_unsafe_markdown_calls_are_known():
    """Every st.html / unsafe_allow_html call site is one of those reviewed here: a new one must be added
    (with a test of its builder) on purpose."""
    reviewed = {"lib/ui/evaluate_lab.py", "lib/ui/hub_lab.py", "lib/ui/tokenizer_lab.py", "lib/ui/present.py",
                "lib/ui/accessibility.py", "lib/ui/token_view.py", "lib/ui/tokenizer_algorithms.py"}
    found = set()
    for path in SOURCES:
        for call in [*_calls(path, "html"), *_calls(path, "markdown"), *_calls(path, "caption"), *_calls(path, "write")]:
            unsafe = _keyword(call, "unsafe_allow_html")
            is_html = isinstance(call.func, ast.Attribute) and call.func.attr == "html" and ast.unparse(call.func.value) in ("st", "container")
            if is_html or (isinstance(unsafe, ast.Constant) and unsafe.value is True):
                found.add(str(path.relative_to(ROOT)))
    assert found <= reviewed, found - reviewed


# ----------------------------------------------------------------------------- local server
def test_server_defaults_to_loopback_and_refuses_other_hosts():
    import inspect

    from lib.serving import server

    assert inspect.signature(server.start).parameters["host"].default == "127.0.0.1"
    for host in ("0.0.0.0", "::", "10.0.0.2", "127.0.0.1 ", "localhost.evil.com"):
        with pytest.raises(ValueError):
            server.main(["--host", host, "--port", "0"])


def _raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("request_bytes, status", [
    (b"POST /tasks/text-classification HTTP/1.0\r\nOrigin: http://[\r\nContent-Length: 2\r\n\r\n{}", b" 403 "),
    (b"POST /tasks/text-classification HTTP/1.0\r\nOrigin: http://127.0.0.1.evil.com\r\n\r\n", b" 403 "),
    (b"GET //[ HTTP/1.0\r\n\r\n", b" 404 "),
    (b"POST /nowhere HTTP/1.0\r\nContent-Length: \xb2\r\n\r\n", b" 404 "),
    (b"POST /tasks/text-classification HTTP/1.0\r\nContent-Length: \xb2\r\n\r\n", b" 400 "),
    (b"POST /tasks/text-classification HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 200001\r\n\r\n"
     + b"[" * 100_000 + b"]" * 100_001, b" 400 "),
], ids=["bad origin", "lookalike origin", "bad path", "odd length 404", "odd length 400", "deep json"])
def test_server_answers_malformed_requests(request_bytes, status):
    from lib.serving.server import start

    with start() as running:
        answer = _raw_request(running.port, request_bytes)
    assert answer.split(b"\r\n", 1)[0].endswith(status.strip()) or status in answer.split(b"\r\n", 1)[0], answer[:200]


# ----------------------------------------------------------------------------- every text box of every page
SCRIPT = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
PAGE_IDS = [spec.id for spec in __import__("lib.sections", fromlist=["PAGES"]).PAGES]


def _rendered_html(at) -> list[str]:
    """Bodies that reach the browser as HTML: st.html, and Markdown elements allowed to hold HTML."""
    bodies = [element.value for element in at.get("html")]
    for kind in ("markdown", "caption", "latex"):
        bodies += [element.value for element in at.get(kind) if getattr(element.proto, "allow_html", False)]
    return bodies


@pytest.mark.pack
@pytest.mark.parametrize("page", PAGE_IDS)
def test_script_payload_in_every_text_box_stays_text(page):
    """Every text_input / text_area of every tab (English) set to a script: no exception, never raw HTML."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.app.lab_pages import problems
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.run()
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    tabs = [tab.label for tab in at.tabs] or [None]
    filled, escaped = 0, 0
    for label in tabs:
        if label is not None:
            at.session_state[f"{page}_tab_en"] = label
            at.run()
        boxes = [box for box in [*at.text_input, *at.text_area] if not box.disabled]
        for box in boxes:
            limit = getattr(box.proto, "max_chars", 0) or len(SCRIPT)
            box.set_value(SCRIPT[:limit])
        filled += len(boxes)
        at.run()
        assert not at.exception, (page, label, problems(at))
        for body in _rendered_html(at):
            assert "<script" not in body and "<img" not in body, (page, label, body[:300])
            escaped += "&lt;script&gt;" in body
    assert filled or page in ("home", "about", "quiz"), page
    if page == "tokenizers_lab":  # its chips redraw on every keystroke: the payload did reach the HTML builders
        assert escaped, "the payload never reached an HTML builder"
