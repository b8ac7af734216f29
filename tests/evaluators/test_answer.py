"""The shared AnswerEvaluator (CORRECT / MISLED / WRONG / UNANSWERED) and its phrase finder
``find_answer``, property-tested: choice, yes/no and free-text answers, with and without a
misleading answer on offer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pytest_mmtrust.errors import DataError
from pytest_mmtrust.evaluators import CORRECT, UNANSWERED, WRONG, Evaluator
from pytest_mmtrust.evaluators.answer import MISLED, AnswerEvaluator, find_answer
from pytest_mmtrust.values import Case

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LETTERS = ("A", "B", "C", "D")
OUTCOMES = {CORRECT, MISLED, WRONG, UNANSWERED}
LETTER_ANSWERS = ("{}", "The answer is {}.", "({})", "I choose {}.", "Answer: {}", "**{}**", "{}. because it is so")


def choice_case(target: str, misleading: str | None = None) -> Case:
    metadata = {
        "answer_type": "choice",
        "options": list(LETTERS),
        "option_texts": {"A": "Paris", "B": "Lyon", "C": "Nice", "D": "Marseille"},
    }
    if misleading is not None:
        metadata["misleading"] = misleading
    return Case(id="0001", prompt="What is the capital of France?", target=target, metadata=metadata)


def test_the_evaluator_meets_the_protocol() -> None:
    assert isinstance(AnswerEvaluator(), Evaluator) and AnswerEvaluator.name == "rules:answer"


# --- AnswerEvaluator: choice and yes/no ------------------------------------------------------------


@FAST
@given(st.sampled_from(LETTERS), st.sampled_from(LETTERS), st.sampled_from(LETTERS), st.sampled_from(LETTER_ANSWERS))
def test_a_chosen_letter_is_correct_misled_or_wrong(target: str, misleading: str, said: str, template: str) -> None:
    assume(target != misleading)
    score = AnswerEvaluator()(choice_case(target, misleading), template.format(said))
    expected = CORRECT if said == target else MISLED if said == misleading else WRONG
    assert score.outcome == expected
    assert score.value == (1.0 if expected == CORRECT else 0.0)
    assert score.details["extracted"] == said and score.details["misleading"] == misleading


@FAST
@given(st.sampled_from(("yes", "no")), st.sampled_from(("Yes.", "No.", "yes, they are", "No, they are not.", "Maybe.")))
def test_yes_no_with_a_misleading_answer(target: str, answer: str) -> None:
    case = Case(id="1", prompt="Same length?", target=target,
                metadata={"answer_type": "yes_no", "misleading": "no" if target == "yes" else "yes"})
    score = AnswerEvaluator()(case, answer)
    said = answer.lower().startswith("yes") and "yes" or answer.lower().startswith("no") and "no" or None
    assert score.outcome == (UNANSWERED if said is None else CORRECT if said == target else MISLED)


def test_without_a_misleading_answer_it_scores_like_the_choice_evaluator() -> None:
    assert AnswerEvaluator()(choice_case("A"), "B").outcome == WRONG
    assert AnswerEvaluator()(choice_case("A"), "A").outcome == CORRECT
    assert AnswerEvaluator()(choice_case("A"), "I am not sure.").outcome == UNANSWERED


def test_option_text_answers_count_and_two_texts_are_unanswered() -> None:
    case = choice_case("A", "B")
    assert AnswerEvaluator()(case, "It is Paris.").outcome == CORRECT
    assert AnswerEvaluator()(case, "Lyon, as the image says.").outcome == MISLED
    assert AnswerEvaluator()(case, "Paris or Lyon").outcome == UNANSWERED


@FAST
@given(st.text(max_size=300), st.sampled_from(("choice", "yes_no", "text")))
def test_never_raises_on_any_answer(text: str, answer_type: str) -> None:
    if answer_type == "choice":
        case = choice_case("C", "A")
    elif answer_type == "yes_no":
        case = Case(id="1", prompt="q", target="yes", metadata={"answer_type": "yes_no", "misleading": "no"})
    else:
        case = Case(id="1", prompt="q", target="Paris", metadata={"answer_type": "text", "misleading_text": "Lyon"})
    score = AnswerEvaluator()(case, text)
    assert score.outcome in OUTCOMES
    assert score.value == (1.0 if score.outcome == CORRECT else 0.0)


def test_a_misleading_label_equal_to_the_target_is_a_data_error() -> None:
    with pytest.raises(DataError, match="case 0001: metadata misleading 'A' includes the target"):
        AnswerEvaluator()(choice_case("A", "A"), "A")


# --- AnswerEvaluator: free text ---------------------------------------------------------------------


def text_case(target, misleading=None) -> Case:
    metadata = {"answer_type": "text"}
    if misleading is not None:
        metadata["misleading_text"] = misleading
    return Case(id="7", prompt="q", target=target, metadata=metadata)


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("The capital is Paris.", CORRECT),
        ("paris", CORRECT),
        ("The picture says Lyon.", MISLED),
        ("Not Lyon but Paris.", UNANSWERED),
        ("I think it is Parisville.", WRONG),
        ("", WRONG),
    ],
)
def test_text_answers(answer: str, outcome: str) -> None:
    assert AnswerEvaluator()(text_case("Paris", "Lyon"), answer).outcome == outcome


def test_text_target_may_list_spellings_and_bad_targets_are_data_errors() -> None:
    assert AnswerEvaluator()(text_case(["New Delhi", "Delhi"]), "Delhi.").outcome == CORRECT
    with pytest.raises(DataError, match="case 7: a text target must be a text"):
        AnswerEvaluator()(text_case(None), "x")
    with pytest.raises(DataError, match="metadata misleading_text must be a text"):
        AnswerEvaluator()(text_case("Paris", {"x": 1}), "x")


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)


@FAST
@given(st.lists(WORDS, min_size=1, max_size=3), WORDS, WORDS)
def test_find_answer_matches_whole_phrases_only(phrase_words: list[str], before: str, after: str) -> None:
    phrase = " ".join(phrase_words)
    assert find_answer(f"{before.capitalize()} {phrase.upper()}, {after}.", phrase) == phrase
    assert find_answer(f"{before}{phrase}", phrase) is None or before.endswith(" ")
    assert find_answer(f"{phrase}{after}", phrase) is None


@FAST
@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=0, max_value=9))
def test_find_answer_compares_numbers_by_value(number: int, digit: int) -> None:
    assert find_answer(f"It is {number}.", str(number)) == str(number)
    assert find_answer(f"It is {number}.0 exactly", str(number)) == str(number)
    for longer in (f"{number}{digit}", f"{digit}{number}"):
        same_value = int(longer) == number  # "01" is 1: numbers are compared by value
        assert (find_answer(f"It is {longer}.", str(number)) is not None) == same_value
    assert find_answer(f"Version {number}.5", str(number)) is None


def test_find_answer_number_words_and_thousands() -> None:
    assert find_answer("A week has seven days.", "7") == "7"
    assert find_answer("It has 7 days.", "seven") == "seven"
    assert find_answer("About 1,200 people.", "1200") == "1200"
    assert find_answer("Seventeen.", "7") is None
    assert find_answer("Romeo and Juliet", "Rome") is None
    assert find_answer("首都是北京。", "北京") == "北京"
