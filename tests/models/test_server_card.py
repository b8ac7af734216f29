"""A server's model card (vLLM's ``/v1/models`` entry) enters an API model's identity.

Against the real scripted OpenAI-compatible server on 127.0.0.1: the card is read over HTTP the
way a vLLM deployment would be asked, and the identity changes exactly when the served weights do.
"""

from __future__ import annotations

import os


os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from pytest_mmtrust.models.api import APIModel  # noqa: E402
from pytest_mmtrust.models.server_card import card_fingerprint, read_model_card, served_name  # noqa: E402
from pytest_mmtrust.testing import ScriptedOpenAIServer  # noqa: E402
from pytest_mmtrust.values import Request  # noqa: E402


def serve(servers: list[ScriptedOpenAIServer], *models: object, **options: object) -> ScriptedOpenAIServer:
    server = ScriptedOpenAIServer(lambda call: "ok", models=models, **options)  # type: ignore[arg-type]
    servers.append(server)
    return server


def vllm_card(root: str, **extra: object) -> dict[str, object]:
    return {"id": "my-model", "owned_by": "vllm", "root": root, "parent": None, "max_model_len": 4096, **extra}


def test_the_served_weights_change_the_identity_and_the_request_time_does_not(servers: list[ScriptedOpenAIServer]) -> None:
    first = serve(servers, vllm_card("/ckpt/step-1000"))
    same = serve(servers, vllm_card("/ckpt/step-1000"))
    other = serve(servers, vllm_card("/ckpt/step-2000"))
    ids = [APIModel("hosted_vllm/my-model", api_base=s.base_url).identity() for s in (first, same, other)]
    assert all("#server=" in i for i in ids)
    assert ids[0].split("#server=")[1] == ids[1].split("#server=")[1]  # vLLM's per-call `created` is ignored
    assert ids[0].split("#server=")[1] != ids[2].split("#server=")[1]


def test_no_card_leaves_the_identity_as_it_was(servers: list[ScriptedOpenAIServer]) -> None:
    plain = serve(servers, "my-model")  # listed, but with nothing that names weights
    other_name = serve(servers, vllm_card("/ckpt/a") | {"id": "someone-else"})
    for server in (plain, other_name):
        model = APIModel("openai/my-model", api_base=server.base_url)
        assert model.identity() == f"openai/my-model@{server.base_url}"
    assert APIModel("openai/gpt-4o").identity() == "openai/gpt-4o"  # no API base: nothing is asked


def test_the_card_is_read_once_with_the_calls_key(servers: list[ScriptedOpenAIServer]) -> None:
    server = serve(servers, vllm_card("/ckpt/a"))
    model = APIModel("hosted_vllm/my-model", api_base=server.base_url, api_key="sk-card-test")
    first = model.identity()
    server.models = (vllm_card("/ckpt/b"),)
    assert model.identity() == first  # one run keeps one identity, whatever happens later
    assert read_model_card(server.base_url, "my-model", "sk-card-test") == {"root": "/ckpt/b", "max_model_len": 4096}


def test_an_unreachable_or_odd_server_has_no_card() -> None:
    assert read_model_card("http://127.0.0.1:9/v1", "m", timeout=1) is None
    assert card_fingerprint([None, {}]) is None
    assert card_fingerprint([{"root": "a"}, {"root": "a"}]) == card_fingerprint([{"root": "a"}])
    assert card_fingerprint([{"root": "a"}, {"root": "b"}]) != card_fingerprint([{"root": "a"}])
    assert served_name("hosted_vllm/org/model") == "org/model" and served_name("m") == "m"


def test_a_system_fingerprint_marks_each_answer(servers: list[ScriptedOpenAIServer]) -> None:
    server = serve(servers, "scripted", system_fingerprint="fp_build_7")
    (answer,) = APIModel("openai/scripted", api_base=server.base_url).generate([Request("hi")])
    assert answer.text == "ok" and answer.fingerprint == "fp_build_7"
    server.system_fingerprint = None
    (answer,) = APIModel("openai/scripted", api_base=server.base_url).generate([Request("hi")])
    assert answer.fingerprint is None
