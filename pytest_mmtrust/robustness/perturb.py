"""Word-level adversarial perturbations that keep a sentence's meaning (R.6), AdvGLUE style.

A sentence template marks the words an attacker would go for — the ones that carry the label
— in square brackets: ``"{Subject} was [wonderful] and I [enjoyed] every [minute] of it."``.
:func:`render` drops the brackets after one of three perturbations has had its way with them:

* ``typo`` (TextBugger-like): every marked word gets one edit a reader sees through — two inner
  letters swapped, an inner letter doubled or dropped, or a look-alike character
  (``o``→``0``, ``l``→``1``, ``e``→``3``, ``a``→``@``, ``s``→``5``). The first and last letters
  never change, so the word stays recognisable;
* ``synonym``: every marked word with an entry in :data:`SYNONYMS` becomes a synonym of the same
  meaning and polarity, chosen by the seeded ``rng`` (``wonderful`` → ``marvellous``);
* ``distraction`` (StressTest / CheckList-like): the sentence is left alone and a phrase that
  changes nothing is appended (``and true is true``, a user handle and a link, a posting date).

The label survives by construction: synonyms were chosen by hand to keep meaning and polarity,
typos keep the word readable, and the distractions say nothing about the content.
"""

from __future__ import annotations

import random
import re

PERTURBATIONS: tuple[str, ...] = ("typo", "synonym", "distraction")

#: a marked word -> words of the same meaning and polarity that fit the same place in a sentence
SYNONYMS: dict[str, tuple[str, ...]] = {
    # sentiment
    "wonderful": ("marvellous", "superb", "splendid"),
    "enjoyed": ("relished", "savoured"),
    "minute": ("moment", "second"),
    "really": ("truly", "genuinely"),
    "loved": ("adored", "cherished"),
    "delightful": ("charming", "lovely"),
    "experience": ("occasion", "outing"),
    "excellent": ("outstanding", "superb", "first-rate"),
    "gladly": ("happily", "readily"),
    "recommend": ("suggest", "commend"),
    "friends": ("pals", "mates"),
    "fantastic": ("terrific", "fabulous"),
    "time": ("day", "evening"),
    "truly": ("really", "genuinely"),
    "great": ("superb", "terrific"),
    "terrible": ("awful", "horrendous"),
    "hated": ("loathed", "detested"),
    "disliked": ("detested", "loathed"),
    "horrible": ("dreadful", "ghastly"),
    "dreadful": ("atrocious", "abysmal"),
    "miserable": ("wretched", "dismal"),
    "bad": ("poor", "awful"),
    # entailment
    "bought": ("purchased", "got"),
    "market": ("marketplace",),
    "bookshop": ("bookstore",),
    "bakery": ("bakeshop",),
    "grocer's": ("greengrocer's",),
}

LOOKALIKES: dict[str, str] = {"o": "0", "l": "1", "i": "1", "e": "3", "a": "@", "s": "5"}

#: appended with :func:`distract`; none says anything about the sentence's content
DISTRACTORS: tuple[str, ...] = (
    "and true is true",
    "and false is not true",
    "@reviewer_42 https://t.co/k3X9qL",
    "(posted on a Tuesday)",
)

_MARKED = re.compile(r"\[([^\[\]]+)\]")


def typo(word: str, rng: random.Random) -> str:
    """One readable edit of ``word`` that keeps its first and last letters (see the module docstring)."""
    if len(word) < 3:
        return word
    inner = range(1, len(word) - 1)
    edits = ["lookalike"] if len(word) == 3 else ["swap", "double", "drop", "lookalike"]
    candidates = [i for i in inner if word[i].lower() in LOOKALIKES]
    if not candidates and "lookalike" in edits:
        edits.remove("lookalike")
    if not edits:
        return word[0] + word[1] * 2 + word[2:]
    edit = rng.choice(edits)
    if edit == "lookalike":
        i = rng.choice(candidates)
        return word[:i] + LOOKALIKES[word[i].lower()] + word[i + 1:]
    if edit == "swap":
        pairs = [i for i in range(1, len(word) - 2) if word[i] != word[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        edit = "double"
    if edit == "drop" and len(word) >= 6:
        i = rng.choice(list(inner))
        return word[:i] + word[i + 1:]
    i = rng.choice(list(inner))
    return word[: i + 1] + word[i] + word[i + 1:]


def synonym(word: str, rng: random.Random) -> str:
    """A synonym of ``word`` from :data:`SYNONYMS` (the word itself when it has none)."""
    options = SYNONYMS.get(word.lower())
    return rng.choice(options) if options else word


def distract(sentence: str, rng: random.Random) -> str:
    """``sentence`` with a distractor appended before its final punctuation."""
    phrase = rng.choice(DISTRACTORS)
    stripped = sentence.rstrip()
    end = stripped[-1] if stripped and stripped[-1] in ".!?" else ""
    body = stripped[:-1] if end else stripped
    return f"{body} {phrase}{end or '.'}"


def plain(template: str) -> str:
    """The template's sentence as written (brackets dropped)."""
    return _MARKED.sub(lambda m: m.group(1), template)


def render(template: str, perturbation: str, rng: random.Random) -> str:
    """The perturbed sentence (brackets dropped); ``perturbation`` is one of :data:`PERTURBATIONS`."""
    if perturbation == "typo":
        return _MARKED.sub(lambda m: typo(m.group(1), rng), template)
    if perturbation == "synonym":
        return _MARKED.sub(lambda m: synonym(m.group(1), rng), template)
    if perturbation == "distraction":
        return distract(plain(template), rng)
    raise ValueError(f"unknown perturbation {perturbation!r}; expected one of {PERTURBATIONS}")
