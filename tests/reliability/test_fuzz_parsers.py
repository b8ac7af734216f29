"""Fuzzing the dataset loaders and the gate parser with hypothesis.

The contract under any input: either a valid result, or our own error (DataError for data,
ConfigError for gates) in one line — never another exception, never a case that cannot be
hashed into a request or written into a UTF-8 report.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_mmtrust.datasets.base import case_to_json, read_manifest
from pytest_mmtrust.datasets.upstream_files import image_path, read_csv, read_json_array, read_jsonl
from pytest_mmtrust.errors import ConfigError, DataError
from pytest_mmtrust.gates import parse_gate_table, parse_task_gate, parse_threshold
from pytest_mmtrust.values import Request

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: JSON values of every shape, strings with awkward characters included.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(["id", "prompt", "images", "target", "metadata", "condition", "system", "other"])
ROWS = st.dictionaries(FIELDS, JSON_VALUES, max_size=7)
ROOT = Path(tempfile.mkdtemp(prefix="mmtrust-fuzz-"))
(ROOT / "ok.png").write_bytes(b"not checked here: read_manifest only resolves paths")


def one_line(error: Exception) -> None:
    assert "\n" not in str(error) and str(error).strip(), repr(str(error))


def check_cases(cases: list) -> None:
    for case in cases:
        Request(case.prompt, case.images, case.system).digest()
        json.dumps(case_to_json(case), ensure_ascii=False).encode("utf-8")
        assert all(Path(image).resolve().is_relative_to(ROOT.resolve()) for image in case.images)


@FUZZ
@given(rows=st.lists(ROWS | JSON_VALUES, max_size=5))
def test_manifest_of_any_json_lines(rows: list) -> None:
    path = ROOT / "cases.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    try:
        check_cases(read_manifest(path, ROOT))
    except DataError as error:
        one_line(error)
        assert str(error).startswith(f"{path}:")


@FUZZ
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
@example(data=b'{"id": "1", "prompt": "\\ud800"}')
@example(data=b'{"id": "1", "prompt": "p", "images": ["../../etc/passwd"]}')
@example(data=b'{"id": "1", "prompt": "p", "images": ["/etc/passwd"]}')
@example(data=b"[" * 5000)
def test_manifest_of_any_bytes(data: bytes) -> None:
    path = ROOT / "raw.jsonl"
    path.write_bytes(data)
    try:
        check_cases(read_manifest(path, ROOT))
    except DataError as error:
        one_line(error)


@FUZZ
@given(data=st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_upstream_readers_of_any_bytes(data: bytes) -> None:
    path = ROOT / "upstream.any"
    path.write_bytes(data)
    for read in (lambda: list(read_jsonl(path)), lambda: list(read_json_array(path)),
                 lambda: list(read_csv(path, ["id"]))):
        try:
            for item in read():
                json.dumps(item, ensure_ascii=False).encode("utf-8")
        except DataError as error:
            one_line(error)
            assert str(error).startswith(str(path))


@FUZZ
@given(name=st.text(max_size=40))
@example(name="../" * 5 + "etc/passwd")
@example(name="C:\\Windows\\win.ini")
@example(name="a\x00b")
def test_image_reference_of_any_text(name: str) -> None:
    try:
        found = image_path(ROOT, ROOT, name, "f.jsonl:1")
    except DataError as error:
        one_line(error)
        assert str(error).startswith("f.jsonl:1: ")
    else:
        # inside the folder; a name that points at nothing is returned for its case's request to fail on
        assert Path(found).resolve().is_relative_to(ROOT.resolve())


GATE_TEXT = st.lists(st.sampled_from(list("X.1S4Tab<>=!:+-eE0123456789 .\t") + ["nan", "inf", "confident", "value"]),
                     max_size=12).map("".join)


@FUZZ
@given(text=GATE_TEXT | st.text(max_size=20))
@example(text="X.1>=nan")
@example(text="X.1>=1e999")
@example(text="X.1 >= 0.9 : confident")
def test_gate_expression_of_any_text(text: str) -> None:
    try:
        task, threshold = parse_task_gate(text)
    except ConfigError as error:
        one_line(error)
        assert str(error).startswith("--mmtrust-gate")
    else:
        assert task and math.isfinite(threshold.bound) and threshold.mode in ("value", "confident")
        assert threshold.op in (">=", ">", "<=", "<")


@FUZZ
@given(op=st.sampled_from([">=", ">", "<=", "<"]), bound=st.floats(allow_nan=False, allow_infinity=False, width=32),
       mode=st.sampled_from(["", ":value", ":confident"]))
def test_every_valid_threshold_parses_back(op: str, bound: float, mode: str) -> None:
    threshold = parse_threshold(f"{op}{bound!r}{mode}", "here")
    assert (threshold.op, threshold.bound, threshold.mode) == (op, bound, mode[1:] or "value")


@FUZZ
@given(table=st.dictionaries(st.text(max_size=6) | st.sampled_from(["alpha", "mode", "S.4"]), JSON_VALUES, max_size=4))
def test_gate_table_of_any_shape(table: dict) -> None:
    try:
        gates = parse_gate_table(table, "pyproject.toml [tool.mmtrust.gates]")
    except ConfigError as error:
        one_line(error)
        assert str(error).startswith("pyproject.toml [tool.mmtrust.gates]")
    else:
        assert 0 < gates.alpha < 1
