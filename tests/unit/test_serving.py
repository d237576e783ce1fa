"""The local inference server answers the real InferenceClient (and plain HTTP) with Hugging Face's shapes."""
import io
import json
import socket
import wave

import numpy as np
import pytest
import requests

from lib.i18n import translate
from lib.serving import examples
from lib.serving.server import JSON_LIMIT, loopback_host, start

pytestmark = pytest.mark.pack

REVIEW = "Món phở này ngon tuyệt, nhân viên rất thân thiện!"
NER_TEXT = "Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập tại Hà Nội."


@pytest.fixture(scope="module")
def server():
    # huggingface_hub refuses every request (even to loopback) while offline mode is on; the
    # models themselves load from the pack folders and never need the network.
    with pytest.MonkeyPatch.context() as patch:
        import huggingface_hub.constants

        patch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
        with start(port=0) as running:
            yield running


@pytest.fixture(scope="module")
def client(server):
    from huggingface_hub import InferenceClient

    return InferenceClient()


def test_binds_only_to_loopback():
    assert loopback_host("localhost") == "127.0.0.1"
    for host in ("0.0.0.0", "", "192.168.1.10", "::", "::1", "example.com"):
        with pytest.raises(ValueError):
            start(port=0, host=host)
    with start(port=0) as running:
        assert running.host == "127.0.0.1" and running.port > 0
        listening = socket.create_connection(("127.0.0.1", running.port), timeout=5)
        listening.close()


def test_index_health_and_info(server):
    from huggingface_hub import InferenceClient

    client = InferenceClient(provider="hf-inference")  # health_check and get_endpoint_info insist on it
    index = requests.get(server.url + "/", timeout=30).json()
    assert set(index["tasks"]) >= {"text-classification", "feature-extraction", "text-to-speech"}
    assert index["chat_completions"] == server.url + "/v1/chat/completions"
    assert client.health_check(model=server.task_url("text-generation"))
    assert client.get_endpoint_info(model=server.task_url("text-generation"))["model_pipeline_tag"] == "text-generation"


def test_text_classification(server, client):
    result = client.text_classification(REVIEW, model=server.task_url("text-classification"))
    assert [item.label for item in result][0] == "positive"
    assert {item.label for item in result} == {"positive", "negative"}
    assert sum(item.score for item in result) == pytest.approx(1.0, abs=1e-4)
    raw = requests.post(server.task_url("text-classification"),
                        json={"inputs": [REVIEW, "Tệ quá, tôi sẽ không quay lại."], "parameters": {"top_k": 1}},
                        timeout=120).json()
    assert [[item["label"] for item in row] for row in raw] == [["positive"], ["negative"]]


def test_feature_extraction(server, client):
    one = client.feature_extraction("Hà Nội là thủ đô của Việt Nam.", model=server.task_url("feature-extraction"))
    assert one.shape == (384,) and one.dtype == np.float32
    assert np.linalg.norm(one) == pytest.approx(1.0, abs=1e-3)
    raw = requests.post(server.task_url("feature-extraction"),
                        json={"inputs": ["Hà Nội là thủ đô của Việt Nam.", "Hanoi is the capital of Vietnam."]},
                        timeout=120).json()
    assert len(raw) == 2 and all(len(v) == 384 and all(isinstance(x, float) for x in v) for v in raw)
    assert np.allclose(raw[0], one, atol=1e-4)  # same text, same "query: " prefix
    assert float(np.dot(raw[0], raw[1])) > 0.8  # the same meaning across languages


def test_token_classification(server, client):
    entities = client.token_classification(NER_TEXT, model=server.task_url("token-classification"))
    found = {(e.entity_group, e.word) for e in entities}
    assert {("PER", "Hồ Chí Minh"), ("LOC", "Hà Nội")} <= found
    assert all(NER_TEXT[e.start:e.end] == e.word for e in entities)
    raw = requests.post(server.task_url("token-classification"),
                        json={"inputs": NER_TEXT, "parameters": {"ignore_labels": ["PER"]}}, timeout=60).json()
    assert raw and all(set(e) == {"entity_group", "score", "word", "start", "end"} for e in raw)
    assert "PER" not in {e["entity_group"] for e in raw}


def test_zero_shot_classification(server, client):
    labels = ["thể thao", "chính trị", "ẩm thực"]
    result = client.zero_shot_classification("Đội tuyển Việt Nam thắng 2-0 tối qua.", labels,
                                             model=server.task_url("zero-shot-classification"))
    assert result[0].label == "thể thao" and {r.label for r in result} == set(labels)
    assert sum(r.score for r in result) == pytest.approx(1.0, abs=1e-4)
    raw = requests.post(server.task_url("zero-shot-classification"),
                        json={"inputs": "Phở bò rất ngon", "parameters": {"candidate_labels": labels}}, timeout=60)
    assert raw.json()[0]["label"] == "ẩm thực"
    missing = requests.post(server.task_url("zero-shot-classification"), json={"inputs": "Phở"}, timeout=60)
    assert missing.status_code == 400 and missing.json()["key"] == "zero_shot_no_labels"


def test_text_generation_plain_details_and_stream(server, client):
    url = server.task_url("text-generation")
    text = client.text_generation("The capital of France is", model=url, max_new_tokens=3)
    assert isinstance(text, str) and text.strip()
    pieces = list(client.text_generation("The capital of France is", model=url, max_new_tokens=3, stream=True))
    assert "".join(pieces) == text  # greedy: streaming gives the same text
    detailed = requests.post(url, json={"inputs": "1, 2, 3,", "parameters": {"max_new_tokens": 3, "details": True}},
                             timeout=120).json()
    assert detailed[0]["details"]["generated_tokens"] == 3 and detailed[0]["details"]["finish_reason"] == "length"
    # a TGI-only parameter: the server answers with transformers' wording and the client drops it and retries
    with pytest.warns(UserWarning, match="watermark"):
        again = client.text_generation("The capital of France is", model=url + "/", max_new_tokens=3, watermark=True)
    assert again == text


def test_chat_completion_with_base_url(server):
    from huggingface_hub import InferenceClient

    chat = InferenceClient(base_url=server.url)
    messages = [{"role": "user", "content": "Say hello."}]
    reply = chat.chat_completion(messages, max_tokens=4, temperature=0)
    content = reply.choices[0].message.content
    assert content and reply.choices[0].finish_reason == "length"
    assert reply.usage.completion_tokens == 4 and reply.usage.prompt_tokens > 4
    chunks = list(chat.chat_completion(messages, max_tokens=4, temperature=0, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == content
    assert chunks[-1].choices[0].finish_reason == "length"
    raw = requests.post(server.url + "/v1/chat/completions",
                        json={"model": "any", "messages": messages, "max_tokens": 4, "temperature": 0}, timeout=120)
    assert raw.json()["object"] == "chat.completion" and raw.json()["choices"][0]["message"]["content"] == content


def test_image_classification(server, client):
    from lib.inference.vision import digit_samples

    label, png = digit_samples(1)[0]
    result = client.image_classification(png, model=server.task_url("image-classification"))
    assert len(result) == 5 and result[0].label == label
    top2 = client.image_classification(png, model=server.task_url("image-classification"), top_k=2)  # base64 JSON
    assert [r.label for r in top2] == [r.label for r in result[:2]]
    raw = requests.post(server.task_url("image-classification"), data=png, timeout=60).json()
    assert raw[0]["label"] == label and 0 < raw[0]["score"] <= 1
    garbage = requests.post(server.task_url("image-classification"), data=b"not an image", timeout=60)
    assert garbage.status_code == 400 and garbage.json()["key"] == "image_not_image"


def test_speech_round_trip(server, client):
    wav = client.text_to_speech("Hello world.", model=server.task_url("text-to-speech"))
    assert wav[:4] == b"RIFF"
    with wave.open(io.BytesIO(wav)) as audio:
        assert audio.getnchannels() == 1 and audio.getnframes() > audio.getframerate() // 2
    heard = client.automatic_speech_recognition(wav, model=server.task_url("automatic-speech-recognition"))
    assert "hello" in heard.text.lower() and heard.chunks
    spoken = requests.post(server.task_url("text-to-speech"),
                           json={"inputs": "Xin chào", "parameters": {"language": "vi"}}, timeout=60)
    assert spoken.headers["Content-Type"] == "audio/wav" and spoken.content[:4] == b"RIFF"
    raw = requests.post(server.task_url("automatic-speech-recognition"), data=wav, timeout=120).json()
    assert set(raw) >= {"text", "chunks"} and raw["text"] == heard.text


def test_errors(server, client):
    from huggingface_hub.errors import BadRequestError

    url = server.task_url("text-classification")
    bad = requests.post(url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=30)
    assert bad.status_code == 400 and "error" in bad.json()
    assert requests.post(server.url + "/tasks/fill-mask", json={"inputs": "x"}, timeout=30).status_code == 404
    assert requests.get(server.url + "/nowhere", timeout=30).status_code == 404
    big = requests.post(url, data=b"x" * (JSON_LIMIT + 1), timeout=60)
    assert big.status_code == 413 and "error" in big.json()
    wrong = requests.get(url, timeout=30)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"
    assert requests.post(url, json={"text": "x"}, timeout=30).status_code == 422
    empty = requests.post(url, json={"inputs": ""}, timeout=30)
    assert empty.status_code == 400
    assert empty.json()["key"] == "text_empty" and empty.json()["error"] == translate("en", "text_empty")
    with pytest.raises(BadRequestError, match="empty"):
        client.text_classification("   ", model=url)
    foreign = requests.post(url, json={"inputs": "x"}, headers={"Origin": "https://example.com"}, timeout=30)
    assert foreign.status_code == 403


def test_examples_are_python_and_name_the_routes():
    import ast

    codes = examples.all_examples("http://127.0.0.1:9999")
    assert set(codes) == {e.task for e in examples.EXAMPLES}
    for task, code in codes.items():
        for kind in ("inference_client", "requests", "hosted"):
            ast.parse(code[kind])
        assert "127.0.0.1:9999" in code["curl"] and "HF_TOKEN" in code["hosted"]
        if task != "chat-completion":
            assert f"/tasks/{task}" in code["inference_client"]
    ast.parse(examples.remote_servers_code())
    json.loads(examples.curl_command("text-classification").split("-d '")[1].rsplit("'", 1)[0])


# --- the hosted-inference widget's call: the same client code, sent to this server with base_url ---

def test_hosted_call_sends_the_real_client_call_to_any_server(server):
    from lib.serving import hosted

    answer = hosted.call("text-classification", REVIEW, base_url=server.url)
    assert answer.model == hosted.default_model("text-classification") and answer.seconds > 0
    assert {item["label"] for item in answer.answer} >= {"positive"} and answer.answer[0]["label"] == "positive"
    vector = hosted.call("feature-extraction", "Hà Nội", base_url=server.url).answer
    assert len(vector) == 384 and all(isinstance(x, float) for x in vector)
    ranked = hosted.call("zero-shot-classification", "Đội tuyển Việt Nam thắng 2-0 tối qua.",
                         labels=["thể thao", "ẩm thực", " "], base_url=server.url).answer
    assert [item["label"] for item in ranked][0] == "thể thao" and len(ranked) == 2
    entities = hosted.call("token-classification", NER_TEXT, base_url=server.url).answer
    assert any(item["word"] == "Hà Nội" for item in entities)
    chat = hosted.call("chat-completion", "Say hello.", base_url=server.url).answer
    assert chat["content"] and chat["usage"]["completion_tokens"] > 0


@pytest.fixture()
def status_server():
    """A server that answers every POST with one HTTP status, as the hosted API does when it refuses."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        status = 500

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"error": "refused for the test"}).encode()
            self.send_response(Handler.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield Handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("status,key", [(401, "hosted_token_refused"), (402, "hosted_no_credits"),
                                        (404, "hosted_model_not_found"), (429, "hosted_rate_limited"),
                                        (503, "hosted_http_error")])
def test_hosted_refusals_become_sentences_the_learner_can_act_on(server, status_server, status, key):
    from lib.serving import hosted
    from lib.text_input import InputProblem

    handler, url = status_server
    handler.status = status
    with pytest.raises(InputProblem) as problem:
        hosted.call("text-classification", REVIEW, token="hf_wrong", base_url=url)
    assert problem.value.key == key
    for lang in ("vi", "en"):
        assert "{" not in translate(lang, key, **problem.value.values)


def test_hosted_call_refuses_what_it_cannot_send(server, monkeypatch):
    from lib.serving import hosted
    from lib.text_input import InputProblem

    def key(**kwargs):
        with pytest.raises(InputProblem) as problem:
            hosted.call(**kwargs)
        return problem.value.key

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    assert key(task="text-classification", text=REVIEW, base_url=f"http://127.0.0.1:{port}") == "hosted_unreachable"
    assert key(task="text-classification", text="   ", base_url=server.url) == "text_empty"
    assert key(task="text-classification", text="x" * 2_001, base_url=server.url) == "hosted_too_long"
    assert key(task="zero-shot-classification", text=REVIEW, labels=[" "], base_url=server.url) == "zero_shot_no_labels"
    assert key(task="summarization", text=REVIEW) == "hosted_task_unknown"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert key(task="text-classification", text=REVIEW, token="hf_x") == "hosted_offline"
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    assert key(task="text-classification", text=REVIEW, token=" ") == "hosted_token_missing"
