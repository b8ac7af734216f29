"""Can ``-m`` / ``-k`` select any item of a task? Decided before the task's data is read.

``pytest --pyargs pytest_mmtrust.suites -m mmtrust_s4`` should cost what running S.4 alone
costs. pytest selects items only after collection, and collecting a task means reading its
dataset — generating it, on a fresh cache — so without this check a one-task run generated all
45 datasets and then threw 44 of them away. The plugin asks :func:`could_select` first, with
what it knows of the task's items before reading any data:

* ``-m``: every item of a task carries the same markers (the function's, its class's and
  module's, and the plugin's ``mmtrust``/aspect/task/tag markers), so the answer is exact;
* ``-k``: an item's keywords are its node names, its markers and its function's attributes —
  all known — plus its case id in ``test_x[S.4/<case>]``, which is not. A keyword that is a
  substring of a known name matches; one that is not *might* match an unknown case id. The
  task is left out only if the expression is false whatever those unknown keywords turn out to
  be (every assignment is tried: expressions are short). So ``-k S.4`` skips nothing it should
  not, and ``-k 0001`` (a case id) still reads every task's data.

When in doubt the answer is "yes, read the data": a wrong "no" would silently drop a task.
The plugin then collects one placeholder item for a task left out, which pytest deselects.
"""

from __future__ import annotations

from typing import Callable, Iterable

#: Unknown keywords tried at most (2**N assignments); beyond that, assume the task is selected.
MAX_UNKNOWN = 12


def could_select(
    mark_expression: str,
    keyword_expression: str,
    markers: Iterable[object],
    known_names: Iterable[str],
) -> bool:
    """Whether some item of a task with ``markers`` (pytest ``Mark`` objects) and ``known_names``
    (node names, marker names, function attributes) can pass ``-m`` and ``-k``. An expression
    pytest cannot parse counts as "could select": pytest reports it itself."""
    try:
        from _pytest.mark import MarkMatcher
        from _pytest.mark.expression import Expression
    except ImportError:  # a pytest without these internals: read every task's data
        return True
    marks = list(markers)
    if mark_expression.strip():
        try:
            if not Expression.compile(mark_expression).evaluate(MarkMatcher.from_markers(marks)):  # type: ignore[arg-type]
                return False
        except Exception:
            return True
    if not keyword_expression.strip():
        return True
    names = [name.lower() for name in known_names]
    names += [getattr(mark, "name", "").lower() for mark in marks]
    try:
        expression = Expression.compile(keyword_expression)
    except Exception:
        return True
    return _satisfiable(expression.evaluate, lambda word: True if any(word.lower() in n for n in names) else None)


def _satisfiable(evaluate: Callable[[Callable[..., bool]], bool], known: Callable[[str], bool | None]) -> bool:
    """True when some truth assignment of the unknown words makes the expression true.

    Depth-first over the words the evaluation actually asks about: start with every unknown word
    false; whenever an evaluation asked about an unknown word that is still unassigned, also try
    it true. Every satisfying assignment is reached this way.
    """
    def search(assignment: dict[str, bool]) -> bool:
        asked: list[str] = []

        def matcher(word: str, /, **kwargs: object) -> bool:
            value = known(word)
            if value is not None:
                return value
            if word not in assignment and word not in asked:
                asked.append(word)
            return assignment.get(word, False)

        if evaluate(matcher):
            return True
        for word in asked:
            if word not in assignment:
                if len(assignment) >= MAX_UNKNOWN:
                    return True
                if search({**assignment, word: True}):
                    return True
                assignment = {**assignment, word: False}
        return False

    return search({})
