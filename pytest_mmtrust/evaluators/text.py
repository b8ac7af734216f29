"""Text normalisation shared by every rule-based evaluator.

Models answer in many typographic dialects: curly or straight apostrophes, full-width
punctuation and digits (common in Chinese answers), zero-width joiners, odd spacing, upper or
lower case. Upstream keyword lists broke on exactly these (a capitalised entry compared with a
lower-cased answer, ``’`` versus ``'``). So every evaluator matches on :func:`normalise`'s output
and every phrase list is written in that same form.

What :func:`normalise` does, in order (and repeats until nothing changes, so it is idempotent):

1. maps curly/typographic quotes and apostrophes to ``'`` and ``"``, dashes to ``-``, and the
   CJK punctuation that NFKC leaves alone (``。`` ``、`` ``「」`` ``【】`` …) to ASCII;
2. applies Unicode NFKC (full-width letters, digits and punctuation become ASCII, ligatures split);
3. case-folds (unless ``keep_case``), then repeats step 1 for characters that 2 and 3 produce;
4. drops zero-width and other invisible format characters, turns control characters into spaces;
5. collapses every run of whitespace (newlines included) into one space and strips the ends.

Offsets into the original text are not preserved: evaluators report what they matched in
normalised form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02bb\u02b9\u02c8\u00b4\u0060\uff07\u2039\u203a"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"

_PUNCTUATION_TABLE: dict[int, str] = {
    **{ord(ch): "'" for ch in _APOSTROPHES},
    **{ord(ch): '"' for ch in _DOUBLE_QUOTES},
    **{ord(ch): "-" for ch in _DASHES},
    ord("\u3002"): ".",  # ideographic full stop
    ord("\uff61"): ".",  # half-width ideographic full stop
    ord("\u3001"): ",",  # ideographic comma
    ord("\uff64"): ",",  # half-width ideographic comma
    ord("\u3010"): "[",
    ord("\u3011"): "]",
    ord("\u3014"): "(",
    ord("\u3015"): ")",
    ord("\u3000"): " ",  # ideographic space (NFKC does this too; kept for keep_case paths)
}

# Invisible format characters that are used (on purpose or by accident) to split words:
# soft hyphen, zero-width space/joiners, direction marks, word joiner, invisible operators,
# BOM, interlinear annotation marks and the Unicode "tag" block.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_MAX_ROUNDS = 4


def _one_round(text: str, keep_case: bool) -> str:
    text = text.translate(_PUNCTUATION_TABLE)
    text = unicodedata.normalize("NFKC", text)
    if not keep_case:
        text = text.casefold()
    text = text.translate(_PUNCTUATION_TABLE)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def normalise(text: str, *, keep_case: bool = False) -> str:
    """The canonical form evaluators match on: quotes, dashes and full-width characters unified,
    case folded, invisible characters dropped, whitespace collapsed (the steps are in
    :mod:`pytest_mmtrust.evaluators.text`).

    Results are cached: an evaluator normalises the same answer, option and keyword texts
    again and again (a choice extractor tries every option against the answer).

    ``keep_case=True`` skips case-folding, for the one evaluator that needs to tell ``A`` (a
    choice letter) from ``a`` (an article). ``normalise(normalise(t)) == normalise(t)`` for every
    string: a few characters only settle after a second round (NFKC and case-folding can each
    produce input for the other), so rounds repeat until the text stops changing.
    """
    if not text:
        return ""
    return _normalised(text, keep_case)


@lru_cache(maxsize=16384)
def _normalised(text: str, keep_case: bool) -> str:
    current = _one_round(text, keep_case)
    for _ in range(_MAX_ROUNDS):
        following = _one_round(current, keep_case)
        if following == current:
            break
        current = following
    return current


def is_blank(text: str | None) -> bool:
    """True when nothing visible is left after normalisation (empty, spaces, zero-width, controls)."""
    return not text or not normalise(text, keep_case=True)


def contains_cjk(text: str) -> bool:
    """True when ``text`` has a CJK ideograph (the cue for matching without word boundaries)."""
    return any(_is_cjk(ch) for ch in text)


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2FA1F
        or 0xF900 <= code <= 0xFAFF
        or 0x3040 <= code <= 0x30FF  # kana: Japanese runs have no spaces either
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
    )
