"""The shared pieces: upstream file readers, drawing primitives, the registry and the build CLI."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from pytest_mmtrust.datasets.bundled import builtin_datasets, dataset_for
from pytest_mmtrust.datasets.draw import (
    COLOURS,
    SHAPES,
    Scene,
    SceneObject,
    font,
    render_scene,
    save_png,
    unrelated_image,
    wrap_text,
)
from pytest_mmtrust.datasets.upstream_files import (
    data_file,
    image_path,
    read_csv,
    read_json_array,
    read_jsonl,
    text_field,
)
from pytest_mmtrust.errors import DataError
from pytest_mmtrust.values import image_digest

ROOT = Path(__file__).resolve().parents[2]


# --- upstream_files ----------------------------------------------------------------------------


def test_image_path_accepts_a_file_inside(tmp_path: Path) -> None:
    (tmp_path / "imgs" / "sub").mkdir(parents=True)
    (tmp_path / "imgs" / "sub" / "x.png").write_bytes(b"x")
    found = image_path(tmp_path, tmp_path / "imgs", "sub/x.png", "a.csv:2")
    assert found == str((tmp_path / "imgs" / "sub" / "x.png").resolve())


def test_image_path_allows_a_symlink_that_stays_inside(tmp_path: Path) -> None:
    (tmp_path / "imgs").mkdir()
    (tmp_path / "real.png").write_bytes(b"x")
    (tmp_path / "imgs" / "link.png").symlink_to(tmp_path / "real.png")
    assert image_path(tmp_path, tmp_path / "imgs", "link.png", "w").endswith("real.png")


@pytest.mark.parametrize(
    "name, message",
    [
        ("/etc/hostname", "is absolute"),
        ("C:\\x.png", "is absolute"),
        ("../x.png", "leaves the data folder"),
        ("a/../../x.png", "leaves the data folder"),
        ("", "image not found: the image path is empty"),
    ],
)
def test_image_path_refusals(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "imgs").mkdir()
    with pytest.raises(DataError) as info:
        image_path(tmp_path, tmp_path / "imgs", name, "ann.jsonl:7")
    assert str(info.value).startswith("ann.jsonl:7: ") and message in str(info.value)


def test_image_path_returns_a_missing_image_for_its_case_to_fail(tmp_path: Path) -> None:
    """A missing picture is one case's error (at request time), not the task's."""
    (tmp_path / "imgs").mkdir()
    found = image_path(tmp_path, tmp_path / "imgs", "sub/missing.png", "ann.jsonl:7")
    assert found == str((tmp_path / "imgs" / "sub" / "missing.png").resolve())
    with pytest.raises(DataError, match=r"^image not found: .*imgs/sub/missing\.png$"):
        image_digest(found)


def test_image_path_refuses_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "imgs").mkdir()
    (tmp_path / "imgs" / "loop.png").symlink_to(tmp_path / "imgs" / "loop.png")
    with pytest.raises(DataError, match=r"^w: image path 'loop.png' cannot be used"):
        image_path(tmp_path, tmp_path / "imgs", "loop.png", "w")


def test_image_path_refuses_a_directory_symlinked_out(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_bytes(b"x")
    data = tmp_path / "data"
    (data / "imgs").mkdir(parents=True)
    (data / "imgs" / "out").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DataError, match="leads outside the data folder"):
        image_path(data, data / "imgs", "out/x.png", "w")


def test_a_folder_replaced_by_a_symlink_is_resolved_again(tmp_path: Path) -> None:
    """Folders are resolved once and remembered; the memory must not outlive the folder."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.png").write_bytes(b"x")
    data = tmp_path / "data"
    (data / "imgs" / "sub").mkdir(parents=True)
    (data / "imgs" / "sub" / "x.png").write_bytes(b"x")
    assert image_path(data, data / "imgs", "sub/x.png", "w").endswith("x.png")
    (data / "imgs" / "sub" / "x.png").unlink()
    (data / "imgs" / "sub").rmdir()
    (data / "imgs" / "sub").symlink_to(outside, target_is_directory=True)
    with pytest.raises(DataError, match="leads outside the data folder"):
        image_path(data, data / "imgs", "sub/x.png", "w")


def _reference_image_path(root: Path, folder: Path, name: str) -> str | None:
    """The slow, obviously right rule the fast ``image_path`` must agree with (None: refused)."""
    from pathlib import PurePosixPath, PureWindowsPath

    if not name.strip() or "\x00" in name:
        return None
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        return None
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if ".." in parts:
        return None
    try:
        resolved = (Path(folder).joinpath(*parts)).resolve()
    except RuntimeError:  # a symlink loop
        return None
    if not resolved.is_relative_to(Path(root).resolve()):
        return None
    return str(resolved)  # missing or a folder: the path, for that case's request to fail on


_SEGMENTS = ["a.png", "sub", "b.png", "..", ".", "", "link_out", "linkdir", "c.png", "link_in", "loop", "nope.png", "C:", "x y.png"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=st.lists(st.sampled_from(_SEGMENTS), min_size=1, max_size=4), separators=st.lists(st.sampled_from(["/", "\\", "//"]), min_size=3, max_size=3))
def test_image_path_agrees_with_the_reference_rule(tmp_path: Path, segments: list[str], separators: list[str]) -> None:
    """Files, subfolders, symlinks in and out, a symlink loop, missing files, drives, ``..``."""
    root = tmp_path / "tree"
    data = root / "data"
    if not root.exists():
        outside = tmp_path / "outside"
        (outside / "dir").mkdir(parents=True)
        (outside / "c.png").write_bytes(b"c")
        (outside / "dir" / "c.png").write_bytes(b"c")
        (data / "sub").mkdir(parents=True)
        (data / "a.png").write_bytes(b"a")
        (data / "sub" / "b.png").write_bytes(b"b")
        (data / "link_out").symlink_to(outside / "c.png")
        (data / "linkdir").symlink_to(outside / "dir", target_is_directory=True)
        (data / "sub" / "link_in").symlink_to(data / "a.png")
        (data / "loop").symlink_to(data / "loop")
    name = segments[0]
    for separator, segment in zip(separators, segments[1:]):
        name += separator + segment
    expected = _reference_image_path(root, data, name)
    try:
        found: str | None = image_path(root, data, name, "w")
    except DataError as exc:
        assert str(exc).startswith("w: ")
        found = None
    assert found == expected, name


def test_read_jsonl_skips_blank_lines_and_counts_them(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\n', encoding="utf-8")
    assert [(n, row["a"]) for n, _, row in read_jsonl(path)] == [(1, 1), (3, 2)]
    path.write_text('{"a": 1}\n{"a": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"a\.jsonl:2: malformed JSON line"):
        list(read_jsonl(path))


def test_read_csv_line_numbers_follow_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('id,text\n1,"two\nlines"\n2,\n', encoding="utf-8")
    rows = list(read_csv(path, ["id", "text"]))
    assert [n for n, _, _ in rows] == [3, 4]
    assert rows[0][2]["text"] == "two\nlines"
    with pytest.raises(DataError, match=r"a\.csv:4: missing field 'text'"):
        text_field(rows[1][2], "text", rows[1][1])


def test_read_csv_skips_repeated_header_rows(tmp_path: Path) -> None:
    """Upstream's CSVs are sometimes concatenations that repeat the header; those rows are no items."""
    path = tmp_path / "a.csv"
    path.write_text("id,question\n1,a\nid,question\n2,b\n id , question \n", encoding="utf-8")
    assert [(n, row["id"]) for n, _, row in read_csv(path, ["id"])] == [(2, "1"), (4, "2")]


def test_read_csv_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,x\n1,2\n".encode("utf-8"))
    assert [row for _, _, row in read_csv(path, ["id"])] == [{"id": "1", "x": "2"}]


def test_unreadable_and_non_object_inputs(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DataError, match=r"bad\.json: cannot read"):
        list(read_json_array(path))
    with pytest.raises(DataError, match="must be text"):
        text_field({"a": ["x"]}, "a", "f:1")
    assert text_field({"a": 3}, "a", "f:1") == "3"


# --- annotation files stay inside the data folder (issue 18 item 12) --------------------------------


def data_with_links(tmp_path: Path) -> Path:
    """A data folder whose annotation files are symlinks: one to a file outside, one inside."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.csv").write_text("id,question\n1,what is in /etc?\n", encoding="utf-8")
    (outside / "rows.jsonl").write_text('{"id": "1", "prompt": "q"}\n', encoding="utf-8")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "real.csv").write_text("id,question\n1,fine\n", encoding="utf-8")
    (data / "sub" / "out.csv").symlink_to(outside / "secret.csv")
    (data / "sub" / "rows.jsonl").symlink_to(outside / "rows.jsonl")
    (data / "sub" / "in.csv").symlink_to(data / "real.csv")
    (data / "linked").symlink_to(outside, target_is_directory=True)
    return data


def test_data_file_refuses_an_annotation_symlinked_out_of_the_data_folder(tmp_path: Path) -> None:
    data = data_with_links(tmp_path)
    for relative in ("sub/out.csv", "linked/secret.csv"):
        with pytest.raises(DataError) as info:
            data_file(data, relative)
        message = str(info.value)
        assert message.startswith(f"{data / relative}: ") and "leads outside the data folder" in message
    assert [row for _, _, row in read_csv(data_file(data, "sub/in.csv"), ["id"])] == [{"id": "1", "question": "fine"}]


def test_readers_inside_a_dataset_load_refuse_files_symlinked_out(tmp_path: Path) -> None:
    """Readers that open a file without data_file (read_jsonl(root / ...)) get the same rule."""
    from pytest_mmtrust.datasets.base import Dataset, read_manifest
    from pytest_mmtrust.values import Case

    data = data_with_links(tmp_path)

    def upstream(root: Path) -> list[Case]:
        return [Case(id=row["id"], prompt=row["prompt"]) for _, _, row in read_jsonl(root / "sub" / "rows.jsonl")]

    with pytest.raises(DataError, match=r"rows\.jsonl: .*leads outside the data folder"):
        Dataset("X.1", "1", lambda folder: [], upstream).load(data, tmp_path / "cache")
    manifest = Dataset("X.1", "1", lambda folder: [], lambda root: read_manifest(root / "sub" / "rows.jsonl", root))
    with pytest.raises(DataError, match="leads outside the data folder"):
        manifest.load(data, tmp_path / "cache")
    (data / "own.jsonl").write_text('{"id": "1", "prompt": "q"}\n', encoding="utf-8")
    inside = Dataset("X.1", "1", lambda folder: [], lambda root: read_manifest(root / "own.jsonl", root))
    assert [case.id for case in inside.load(data, tmp_path / "cache")] == ["1"]
    assert [row["id"] for _, _, row in read_jsonl(tmp_path / "elsewhere" / "rows.jsonl")] == ["1"]  # outside a load: any file


def test_a_builtin_reader_refuses_its_csv_symlinked_out(tmp_path: Path) -> None:
    from pytest_mmtrust.safety.cross_modal import load_s6_upstream as load_upstream

    data = tmp_path / "data"
    folder = data / "safety" / "crossmodal-jailbreak"
    folder.mkdir(parents=True)
    outside = tmp_path / "text_jailbreak.csv"
    outside.write_text("id,question,jailbreak\n1,q,j\n", encoding="utf-8")
    (folder / "text_jailbreak.csv").symlink_to(outside)
    with pytest.raises(DataError, match="text_jailbreak.csv: .*leads outside the data folder"):
        load_upstream(data)


# --- draw ----------------------------------------------------------------------------------------


def test_shapes_carry_their_exact_colour_at_the_centre() -> None:
    objects = tuple(SceneObject(shape, "purple", 40 + 60 * k, 60, 24) for k, shape in enumerate(SHAPES))
    pixels = np.asarray(render_scene(Scene(320, 120, "paper", objects)))
    for obj in objects:
        assert tuple(int(v) for v in pixels[obj.y, obj.x]) == COLOURS["purple"]
    values = {tuple(int(v) for v in p) for p in pixels.reshape(-1, 3)}
    assert values == {COLOURS["paper"], COLOURS["purple"]}  # no anti-aliasing: two colours only


def test_wrap_text_respects_the_width() -> None:
    text = "a fairly long sentence that certainly needs more than one line to fit"
    lines = wrap_text(text, font(24), 200)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(font(24).getlength(line) <= 200 for line in lines)


def test_save_png_is_byte_stable_and_has_no_metadata(tmp_path: Path) -> None:
    image = unrelated_image("natural", 3)
    save_png(image, tmp_path / "a.png")
    save_png(unrelated_image("natural", 3), tmp_path / "b.png")
    data = (tmp_path / "a.png").read_bytes()
    assert data == (tmp_path / "b.png").read_bytes()
    assert b"tIME" not in data and b"tEXt" not in data


def test_unrelated_images() -> None:
    colour = np.asarray(unrelated_image("colour", 1))
    assert len(np.unique(colour.reshape(-1, 3), axis=0)) == 1
    noise = np.asarray(unrelated_image("noise", 1, (64, 64)))
    assert noise.shape == (64, 64, 3) and 110 < noise.mean() < 146 and noise.std() > 30
    natural = np.asarray(unrelated_image("natural", 1))
    assert natural[:20].mean(axis=(0, 1))[2] > natural[-20:].mean(axis=(0, 1))[2]  # blue sky above green hills
    assert not np.array_equal(np.asarray(unrelated_image("natural", 2)), natural)
    with pytest.raises(ValueError, match="unknown unrelated image kind"):
        unrelated_image("cartoon", 1)


# --- registry and build CLI ------------------------------------------------------------------------


def test_registry_finds_the_tasks_of_the_builtin_suites() -> None:
    assert {"T.1", "R.2", "S.4", "F.6", "P.6", "G.privacy.personal"} <= set(builtin_datasets())
    assert dataset_for("S.4").name == "S.4"
    with pytest.raises(KeyError, match="known: .*S.4"):
        dataset_for("X.9")


def test_build_cli_writes_a_task_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build = runpy.run_path(str(ROOT / "fixtures" / "build.py"), run_name="build_cli")
    assert build["main"]([str(tmp_path), "--task", "S.4"]) == 0
    assert "S.4: 96 cases" in capsys.readouterr().out
    manifest = (tmp_path / "S.4" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(manifest) == 96
    first = json.loads(manifest[0])
    assert first["id"] == "0001" and first["images"] == ["images/0001.png"]
    with Image.open(tmp_path / "S.4" / "images" / "0001.png") as image:
        assert image.size == (448, 336)
    with pytest.raises(SystemExit, match="not empty"):
        build["main"]([str(tmp_path), "--task", "S.4"])
    assert build["main"]([str(tmp_path), "--task", "S.4", "--force"]) == 0
