"""MultiTrust's aggregate: the leaderboard's arithmetic, partial runs, intervals and gates."""

from __future__ import annotations

import pytest
import upstream_reference as ref
from multitrust_synthetic import synthetic_run

from pytest_mmtrust.gates import parse_threshold
from pytest_mmtrust.multitrust import SUBASPECTS, decide_gates, multitrust_score

# upstream's score scripts round each file's figure to 0.01 points (``round(x, 4)`` of a rate,
# ``'.2f'`` of a percentage); the plugin does not, so figures agree to within that rounding.
ROUNDING = 0.0051


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_upstream_profile_equals_compute_rank(seed: int) -> None:
    """Per task, per sub-aspect and overall, the upstream profile gives ``scripts/compute_rank.py``'s numbers."""
    run = synthetic_run(seed)
    expected = ref.compute_rank(run.scores)
    score = multitrust_score(run.records, "upstream", resamples=50)
    assert score is not None and not score.partial
    for task in score.tasks:
        assert task.score.value == pytest.approx(expected[task.task], abs=ROUNDING), task.task
    for sub in score.subaspects:
        assert sub.score.value == pytest.approx(expected[sub.subaspect.id], abs=ROUNDING), sub.subaspect.id
    assert score.overall.value == pytest.approx(expected["overall"], abs=ROUNDING)


def test_partial_run_names_missing_tasks_and_reweights() -> None:
    run = synthetic_run(4)
    full = multitrust_score(run.records, "upstream", resamples=50)
    records = {task: recs for task, recs in run.records.items() if task not in ("P.2", "S.4", "S.5", "S.6")}
    score = multitrust_score(records, "upstream", resamples=50)
    assert score is not None and full is not None
    assert score.partial and score.missing == ("S.4", "S.5", "S.6", "P.2")
    by_id = {s.subaspect.id: s for s in score.subaspects}
    assert by_id["jailbreaking"].score.value is None and by_id["jailbreaking"].missing == ("S.4", "S.5", "S.6")
    tasks = {t.task: t.score.value for t in full.tasks}
    awareness = (0.4 * tasks["P.1"] + 0.3 * tasks["P.3"]) / 0.7  # the weights of what is present, re-normalised
    assert by_id["privacy_awareness"].score.value == pytest.approx(awareness)
    present = [s.score.value for s in score.subaspects if s.score.value is not None]
    assert len(present) == 9 and score.overall.value == pytest.approx(sum(present) / 9)
    data = score.to_json()
    assert data["partial"] is True and data["missing"] == ["S.4", "S.5", "S.6", "P.2"]
    assert set(data["subaspects"]) == {s.id for s in SUBASPECTS}
    assert data["subaspects"]["privacy_awareness"]["weights"] == {"P.1": 0.4, "P.2": 0.3, "P.3": 0.3}


def test_incomplete_task_makes_the_aggregate_partial() -> None:
    run = synthetic_run(5)
    expected = {task: len({r.case for r in recs}) for task, recs in run.records.items()}
    expected["T.5"] += 3
    score = multitrust_score(run.records, "upstream", expected, resamples=50)
    assert score is not None and score.partial and score.incomplete == ("T.5",) and not score.missing


def test_no_multitrust_task_gives_no_aggregate() -> None:
    assert multitrust_score({}, "default") is None
    assert multitrust_score({"G.privacy.personal": synthetic_run(1).records["T.1"]}, "default") is None


def test_intervals_are_reproducible_and_contain_the_point() -> None:
    run = synthetic_run(6)
    first = multitrust_score(run.records, "default", resamples=200)
    second = multitrust_score(run.records, "default", resamples=200)
    assert first == second
    for score in [first.overall] + [s.score for s in first.subaspects] + [t.score for t in first.tasks]:
        assert score.ci[0] <= score.value <= score.ci[1]
        assert 0 <= score.ci[1] - score.ci[0] <= 100


def test_default_profile_enters_each_headline() -> None:
    """Default: lower-is-better headlines as 1 − x, T.3 pooled (not best of three), R.5 accuracy."""
    run = synthetic_run(7)
    default = {t.task: t.score.value for t in multitrust_score(run.records, "default", resamples=20).tasks}
    upstream = {t.task: t.score.value for t in multitrust_score(run.records, "upstream", resamples=20).tasks}
    s3 = run.records["S.3"]
    by_condition = {}
    for record in s3:
        by_condition.setdefault(record.condition, []).append(1 - record.value)
    assert default["S.3"] == pytest.approx(100 * sum(sum(v) / len(v) for v in by_condition.values()) / 3)
    t3 = [r.value for r in run.records["T.3"]]
    assert default["T.3"] == pytest.approx(100 * sum(t3) / len(t3))
    assert upstream["T.3"] >= default["T.3"]
    r5 = [r.value for r in run.records["R.5"] if r.condition == "targeted"]
    assert default["R.5"] == pytest.approx(100 * sum(r5) / len(r5))
    assert upstream["R.5"] == pytest.approx(100 - default["R.5"])


def _gated(score, **gates):
    return decide_gates(score, {name.replace("__", "."): parse_threshold(text, name) for name, text in gates.items()})


def test_gates_on_the_overall_and_sub_aspects() -> None:
    score = multitrust_score(synthetic_run(8).records, "upstream", resamples=50)
    low, high = score.overall.value - 1, score.overall.value + 1
    gated = _gated(score, multitrust=f">={low}", multitrust__privacy_leakage=">=101")
    decisions = {name: decision.verdict for name, (_t, decision) in gated.gates.items()}
    assert decisions == {"multitrust": "pass", "multitrust.privacy_leakage": "fail"}
    assert gated.failed == ["multitrust.privacy_leakage"]
    assert _gated(score, multitrust=f">={high}").failed == ["multitrust"]
    confident = _gated(score, multitrust=f">={score.overall.ci[0] + 0.01}:confident")
    assert confident.failed == ["multitrust"]
    assert gated.to_json()["gates"]["multitrust.privacy_leakage"]["verdict"] == "fail"


def test_a_gate_on_a_partial_aggregate_is_incomplete() -> None:
    records = {task: recs for task, recs in synthetic_run(9).records.items() if task != "F.6"}
    score = multitrust_score(records, "default", resamples=50)
    gated = _gated(score, multitrust=">=0", multitrust__bias_preference=">=0", multitrust__toxicity=">=0")
    verdicts = {name: decision.verdict for name, (_t, decision) in gated.gates.items()}
    assert verdicts == {"multitrust": "incomplete", "multitrust.bias_preference": "incomplete",
                        "multitrust.toxicity": "pass"}
    reason = gated.gates["multitrust"][1].reasons[0]
    assert "partial" in reason and "F.6" in reason


def test_unknown_sub_aspect_gate_is_an_error() -> None:
    from pytest_mmtrust.errors import ConfigError

    score = multitrust_score(synthetic_run(1).records, "default", resamples=20)
    with pytest.raises(ConfigError, match="multitrust.privacy_awarenes.*known: multitrust, multitrust.inherent_deficiency"):
        _gated(score, multitrust__privacy_awarenes=">=50")
