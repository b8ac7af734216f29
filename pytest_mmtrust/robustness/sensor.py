"""R.2 VQA on sensor-style images: T.1-style questions on pictures that look like other sensors.

The bundled set reuses :func:`pytest_mmtrust.datasets.perception.perception_items` and passes each picture through one
of five sensor looks. A transform may destroy what a question asks about, so each sensor keeps
only the question kinds whose answer survives it (``SENSOR_KINDS``):

=============  ==================================================  ==========================================
sensor         look                                                excluded kinds (why)
=============  ==================================================  ==========================================
infrared       brightness through a thermal false-colour palette   colour (hue is replaced by the palette)
low_light      dim, gamma-darkened, grainy sensor noise            colour (hues crushed), scene (all dark)
xray           inverted greyscale with a cold tint                 colour (no hue), scene (dark/light swap)
blur           motion blur along one axis                          ocr (small text smears)
jpeg_lowres    one-third resolution, blocky JPEG at quality 12     ocr (text below legibility)
=============  ==================================================  ==========================================

Sensors that drop colour also get items built with ``colour_words=False``: no question names a
colour, and every shape differs from its background in brightness, so it stays visible in grey.
Cases carry ``metadata["sensor"]``; there is no image condition.

Upstream (``--mmtrust-data DIR``): see :func:`load_r2_upstream`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from ..datasets.base import Dataset
from ..datasets.draw import render_scene, save_png
from ..datasets.perception import PerceptionItem, perception_items
from ..datasets.upstream_files import image_path, read_jsonl, text_field
from ..errors import DataError
from ..values import Case

#: sensor -> (questions may name colours, question kinds that survive the transform)
SENSOR_KINDS: dict[str, tuple[bool, tuple[str, ...]]] = {
    "infrared": (False, ("existence", "count", "position", "ocr", "scene")),
    "low_light": (False, ("existence", "count", "position", "ocr")),
    "xray": (False, ("existence", "count", "position", "ocr")),
    "blur": (True, ("existence", "count", "colour", "position", "scene")),
    "jpeg_lowres": (True, ("existence", "count", "colour", "position", "scene")),
}

#: items per kind and sensor: yes/no kinds stay even, choice kinds a multiple of four (balance)
PER_KIND = {"existence": 6, "scene": 6, "count": 8, "colour": 8, "position": 8, "ocr": 8}
R2_SEED = 2002


def _channel_luts(curve: Callable[[np.ndarray], np.ndarray]) -> list[list[int]]:
    """Three 256-entry lookup tables from a curve mapping grey levels (0–255) to RGB rows."""
    table = np.clip(np.rint(curve(np.arange(256, dtype=np.float64))), 0, 255).astype(int)
    return [table[:, c].tolist() for c in range(3)]


def _apply_luts(grey: Image.Image, luts: list[list[int]]) -> Image.Image:
    return Image.merge("RGB", [grey.point(lut) for lut in luts])


_THERMAL_STOPS = np.array([0.0, 0.3, 0.55, 0.8, 1.0]) * 255.0
_THERMAL_COLOURS = np.array([[0, 0, 0], [70, 0, 120], [200, 30, 50], [255, 160, 0], [255, 255, 220]], dtype=np.float64)
_THERMAL = _channel_luts(lambda g: np.stack([np.interp(g, _THERMAL_STOPS, _THERMAL_COLOURS[:, c]) for c in range(3)], -1))
_XRAY = _channel_luts(lambda g: (20.0 + (255.0 - g) * (215.0 / 255.0))[:, None] * np.array([0.86, 0.94, 1.0]))
_DIM = _channel_luts(lambda v: 255.0 * 0.4 * (v[:, None] / 255.0) ** 1.3 * np.array([0.9, 0.95, 1.1]))


def infrared(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Brightness mapped through a black–purple–red–yellow–white thermal palette (``rng`` unused)."""
    return _apply_luts(image.convert("L").filter(ImageFilter.GaussianBlur(1.2)), _THERMAL)


def low_light(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A night shot: gamma-darkened to about a third of the brightness, with grainy noise.

    The noise is monochrome and two pixels coarse: it looks like sensor grain and keeps the PNG
    a few dozen KB instead of a few hundred.
    """
    dim = np.asarray(Image.merge("RGB", [band.point(lut) for band, lut in zip(image.split(), _DIM)]), dtype=np.float32)
    height, width = dim.shape[:2]
    grain = rng.normal(0.0, 4.0, ((height + 1) // 2, (width + 1) // 2, 1)).astype(np.float32)
    grain = np.repeat(np.repeat(grain, 2, axis=0), 2, axis=1)[:height, :width]
    return Image.fromarray(np.clip(np.rint(dim + grain), 0, 255).astype(np.uint8), "RGB")


def xray(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Inverted greyscale with a slight blue cast and soft edges, like a radiograph (``rng`` unused)."""
    return _apply_luts(image.convert("L").filter(ImageFilter.GaussianBlur(1.0)), _XRAY)


def blur(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Motion blur: an 11-pixel running mean along one random axis (edges repeated)."""
    pixels = np.asarray(image, dtype=np.float32)
    axis = int(rng.integers(0, 2))
    length = 11
    pad = [(length // 2 + 1, length // 2) if a == axis else (0, 0) for a in range(3)]
    padded = np.pad(pixels, pad, mode="edge")
    padded = np.take(padded, np.arange(1, padded.shape[axis]), axis=axis)
    zero = np.zeros_like(np.take(padded, [0], axis=axis))
    sums = np.cumsum(np.concatenate([zero, padded], axis=axis), axis=axis)  # float32 sums of bytes are exact
    size = pixels.shape[axis]
    window = np.take(sums, np.arange(length, length + size), axis=axis) - np.take(sums, np.arange(size), axis=axis)
    return Image.fromarray(np.clip(np.rint(window / length), 0, 255).astype(np.uint8), "RGB")


def jpeg_lowres(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A third of the resolution, scaled back up, through a quality-12 JPEG round trip (``rng`` unused)."""
    width, height = image.size
    small = image.resize((width // 3, height // 3), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=12)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB").resize((width, height), Image.Resampling.NEAREST)


SENSOR_TRANSFORMS: dict[str, Callable[[Image.Image, np.random.Generator], Image.Image]] = {
    "infrared": infrared,
    "low_light": low_light,
    "xray": xray,
    "blur": blur,
    "jpeg_lowres": jpeg_lowres,
}


def r2_items() -> list[tuple[str, PerceptionItem]]:
    """The bundled R.2 items as (sensor, item), in case order."""
    items: list[tuple[str, PerceptionItem]] = []
    for index, (sensor, (colour_words, kinds)) in enumerate(SENSOR_KINDS.items()):
        per_kind = {kind: PER_KIND[kind] for kind in kinds}
        items += [(sensor, item) for item in perception_items(R2_SEED + index, per_kind, colour_words=colour_words)]
    return items


def generate_r2(folder: Path) -> list[Case]:
    """Write the sensor-style pictures into ``folder/images`` and return the cases."""
    cases = []
    for number, (sensor, item) in enumerate(r2_items(), start=1):
        case_id = f"{number:04d}"
        relative = f"images/{case_id}.png"
        rng = np.random.default_rng([R2_SEED, number])
        save_png(SENSOR_TRANSFORMS[sensor](render_scene(item.scene), rng), folder / relative)
        metadata = item.metadata()
        metadata["sensor"] = sensor
        cases.append(Case(id=case_id, prompt=item.prompt(), images=(relative,), target=item.target, metadata=metadata))
    return cases


#: BenchLMM sensor styles used by MultiTrust R.2 (one label file each).
R2_UPSTREAM_SENSORS: tuple[str, ...] = ("infrared", "lxray", "hxray", "mri", "ct", "remote", "driving")


def load_r2_upstream(data_dir: Path) -> list[Case]:
    """Read MultiTrust's R.2 data (BenchLMM sensor styles) from the MMTrustEval ``data`` folder.

    Follows ``thu-ml/MMTrustEval`` ``mmte/datasets/ood_sensor.py`` and
    ``mmte/configs/datasets/ood-sensor.yaml`` (``benchlmm-<sensor>``). Expected layout under ``DIR``::

        robustness/ood-sensor/label/<sensor>.json   JSON Lines despite the suffix, one object a line:
                                                    {"image_name": ..., "question": ..., "answer": ...}
        robustness/ood-sensor/source/<image_name>

    with ``<sensor>`` among infrared, lxray, hxray, mri, ct, remote, driving. Sensors whose label
    file is absent are skipped (the R.2 data was not in MultiTrust's public release, so users
    may hold only some styles); at least one must be present.

    Where ours differs: upstream's target is the string ``question->answer`` scored 0–100 by
    GPT-4; ours is the reference answer alone with ``answer_type="text"``, and the question is in
    ``metadata["question"]``. The prompt is the question as written. Case ids are
    ``<sensor>-<line>``.
    """
    root = Path(data_dir)
    labels = root / "robustness" / "ood-sensor" / "label"
    images = root / "robustness" / "ood-sensor" / "source"
    present = [sensor for sensor in R2_UPSTREAM_SENSORS if (labels / f"{sensor}.json").is_file()]
    if not present:
        expected = ", ".join(f"{s}.json" for s in R2_UPSTREAM_SENSORS)
        raise DataError(f"{labels}: no R.2 label file found (expected one or more of {expected})")
    cases: list[Case] = []
    for sensor in present:
        for number, where, row in read_jsonl(labels / f"{sensor}.json"):
            question = text_field(row, "question", where)
            answer = text_field(row, "answer", where)
            image = image_path(root, images, text_field(row, "image_name", where), where)
            cases.append(
                Case(
                    id=f"{sensor}-{number:04d}",
                    prompt=question,
                    images=(image,),
                    target=answer,
                    metadata={"sensor": sensor, "answer_type": "text", "question": question, "source": "benchlmm"},
                )
            )
    return cases


r2_dataset = Dataset(name="R.2", version="1", generate=generate_r2, upstream=load_r2_upstream)
