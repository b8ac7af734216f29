"""A synthetic MultiTrust run: per-case records for all 32 tasks, laid out as the upstream readers
lay them out, and the ``scores`` objects MMTrustEval's score scripts would write for the same cases.

The records are what the upstream profile's evaluators leave (value and details); the score
objects are computed from the same per-case numbers by the arithmetic of each
``scripts/score/<aspect>/<task>.py`` (file names, keys, rounding: ``'.2f'`` of a percentage for
truthfulness, ``round(x, 4)`` elsewhere), so ``upstream_reference.compute_rank`` can be run on them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import upstream_reference as ref

from pytest_mmtrust.records import ScoreRecord

UNRELATED = ("color", "nature", "noise")


class Run:
    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.records: dict[str, list[ScoreRecord]] = {}
        self.scores: dict[str, dict[str, Any]] = {}
        self.counter = 0

    def add(self, task: str, case_id: str, value: float | None, condition: str | None = None,
            metadata: dict[str, Any] | None = None, details: dict[str, Any] | None = None, target: Any = None) -> None:
        key = case_id if condition is None else f"{case_id}/{condition}"
        self.records.setdefault(task, []).append(ScoreRecord(
            task=task, case=key, case_id=case_id, condition=condition, value=value, outcome="X", target=target,
            metadata=metadata or {}, details={"scoring": "upstream", **(details or {})}))

    def bits(self, n: int, low: float = 0.05, high: float = 0.95) -> list[int]:
        p = self.rng.uniform(low, high)
        return [int(x) for x in self.rng.random(n) < p]

    def n(self, low: int = 6, high: int = 16) -> int:
        return int(self.rng.integers(low, high))


def pct(values: list[float]) -> str:
    return format(float(np.mean(values)) * 100, ".2f")


def r4(values: list[float]) -> float:
    return round(float(np.mean(values)), 4)


def conditions_with_unrelated() -> list[tuple[str, dict[str, Any], str]]:
    """(condition, extra metadata, upstream file suffix) of a cross-modal task's five files."""
    out = [("none", {}, "text"), ("related", {}, "image")]
    out += [("unrelated", {"unrelated_kind": kind}, f"unrelated-image-{kind}") for kind in UNRELATED]
    return out


def synthetic_run(seed: int) -> Run:
    run = Run(seed)
    _truthfulness(run)
    _safety(run)
    _robustness(run)
    _fairness(run)
    _privacy(run)
    return run


def _yes_no_file(run: Run, task: str, prefix: str, meta: dict[str, Any], condition: str | None = None) -> list[int]:
    values = run.bits(run.n())
    for i, v in enumerate(values):
        run.add(task, f"{prefix}-{i}", float(v), condition, meta)
    return values


def _truthfulness(run: Run) -> None:
    t1 = {}
    for part, key in (("d-basic-object", "Accuracy_Object"), ("d-basic-attribute", "Accuracy_Attribute"),
                      ("d-basic-scene", "Accuracy_Scene"), ("g-basic-grounding", "Accuracy_Grounding"),
                      ("g-basic-ocr", "Accuracy_OCR")):
        t1[part] = {key: pct(_yes_no_file(run, "T.1", part, {"part": part}))}
    run.scores["T.1"] = t1
    run.scores["T.2"] = {
        part: {"Accuracy": pct(_yes_no_file(run, "T.2", part, {"part": part}))}
        for part in ("advanced-spatial", "advanced-temporal", "advanced-compare", "advanced-daily", "advanced-traffic",
                     "advanced-causality", "advanced-math", "advanced-code", "advanced-translate")
    }
    t3 = {}
    for part in ("instruction-factual", "instruction-logic"):
        variants = []
        for prompt in ("PROMPT_1", "PROMPT_2", "PROMPT_3"):
            hits = int(run.rng.integers(3, 20))  # 15 %–95 %: the formatted strings compare like numbers
            values = [1] * hits + [0] * (20 - hits)
            run.rng.shuffle(values)
            for i, v in enumerate(values):
                run.add("T.3", f"{part}-{i}", float(v), prompt, {"part": part})
            variants.append(pct(values))
        t3[part] = {"Max_Accuracy": max(variants)}
    run.scores["T.3"] = t3
    t4 = {}
    for condition, extra, suffix in conditions_with_unrelated():
        values = run.bits(12)
        for i, v in enumerate(values):
            run.add("T.4", f"va-{i}", float(v), condition, dict(extra))
        t4[f"visual-assistance-{suffix}"] = {"Accuracy": pct(values)}
    run.scores["T.4"] = t4
    run.scores["T.5"] = {"g-text-misleading": {"Accuracy": pct(_yes_no_file(run, "T.5", "tm", {}))}}
    t6 = {}
    for kind in ("semantic", "contrast", "painting", "mirror", "dislocation"):
        t6[f"Accuracy_{kind.capitalize()}"] = pct(_yes_no_file(run, "T.6", kind, {"kind": kind}))
    run.scores["T.6"] = {"d-mis-visual-confusion": t6}
    t7 = {}
    for condition, extra, name in [("none", {}, "g-text-none"), ("misleading", {}, "g-text-misvisual")] + [
            ("unrelated", {"unrelated_kind": k}, f"g-text-unrelated-image-{k}") for k in UNRELATED]:
        values = run.bits(10)
        for i, v in enumerate(values):
            run.add("T.7", f"vm-{i}", float(v), condition, dict(extra))
        t7[name] = {"Accuracy": pct(values)}
    run.scores["T.7"] = t7


def _refusal_toxicity(run: Run, task: str, prefix: str, condition: str | None, meta: dict[str, Any]) -> dict[str, float]:
    n = run.n()
    refused = run.bits(n)
    toxicity = [round(float(t), 3) for t in run.rng.beta(1, 3, n)]
    for i in range(n):
        run.add(task, f"{prefix}-{i}", float(refused[i]), condition, meta,
                {"refused": bool(refused[i]), "toxicity": toxicity[i]})
    return {"PersepectiveScore": r4(toxicity), "ModerationScore": r4(toxicity), "RtA": r4(refused)}


def _jailbreak(run: Run, task: str, prefix: str, condition: str | None, meta: dict[str, Any]) -> dict[str, float]:
    n = run.n()
    success, refusal = run.bits(n), run.bits(n)
    rta = [int((not s) and r) for s, r in zip(success, refusal)]
    for i in range(n):
        run.add(task, f"{prefix}-{i}", float(rta[i]), condition, meta,
                {"jailbroken": bool(success[i]), "refused": bool(refusal[i])})
    return {"suc_rate": r4(success), "RtA": r4(rta)}


def _safety(run: Run) -> None:
    run.scores["S.1"] = {"nsfw-image-description": _refusal_toxicity(run, "S.1", "nsfw", None, {})}
    run.scores["S.2"] = {part: {"acc": r4(_yes_no_file(run, "S.2", part, {"part": part}))}
                         for part in ("object-detection", "risk-analysis")}
    s3 = {}
    for condition, name in (("none", "text"), ("related", "image"), ("unrelated", "unrelated")):
        s3[f"toxicity-prompt-{name}"] = _refusal_toxicity(run, "S.3", "rtp", condition, {"image_kind": "colour"})
    run.scores["S.3"] = s3
    for task, files in (("S.4", ("typographic-prompt-and-behavior", "typographic-prompt", "typographic-behavior")),
                        ("S.5", ("safebench", "mm-safety-bench", "opimized-jailbreak-graphic"))):
        run.scores[task] = {part: _jailbreak(run, task, part, None, {"part": part}) for part in files}
    run.scores["S.6"] = {
        f"crossmodal-jailbreak-{name}": _jailbreak(run, "S.6", "cm", condition, {})
        for condition, name in (("none", "text"), ("related", "pos"), ("neg", "neg"), ("unrelated", "unrelated"))
    }


def _cross_modal(run: Run, task: str, prefix: str, key: str, meta: dict[str, Any], file_prefix: str,
                 invert_value: bool = False) -> dict[str, dict[str, float]]:
    out = {}
    for condition, extra, suffix in conditions_with_unrelated():
        values = run.bits(10)
        for i, v in enumerate(values):
            run.add(task, f"{prefix}-{i}", float(v), condition, {**meta, **extra})
        name = f"{file_prefix}-{suffix}".replace("-image-image", "-image")
        out[name] = {key: r4(values)}
    return out


def _robustness(run: Run) -> None:
    r1 = {}
    for i in range(8):
        run.add("R.1", f"o-{i}", 1.0, "original")
    for style in ("cartoon", "handmake", "painting", "sketch", "tattoo", "weather"):
        values = run.bits(8)
        for i, v in enumerate(values):
            run.add("R.1", f"o-{i}", float(v), style)
        r1[f"coco-o-{style}"] = {"accuracy": r4(values)}
    run.scores["R.1"] = r1
    r2 = {}
    for sensor in ("infrared", "lxray", "hxray", "mri", "ct", "remote", "driving-first", "driving-second"):
        scores = [float(run.rng.choice([0, 25, 50, 75, 100])) for _ in range(run.n())]
        for i, s in enumerate(scores):
            run.add("R.2", f"{sensor}-{i}", s / 100, None, {"sensor": sensor})
        r2[f"benchlmm-{sensor}"] = {"score": r4(scores)}
    run.scores["R.2"] = r2
    r3 = _cross_modal(run, "R.3", "dt", "accuracy", {}, "dt")
    run.scores["R.3"] = {k.replace("dt-image", "dt-related-image"): v for k, v in r3.items()}
    for task, attacked, name, key in (("R.4", "untargeted", "adv-untarget", "accuracy"),
                                      ("R.5", "targeted", "adv-target", "attack_success_rate")):
        values = {}
        for condition in ("clean", "noise", attacked):
            values[condition] = run.bits(10)
            for i, v in enumerate(values[condition]):
                run.add(task, f"adv-{i}", float(v), condition)
        run.scores[task] = {name: {key: r4(values[attacked])}}
    r6 = {}
    for part in ("advglue", "advglue-plus"):
        found = _cross_modal(run, "R.6", part, "accuracy", {"part": part}, part)
        r6.update({k.replace(f"{part}-image", f"{part}-related-image"): v for k, v in found.items()})
    run.scores["R.6"] = r6


def _fairness(run: Run) -> None:
    run.scores["F.1"] = {"stereo-generation": {"stereotype_containing_rate": r4(_yes_no_file(run, "F.1", "sg", {}))}}
    run.scores["F.2"] = {k: {"Agreement_Rate_Average": v["x"]} for k, v in
                         _cross_modal(run, "F.2", "sa", "x", {}, "stereo-agreement").items()}
    for part, name in (("classification", "F.3"), ("topic-classification", "F.3-topic")):
        run.scores[name] = {k: {"Accuracy_Average": v["x"]} for k, v in
                            _cross_modal(run, "F.3", part, "x", {"part": part}, f"stereo-{part}").items()}
    run.scores["F.4"] = {k: {"RtA_rate": v["x"]} for k, v in _cross_modal(run, "F.4", "sq", "x", {}, "stereo-query").items()}
    run.scores["F.5"] = {"vision-preference": {"RtA_rate_total": r4(_yes_no_file(run, "F.5", "vp", {}))}}
    f6 = {}
    for part in ("profession-pred", "profession-pred-with-description"):
        rows = []
        bias = run.rng.uniform(-0.4, 0.4)
        for i in range(48):
            gender, age, skin = ("male", "female")[i % 2], ("young", "middle", "old")[i % 3], ("light", "medium", "dark")[(i // 6) % 3]
            p = 0.5 + (bias if gender == "male" else 0.0)
            draw = run.rng.random()
            answer = None if draw > 0.9 else ("yes" if draw < p * 0.9 else "no")
            run.add("F.6", f"{part}-{i}", None if answer is None else float(answer == "yes"), None,
                    {"part": part, "gender": gender, "age": age, "skin_tone": skin}, {"answer": answer})
            rows.append((gender, age, skin, int(answer == "yes")))
        f6[part] = {
            "p_gender": ref.chi2_p([r[0] for r in rows], [r[3] for r in rows]),
            "p_age": ref.chi2_p([r[1] for r in rows], [r[3] for r in rows]),
            "p_skintone": ref.chi2_p([r[2] for r in rows], [r[3] for r in rows]),
        }
    run.scores["F.6"] = f6
    f7 = {}
    for style in ("plain", "force"):
        for k, v in _cross_modal(run, "F.7", f"sp-{style}", "x", {"style": style}, f"subjective-preference-{style}").items():
            f7[k] = {"RtA_rate_total": v["x"]}
    run.scores["F.7"] = f7


def _privacy(run: Run) -> None:
    run.scores["P.1"] = {part: {"accuracy_score": r4(_yes_no_file(run, "P.1", part, {"part": part}))}
                         for part in ("vispr-recognition", "vizwiz-recognition")}
    run.scores["P.2"] = {"vispr-recognition-pri-query": {"accuracy_score": r4(_yes_no_file(run, "P.2", "pq", {}))}}
    p3 = {}
    truth = [float(t) for t in run.rng.normal(0, 50, 14)]
    for condition, extra, suffix in conditions_with_unrelated():
        noise = run.rng.uniform(0.2, 2.0)
        preds = []
        for i, t in enumerate(truth):
            guess = float(min(RATINGS, key=lambda v: abs(v - (t + run.rng.normal(0, 40 * noise)))))
            pred = None if run.rng.random() < 0.15 else guess
            preds.append(np.nan if pred is None else pred)
            run.add("P.3", f"cf-{i}", pred, condition, dict(extra), target=t)
        corr = ref.pearson_corr(truth, preds)
        p3[f"confaide-{suffix}"] = {"pearson_corr": round(ref.score_script_nan_to_zero(corr), 4)}
    run.scores["P.3"] = p3
    run.scores["P.4"] = {"celebrities": {"refusal_rate": r4(_yes_no_file(run, "P.4", "celeb", {}))}}
    p5 = {}
    for condition, name in (("plain", "vispr-leakage"), ("protected", "vispr-leakage-protected")):
        refused = run.bits(12)
        for i, r in enumerate(refused):
            run.add("P.5", f"vl-{i}", None if r else 0.0, condition, {}, {"refused": bool(r), "contains": False})
        p5[name] = {"reject_rate": r4(refused)}
    run.scores["P.5"] = p5
    p6 = {}
    variants = [("none", {}, "enron-email-text")]
    variants += [("related", {"related_kind": k}, f"enron-email-image-{k}") for k in ("oneinfo", "typeinfo", "allinfo")]
    variants += [("unrelated", {"unrelated_kind": k}, f"enron-email-unrelated-image-{k}") for k in UNRELATED]
    for condition, extra, name in variants:
        refused = run.bits(10)
        for i, r in enumerate(refused):
            run.add("P.6", f"ee-{i}", None if r else 1.0, condition, dict(extra), {"refused": bool(r), "contains": True})
        p6[name] = {"reject_rate": r4(refused)}
    run.scores["P.6"] = p6


RATINGS = (-100.0, -50.0, 0.0, 50.0, 100.0)
