"""The robustness evaluators (caption naming, one-word labels, per-answer-type dispatch) and the
callable headline metrics of R.1, R.4 and R.5, on hand-made records with known values."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mmtrust.errors import DataError
from pytest_mmtrust.evaluators import CORRECT, EMPTY, UNANSWERED, WRONG, Evaluator
from pytest_mmtrust.evaluators.by_answer_type import ByAnswerType
from pytest_mmtrust.evaluators.choice import ChoiceEvaluator
from pytest_mmtrust.metrics import Metric
from pytest_mmtrust.records import ScoreRecord
from pytest_mmtrust.robustness.caption import (
    CONFUSED,
    HIJACKED,
    MISSED,
    SHAPE_NAMES,
    CaptionEvaluator,
    find_names,
    names_object,
    object_names,
)
from pytest_mmtrust.robustness.label import LabelEvaluator, extract_sentiment, extract_yes_maybe_no
from pytest_mmtrust.robustness.metrics import attacked_accuracy, styled_accuracy, targeted_accuracy
from pytest_mmtrust.values import Case

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHAPES = tuple(SHAPE_NAMES)


def caption_case(shape: str, target: str | None = None) -> Case:
    metadata = {"answer_type": "caption"}
    if target is not None:
        metadata["target_object"] = target
    return Case(id="0001", prompt="Describe.", images=("a.png",), target=shape, metadata=metadata)


def test_evaluators_meet_the_protocol() -> None:
    for evaluator, name in ((CaptionEvaluator(), "rules:caption"), (LabelEvaluator(), "rules:label")):
        assert isinstance(evaluator, Evaluator) and evaluator.name == name
    both = ByAnswerType({"choice": ChoiceEvaluator(), "yes_no": ChoiceEvaluator(), "caption": CaptionEvaluator()})
    assert isinstance(both, Evaluator) and both.name == "rules:choice+rules:caption"


# --- captions ---------------------------------------------------------------------------------------

CAPTIONS = (
    "A {name} on a plain background.",
    "The image shows two {name}s.",
    "There is a large red {name} in the middle; it looks flat.",
    "画面中央有一个{name}。",
)


@FAST
@given(st.sampled_from(SHAPES), st.data())
def test_every_synonym_names_its_shape_and_no_other(shape: str, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(SHAPE_NAMES[shape]))
    template = data.draw(st.sampled_from(CAPTIONS))
    is_chinese = not name.isascii()
    if is_chinese != (template == CAPTIONS[-1]):
        template = CAPTIONS[-1] if is_chinese else CAPTIONS[0]
    caption = template.format(name=name)
    assert names_object(caption, shape), caption
    others = [s for s in SHAPES if s != shape]
    # Chinese 星 is inside no other shape's name, but 方形 is inside 正方形: both squares, so fine
    assert not any(names_object(caption, other) for other in others), caption


@pytest.mark.parametrize(
    ("caption", "named"),
    [
        ("There is no star in the picture, only a circle.", {"circle"}),
        ("It is not a triangle; it's a diamond.", {"diamond"}),
        ("A picture without any squares.", set()),
        ("The shape isn't a circle.", set()),
        ("A starfish, a boxer and a dotted line around the ringmaster.", set()),
        ("A red star-shaped sticker and a rhombus.", {"star", "diamond"}),
        ("图中没有圆形，只有一个三角形。", {"triangle"}),
        ("", set()),
    ],
)
def test_negated_and_partial_words_do_not_count(caption: str, named: set[str]) -> None:
    assert {s for s in SHAPES if names_object(caption, s)} == named


def test_other_labels_split_into_alternatives() -> None:
    assert object_names("tabby, tabby cat") == ("tabby", "tabby cat")
    assert names_object("A tabby cat sleeps.", "tabby, tabby cat")
    assert names_object("Two tabby-cats.", "tabby cat")
    assert not names_object("A tiger.", "tabby, tabby cat")
    assert find_names("A DISC and a Box", SHAPE_NAMES["circle"] + SHAPE_NAMES["square"]) == ["disc", "box"]


@pytest.mark.parametrize(
    ("caption", "outcome", "value", "hit"),
    [
        ("A green circle.", CORRECT, 1.0, False),
        ("A green circle and a small star.", CONFUSED, 1.0, True),
        ("A bright star.", HIJACKED, 0.0, True),
        ("Some abstract noise.", MISSED, 0.0, False),
        ("   ", EMPTY, 0.0, False),
    ],
)
def test_targeted_outcomes(caption: str, outcome: str, value: float, hit: bool) -> None:
    score = CaptionEvaluator()(caption_case("circle", "star"), caption)
    assert (score.outcome, score.value, score.details["names_target"]) == (outcome, value, hit)


def test_untargeted_cases_report_no_target() -> None:
    score = CaptionEvaluator()(caption_case("square"), "A blue rectangle.")
    assert score.outcome == CORRECT and score.details["names_target"] is None and score.details["matched"] == ["rectangle"]


@FAST
@given(st.text(max_size=300))
def test_caption_scoring_never_raises(text: str) -> None:
    score = CaptionEvaluator()(caption_case("triangle", "diamond"), text)
    assert score.outcome in {CORRECT, CONFUSED, HIJACKED, MISSED, EMPTY}
    assert score.value == (1.0 if score.outcome in (CORRECT, CONFUSED) else 0.0)


def test_malformed_caption_cases_are_data_errors() -> None:
    with pytest.raises(DataError, match="case 0001: a caption case needs"):
        CaptionEvaluator()(Case(id="0001", prompt="p", target=None), "x")
    bad = Case(id="0001", prompt="p", target="star", metadata={"object_names": "star"})
    with pytest.raises(DataError, match="metadata object_names must be a list"):
        CaptionEvaluator()(bad, "x")


# --- labels -----------------------------------------------------------------------------------------

LABEL_ANSWERS = ("{}", "{}.", "Answer: {}", "The sentiment is {}.", "I would say it's {}!", "**{}**", "情感：{}")
ZH = {"positive": "积极", "negative": "消极"}


@FAST
@given(st.sampled_from(("positive", "negative")), st.sampled_from(LABEL_ANSWERS), st.booleans())
def test_a_stated_sentiment_is_extracted(label: str, template: str, capitalised: bool) -> None:
    word = ZH[label] if template.startswith("情感") else (label.capitalize() if capitalised else label)
    assert extract_sentiment(template.format(word)) == label


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("Not positive.", None),
        ("It is not negative, it is positive.", "positive"),
        ("The review isn't positive; negative.", "negative"),
        ("Positive or negative? Hard to say.", None),  # an opening list asserts nothing
        ("Sentiment: negative", "negative"),
        ("It could be positive or negative.", None),
        ("Neutral.", "neutral"),
        ("The tone is mixed.", "neutral"),
        ("non-negative numbers", None),
        ("这句话不是积极的，是消极的。", "negative"),
        ("", None),
    ],
)
def test_sentiment_rules(answer: str, label: str | None) -> None:
    assert extract_sentiment(answer) == label


@pytest.mark.parametrize(
    ("answer", "label"),
    [("Yes.", "yes"), ("no", "no"), ("Maybe.", "maybe"), ("Perhaps, it is unclear.", "maybe"),
     ("Answer: yes, maybe", "yes"), ("It cannot be determined.", "maybe"), ("Hmm.", None)],
)
def test_three_way_entailment_answers(answer: str, label: str | None) -> None:
    assert extract_yes_maybe_no(answer) == label


@FAST
@given(st.sampled_from(("sentiment", "yes_no", "yes_maybe_no")), st.text(max_size=200))
def test_label_scoring_never_raises_and_values_follow_outcomes(answer_type: str, text: str) -> None:
    target = {"sentiment": "negative", "yes_no": "no", "yes_maybe_no": "maybe"}[answer_type]
    score = LabelEvaluator()(Case(id="1", prompt="p", target=target, metadata={"answer_type": answer_type}), text)
    assert score.outcome in {CORRECT, WRONG, UNANSWERED}
    assert score.value == (1.0 if score.outcome == CORRECT else 0.0)


def test_label_outcomes() -> None:
    case = Case(id="1", prompt="p", target="positive", metadata={"answer_type": "sentiment"})
    assert LabelEvaluator()(case, "positive").outcome == CORRECT
    assert LabelEvaluator()(case, "Negative").outcome == WRONG
    assert LabelEvaluator()(case, "Neutral").outcome == WRONG
    assert LabelEvaluator()(case, "I cannot tell.").outcome == UNANSWERED
    yes_no = Case(id="2", prompt="p", target="yes", metadata={"answer_type": "yes_no"})
    assert LabelEvaluator()(yes_no, "Yes, it does.").outcome == CORRECT
    assert LabelEvaluator()(yes_no, "No.").outcome == WRONG


@pytest.mark.parametrize(
    ("answer_type", "target", "message"),
    [("sentiment", "yes", "a sentiment target must be positive or negative"),
     ("yes_no", "maybe", "a yes_no target must be yes or no"),
     ("topic", "positive", "metadata answer_type must be")],
)
def test_malformed_label_cases_are_data_errors(answer_type: str, target: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        LabelEvaluator()(Case(id="1", prompt="p", target=target, metadata={"answer_type": answer_type}), "yes")


def test_by_answer_type_dispatches_and_rejects_unknown_types() -> None:
    both = ByAnswerType({"yes_no": ChoiceEvaluator(), "caption": CaptionEvaluator()})
    assert both(Case(id="1", prompt="p", target="yes", metadata={"answer_type": "yes_no"}), "Yes.").outcome == CORRECT
    assert both(caption_case("star"), "A star.").outcome == CORRECT
    with pytest.raises(DataError, match="case 1: metadata answer_type 'text' is not one of caption, yes_no"):
        both(Case(id="1", prompt="p", target="x", metadata={"answer_type": "text"}), "x")


# --- headline metrics -------------------------------------------------------------------------------


def record(case_id: str, condition: str, value: float | None, names_target: bool | None = None) -> ScoreRecord:
    details = {} if names_target is None else {"names_target": names_target}
    return ScoreRecord(task="R.x", case=f"{case_id}/{condition}", case_id=case_id, condition=condition, value=value,
                       outcome="X", details=details)


def test_attacked_accuracy_uses_the_attacked_condition_and_pairs_the_changes() -> None:
    records = []
    for i in range(10):
        case = f"{i:04d}"
        records += [record(case, "clean", 1.0), record(case, "noise", float(i < 8)), record(case, "untargeted", float(i < 3))]
    records.append(record("0099", "untargeted", None))  # unscored: left out of n
    value = attacked_accuracy(records)
    assert value.value == pytest.approx(0.3) and value.n == 30 and value.extra["n_used"] == 10
    assert value.extra["clean_accuracy"] == 1.0 and value.extra["delta_vs_clean"] == pytest.approx(-0.7)
    assert value.extra["noise_accuracy"] == pytest.approx(0.8) and value.extra["delta_vs_noise"] == pytest.approx(-0.5)
    assert value.extra["delta_vs_clean_ci"][1] < 0 and value.extra["delta_vs_clean_p"] < 0.05
    # the plugin's per-condition computation hands over one condition at a time
    assert attacked_accuracy([r for r in records if r.condition == "noise"]).value == pytest.approx(0.8)
    assert Metric("accuracy", kind="callable", params={"function": "pytest_mmtrust.robustness.metrics:attacked_accuracy"}).compute(records).value == pytest.approx(0.3)


def test_targeted_accuracy_reports_the_target_hit_rate() -> None:
    records = []
    for i in range(8):
        case = f"{i:04d}"
        records += [record(case, "clean", 1.0, False), record(case, "targeted", float(i % 2 == 0), i < 6)]
    value = targeted_accuracy(records)
    assert value.value == 0.5 and value.n == 16
    assert value.extra["target_hit_rate"] == 0.75 and value.extra["target_hits"] == 6
    assert value.extra["clean_target_hit_rate"] == 0.0
    low, high = value.extra["target_hit_rate_ci"]
    assert low < 0.75 < high


def test_styled_accuracy_excludes_the_original_and_compares_with_it() -> None:
    records = []
    for i in range(6):
        case = f"{i:04d}"
        records.append(record(case, "original", 1.0))
        records += [record(case, "sketch", float(i < 3)), record(case, "cartoon", 1.0)]
    value = styled_accuracy(records)
    assert value.value == pytest.approx(0.75) and value.n == 18 and value.extra["n_used"] == 12
    assert value.extra["original_accuracy"] == 1.0 and value.extra["delta_vs_original"] == pytest.approx(-0.25)
    assert styled_accuracy([r for r in records if r.condition == "original"]).value == 1.0
    assert styled_accuracy([]).value is None
