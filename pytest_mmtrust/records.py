"""What one test item leaves behind for the controller: a :class:`ScoreRecord`.

Items run on xdist workers, but only the controller computes metrics and decides gates. The
bridge is the test report's ``user_properties``: pytest serialises them across processes and
writes them into JUnit XML. Each item records one JSON property (``mmtrust_record``) with all
the controller needs, plus a few flat properties people can read in a CI dashboard.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Mapping

RECORD_PROPERTY = "mmtrust_record"


@dataclass(frozen=True)
class ScoreRecord:
    """One scored case, as the controller receives it — and what a metric function is given.

    ``task`` is the task id; ``case`` the case's key (``0007`` or ``0007/unrelated``),
    ``case_id`` its id and ``condition`` its image condition (None without conditions);
    ``target`` and ``metadata`` are the case's. ``value``, ``outcome`` and ``details`` are the
    evaluator's :class:`~pytest_mmtrust.values.Score` (``value`` None: the answer could not be
    scored); ``evaluator`` is the name of the evaluator that scored it. ``error``, when set, says
    why the record carries no score; metrics leave such records out. ``prompt``, ``images`` and ``response`` (the
    answer's text) are kept for the reports; ``usage`` is the answer's token counts and cost
    when the model reported them, ``cached`` whether it came from the response store.
    """

    task: str
    case: str  # the case key: "0007" or "0007/unrelated"
    case_id: str
    condition: str | None
    value: float | None
    outcome: str
    target: Any = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    cached: bool = False
    error: str | None = None
    usage: Mapping[str, float] | None = None
    evaluator: str = ""
    prompt: str = ""
    images: tuple[str, ...] = ()
    response: str | None = None
    #: The run that asked for the answer (this run's id for a fresh answer), when known.
    answer_run: str | None = None
    #: When a reused answer was stored (Unix time); None for an answer asked in this run.
    stored_at: float | None = None
    #: The server's fingerprint of the model that answered (``system_fingerprint``), if it sent one.
    fingerprint: str | None = None

    def to_json(self) -> str:
        """The record as one JSON object (what ``from_json`` reads back).

        Fields are taken as they are and the JSON encoder walks them once; nested mappings and
        dataclasses are converted when met, anything else unknown is written as its ``str``.
        (``dataclasses.asdict`` deep-copies every nested value first: a third of a cached
        rerun's per-item cost.)
        """
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["images"] = list(self.images)
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=jsonable)

    @classmethod
    def from_json(cls, text: str) -> "ScoreRecord":
        """The record :meth:`to_json` wrote."""
        data = json.loads(text)
        data["images"] = tuple(data.get("images") or ())
        return cls(**data)

    def user_properties(self) -> list[tuple[str, object]]:
        """The properties to put on the report: the full record and readable highlights."""
        return [
            ("mmtrust_task", self.task),
            ("mmtrust_case", self.case),
            ("mmtrust_outcome", self.outcome),
            ("mmtrust_score", "" if self.value is None else self.value),
            (RECORD_PROPERTY, self.to_json()),
        ]


_FIELD_NAMES = tuple(f.name for f in fields(ScoreRecord))


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: mappings (any kind) become dicts with text keys, lists and tuples
    lists, dataclasses their fields; any other value that is not JSON already is written as its ``str``.

    It is the record's JSON ``default`` (called only for what ``json`` cannot write by itself) and
    how a case's target is made safe to travel in a record before it is put in one.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    return str(value)


def records_from_properties(properties: list[tuple[str, object]]) -> list[ScoreRecord]:
    return [ScoreRecord.from_json(str(value)) for name, value in properties if name == RECORD_PROPERTY]
