"""Answers found invalid after they arrived are never kept as valid: the next run asks again.

The runner stores every answer a call returns, because only the reader knows whether it is
usable: a judge must reply with a JSON verdict (:mod:`pytest_mmtrust.evaluators.judge`,
:mod:`pytest_mmtrust.mllmguard.judge`), and a suite's evaluator may demand a format the request
made a condition (:class:`~pytest_mmtrust.errors.InvalidAnswerError`). An unusable answer left in
the store would be read back by every later run — after the judge is fixed, the same items
would fail again until the store was deleted. So:

* an invalid answer is removed from the store (:meth:`~pytest_mmtrust.store.ResponseStore.discard`); valid answers,
  the model's included, are never touched;
* an invalid answer that came *from the store* (written by an older version, or by a judge
  that has been fixed since) is asked again at once, in this run;
* one that was just asked fails its item with the reader's reason and says it is not kept.

:func:`fetch_valid` does this for a batch through a runner (the judges); the session does the
same for the model under test when an evaluator raises ``InvalidAnswerError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping

from .values import Request, Response

if TYPE_CHECKING:
    from .runner import ResponseRunner

__all__ = ["fetch_valid", "not_kept"]


def not_kept(problem: BaseException | str, who: str = "") -> str:
    """The item error for an invalid answer: the reader's reason and what happens next."""
    again = f"the next run asks {who} again" if who else "the next run asks again"
    return f"{problem}; the answer is not kept: {again}"


def fetch_valid(
    runner: "ResponseRunner",
    requests: Mapping[str, Request],
    check: Callable[[Response], object],
    *,
    invalid: tuple[type[BaseException], ...],
    label: str = "",
) -> tuple[dict[str, Response], dict[str, BaseException]]:
    """Like ``runner.fetch``, but an answer ``check`` rejects is never kept as valid.

    ``check(response)`` is called for every successful answer and raises one of ``invalid``
    when the answer cannot be used. Such an answer is removed from the runner's store; if it
    came from the store it is asked again once, here. Returns the answers and, for the keys
    whose answer is still invalid, ``check``'s exception: the caller raises its own error with
    :func:`not_kept`'s note.
    """
    answers = runner.fetch(requests, label=label)
    problems = _problems(answers, check, invalid)
    if not problems:
        return answers, problems
    runner.store.discard(problems)
    stale = [key for key in problems if answers[key].cached]
    if stale:
        again = runner.fetch({key: requests[key] for key in stale}, label=label)
        answers.update(again)
        for key in stale:
            problems.pop(key)
        fresh = _problems(again, check, invalid)
        if fresh:
            runner.store.discard(fresh)
            problems.update(fresh)
    return answers, problems


def _problems(
    answers: Mapping[str, Response], check: Callable[[Response], object], invalid: tuple[type[BaseException], ...]
) -> dict[str, BaseException]:
    found: dict[str, BaseException] = {}
    for key, answer in answers.items():
        if not answer.ok:
            continue
        try:
            check(answer)
        except invalid as exc:
            found[key] = exc
    return found
