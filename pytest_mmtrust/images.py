"""Opening an image we did not write: one place that reads, checks and converts it to RGB.

Dataset images come from the user's disk (``--mmtrust-data``) and can be anything: empty,
truncated, not an image at all, a few kilobytes that declare a gigapixel canvas (a
decompression bomb), or a mode a model's processor does not take (CMYK, 16-bit grey, a palette
with a transparent colour). Every adapter that looks inside an image goes through here, so each
of those fails the same way — a :class:`~pytest_mmtrust.errors.DataError` whose one-line
message starts with the file — or is converted the same way:

* CMYK, YCbCr, LAB, HSV, 1-bit and 8-bit grey become RGB by Pillow's own conversion;
* 16- and 32-bit grey (``I;16*``, ``I``) and float grey (``F``) are *scaled* to 8 bits, not
  clipped (Pillow's plain ``convert("RGB")`` turns every value above 255 white);
* anything with transparency (``RGBA``, ``LA``, ``PA``, ``P`` with a transparent colour, grey
  or RGB with a transparent colour key, premultiplied ``RGBa``/``La``) is composited on white,
  the background a viewer shows;
* an animated or multi-page file gives its first frame.

The size guard runs on the header, before a single pixel is decoded: an image above
:data:`MAX_PIXELS` is refused however small its file. Pillow's own bomb check (a warning above
~89 megapixels, an error above twice that) fires inside ``Image.open`` for the largest ones;
both end in the same DataError.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

from .errors import DataError, one_line
from .values import ImageInput

__all__ = ["MAX_PIXELS", "decode_image", "load_rgb", "open_image", "read_image_bytes", "to_rgb"]

#: The largest image we decode, in pixels (8000 × 8000). Larger ones are refused from their
#: header; vision APIs downscale far below this anyway.
MAX_PIXELS = 64_000_000

WHITE = (255, 255, 255)
_GREY_16 = ("I;16", "I;16B", "I;16L", "I;16N", "I;16S")
_WITH_ALPHA = ("RGBA", "LA", "PA", "RGBa", "La")


def read_image_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes; a missing, unreadable or empty file is a DataError naming it."""
    where = os.fspath(path)
    try:
        data = Path(where).read_bytes()
    except IsADirectoryError:
        raise DataError(f"{where}: is a folder, not an image file") from None
    except OSError as exc:
        raise DataError(f"{where}: cannot read image ({exc.strerror or type(exc).__name__})") from None
    if not data:
        raise DataError(f"{where}: image file is empty (0 bytes)")
    return data


def decode_image(data: bytes, where: str, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode ``data`` completely (its first frame), after checking the declared size.

    Returns the image in its own mode; ``image.format`` says what the bytes were. Anything
    Pillow cannot decode — unknown format, truncated or corrupt data, a bomb — is a DataError
    naming ``where``. Decoders raise many exception types for hostile input (OSError,
    SyntaxError, ValueError, struct.error, IndexError …), hence the broad catch.
    """
    if not data:
        raise DataError(f"{where}: image file is empty (0 bytes)")
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise DataError(f"{where}: refused as a decompression bomb ({one_line(exc)})") from None
    except Image.UnidentifiedImageError:
        raise DataError(f"{where}: not an image Pillow can read (unknown format or corrupt header)") from None
    except Exception as exc:
        raise DataError(f"{where}: corrupt image ({one_line(exc)})") from None
    width, height = image.size
    if width < 1 or height < 1:
        raise DataError(f"{where}: image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise DataError(
            f"{where}: image of {width}x{height} pixels is larger than the limit of {max_pixels:,} pixels "
            "(refused before decoding, as a possible decompression bomb)"
        )
    try:
        image.load()
    except Exception as exc:
        text = one_line(exc)
        what = "truncated" if "truncat" in text.lower() else "corrupt"
        raise DataError(f"{where}: {what} image ({text})") from None
    return image


def open_image(source: ImageInput, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """A decoded, checked image from a path or an in-memory PIL image (returned as it is)."""
    if isinstance(source, Image.Image):
        return source
    where = os.fspath(source)
    return decode_image(read_image_bytes(where), where, max_pixels=max_pixels)


def load_rgb(source: ImageInput, *, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """:func:`open_image` then :func:`to_rgb`: what a vision model's processor wants."""
    where = "in-memory image" if isinstance(source, Image.Image) else os.fspath(source)
    return to_rgb(open_image(source, max_pixels=max_pixels), where)


def to_rgb(image: Image.Image, where: str = "image") -> Image.Image:
    """An 8-bit RGB copy of ``image`` (the same object when it already is RGB); see the module doc."""
    mode = image.mode
    if mode in ("P", "L", "RGB") and "transparency" in image.info:  # a palette entry or colour key made clear
        return _on_white(image.convert("RGBA"))
    if mode == "RGB":
        return image
    if mode in _WITH_ALPHA:
        return _on_white(image.convert("RGBA") if mode != "RGBA" else image)
    if mode in _GREY_16:
        return _grey_to_rgb(np.asarray(image, dtype=np.float64), 65535.0)
    if mode in ("I", "F"):
        return _grey_to_rgb(np.asarray(image, dtype=np.float64), None, floats=mode == "F")
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise DataError(f"{where}: image mode {mode} cannot be converted to RGB ({one_line(exc)})") from None


def _on_white(rgba: Image.Image) -> Image.Image:
    """Composite an RGBA image on a white background (premultiplied modes arrive converted)."""
    background = Image.new("RGBA", rgba.size, WHITE + (255,))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _grey_to_rgb(values: np.ndarray, full_scale: float | None, floats: bool = False) -> Image.Image:
    """Scale grey values to 0–255.

    Without a ``full_scale`` the range decides: floats within 0–1 are fractions, values within
    0–255 are already 8-bit, anything larger is 16-bit (32-bit ``I`` images hold 16-bit data in
    practice: that is what Pillow makes of 16-bit PNG and TIFF files).
    """
    finite = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
    if full_scale is None:
        top = float(finite.max()) if finite.size else 0.0
        full_scale = 1.0 if floats and top <= 1.0 else (255.0 if top <= 255.0 else 65535.0)
    scaled = np.clip(np.rint(finite * (255.0 / full_scale)), 0, 255).astype(np.uint8)
    return Image.fromarray(scaled).convert("RGB")
