"""Multiple-choice and yes/no answer extraction (English and Chinese), and their evaluator.

**Choice letters.** :func:`extract_choice` looks for *asserted* letters in three tiers and stops
at the first tier that asserts anything; two different letters in that tier make the answer
ambiguous (None), and a lower tier is not consulted then.

1. *Explicit cues* — ``answer is B``, ``Answer: (B)``, ``the correct option is B``, ``I choose B``,
   ``I'd go with B``, ``B is correct``, ``it's B.`` (only before punctuation or the end), ``选B``,
   ``答案是 B``, ``正确答案为B``, ``B是正确的``, and the Q/A form ``A: B``. A list after a cue
   (``A or B``, ``A/B``, ``A和B``, ``A、B``) asserts every letter in it. Negated cues do not count (``not A``, ``I wouldn't choose A``, ``不选A``,
   ``答案不是A``), and ``B is correct`` counts only after a sentence boundary or a word like
   ``option``/``think``/``so`` (so ``vitamin D is the best`` asserts nothing).
2. *Marked letters* — the answer's first line is just a letter (``B``, ``(B)``, ``**B.**``);
   the answer opens with a delimited letter (``B) red``, ``B. red``, ``(B) red``, ``B: red``) or
   with a capital letter that is no English word and a space (``B because …``, not ``A because``);
   ``option B``, ``choice B``, ``选项B``, ``B选项``.
3. *Option text* — with ``option_texts``, the answer repeats the text of exactly one option
   (a text inside a longer option's text, ``red`` in ``dark red``, does not count separately).

Why ``A car`` is not a choice: a letter that is also an English word (``a``, ``I``) counts only
when it is marked — upper case after a cue (``the answer is A``), or followed by a delimiter
(``the answer is a.``, ``(a)``), or opening the answer as ``A)``/``A.``/``A:`` — so
``A car is red`` and ``the answer is a car`` assert nothing. Other letters (``B``, ``c`` …)
count in either case after a cue. Letters never count inside words or numbers (``B12``,
``Plan B`` asserts nothing without a cue). Known limits: an answer that recites all options
before choosing (``A) red B) blue … The answer is B``) works only because tier 1 wins; a
recited list with no cue is read as choosing its first letter; ``A. Lincoln …`` opening an
answer reads as choice A.

**Yes/no.** :func:`extract_yes_no` trusts the opening word first (``Yes, …``, ``No.``,
``Correct.``, ``不是``, ``是的``, ``没有``, ``对。``); otherwise it scans the whole answer for
answer-like words and returns one side only when the other never appears. ``no``, ``true``,
``false``, ``correct``, ``incorrect`` count in the scan only before punctuation or the end
(``there is no cat`` is not an answer, ``the answer is no.`` is). Single-character Chinese
openings (``是``, ``有``, ``对``, ``不``, ``没``, ``否``) need punctuation after them, so ``不同的…``
and ``有可能…`` are not answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

from ..errors import DataError
from ..values import Case, Score
from .base import CORRECT, UNANSWERED, WRONG
from .text import contains_cjk, normalise

#: One-letter English words: as choice letters they need a mark (case or delimiter).
_WORD_LETTERS = frozenset({"a", "i"})
_DEFAULT_OPTIONS = ("A", "B", "C", "D")

_OPEN = r"[\s*_\"'(\[{<]*"
_CLOSE = r"(?:\*\*|[)\]}>*_])?"
_LIST_SEP = r"\s*(?:,|/|&|\bor\b|\band\b|或者|或|和|与|、)\s*"

_EN_FORWARD_CUE = r"""
(?:
    \b(?:answer|answers|ans)\b
        (?:\s+(?:to|for)\s+(?:this|the|that)\s+(?:question|problem|one))?
        (?:\s+(?:is|would\s+be|should\s+be|must\s+be|will\s+be|here\s+is|seems\s+to\s+be|appears\s+to\s+be))?
  | (?<!not\s)(?<!n't\s)(?<!never\s)
        \b(?:choose|chose|choosing|pick|picked|picking|select|selected|selecting|
            go\s+with|going\s+with|opt\s+for|opting\s+for)\b
  | \b(?:correct|right|best|final|most\s+appropriate|most\s+likely|most\s+accurate)\s+
        (?:option|choice|letter|one)(?:\s+(?:is|would\s+be|should\s+be|must\s+be|here\s+is))?
)
\s*[:=\-]?\s*
(?:(?:the\s+)?(?:option|choice|letter)\s*)?
"""
_ZH_FORWARD_CUE = r"""
(?<!不)(?:正确答案|答案|应该选择|应该选|应选|我选择|我选|选择|选)
\s*(?:应该|应当|应)?\s*(?:是|为|:|选择|选)?\s*(?:选项)?\s*
"""
# "it's B" is a common answer but "it is C-shaped" is not one: this cue needs punctuation or
# the end right after the letter.
_IT_IS_CUE = r"\bit(?:'s|\s+is|\s+must\s+be|\s+should\s+be|\s+would\s+be)\s+"
_QA_PREFIX = r"^\s*(?:a|answer|ans|答案|答|回答)\s*:\s*"
_EN_REVERSE_BEFORE = (
    r"(?:^|(?<=[^\w\s])|\b(?:option|choice|answer|letter|think|believe|guess|say|so|thus|therefore|"
    r"hence|then|that|conclusion|feel)\s+)"
)
_EN_REVERSE_AFTER = (
    r"\s*(?:is|would\s+be|should\s+be|must\s+be|seems\s+to\s+be|seems)\s+(?:the\s+)?(?:most\s+)?"
    r"(?:correct|right|best|true|accurate|appropriate)\b"
)
_ZH_REVERSE_BEFORE = r"(?:^|(?<=[^\w\s])|(?:选项|认为|觉得|所以|因此)\s*)"
_ZH_REVERSE_AFTER = r"\s*(?:选项|项)?\s*(?:是|为|才是)?\s*(?:正确|对的|最佳|最合适|最准确)"
_FLAGS = re.IGNORECASE | re.VERBOSE


@dataclass(frozen=True)
class _Cue:
    """A cue pattern, run only when the lower-cased answer contains one of its ``needles``.

    The needles are a cheap pre-filter (a substring test beats a regex with look-arounds tried
    at every position); they never decide anything on their own.
    """

    pattern: re.Pattern[str]
    needles: tuple[str, ...]


@dataclass(frozen=True)
class _ChoicePatterns:
    letter: re.Pattern[str]
    explicit: tuple[_Cue, ...]
    marked: tuple[_Cue, ...]
    first_line: re.Pattern[str]
    leading_word: re.Pattern[str]


_EN_FORWARD_NEEDLES = ("answer", "ans", "choos", "chose", "pick", "select", "go", "opt", "option", "choice",
                       "letter", "one")
_EN_REVERSE_NEEDLES = ("correct", "right", "best", "true", "accurate", "appropriate")
_ZH_FORWARD_NEEDLES = ("答案", "选")
_ZH_REVERSE_NEEDLES = ("正确", "对的", "最佳", "最合适", "最准确")
_ALWAYS = ("",)


@lru_cache(maxsize=64)
def _patterns(options: tuple[str, ...]) -> _ChoicePatterns:
    """Compile the extraction patterns for one option set (cached: tasks reuse a few sets)."""
    alternatives = "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True))
    letter = rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])"
    letter_list = rf"{_OPEN}{letter}{_CLOSE}(?:{_LIST_SEP}{_OPEN}{letter}{_CLOSE})*"
    marked_letter = rf"{_OPEN}{letter}{_CLOSE}"
    explicit = (
        _Cue(re.compile(rf"{_EN_FORWARD_CUE}(?P<letters>{letter_list})", _FLAGS), _EN_FORWARD_NEEDLES),
        _Cue(re.compile(rf"{_ZH_FORWARD_CUE}(?P<letters>{letter_list})", _FLAGS), _ZH_FORWARD_NEEDLES),
        _Cue(re.compile(rf"{_QA_PREFIX}(?P<letters>{marked_letter})(?=\s|$|[.,;!])", _FLAGS), (":",)),
        _Cue(re.compile(rf"{_IT_IS_CUE}(?P<letters>{marked_letter})(?=\s*(?:$|[.,;!?]))", _FLAGS), ("it",)),
        _Cue(re.compile(rf"{_EN_REVERSE_BEFORE}(?P<letters>{marked_letter}){_EN_REVERSE_AFTER}", _FLAGS),
             _EN_REVERSE_NEEDLES),
        _Cue(re.compile(rf"{_ZH_REVERSE_BEFORE}(?P<letters>{marked_letter}){_ZH_REVERSE_AFTER}", _FLAGS),
             _ZH_REVERSE_NEEDLES),
    )
    marked = (
        _Cue(re.compile(rf"^[\s*_#>\"'(\[{{]*(?P<letters>{letter})(?=[)\].:}}]|\*\*|\s+-\s|\s*$)", _FLAGS), _ALWAYS),
        _Cue(re.compile(rf"\b(?:option|choice|letter)\s*(?P<letters>{marked_letter})", _FLAGS),
             ("option", "choice", "letter")),
        _Cue(re.compile(rf"选项\s*(?P<letters>{marked_letter})", _FLAGS), ("选项",)),
        _Cue(re.compile(rf"(?P<letters>{letter})\s*(?:选项|项)", _FLAGS), ("项",)),
    )
    first_line = re.compile(rf"[\W_]*(?P<letters>{letter})[\W_]*", _FLAGS)
    leading_word = re.compile(rf"^[\s*_#>\"'(\[{{]*(?P<letters>{letter})\s", _FLAGS)
    return _ChoicePatterns(re.compile(letter, re.IGNORECASE), explicit, marked, first_line, leading_word)


def extract_choice(
    text: str, options: Sequence[str], option_texts: Mapping[str, str] | None = None
) -> str | None:
    """The one option letter ``text`` asserts, spelled as in ``options``; None if absent or ambiguous.

    ``option_texts`` maps letters to their options' texts, so an answer that only repeats an
    option's text counts too. The rules are in :mod:`pytest_mmtrust.evaluators.choice`. Never
    raises on any ``text``.
    """
    by_key = {str(o).strip().casefold(): str(o).strip() for o in options if str(o).strip()}
    if not text or not by_key:
        return None
    cased = normalise(text, keep_case=True)
    if not cased:
        return None
    patterns = _patterns(tuple(sorted(by_key.values())))

    explicit = _asserted(cased, patterns.explicit, patterns.letter)
    if explicit:
        return _single(explicit, by_key)
    marked = _asserted(cased, patterns.marked, patterns.letter)
    first_line = normalise(next((line for line in text.splitlines() if line.strip()), ""), keep_case=True)
    whole = patterns.first_line.fullmatch(first_line)
    if whole:
        marked.add(whole.group("letters").casefold())
    leading = patterns.leading_word.match(cased)
    if leading:
        token = leading.group("letters")
        if token.isupper() and token.casefold() not in _WORD_LETTERS:
            marked.add(token.casefold())
    if marked:
        return _single(marked, by_key)
    if option_texts:
        return _by_option_text(normalise(text), option_texts, by_key)
    return None


def _asserted(text: str, cues: tuple[_Cue, ...], letter: re.Pattern[str]) -> set[str]:
    """Casefolded letters asserted by any cue pattern, after the one-letter-word rule."""
    found: set[str] = set()
    lowered = text.lower()
    for cue in cues:
        if not any(needle in lowered for needle in cue.needles):
            continue
        for match in cue.pattern.finditer(text):
            start, end = match.span("letters")
            for token in letter.finditer(text, start, end):
                if _counts(text, token.start(), token.end()):
                    found.add(token.group(0).casefold())
    return found


def _counts(text: str, start: int, end: int) -> bool:
    """The one-letter-word rule: ``a``/``i`` in lower case need a delimiter to be a choice."""
    token = text[start:end]
    if token.casefold() not in _WORD_LETTERS or not token.islower():
        return True
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return before in "([{<*" and before != "" or after == "" or after in ")]}>.:,;!?*\"'"


def _single(letters: set[str], by_key: Mapping[str, str]) -> str | None:
    if len(letters) != 1:
        return None
    return by_key[next(iter(letters))]


def _by_option_text(text: str, option_texts: Mapping[str, str], by_key: Mapping[str, str]) -> str | None:
    """The one option whose text the answer repeats (spans inside a longer match do not count)."""
    spans: list[tuple[int, int, str]] = []
    for key, option_text in option_texts.items():
        letter = str(key).strip().casefold()
        wanted = normalise(str(option_text)) if option_text is not None else ""
        if letter not in by_key or not wanted:
            continue
        pattern = re.escape(wanted)
        if wanted[0].isalnum() and not contains_cjk(wanted[0]):
            pattern = r"(?<!\w)" + pattern
        if wanted[-1].isalnum() and not contains_cjk(wanted[-1]):
            pattern = pattern + r"(?!\w)"
        spans.extend((m.start(), m.end(), letter) for m in re.finditer(pattern, text))
    outermost = {
        letter
        for start, end, letter in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    }
    return _single(outermost, by_key)


# --- yes / no -------------------------------------------------------------------------------

_ANSWER_PREFIX = re.compile(r"^[\s*_#>\"'(\[{:\-]*(?:(?:answer|ans|a|答案|答|回答)\s*:\s*)?[\s*_\"'(\[{]*")
_EN_LEADING = re.compile(
    r"""
    (?P<no>(?:no|nope|nah|not\s+really|not\s+at\s+all|definitely\s+not|absolutely\s+not|certainly\s+not|
            of\s+course\s+not)(?![a-z0-9])(?!\s+(?:problem|worries|worry|doubt|matter|question|wonder)\b)
          |(?:false|incorrect|wrong)(?=$|[^\sa-z0-9]))
    |(?P<yes>(?:yes|yeah|yep|yup)(?![a-z0-9])
          |(?:true|correct|right|affirmative|absolutely|definitely|certainly|indeed|of\s+course)(?=$|[^\sa-z0-9]))
    """,
    re.VERBOSE,
)
# Chinese openings: multi-character ones may run straight into the sentence; single characters
# (and 不会/不能) need punctuation or the end after them. Longest first.
_ZH_LEADING_FREE = (
    ("当然不是", False), ("当然不", False), ("并不是", False), ("并没有", False), ("不正确", False),
    ("是的", True), ("对的", True), ("没错", True), ("正确", True), ("当然", True),
    ("不是", False), ("不对", False), ("错误", False), ("没有", False),
)
_ZH_LEADING_DELIMITED = (
    ("不会", False), ("不能", False), ("是", True), ("对", True), ("有", True), ("会", True), ("能", True),
    ("否", False), ("不", False), ("没", False),
)
_SCAN = re.compile(
    r"""
    (?P<no>(?:(?<![a-z0-9])not|n't)\s+(?:true|correct|right)(?=$|[^\sa-z0-9])
          |(?<![a-z0-9])(?:false|incorrect|wrong|no)(?=$|[^\sa-z0-9])
          |(?<![a-z0-9])nope(?![a-z0-9])
          |(?<!是)不是|(?<!有)没有|不对|不正确|并不|不存在)
    |(?P<yes>(?<![a-z0-9])(?:yes|yeah|yep|yup)(?![a-z0-9])
          |(?<![a-z0-9])(?:true|correct)(?=$|[^\sa-z0-9])
          |是的|没错|(?<!不)正确|(?<!不)对的)
    """,
    re.VERBOSE,
)


def extract_yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None when the answer says neither or both (en/zh).

    The rules are in :mod:`pytest_mmtrust.evaluators.choice`. Never raises on any ``text``.
    """
    normalised = normalise(text or "")
    if not normalised:
        return None
    leading = _leading_yes_no(normalised)
    if leading is not None:
        return leading
    said_yes = said_no = False
    for match in _SCAN.finditer(normalised):
        if match.group("yes"):
            said_yes = True
        else:
            said_no = True
    if said_yes == said_no:
        return None
    return said_yes


def _leading_yes_no(text: str) -> bool | None:
    prefix = _ANSWER_PREFIX.match(text)
    rest = text[prefix.end():] if prefix else text
    english = _EN_LEADING.match(rest)
    if english:
        return english.group("yes") is not None
    for word, meaning in _ZH_LEADING_FREE:
        if rest.startswith(word):
            return meaning
    for word, meaning in _ZH_LEADING_DELIMITED:
        if rest.startswith(word):
            after = rest[len(word):len(word) + 1]
            if after == "" or not (after.isalnum() or contains_cjk(after)):
                return meaning
    return None


# --- evaluator ------------------------------------------------------------------------------

_YES_TARGETS = frozenset({"yes", "true", "是", "对", "有"})
_NO_TARGETS = frozenset({"no", "false", "否", "不是", "不对", "没有"})


class ChoiceEvaluator:
    """Scores 1.0 ``CORRECT`` / 0.0 ``WRONG`` / 0.0 ``UNANSWERED`` against ``case.target``.

    ``case.metadata["answer_type"]`` is ``"choice"`` (target: the right option letter; options
    from ``metadata["options"]``, default A–D, and optional ``metadata["option_texts"]``) or
    ``"yes_no"`` (target ``"yes"``/``"no"``, a bool, or ``是``/``否``). Without ``answer_type`` a
    yes/no-looking target means ``yes_no``. An unanswered item scores 0 like a wrong one, so an
    evasive model cannot raise its accuracy; the outcome tells them apart. A malformed case
    raises :class:`~pytest_mmtrust.errors.DataError`.
    """

    name = "rules:choice"

    def __call__(self, case: Case, text: str) -> Score:
        metadata = case.metadata or {}
        answer_type = metadata.get("answer_type") or ("yes_no" if _yes_no_target(case.target) is not None else "choice")
        if answer_type == "yes_no":
            return self._score_yes_no(case, text)
        if answer_type == "choice":
            return self._score_choice(case, text, metadata)
        raise DataError(f"case {case.id}: metadata answer_type must be 'choice' or 'yes_no', not {answer_type!r}")

    def _score_yes_no(self, case: Case, text: str) -> Score:
        expected = _yes_no_target(case.target)
        if expected is None:
            raise DataError(f"case {case.id}: a yes_no target must be yes/no/true/false/是/否, not {case.target!r}")
        said = extract_yes_no(text)
        details = {"answer_type": "yes_no", "extracted": _yes_no_word(said), "expected": _yes_no_word(expected)}
        return _verdict(said is None, said == expected, details)

    def _score_choice(self, case: Case, text: str, metadata: Mapping[str, Any]) -> Score:
        option_texts = metadata.get("option_texts")
        if option_texts is not None and not isinstance(option_texts, Mapping):
            raise DataError(f"case {case.id}: metadata option_texts must map letters to texts")
        options = _options(case, metadata.get("options"), option_texts)
        target = str(case.target).strip() if case.target is not None else ""
        if target.casefold() not in {o.casefold() for o in options}:
            raise DataError(f"case {case.id}: choice target {case.target!r} is not one of the options {list(options)}")
        extracted = extract_choice(text or "", options, option_texts)
        details = {"answer_type": "choice", "extracted": extracted, "expected": target}
        right = extracted is not None and extracted.casefold() == target.casefold()
        return _verdict(extracted is None, right, details)

    def __repr__(self) -> str:
        return "ChoiceEvaluator()"


def _verdict(unanswered: bool, right: bool, details: dict[str, Any]) -> Score:
    if unanswered:
        return Score(0.0, UNANSWERED, details, f"no single answer found; expected {details['expected']!r}")
    if right:
        return Score(1.0, CORRECT, details, f"answered {details['extracted']!r} as expected")
    return Score(0.0, WRONG, details, f"answered {details['extracted']!r}, expected {details['expected']!r}")


def _options(case: Case, options: Any, option_texts: Any) -> tuple[str, ...]:
    if options is None:
        if isinstance(option_texts, Mapping) and option_texts:
            return tuple(str(k).strip() for k in option_texts)
        return _DEFAULT_OPTIONS
    if isinstance(options, str):
        letters = tuple(ch for ch in options if ch.isalnum())
    elif isinstance(options, Sequence):
        letters = tuple(str(o).strip() for o in options if str(o).strip())
    else:
        letters = ()
    if not letters:
        raise DataError(f"case {case.id}: metadata options must be a list of option letters, not {options!r}")
    return letters


def _yes_no_target(target: Any) -> bool | None:
    if isinstance(target, bool):
        return target
    if not isinstance(target, str):
        return None
    word = normalise(target).strip(" .!")
    if word in _YES_TARGETS:
        return True
    if word in _NO_TARGETS:
        return False
    return None


def _yes_no_word(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")
