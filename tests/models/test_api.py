"""The litellm model path against a real scripted OpenAI server on 127.0.0.1.

Everything goes through the whole stack a hosted model would see (litellm → OpenAI client →
httpx → socket), so the error mapping is tested on real exceptions, not hand-made ones.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from pytest_mmtrust.errors import ModelCallError, ModelError  # noqa: E402
from pytest_mmtrust.models.api import (  # noqa: E402
    PLACEHOLDER_API_KEY,
    APIModel,
    check_reachable,
    parse_retry_after,
    scrub_secrets,
    split_api_bases,
)
from pytest_mmtrust.models.base import Model  # noqa: E402
from pytest_mmtrust.testing import ChatCall, Fault, ScriptedOpenAIServer  # noqa: E402
from pytest_mmtrust.values import GenerationParams, Request  # noqa: E402

PLANTED_KEY = "sk-test-PLANTED123"


def echo(call: ChatCall) -> str:
    return f"you said: {call.text} ({len(call.images)} images)"


def start(servers: list[ScriptedOpenAIServer], answer=echo, **options) -> ScriptedOpenAIServer:
    server = ScriptedOpenAIServer(answer, **options)
    servers.append(server)
    return server


def failing(fault: Fault):
    """A fault function that breaks every call the same way."""
    return lambda index, call: fault


def call_error(model: APIModel, request: Request | None = None) -> ModelCallError:
    with pytest.raises(ModelCallError) as info:
        model.generate([request or Request(text="hello")])
    return info.value


def free_port() -> int:
    """A port nothing listens on: bound once, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pixels(image: Image.Image) -> bytes:
    return image.convert("RGB").tobytes()


def gradient(width: int, height: int, seed: int) -> Image.Image:
    image = Image.new("RGB", (width, height))
    image.putdata([((x * 7 + seed) % 256, (y * 13 + seed) % 256, (x * y + seed) % 256) for y in range(height) for x in range(width)])
    return image


# ----- successful calls ------------------------------------------------------------------------
def test_text_request_arrives_and_answer_comes_back(servers):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url)
    assert isinstance(model, Model)

    [response] = model.generate([Request(text="what is two plus two")])

    assert response.ok
    assert response.text == "you said: what is two plus two (0 images)"
    assert response.latency_s is not None and response.latency_s >= 0
    [call] = server.calls
    assert call.model == "scripted"
    assert call.messages == [{"role": "user", "content": "what is two plus two"}]
    assert call.system is None


def test_two_images_arrive_as_data_urls_with_the_same_pixels(servers, tmp_path: Path):
    server = start(servers)
    png_path = tmp_path / "first.png"
    gradient(9, 7, seed=1).save(png_path)
    jpeg_path = tmp_path / "second.jpg"
    gradient(12, 5, seed=2).save(jpeg_path, quality=90)
    in_memory = gradient(4, 4, seed=3).convert("RGBA")

    model = APIModel("openai/scripted", api_base=server.base_url)
    [response] = model.generate([Request(text="compare", images=(png_path, str(jpeg_path), in_memory))])

    assert response.text == "you said: compare (3 images)"
    [call] = server.calls
    assert [url.split(";", 1)[0] for url in call.image_urls] == ["data:image/png", "data:image/jpeg", "data:image/png"]
    # files go as their own bytes: the JPEG decodes to exactly what the file decodes to
    assert pixels(call.images[0]) == pixels(Image.open(png_path))
    assert pixels(call.images[1]) == pixels(Image.open(jpeg_path))
    assert call.images[2].mode == "RGBA" and call.images[2].tobytes() == in_memory.tobytes()
    # images first, the text last, in one user message
    parts = call.messages[-1]["content"]
    assert [part["type"] for part in parts] == ["image_url", "image_url", "image_url", "text"]


def test_other_image_formats_are_reencoded_as_png(servers, tmp_path: Path):
    server = start(servers)
    bmp_path = tmp_path / "picture.bmp"
    gradient(6, 6, seed=4).save(bmp_path)
    model = APIModel("openai/scripted", api_base=server.base_url)

    model.generate([Request(text="look", images=(bmp_path,))])

    [call] = server.calls
    assert call.image_urls[0].startswith("data:image/png;base64,")
    assert pixels(call.images[0]) == pixels(Image.open(bmp_path))


def test_missing_image_file_is_a_clear_non_retryable_error(servers, tmp_path: Path):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url)
    error = call_error(model, Request(text="look", images=(tmp_path / "gone.png",)))
    assert not error.retryable
    assert "gone.png" in str(error)
    assert server.call_count == 0


def test_system_prompt_and_params_arrive(servers):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url)
    request = Request(
        text="hi", system="You are careful.", params=GenerationParams(max_tokens=17, temperature=0.3, seed=42)
    )

    model.generate([request])

    [call] = server.calls
    assert call.system == "You are careful."
    assert call.messages[0] == {"role": "system", "content": "You are careful."}
    assert call.params["max_tokens"] == 17
    assert call.params["temperature"] == pytest.approx(0.3)
    assert call.params["seed"] == 42


def test_extra_params_are_sent_and_win(servers):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url, extra_params={"top_p": 0.5, "seed": 7})
    model.generate([Request(text="hi")])
    [call] = server.calls
    assert call.params["top_p"] == pytest.approx(0.5)
    assert call.params["seed"] == 7


def test_usage_is_parsed_from_the_server(servers):
    server = start(servers, answer=lambda call: "one two three")
    model = APIModel("openai/scripted", api_base=server.base_url)

    [response] = model.generate([Request(text="four words in here", system="be brief")])

    assert response.usage is not None
    assert response.usage["prompt_tokens"] == 6  # whitespace tokens of user + system text
    assert response.usage["completion_tokens"] == 3
    assert response.usage["total_tokens"] == 9
    assert "cost" not in response.usage  # litellm has no price for a scripted model


def test_cost_is_added_when_litellm_knows_the_price(servers):
    server = start(servers, answer=lambda call: "one two three")
    model = APIModel("openai/gpt-4o-mini", api_base=server.base_url)
    [response] = model.generate([Request(text="price me")])
    assert response.usage is not None and response.usage["cost"] > 0


def test_the_price_litellm_put_on_the_response_is_used_not_computed_again(monkeypatch):
    """Pricing costs CPU per call; litellm already did it while building the response."""
    from pytest_mmtrust.models import api

    class Raw:
        _hidden_params = {"response_cost": 0.25}

    def price_again(**kwargs):
        raise AssertionError("priced twice")

    monkeypatch.setattr(api._litellm(), "completion_cost", price_again)
    assert api._cost(Raw()) == 0.25
    Raw._hidden_params = {"response_cost": None}  # litellm tried: the model has no price
    assert api._cost(Raw()) is None
    Raw._hidden_params = {}  # not priced while built: litellm is asked
    monkeypatch.setattr(api._litellm(), "completion_cost", lambda completion_response: 0.5)
    assert api._cost(Raw()) == 0.5


def test_empty_content_becomes_empty_text(servers):
    server = start(servers, answer=lambda call: "")
    model = APIModel("openai/scripted", api_base=server.base_url)
    [response] = model.generate([Request(text="say nothing")])
    assert response.text == ""


def test_concurrent_calls_each_get_their_own_answer(servers):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url)
    requests = [Request(text=f"question {number}") for number in range(16)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda request: model.generate([request])[0].text, requests))

    assert answers == [f"you said: question {number} (0 images)" for number in range(16)]
    assert server.call_count == 16


def test_several_api_bases_share_the_traffic(servers):
    first, second = start(servers), start(servers)
    model = APIModel("openai/scripted", api_base=f"{first.base_url}, {second.base_url}/")

    for number in range(6):
        model.generate([Request(text=f"q{number}")])

    assert first.call_count == 3 and second.call_count == 3
    assert {call.text for call in first.calls} | {call.text for call in second.calls} == {f"q{n}" for n in range(6)}
    listed = APIModel("openai/scripted", api_base=[second.base_url, first.base_url])
    assert listed.identity() == model.identity()  # the set of servers, not their order


def test_identity_names_model_and_base_never_the_key(servers):
    server = start(servers)
    model = APIModel("openai/scripted", api_base=server.base_url, api_key=PLANTED_KEY)
    assert model.identity() == f"openai/scripted@{server.base_url}"
    assert PLANTED_KEY not in model.identity() and PLANTED_KEY not in repr(model)
    assert APIModel("openai/gpt-4o").identity() == "openai/gpt-4o"
    assert APIModel("openai/scripted", api_base="http://a/v1").identity() != APIModel("openai/scripted", api_base="http://b/v1").identity()


def test_key_is_sent_and_a_placeholder_stands_in_when_there_is_none(servers, monkeypatch):
    server = start(servers)
    APIModel("openai/scripted", api_base=server.base_url, api_key=PLANTED_KEY).generate([Request(text="a")])
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    APIModel("openai/scripted", api_base=server.base_url).generate([Request(text="b")])
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-the-environment-0001")
    APIModel("openai/scripted", api_base=server.base_url).generate([Request(text="c")])

    keys = [call.headers.get("authorization") for call in server.calls]
    assert keys == [
        f"Bearer {PLANTED_KEY}",
        f"Bearer {PLACEHOLDER_API_KEY}",
        "Bearer sk-from-the-environment-0001",
    ]


# ----- failures --------------------------------------------------------------------------------
def test_rate_limit_with_retry_after_is_retryable(servers):
    server = start(servers, fault=failing(Fault(status=429, retry_after=7)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert error.retryable
    assert error.retry_after == pytest.approx(7.0)
    assert "429" in str(error) and server.base_url in str(error)
    assert server.call_count == 1  # neither litellm nor the OpenAI client retried on their own


def test_server_error_is_retryable_and_not_retried_here(servers):
    server = start(servers, fault=failing(Fault(status=500)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert error.retryable
    assert error.retry_after is None
    assert server.call_count == 1


def test_service_unavailable_with_http_date_retry_after(servers):
    server = start(servers, fault=failing(Fault(status=503, retry_after="Wed, 21 Oct 2099 07:28:00 GMT")))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert error.retryable
    assert error.retry_after is not None and error.retry_after > 3600


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retryable(servers, status):
    server = start(servers, fault=failing(Fault(status=status)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert not error.retryable
    assert str(status) in str(error)
    assert "\n" not in str(error)


def test_closed_connection_is_retryable(servers):
    server = start(servers, fault=failing(Fault(close_connection=True)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert error.retryable
    assert server.call_count == 1


def test_malformed_json_is_retryable(servers):
    server = start(servers, fault=failing(Fault(malformed_json=True)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url))
    assert error.retryable
    assert len(str(error)) < 500 and "\n" not in str(error)


def test_timeout_is_retryable(servers):
    # the server would answer after a minute; close() at teardown cuts the wait short
    server = start(servers, fault=failing(Fault(delay_s=60)))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url, timeout=0.3))
    assert error.retryable
    assert "timed out" in str(error)


def test_nothing_listening_is_retryable():
    model = APIModel("openai/scripted", api_base=f"http://127.0.0.1:{free_port()}/v1")
    error = call_error(model)
    assert error.retryable


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=401, body={"error": {"message": f"Incorrect API key provided: {PLANTED_KEY}"}}),
        Fault(status=500, body={"error": {"message": f"upstream said Bearer {PLANTED_KEY}"}}),
        Fault(status=400, body=json.dumps({"error": {"message": f"api_key={PLANTED_KEY} rejected"}})),
        Fault(status=429, body={"error": {"message": f"key {PLANTED_KEY} over quota"}}),
    ],
    ids=["401", "500", "400", "429"],
)
def test_api_key_never_appears_in_an_error(servers, fault):
    server = start(servers, fault=failing(fault))
    error = call_error(APIModel("openai/scripted", api_base=server.base_url, api_key=PLANTED_KEY))
    assert "PLANTED123" not in str(error)
    assert "***" in str(error)  # the server's words are kept, the key is blanked


def test_unknown_exception_is_scrubbed_and_not_retryable(servers, monkeypatch):
    import litellm

    def broken(**kwargs):
        raise RuntimeError(f"client exploded with {kwargs['api_key']}")

    monkeypatch.setattr(litellm, "completion", broken)
    error = call_error(APIModel("openai/scripted", api_base="http://127.0.0.1:9/v1", api_key=PLANTED_KEY, client="litellm"))
    assert not error.retryable
    assert "RuntimeError" in str(error) and "PLANTED123" not in str(error)


# ----- helpers ---------------------------------------------------------------------------------
def test_parse_retry_after_forms():
    now = datetime(2030, 1, 1, 0, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after({"Retry-After": "12"}) == 12.0
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"Retry-After": "Tue, 01 Jan 2030 00:00:30 GMT"}, now=now) == 30.0
    assert parse_retry_after({"Retry-After": "Mon, 31 Dec 2029 00:00:00 GMT"}, now=now) == 0.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None
    assert parse_retry_after(None) is None


def test_scrub_secrets_blanks_keys_and_key_shaped_strings():
    text = "key sk-abcdefgh12345 and Bearer tok.en-123456789 and api_key: 'zzzzzzzzzz' and mine-0042"
    scrubbed = scrub_secrets(text, ["mine-0042"])
    for secret in ("sk-abcdefgh12345", "tok.en-123456789", "zzzzzzzzzz", "mine-0042"):
        assert secret not in scrubbed
    assert scrubbed.startswith("key *** and Bearer ***")


def test_split_api_bases():
    assert split_api_bases(None) == []
    assert split_api_bases("http://a/v1/") == ["http://a/v1"]
    assert split_api_bases(" http://a/v1 , ,http://b/v1") == ["http://a/v1", "http://b/v1"]
    assert split_api_bases(["http://a/v1", "http://b/v1/"]) == ["http://a/v1", "http://b/v1"]


# ----- check_reachable -------------------------------------------------------------------------
def test_check_reachable_passes_when_a_server_answers(servers):
    server = start(servers)
    check_reachable(server.base_url)
    check_reachable(f"http://127.0.0.1:{server.port}/elsewhere")  # a 404 still means someone is there


def test_check_reachable_names_the_url_on_a_closed_port():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError) as info:
        check_reachable(url, timeout=2.0)
    message = str(info.value)
    assert message.startswith(f"cannot reach --mmtrust-api-base {url}: ")
    assert "\n" not in message


def test_check_reachable_names_the_dead_one_of_several(servers):
    server = start(servers)
    dead = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError, match=dead.replace(".", r"\.")):
        check_reachable(f"{server.base_url},{dead}", timeout=2.0)


@pytest.mark.parametrize("bad", ["localhost:8000/v1", "ftp://host/v1", ""])
def test_check_reachable_rejects_non_urls(bad):
    with pytest.raises(ModelError, match="--mmtrust-api-base"):
        check_reachable(bad)


# ----- the scripted server itself --------------------------------------------------------------
def post(server: ScriptedOpenAIServer, body: object) -> tuple[int, dict]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_server_rejects_image_urls_that_are_not_inline(servers):
    server = start(servers)
    status, body = post(
        server,
        {
            "model": "scripted",
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
                        {"type": "text", "text": "what is this"},
                    ],
                }
            ],
        },
    )
    assert status == 400
    assert "data:image" in body["error"]["message"]
    assert server.call_count == 0 and len(server.rejections) == 1


def test_server_rejects_a_body_without_messages(servers):
    server = start(servers)
    status, _ = post(server, {"model": "scripted"})
    assert status == 400


def test_server_lists_models_and_reports_a_failing_script_as_500(servers):
    def broken(call: ChatCall) -> str:
        raise ValueError("script bug")

    server = start(servers, answer=broken, models=("scripted", "other"))
    with urllib.request.urlopen(f"{server.base_url}/models", timeout=10) as reply:
        listed = json.loads(reply.read())
    assert [entry["id"] for entry in listed["data"]] == ["scripted", "other"]
    status, body = post(server, {"model": "scripted", "messages": [{"role": "user", "content": "hi"}]})
    assert status == 500 and "script bug" in body["error"]["message"]


def test_server_fault_sees_the_call_index(servers):
    server = start(servers, fault=lambda index, call: Fault(status=503) if index == 0 else None)
    model = APIModel("openai/scripted", api_base=server.base_url)
    assert call_error(model).retryable
    [response] = model.generate([Request(text="again")])
    assert response.text == "you said: again (0 images)"
    assert server.call_count == 2


def test_server_close_is_idempotent_and_frees_the_port():
    server = ScriptedOpenAIServer(echo)
    with server:
        url = server.base_url
    server.close()
    with pytest.raises(ModelError):
        check_reachable(url, timeout=2.0)


def test_the_model_fixture_warms_an_api_model_up_before_the_first_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``session.model`` (the ``mmtrust_model`` fixture) imports litellm through ``warm_up``, so
    the response phase of the first task does not pay seconds of import inside its first call."""
    from pytest_mmtrust.models import api
    from pytest_mmtrust.session import EvaluationSession

    imported: list[str] = []
    monkeypatch.setattr(api, "_litellm", lambda: imported.append("litellm"))
    session = EvaluationSession(model_spec="anthropic/claude-x", cache_dir=tmp_path, store_path=None)
    model = session.model
    assert isinstance(model, api.APIModel) and model.client == "litellm"
    assert imported == ["litellm"]
    lean = EvaluationSession(model_spec="openai/x", api_base="http://127.0.0.1:9/v1", cache_dir=tmp_path, store_path=None)
    assert lean.model.client == "http"  # an OpenAI-compatible server: nothing to import
    assert imported == ["litellm"]


def test_warm_up_sends_nothing_imports_the_client_and_runs_once() -> None:
    import sys

    with ScriptedOpenAIServer(echo) as server:
        model = APIModel("openai/scripted", api_base=server.base_url, client="litellm")
        model.warm_up()
        model.warm_up()
        assert server.call_count == 0
        assert "openai.resources.chat" in sys.modules
        (answer,) = model.generate([Request("hello")])
        assert answer.ok and server.call_count == 1
