"""The lean HTTP client and litellm give the same Response and the same errors for one server.

An ``openai/…`` model with an API base goes through :mod:`pytest_mmtrust.models.openai_http`;
``client="litellm"`` forces the litellm path every other provider takes. Against one scripted
server, both must return the same text, usage and cost, send the same request, and fail with the
same line, retryability, Retry-After and stop decision.
"""

from __future__ import annotations

import os
import socket
import sys

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from pytest_mmtrust.errors import ModelCallError  # noqa: E402
from pytest_mmtrust.models.api import APIModel  # noqa: E402
from pytest_mmtrust.models.pricing import price  # noqa: E402
from pytest_mmtrust.testing import ChatCall, Fault, ScriptedOpenAIServer  # noqa: E402
from pytest_mmtrust.values import GenerationParams, Request  # noqa: E402


def answer(call: ChatCall) -> str:
    return f"an answer to {call.text} with some words"


def both(model: str, base: str, **options: object) -> tuple[APIModel, APIModel]:
    lean = APIModel(model, api_base=base, client="auto", **options)  # type: ignore[arg-type]
    full = APIModel(model, api_base=base, client="litellm", **options)  # type: ignore[arg-type]
    assert (lean.client, full.client) == ("http", "litellm")
    return lean, full


def outcome(model: APIModel, request: Request) -> tuple[object, ...]:
    try:
        (response,) = model.generate([request])
    except ModelCallError as error:
        return ("error", str(error), error.retryable, error.retry_after, error.stops_run, error.kind)
    usage = dict(response.usage or {})
    cost = usage.pop("cost", None)
    return ("ok", response.text, usage, None if cost is None else round(cost, 15), response.notes)


@pytest.mark.parametrize("model", ["openai/scripted", "openai/gpt-4o-mini", "openai/gpt-4o", "openai/gpt-3.5-turbo",
                                   "hosted_vllm/my-model", "hosted_vllm/gpt-4o-mini"])
def test_both_paths_give_the_same_answer_usage_and_cost(servers: list[ScriptedOpenAIServer], model: str) -> None:
    server = ScriptedOpenAIServer(answer)
    servers.append(server)
    request = Request(text="what is in the picture", system="be brief", params=GenerationParams(max_tokens=20, seed=3))
    lean, full = both(model, server.base_url)
    first, second = outcome(lean, request), outcome(full, request)
    assert first == second
    assert first[0] == "ok"
    lean_call, full_call = server.calls
    assert lean_call.messages == full_call.messages and lean_call.model == full_call.model
    assert lean_call.params == full_call.params
    if model == "openai/gpt-4o-mini":
        assert first[3] is not None and first[3] > 0  # priced from litellm's own table


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=400, body={"error": {"message": "bad parameter: temperature"}}),
        Fault(status=401),
        Fault(status=403),
        Fault(status=404, body={"object": "error", "message": "The model `x` does not exist.", "code": 404}),
        Fault(status=422),
        Fault(status=429, retry_after=7),
        Fault(status=500),
        Fault(status=503, retry_after=2),
        Fault(close_connection=True),
        Fault(delay_s=5),
        Fault(status=200, body="<html>Please sign in</html>", content_type="text/html"),
        Fault(usage={"prompt_tokens": 3e18, "completion_tokens": 1, "total_tokens": 3e18}),
    ],
    ids=["400", "401", "403", "404", "422", "429", "500", "503", "closed", "timeout", "html 200", "absurd usage"],
)
def test_both_paths_fail_the_same_way(servers: list[ScriptedOpenAIServer], fault: Fault) -> None:
    server = ScriptedOpenAIServer(answer, fault=lambda index, call: fault)
    servers.append(server)
    lean, full = both("openai/scripted", server.base_url, timeout=1.0)
    request = Request(text="hello")
    first, second = outcome(lean, request), outcome(full, request)
    if first[0] == "error" and second[0] == "error" and first[-2:] == second[-2:] and fault.retry_after is not None:
        assert second[3] == pytest.approx(first[3])  # Retry-After
        first, second = first[:3] + first[4:], second[:3] + second[4:]
    assert first == second


def test_nothing_listening_fails_the_same_way() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    lean, full = both("openai/scripted", f"http://127.0.0.1:{port}/v1", timeout=2.0)
    assert outcome(lean, Request("x")) == outcome(full, Request("x"))


def test_the_lean_path_imports_no_litellm_and_keeps_connections(servers: list[ScriptedOpenAIServer]) -> None:
    server = ScriptedOpenAIServer(answer, keep_alive=True)
    servers.append(server)
    model = APIModel("openai/scripted", api_base=server.base_url)
    before = "litellm" in sys.modules
    model.warm_up()
    for number in range(5):
        (response,) = model.generate([Request(text=f"q{number}")])
        assert response.text == f"an answer to q{number} with some words"
    assert ("litellm" in sys.modules) == before  # nothing imported on the way
    assert len(model._http._connections()) == 1  # type: ignore[union-attr]


def test_a_server_that_closed_an_idle_connection_is_asked_again_on_a_new_one(servers: list[ScriptedOpenAIServer]) -> None:
    server = ScriptedOpenAIServer(answer)  # HTTP/1.0: closes every connection after its answer
    servers.append(server)
    model = APIModel("openai/scripted", api_base=server.base_url)
    for number in range(3):
        assert model.generate([Request(text=f"q{number}")])[0].ok
    assert server.call_count == 3


def test_the_lean_path_is_not_used_through_a_proxy_or_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    assert APIModel("openai/x", api_base="http://user:pw@127.0.0.1:9/v1").client == "litellm"
    assert APIModel("anthropic/claude").client == "litellm"
    assert APIModel("openai/gpt-4o").client == "litellm"  # OpenAI itself: no API base given
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.invalid:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert APIModel("openai/x", api_base="http://models.internal:8000/v1").client == "litellm"


def test_price_is_litellms() -> None:
    usage = {"prompt_tokens": 1000.0, "completion_tokens": 200.0}
    assert price("openai", "gpt-3.5-turbo", usage) == pytest.approx(1000 * 5e-7 + 200 * 1.5e-6)
    assert price("openai", "no-such-model", usage) is None
    assert price("hosted_vllm", "gpt-3.5-turbo", usage) is None
