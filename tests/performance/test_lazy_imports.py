"""Import only what a run needs: an OpenAI-compatible server needs no litellm, a cached run nothing model-side.

Each run is a real ``pytest`` subprocess (modules imported by an in-process run would leak
between runs); a conftest writes the heavy modules present at the session's end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from perf_helpers import api_args, ok_for_two_in_three, suite_source

from pytest_mmtrust.testing.openai_server import ScriptedOpenAIServer

HEAVY = ("litellm", "openai", "torch", "transformers", "httpx")

CONFTEST = f'''
import json, os, sys

def pytest_sessionfinish(session):
    with open(os.environ["IMPORTED_LOG"], "a") as fh:
        fh.write(json.dumps(sorted(name for name in {HEAVY!r} if name in sys.modules)) + "\\n")
'''


def test_an_openai_compatible_run_and_its_cached_rerun_import_nothing_model_side(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_toy=suite_source(12))
    pytester.makeconftest(CONFTEST)
    log = tmp_path / "imported.jsonl"
    monkeypatch.setenv("IMPORTED_LOG", str(log))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")  # other plugins may import anything
    with ScriptedOpenAIServer(ok_for_two_in_three) as server:
        for _ in range(2):  # every request sent, then every answer from the store
            result = pytester.runpytest_subprocess("-p", "pytest_mmtrust.plugin", *api_args(server.base_url, tmp_path, "s.sqlite"))
            result.assert_outcomes(passed=12)
        assert server.call_count == 12
    first, rerun = (json.loads(line) for line in log.read_text().splitlines())
    assert first == [] and rerun == []


def test_the_provider_check_reads_litellms_providers_without_importing_it() -> None:
    import os
    import subprocess
    import sys

    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    from pytest_mmtrust.models import litellm_providers

    assert litellm_providers() == {str(getattr(p, "value", p)) for p in litellm.provider_list}
    script = (
        "import sys\n"
        "from pytest_mmtrust.errors import ModelError\n"
        "from pytest_mmtrust.models import check_api_provider, parse_model_spec\n"
        "check_api_provider(parse_model_spec('anthropic/claude-x'))\n"
        "try:\n"
        "    check_api_provider(parse_model_spec('nosuch/x'))\n"
        "except ModelError as exc:\n"
        "    print(exc)\n"
        "print('litellm' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "--mmtrust-model 'nosuch/x': litellm has no provider 'nosuch' (for an OpenAI-compatible server use "
        "openai/NAME or hosted_vllm/NAME with --mmtrust-api-base)",
        "False",
    ]
