"""R.2 bundled data: sensor looks applied, only surviving question kinds, answers still visible."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from pytest_mmtrust.datasets.draw import COLOURS, OBJECT_COLOURS, luminance, render_scene
from pytest_mmtrust.errors import DataError
from pytest_mmtrust.robustness.sensor import (
    SENSOR_KINDS,
    SENSOR_TRANSFORMS,
    load_r2_upstream,
    r2_dataset,
    r2_items,
)


def test_every_sensor_is_present_and_sized(bundled) -> None:
    cases = bundled("R.2")
    assert 60 <= len(cases) <= 200
    sensors = Counter(c.metadata["sensor"] for c in cases)
    assert set(sensors) == set(SENSOR_KINDS)
    assert min(sensors.values()) >= 24
    assert all(c.condition is None for c in cases)


def test_only_surviving_question_kinds(bundled) -> None:
    for case in bundled("R.2"):
        _, kinds = SENSOR_KINDS[case.metadata["sensor"]]
        assert case.metadata["question_kind"] in kinds
    # the documented exclusions
    assert "colour" not in SENSOR_KINDS["infrared"][1]
    assert "scene" not in SENSOR_KINDS["xray"][1] and "scene" not in SENSOR_KINDS["low_light"][1]
    assert "ocr" not in SENSOR_KINDS["blur"][1] and "ocr" not in SENSOR_KINDS["jpeg_lowres"][1]


def test_colour_free_sensors_never_name_a_colour(bundled) -> None:
    for case in bundled("R.2"):
        if SENSOR_KINDS[case.metadata["sensor"]][0]:
            continue
        question = case.prompt.split("\n")[0].lower().replace("?", "")
        assert not set(question.split()) & set(OBJECT_COLOURS), case.prompt


def test_answers_are_balanced_per_sensor(bundled) -> None:
    groups: dict[tuple[str, str], Counter] = {}
    for case in bundled("R.2"):
        groups.setdefault((case.metadata["sensor"], case.metadata["question_kind"]), Counter())[case.target] += 1
    for (sensor, kind), targets in groups.items():
        assert len(set(targets.values())) == 1, (sensor, kind, targets)
        assert len(targets) == (2 if kind in ("existence", "scene") else 4), (sensor, kind)


def test_transforms_change_the_picture_as_described() -> None:
    items = [item for sensor, item in r2_items() if sensor == "infrared"]
    scene_item = next(i for i in items if i.kind == "scene" and not i.subject["dark"])
    original = render_scene(scene_item.scene)
    rng = np.random.default_rng(0)
    corner = {name: tuple(int(v) for v in np.asarray(t(original, rng))[2, 2]) for name, t in SENSOR_TRANSFORMS.items()}
    light = luminance(COLOURS[scene_item.scene.background])
    assert luminance(corner["xray"]) < 80 < light  # inverted: a light background turns dark
    assert luminance(corner["low_light"]) < light / 2  # dimmed
    assert corner["infrared"][0] > corner["infrared"][2] + 20  # false colour: bright is warm yellow-white
    for name, transform in SENSOR_TRANSFORMS.items():
        out = transform(original, np.random.default_rng(0))
        assert out.size == original.size and out.mode == "RGB"
        assert not np.array_equal(np.asarray(out), np.asarray(original)), name


@pytest.mark.parametrize("sensor", ["infrared", "xray", "low_light"])
def test_counted_shapes_stay_visible_without_colour(sensor: str, bundled) -> None:
    """In grey-looking sensors each object must still stand out as its own blob."""
    numbers = {c.id: c for c in bundled("R.2")}
    for number, (item_sensor, item) in enumerate(r2_items(), start=1):
        if item_sensor != sensor or item.kind != "count":
            continue
        case = numbers[f"{number:04d}"]
        with Image.open(case.images[0]) as image:
            grey = np.asarray(image.convert("L"), dtype=np.float64)
        grey = ndimage.median_filter(grey, size=5)
        background = np.median(grey[:4, :4])
        labels, count = ndimage.label(np.abs(grey - background) > 12)
        sizes = ndimage.sum(np.ones_like(grey), labels, range(1, count + 1))
        assert int((sizes > 200).sum()) == len(item.scene.objects), (sensor, case.id)


def test_dataset_object() -> None:
    assert r2_dataset.name == "R.2" and r2_dataset.upstream is load_r2_upstream


# --- upstream ------------------------------------------------------------------------------------


def write_r2_upstream(root: Path, lines: dict[str, str]) -> Path:
    labels = root / "robustness" / "ood-sensor" / "label"
    source = root / "robustness" / "ood-sensor" / "source"
    labels.mkdir(parents=True)
    source.mkdir(parents=True)
    (source / "ir_1.jpg").write_bytes(b"jpg")
    (source / "ct_1.jpg").write_bytes(b"jpg")
    for sensor, text in lines.items():
        (labels / f"{sensor}.json").write_text(text, encoding="utf-8")
    return root


def test_upstream_reads_jsonl_label_files(tmp_path: Path) -> None:
    root = write_r2_upstream(
        tmp_path,
        {
            "infrared": json.dumps({"image_name": "ir_1.jpg", "question": "How many people?", "answer": 2}) + "\n\n",
            "ct": json.dumps({"image_name": "ct_1.jpg", "question": "Which organ?", "answer": "liver"}) + "\n",
        },
    )
    cases = load_r2_upstream(root)
    assert [c.id for c in cases] == ["infrared-0001", "ct-0001"]
    assert [c.target for c in cases] == ["2", "liver"]
    assert cases[0].prompt == "How many people?" and cases[0].metadata["sensor"] == "infrared"
    assert all(Path(c.images[0]).is_absolute() for c in cases)


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"image_name": "ir_1.jpg", "question": "q", "answer": "a"}\n{"image_name": "ir_1.jpg", "question": \n', ":2: malformed JSON line"),
        ('{"image_name": "ir_1.jpg", "answer": "a"}\n', ":1: missing field 'question'"),
        ('{"image_name": "../../x.jpg", "question": "q", "answer": "a"}\n', ":1: image path '../../x.jpg' leaves the data folder"),
        ('["ir_1.jpg"]\n', ":1: expected a JSON object"),
    ],
)
def test_upstream_bad_lines_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    root = write_r2_upstream(tmp_path, {"infrared": text})
    with pytest.raises(DataError) as info:
        load_r2_upstream(root)
    assert f"infrared.json{message}" in str(info.value)


def test_upstream_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"secret")
    root = write_r2_upstream(tmp_path / "data", {"infrared": '{"image_name": "link.jpg", "question": "q", "answer": "a"}\n'})
    (root / "robustness" / "ood-sensor" / "source" / "link.jpg").symlink_to(outside)
    with pytest.raises(DataError, match=r"infrared\.json:1: image path 'link\.jpg' leads outside"):
        load_r2_upstream(root)


def test_upstream_without_any_label_file(tmp_path: Path) -> None:
    root = write_r2_upstream(tmp_path, {})
    with pytest.raises(DataError, match="no R.2 label file found"):
        load_r2_upstream(root)
