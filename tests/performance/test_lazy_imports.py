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
