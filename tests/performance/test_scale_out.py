"""Scale-out across servers and hosts: several API bases share the load; per-host stores merge."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from perf_helpers import HTTP_MODEL, api_args, http_args, ok_for_two_in_three, suite_source, texts

from pytest_mmtrust.store import ResponseStore, merge_stores
from pytest_mmtrust.testing.openai_server import ScriptedOpenAIServer

CASES = 40


def test_two_servers_take_the_load_together_and_nothing_is_asked_twice(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile(test_toy=suite_source(CASES))
    with ScriptedOpenAIServer(ok_for_two_in_three) as a, ScriptedOpenAIServer(ok_for_two_in_three) as b:
        bases = f"{a.base_url},{b.base_url}"
        result = pytester.runpytest(*api_args(bases, tmp_path, "store.sqlite", "--mmtrust-concurrency", "4"))
        result.assert_outcomes(passed=CASES)
        first_a, first_b = texts(a), texts(b)
        # least outstanding requests: two equal servers each take a fair share
        assert min(len(first_a), len(first_b)) >= CASES // 4
        assert Counter(first_a + first_b) == Counter(f"q{i}" for i in range(CASES))

        # The answers are the servers' together: the order of the bases does not change the store key.
        swapped = pytester.runpytest(*api_args(f"{b.base_url},{a.base_url}", tmp_path, "store.sqlite"))
        swapped.assert_outcomes(passed=CASES)
        assert (a.call_count, b.call_count) == (len(first_a), len(first_b))  # nothing asked again


def test_stores_of_two_hosts_merge_into_one_that_answers_everything(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two hosts each run part of the suite with a store on their own disk (SQLite must not
    be shared over a network filesystem); the stores merge into one that a later run, on the
    whole suite, finds complete."""
    pytester.makepyfile(test_toy=suite_source(CASES), httpmodel=HTTP_MODEL)
    pytester.syspathinsert()
    with ScriptedOpenAIServer(ok_for_two_in_three) as server:
        monkeypatch.setenv("PERF_API_BASE", server.base_url)
        host_a = pytester.runpytest(*http_args(tmp_path / "host-a", "responses.sqlite", "-k", "Z.1/000 or Z.1/001"))
        host_b = pytester.runpytest(*http_args(tmp_path / "host-b", "responses.sqlite", "-k", "not (Z.1/000 or Z.1/001)"))
        host_a.assert_outcomes(passed=20)
        host_b.assert_outcomes(passed=20)
        assert server.call_count == CASES

        merged = tmp_path / "merged.sqlite"
        assert merge_stores(merged, [tmp_path / "host-a" / "responses.sqlite", tmp_path / "host-b" / "responses.sqlite"]) == CASES
        # Merging again adds nothing: every answer is already there.
        assert merge_stores(merged, [tmp_path / "host-a" / "responses.sqlite"]) == 0
        store = ResponseStore(merged)
        assert store.count() == CASES
        store.close()

        rerun = pytester.runpytest(*http_args(tmp_path, "merged.sqlite"))
        rerun.assert_outcomes(passed=CASES)
        assert server.call_count == CASES  # everything came from the merged store
        rerun.stdout.fnmatch_lines([f"*{CASES} cases scored · {CASES} cached (fully cached: no model calls)*"])
