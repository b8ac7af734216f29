"""Bad inputs: every one gets a clear one-line error naming the file, line or option.

Four families, each a table (the README counts their rows, and those of
``test_hostile_images.py``): dataset lines and image references (``read_manifest``, which custom suites and ``--mmtrust-data`` use),
the careful readers of upstream files, options and settings (model strings, servers, gates,
baselines), and what a model sends back (empty, None, huge, invalid UTF-8 …). The last tests run
the plugin to show that a bad input costs nothing already computed.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path
from typing import Any, Callable

import pytest
from PIL import Image
from reliability_helpers import api_args, case_number, read_report, suite_source

from pytest_mmtrust.config import Settings
from pytest_mmtrust.datasets.base import read_manifest
from pytest_mmtrust.datasets.upstream_files import (
    image_path,
    read_csv,
    read_json,
    read_json_array,
    read_jsonl,
    text_field,
)
from pytest_mmtrust.errors import DataError, MMTrustError
from pytest_mmtrust.evaluators import RefusalEvaluator
from pytest_mmtrust.gates import read_baseline
from pytest_mmtrust.models import build_model, check_api_provider, parse_model_spec
from pytest_mmtrust.models.api import APIModel, check_reachable
from pytest_mmtrust.models.python import PythonModel
from pytest_mmtrust.records import ScoreRecord
from pytest_mmtrust.runner import MAX_ANSWER_CHARS, ResponseRunner, RetryPolicy
from pytest_mmtrust.store import ResponseStore
from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer
from pytest_mmtrust.values import Case, Request, Response


def assert_one_line(message: str, *names: str) -> None:
    assert "\n" not in message and "\r" not in message, message
    for name in names:
        assert name in message, (name, message)


# ---------------------------------------------------------------------------------------------
# dataset lines (read_manifest)

GOOD = '{"id": "1", "prompt": "p", "images": ["ok.png"]}'


def line(**fields: Any) -> str:
    return json.dumps({"id": "1", "prompt": "p", **fields})


#: (id, file content, words after "cases.jsonl:LINE: ")
MANIFEST_LINES: list[tuple[str, bytes, str]] = [
    ("malformed JSON", b'{"id": "1", "prompt": \n', ":1: malformed case (Expecting value"),
    ("truncated last line", (GOOD + '\n{"id": "2", "pro').encode(), ":2: malformed case"),
    ("an array, not an object", b"[1, 2]\n", ":1: expected a JSON object, got array"),
    ("a string, not an object", b'"just text"\n', ":1: expected a JSON object, got string"),
    ("a number, not an object", b"42\n", ":1: expected a JSON object, got number"),
    ("missing id", b'{"prompt": "p"}\n', ":1: malformed case (missing field 'id')"),
    ("null id", b'{"id": null, "prompt": "p"}\n', ":1: malformed case (missing field 'id')"),
    ("boolean id", line(id=True).encode(), ":1: malformed case (field 'id' must be a non-empty string or integer, got boolean)"),
    ("object id", line(id={"a": 1}).encode(), "field 'id' must be a non-empty string or integer, got object"),
    ("blank id", line(id="  ").encode(), "field 'id' must be a non-empty string or integer"),
    ("missing prompt", b'{"id": "1"}\n', ":1: malformed case (missing field 'prompt')"),
    ("number prompt", line(prompt=3).encode(), "field 'prompt' must be a string, got number"),
    ("null prompt", line(prompt=None).encode(), "field 'prompt' must be a string, got null"),
    ("images as a string", line(images="ok.png").encode(), "field 'images' must be a list of relative paths, got string"),
    ("images holding a number", line(images=[1]).encode(), "field 'images' must be a list of relative paths"),
    ("metadata as a list", line(metadata=[1]).encode(), "field 'metadata' must be an object, got array"),
    ("condition as a number", line(condition=1).encode(), "field 'condition' must be a string or null, got number"),
    ("system as a list", line(system=["x"]).encode(), "field 'system' must be a string or null, got array"),
    ("Latin-1 byte", b'{"id": "1", "prompt": "caf\xe9"}\n', ":1: not UTF-8 text (byte 0xe9 at column 27)"),
    ("bad byte on line 3", (GOOD + "\n" + GOOD.replace('"1"', '"2"') + '\n{"id": "3", "prompt": "\xff"}').encode("latin-1"),
     ":3: not UTF-8 text (byte 0xff"),
    ("UTF-16 file", GOOD.encode("utf-16"), ":1: not UTF-8 text (byte 0xff at column 1)"),
    ("lone surrogate escape", b'{"id": "1", "prompt": "bad \\ud800 text"}\n', ":1: text holds a lone surrogate \\ud800"),
    ("JSON nested 100000 deep", ('{"id": "1", "prompt": "p", "target": ' + "[" * 100000 + "]" * 100000 + "}").encode(),
     ":1: malformed case (nested too deeply)"),
    ("duplicate case id", (GOOD + "\n" + GOOD).encode(), ":2: duplicate case id '1' (first on line 1)"),
    ("duplicate id and condition", "\n".join(line(condition=c) for c in ("none", "other", "none")).encode(),
     ":3: duplicate case id '1/none' (first on line 1)"),
    ("image path climbing out with ..", line(images=["../secret.png"]).encode(), "image path '../secret.png' leaves the data folder"),
    ("image path with Windows ..", line(images=["..\\..\\secret.png"]).encode(), "leaves the data folder"),
    ("absolute image path", line(images=["/etc/hostname"]).encode(), "image path '/etc/hostname' is absolute"),
    ("Windows absolute image path", line(images=["C:\\secret.png"]).encode(), "is absolute"),
    ("image symlink out of the folder", line(images=["link.png"]).encode(), "image path 'link.png' leads outside the data folder"),
    ("image symlink loop", line(images=["loop.png"]).encode(), "image path 'loop.png' cannot be used (a symlink loop)"),
    ("empty image path", line(images=[""]).encode(), "image not found: the image path is empty"),
    ("image path with a NUL", line(images=["a\u0000.png"]).encode(), "contains a NUL character"),
]


def data_folder(tmp_path: Path) -> Path:
    """A data folder with one good image, a sub-folder and a symlink to a file outside."""
    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(root / "ok.png")
    outside = tmp_path / "secret.png"
    Image.new("RGB", (4, 4), "blue").save(outside)
    os.symlink(outside, root / "link.png")
    os.symlink(root / "loop.png", root / "loop.png")
    return root


@pytest.mark.parametrize("content, words", [(c, w) for _, c, w in MANIFEST_LINES], ids=[i for i, _, _ in MANIFEST_LINES])
def test_a_bad_dataset_line_is_named_by_file_and_line(tmp_path: Path, content: bytes, words: str) -> None:
    root = data_folder(tmp_path)
    path = root / "cases.jsonl"
    path.write_bytes(content)
    with pytest.raises(DataError) as info:
        read_manifest(path, root)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    assert_one_line(message, words)


def test_a_missing_image_is_read_and_fails_only_its_own_request(tmp_path: Path) -> None:
    """A manifest naming a missing image (or a folder) loads; that case's request names the path."""
    root = data_folder(tmp_path)
    path = root / "cases.jsonl"
    path.write_bytes((line(images=["nope.png"]) + "\n" + line(id="2", images=["sub"]) + "\n"
                      + line(id="3", images=["ok.png"])).encode())
    missing, folder, fine = read_manifest(path, root)
    assert missing.images == (str((root / "nope.png").resolve()),)
    with pytest.raises(DataError) as info:
        Request(missing.prompt, missing.images).digest()
    assert_one_line(str(info.value), f"image not found: {missing.images[0]}")
    with pytest.raises(DataError, match="is a folder, not an image file"):
        Request(folder.prompt, folder.images).digest()
    assert Request(fine.prompt, fine.images).digest()


def test_what_a_careful_reader_accepts(tmp_path: Path) -> None:
    """A byte-order mark, CRLF ends, U+2028 inside a prompt, integer ids and a symlink that stays inside."""
    root = data_folder(tmp_path)
    os.symlink(root / "ok.png", root / "alias.png")
    rows = [
        {"id": 7, "prompt": "line\u2028separator \x85 inside", "images": ["ok.png", "./alias.png"]},
        {"id": "8", "prompt": "", "condition": "none", "metadata": None, "images": None},
    ]
    text = "\r\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    path = root / "cases.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n\r\n")
    first, second = read_manifest(path, root)
    assert first.id == "7" and first.prompt == rows[0]["prompt"]
    assert first.images == (str((root / "ok.png").resolve()), str((root / "ok.png").resolve()))
    assert (second.key, second.images, dict(second.metadata)) == ("8/none", (), {})
    assert Request(first.prompt, first.images).digest()  # hashable: every byte of it is UTF-8


# ---------------------------------------------------------------------------------------------
# the careful readers of upstream files


def upstream_case(tmp_path: Path, name: str, data: bytes, read: Callable[[Path], Any]) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataError) as info:
        read(path)
    message = str(info.value)
    assert message.startswith(str(path))
    return message


def consume(reader: Callable[..., Any], *args: Any) -> Callable[[Path], Any]:
    return lambda path: list(reader(path, *args))


#: (id, file name, content, reader, words)
UPSTREAM_FILES: list[tuple[str, str, bytes, Callable[[Path], Any], str]] = [
    ("CSV row with a missing field", "a.csv", b"id,x\n1,2\n3\n", consume(read_csv, ["id"]), ":3: expected 2 fields, found 1"),
    ("CSV without a required column", "b.csv", b"id,x\n1,2\n", consume(read_csv, ["id", "prompt"]), ":1: missing column(s) prompt"),
    ("CSV row with an extra field", "c.csv", b"id,x\n1,2\n3,4,5\n", consume(read_csv, ["id"]), ":3: expected 2 fields, found 3"),
    ("CSV field over the size limit", "d.csv", b'id,x\n1,"' + b"x" * 200_000 + b'"\n', consume(read_csv, ["id"]),
     ":2: malformed CSV (field larger than field limit"),
    ("empty CSV", "e.csv", b"", consume(read_csv, ["id"]), ": empty file, expected a header line"),
    ("CSV with a bad byte on line 3", "f.csv", b"id,x\n1,2\n3,\xfe\n", consume(read_csv, ["id"]),
     ": cannot read (not UTF-8 text: byte 0xfe on line 3, column 3)"),
    ("JSON that is not an array", "g.json", b'{"a": 1}', consume(read_json_array), ": expected a JSON array of objects, got dict"),
    ("JSON array item that is not an object", "h.json", b'[{"a": 1}, 2]', consume(read_json_array), ": item 2: expected an object, got int"),
    ("JSON nested too deeply", "i.json", b"[" * 100000 + b"]" * 100000, read_json, ": malformed JSON (nested too deeply)"),
    ("JSON with a lone surrogate", "j.json", b'{"a": "\\udfff"}', read_json, ": text holds a lone surrogate \\udfff"),
    ("JSONL line that is not JSON", "k.jsonl", b'{"a": 1}\n{"a": \n', consume(read_jsonl), ":2: malformed JSON line"),
]


@pytest.mark.parametrize(
    "name, data, read, words", [(n, d, r, w) for _, n, d, r, w in UPSTREAM_FILES], ids=[i for i, *_ in UPSTREAM_FILES]
)
def test_a_bad_upstream_file_is_named_by_file_and_line(
    tmp_path: Path, name: str, data: bytes, read: Callable[[Path], Any], words: str
) -> None:
    assert_one_line(upstream_case(tmp_path, name, data, read), words)


def test_jsonl_keeps_line_separators_inside_values(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"q": "a\u2028b\x85c"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert [item for _, _, item in read_jsonl(path)] == [{"q": "a\u2028b\x85c"}]


#: (id, call, words) — single fields and references checked by every upstream loader.
FIELDS: list[tuple[str, Callable[[Path], Any], str]] = [
    ("text field holding a list", lambda root: text_field({"a": ["x"]}, "a", "f.csv:4"), "f.csv:4: field 'a' must be text, got list"),
    ("text field missing", lambda root: text_field({}, "prompt", "f.csv:5"), "f.csv:5: missing field 'prompt'"),
    ("image reference of 5000 characters", lambda root: image_path(root, root, "x" * 5000 + ".png", "f.csv:6"), "f.csv:6: image path"),
]


@pytest.mark.parametrize("call, words", [(c, w) for _, c, w in FIELDS], ids=[i for i, _, _ in FIELDS])
def test_a_bad_field_is_named_by_its_row(tmp_path: Path, call: Callable[[Path], Any], words: str) -> None:
    with pytest.raises(DataError) as info:
        call(tmp_path)
    assert_one_line(str(info.value), words)


# ---------------------------------------------------------------------------------------------
# options and settings


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when the block ends: nothing listens there


def settings(**cli: Any) -> Callable[[Path], Any]:
    return lambda root: Settings.resolve(root, cli, [], None)


def gates(*expressions: str) -> Callable[[Path], Any]:
    return lambda root: Settings.resolve(root, {}, list(expressions), None)


def pyproject(text: str) -> Callable[[Path], Any]:
    def call(root: Path) -> Any:
        (root / "pyproject.toml").write_text(text, encoding="utf-8")
        return Settings.resolve(root, {}, [], root / "pyproject.toml")
    return call


def model(spec: str) -> Callable[[Path], Any]:
    """Build the model a ``--mmtrust-model`` string names (``{root}`` is the test's folder)."""
    return lambda root: build_model(parse_model_spec(spec.format(root=root)), cache_dir=root)


def baseline(content: Any) -> Callable[[Path], Any]:
    def call(root: Path) -> Any:
        path = root / "base.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        return read_baseline(path)
    return call


GOOD_BASELINE = {"schema": 1, "kind": "pytest-mmtrust-baseline", "model": "m", "tasks": {}}

#: (id, call, words) — a ConfigError or ModelError the plugin prints as one usage-error line.
OPTIONS: list[tuple[str, Callable[[Path], Any], str]] = [
    ("unknown model string", lambda root: parse_model_spec("nonsense"), "--mmtrust-model 'nonsense': unknown model string"),
    ("hf: without a folder", lambda root: parse_model_spec("hf:"), "--mmtrust-model hf:: needs a folder"),
    ("py: without a callable", lambda root: parse_model_spec("py:nomodule"), "--mmtrust-model py:nomodule: expected py:module:callable"),
    ("py: module that does not exist", model("py:no_such_module_x:f"), "cannot import 'no_such_module_x'"),
    ("py: attribute that does not exist", model("py:os:no_such_thing"), "'os' has no 'no_such_thing'"),
    ("provider litellm does not know", lambda root: check_api_provider(parse_model_spec("nosuchprovider/x")),
     "litellm has no provider 'nosuchprovider'"),
    ("hf: folder that does not exist", model("hf:{root}/none"), "model folder"),
    ("hf: folder without config.json", model("hf:{root}"), "has no config.json"),
    ("server on a closed port", lambda root: check_reachable(f"http://127.0.0.1:{closed_port()}/v1", timeout=2),
     "cannot reach --mmtrust-api-base http://127.0.0.1:"),
    ("API base that is not http", lambda root: check_reachable("ftp://example.org/v1"),
     "--mmtrust-api-base ftp://example.org/v1: not an http(s) URL"),
    ("API base that is not a URL", lambda root: check_reachable("not a url"), "not an http(s) URL"),
    ("empty API base", lambda root: check_reachable(" , "), "--mmtrust-api-base is empty"),
    ("gate with => ", gates("X.1=>0.9"), "--mmtrust-gate: cannot parse 'X.1=>0.9'"),
    ("gate with a word for a bound", gates("X.1>=high"), "cannot parse gate '>=high'"),
    ("gate bound NaN", gates("X.1>=nan"), "cannot parse gate '>=nan'"),
    ("gate bound infinite", gates("X.1>=1e999"), "needs a finite number"),
    ("gate without a task", gates(">=0.9"), "--mmtrust-gate: cannot parse '>=0.9'"),
    ("gate with an unknown mode", gates("X.1>=0.9:sure"), "gate mode 'sure' is not one of value, confident"),
    ("pyproject gate as a number", pyproject('[tool.mmtrust.gates]\n"X.1" = 0.9\n'), "[tool.mmtrust.gates] 'X.1': write a gate like"),
    ("pyproject gate with an unknown key", pyproject('[tool.mmtrust.gates]\n"X.1" = {threshold = ">=0.9", mod = "value"}\n'), "unknown key(s)"),
    ("pyproject gate alpha out of range", pyproject("[tool.mmtrust.gates]\nalpha = 2\n"), "alpha: 2 must be a number between 0 and 1"),
    ("pyproject unknown key", pyproject('[tool.mmtrust]\nmodle = "tiny"\n'), "unknown key [tool.mmtrust] 'modle'"),
    ("pyproject that is not TOML", pyproject("[tool.mmtrust\n"), "pyproject.toml: cannot read"),
    ("concurrency 0", settings(concurrency="0"), "--mmtrust-concurrency: '0' must be at least 1"),
    ("concurrency not a number", settings(concurrency="lots"), "--mmtrust-concurrency: 'lots'"),
    ("time-out 0", settings(timeout="0"), "--mmtrust-timeout: '0' must be greater than 0"),
    ("negative rpm", settings(rpm="-5"), "--mmtrust-rpm: '-5' must be greater than 0"),
    ("epochs 0", settings(epochs="0"), "--mmtrust-epochs: '0' must be at least 1"),
    ("max drop above 1", settings(**{"max-drop": "2"}), "--mmtrust-max-drop: '2' must be between 0 and 1"),
    ("data folder that does not exist", settings(data="missing-folder"), "--mmtrust-data missing-folder: no such folder"),
    ("baseline of another schema", baseline({**GOOD_BASELINE, "schema": 99}), "baseline schema 99, this version reads schema 2 and older; a newer pytest-mmtrust wrote it"),
    ("a JSON report given as baseline", baseline({"schema": 1, "model": "m", "tasks": []}), "not a pytest-mmtrust baseline"),
    ("baseline that is not JSON", baseline("{oops"), "not a readable JSON baseline"),
    ("baseline that does not exist", lambda root: read_baseline(root / "nope.json"), "nope.json: file not found"),
    ("baseline task entry malformed", baseline({**GOOD_BASELINE, "tasks": {"X.1": {"value": "high"}}}), "task 'X.1' entry is malformed"),
    ("baseline tasks as a list", baseline({**GOOD_BASELINE, "tasks": [1]}), "--mmtrust-baseline"),
]


@pytest.mark.parametrize("call, words", [(c, w) for _, c, w in OPTIONS], ids=[i for i, _, _ in OPTIONS])
def test_a_bad_option_is_one_line_naming_it(tmp_path: Path, call: Callable[[Path], Any], words: str) -> None:
    with pytest.raises(MMTrustError) as info:
        call(tmp_path)
    assert_one_line(str(info.value), words)


def test_a_url_with_credentials_is_never_shown(tmp_path: Path) -> None:
    secret = "s3cr3t-in-the-url-0042"
    with pytest.raises(MMTrustError) as info:
        check_reachable(f"http://user:{secret}@127.0.0.1:{closed_port()}/v1?api-key={secret}", timeout=2)
    assert secret not in str(info.value) and "user:***@127.0.0.1" in str(info.value)
    model = APIModel("openai/x", api_base=f"http://user:{secret}@127.0.0.1:9/v1")
    assert secret not in model.identity() and secret not in repr(model)


# ---------------------------------------------------------------------------------------------
# what a model sends back


def completion(content: Any) -> dict[str, Any]:
    """A chat completion whose message content is ``content`` exactly (null, a list, a number …)."""
    return {"id": "x", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}


HUGE = "All fine. " * 200_000  # 2 MB

#: (id, the body the server sends, the text the pipeline must end with — or, for a body no client
#: can read, the words of the item's error)
API_ANSWERS: list[tuple[str, str | dict[str, Any], str]] = [
    ("empty text", completion(""), ""),
    ("null content", completion(None), ""),
    ("2 MB of text", completion(HUGE), HUGE[:MAX_ANSWER_CHARS]),  # stored up to the documented cap
    ("invalid UTF-8: lone surrogates", json.dumps(completion("bad \ud800 and \udfff end")), "bad \ufffd and \ufffd end"),
    ("NUL and control characters", completion("a\x00b\x1bc"), "a\x00b\x1bc"),
    ("a number for content", completion(42), "error: answered 200 with a body that is not a chat completion: '{\"id\": \"x\""),
    ("content as typed parts", completion([{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]), "ab"),
    ("no choices", {"id": "x", "object": "chat.completion", "choices": []}, "error: answered 200 with a body that is not a chat completion"),
]


@pytest.mark.parametrize("body, expected", [(b, e) for _, b, e in API_ANSWERS], ids=[i for i, _, _ in API_ANSWERS])
def test_odd_answers_from_an_api_are_stored_scored_and_reported(
    servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path, body: str | dict[str, Any], expected: str
) -> None:
    server = servers(fault=lambda index, call: Fault(status=200, body=body))
    store = ResponseStore(tmp_path / "s.sqlite")
    model = APIModel("openai/scripted", api_base=server.base_url)
    answer = ResponseRunner(model, store, policy=RetryPolicy(retries=0)).fetch({"k": Request(text="hello")})["k"]
    if expected.startswith("error: "):
        assert not answer.ok and expected[len("error: "):] in answer.error
        assert_one_line(answer.error)
        assert store.get_many(["k"]) == {}
    else:
        assert answer.ok and answer.text == expected
        again = store.get_many(["k"])["k"]
        assert again.text == expected  # stored, and read back intact
        assert_scored_and_writable(again.text)
    store.close()


def assert_scored_and_writable(text: str) -> None:
    """The evaluator copes and the record can be written as UTF-8 JSON (reports, JUnit)."""
    score = RefusalEvaluator()(Case("1", "q"), text)
    record = ScoreRecord(task="X", case="1", case_id="1", condition=None, value=score.value, outcome=score.outcome,
                         response=text[:2000])
    record.to_json().encode("utf-8")


def returns(value: Any) -> Callable[[Request], Any]:
    return lambda request: value


#: (id, what a py: function returns, the text — or None for an item error — the pipeline ends with)
PY_ANSWERS: list[tuple[str, Any, str | None]] = [
    ("None", None, None),
    ("bytes that are not UTF-8", b"caf\xe9 \xff", "caf\ufffd \ufffd"),
    ("a lone surrogate in a str", "x\udc80y", "x\ufffdy"),
    ("a Response holding a lone surrogate", Response(text="\ud83d alone"), "\ufffd alone"),
    ("an int", 7, "7"),
]


@pytest.mark.parametrize("value, expected", [(v, e) for _, v, e in PY_ANSWERS], ids=[i for i, _, _ in PY_ANSWERS])
def test_odd_answers_from_a_python_model(tmp_path: Path, value: Any, expected: str | None) -> None:
    store = ResponseStore(tmp_path / "s.sqlite")
    runner = ResponseRunner(PythonModel(returns(value), "py:test"), store)
    answer = runner.fetch({"k": Request(text="hello")})["k"]
    if expected is None:
        assert not answer.ok and answer.error == "model function returned None"
        assert store.get_many(["k"]) == {}  # an error is never stored as an answer
    else:
        assert answer.text == expected and store.get_many(["k"])["k"].text == expected
        assert_scored_and_writable(expected)
    store.close()


class SurrogateModel:
    """A user's own Model object (no adapter in between) answering with a lone surrogate."""

    name, batch_size, max_concurrency = "custom", 1, 1

    def identity(self) -> str:
        return "custom"

    def generate(self, requests: list[Request]) -> list[Response]:
        return [Response(text="raw \udfff from a custom model") for _ in requests]

    def close(self) -> None:
        return None


def test_the_store_writes_text_with_lone_surrogates(tmp_path: Path) -> None:
    store = ResponseStore(tmp_path / "s.sqlite")
    store.put("k", "m", Response(text="a\udc80b"))
    assert store.get_many(["k"])["k"].text == "a\ufffdb"
    store.close()


def test_a_custom_model_object_answering_invalid_utf8_does_not_break_the_store(tmp_path: Path) -> None:
    """The runner cleans what no adapter saw (needs the runner patch in tests/reliability/README.md)."""
    store = ResponseStore(tmp_path / "s.sqlite")
    answer = ResponseRunner(SurrogateModel(), store).fetch({"k": Request(text="hello")})["k"]
    assert answer.text == "raw \ufffd from a custom model"
    assert store.get_many(["k"])["k"].text == answer.text
    store.close()


# ---------------------------------------------------------------------------------------------
# through the plugin: a bad input loses nothing already computed


def write_cases(root: Path, images: dict[int, str], n: int = 8) -> None:
    rows = [{"id": f"{i:04d}", "prompt": f"q{i}", "target": "yes" if i % 2 else "no",
             "images": [images[i]] if i in images else []} for i in range(n)]
    (root / "cases.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")


def test_bad_images_error_their_own_items_and_the_rest_is_answered_and_kept(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    from test_hostile_images import cmyk_jpeg, png_declaring

    def answer(call: ChatCall) -> str:
        i = case_number(call)
        return "yes" if i % 2 else "no"

    server = servers(answer)
    root = tmp_path / "data"
    root.mkdir()
    (root / "empty.png").write_bytes(b"")
    good = Image.new("RGB", (8, 8), "green")
    good.save(root / "good.png")
    (root / "half.png").write_bytes((root / "good.png").read_bytes()[:40])
    (root / "bomb.png").write_bytes(png_declaring(30000, 30000))
    cmyk_jpeg(root)
    write_cases(root, {1: "empty.png", 2: "good.png", 3: "half.png", 4: "bomb.png", 5: "cmyk.jpg"})
    pytester.makepyfile(test_toy=suite_source(8))
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-data", str(root), "--mmtrust-json", "r.json"))
    result.assert_outcomes(passed=5, errors=3)
    result.stdout.fnmatch_lines([
        f"*R.1/0001: model call failed: {root.resolve()}/empty.png: image file is empty (0 bytes) (after 1 try)",
        f"*R.1/0003: model call failed: {root.resolve()}/half.png: not an image Pillow can read*",
        f"*R.1/0004: model call failed: {root.resolve()}/bomb.png: refused as a decompression bomb*",
    ])
    assert sorted(case_number(call) for call in server.calls) == [0, 2, 5, 6, 7]  # nothing bad was sent
    assert server.calls[[case_number(c) for c in server.calls].index(5)].images[0].mode == "RGB"
    (task,) = read_report(pytester.path / "r.json")["tasks"]
    assert (task["n"], task["verdict"], task["value"]) == (5, "incomplete", 1.0)
    assert ResponseStore(tmp_path / "store.sqlite").count() == 5


def test_a_dataset_broken_after_a_run_fails_its_task_and_keeps_the_answers(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers()
    root = tmp_path / "data"
    root.mkdir()
    write_cases(root, {})
    pytester.makepyfile(test_toy=suite_source(8))
    args = api_args(server, tmp_path, "--mmtrust-data", str(root))
    pytester.runpytest(*args).assert_outcomes(passed=8)
    with (root / "cases.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "0008", "prompt": 8}\n')
    broken = pytester.runpytest(*args)
    broken.assert_outcomes(failed=1)  # the task's own failure (one item), not an interrupted session
    broken.stdout.fnmatch_lines([f"*task R.1: *{root}/cases.jsonl:9: malformed case (field 'prompt' must be a string, got number)*"])
    db = sqlite3.connect(tmp_path / "store.sqlite")
    assert db.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == 8  # nothing lost
    db.close()
    write_cases(root, {})  # fixed: the rerun asks the server nothing
    pytester.runpytest(*args).assert_outcomes(passed=8)
    assert server.call_count == 8


BROKEN_REQUEST_SUITE = suite_source(8) + '''
from dataclasses import replace
from pytest_mmtrust import Request

def build(case, params):
    images = ("{missing}",) if case.id == "0003" else case.images
    return Request(text=case.prompt, images=images, system=case.system, params=params)

TASK = replace(TASK, build_request=build)
test_case = TASK.test(lambda mmtrust_result: None)
'''


def test_an_unreadable_image_errors_its_own_item_only(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    """Needs the session patch (per-case request errors) in tests/reliability/README.md."""
    server = servers()
    missing = tmp_path / "moved-away.png"
    pytester.makepyfile(test_toy=BROKEN_REQUEST_SUITE.replace("{missing}", str(missing)))
    result = pytester.runpytest(*api_args(server, tmp_path, "-rE"))
    result.assert_outcomes(passed=7, errors=1)
    result.stdout.fnmatch_lines([f"*R.1/0003: *image not found: {missing}*"])
    assert sorted(case_number(call) for call in server.calls) == [0, 1, 2, 4, 5, 6, 7]


@pytest.mark.parametrize(
    "args, words",
    [
        (["--mmtrust-model=nonsense"], "--mmtrust-model 'nonsense': unknown model string"),
        (["--mmtrust-gate", "R.1>=lots"], "--mmtrust-gate 'R.1>=lots': cannot parse gate '>=lots'"),
        (["--mmtrust-baseline", "{folder}/base.json"], "--mmtrust-baseline {folder}/base.json: baseline schema 99"),
        (["--mmtrust-concurrency", "-3"], "--mmtrust-concurrency: '-3' must be at least 1"),
    ],
    ids=["model string", "gate", "baseline of another schema", "concurrency"],
)
def test_bad_options_stop_the_plugin_before_any_request_in_one_line(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path, args: list[str], words: str
) -> None:
    """The baseline case needs the plugin patch (check_inputs) in tests/reliability/README.md."""
    server = servers()
    (tmp_path / "base.json").write_text(json.dumps({**GOOD_BASELINE, "schema": 99}), encoding="utf-8")
    pytester.makepyfile(test_toy=suite_source(4))
    result = pytester.runpytest(*api_args(server, tmp_path), *[a.format(folder=tmp_path) for a in args])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [text for text in result.stderr.lines if text.startswith("ERROR:")]
    assert errors == [f"ERROR: {words.format(folder=tmp_path)}"] or (
        len(errors) == 1 and words.format(folder=tmp_path) in errors[0]
    ), result.stderr.lines
    assert server.call_count == 0


BAD_INPUT_TABLES = {
    "dataset lines and image references": MANIFEST_LINES,
    "upstream files": UPSTREAM_FILES,
    "fields": FIELDS,
    "options and settings": OPTIONS,
    "answers from an API": API_ANSWERS,
    "answers from a Python model": PY_ANSWERS,
}
