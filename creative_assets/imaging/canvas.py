"""The picture a rendition's text is set on: a base image cut and scaled to an ad format.

A canvas is made only as far as someone asks for it, and always from the base image's own
pixels. The i2i editor needs it at the model's size (1024² for a square), the typesetter and
the legibility check at the format's (1080² for 1:1): made one from the other, a square base
was scaled up to 1080 and back down to 1024 before the model saw it, two resamplings of the
photo and ~0.3 s of CPU per edit for a blurrier picture. Here each size is one resampling of
the base image, and a base image that already is the asked size goes as it is. The frame the
layouts step analysed (`frame_for_analysis`) is that same resampling at the format's size, and
is handed to the canvas instead of being made again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property

import cv2
import numpy as np
from PIL import Image

from creative_assets.imaging.formats import FULL_FRAME, AdFormat, reframe
from creative_assets.imaging.png import open_image, to_png, validate_png
from creative_assets.models.base import Box

Rect = tuple[int, int, int, int]
Size = tuple[int, int]


# Frames made for a format's analysis (defs/layout/framing.py), by base image, crop and size,
# until the canvas of that rendition takes them: in a run that executes in one process the
# compose step comes after layouts and would make each again. Taken once, so a frame is not kept
# beyond its canvas; bounded for frames no canvas in this process asks for.
_FRAMES_MAX = 16
_frames: OrderedDict[tuple, Image.Image] = OrderedDict()
_frames_lock = threading.Lock()


def _frame_key(base_png: bytes, crop: Box, size: Size) -> tuple:
    digest = hashlib.blake2b(base_png, digest_size=16).digest()
    return (digest, crop.x, crop.y, crop.w, crop.h, size)


def frame_for_analysis(base_png: bytes, crop: Box, size: Size) -> Image.Image:
    """`crop` of the base image at `size` (RGB), as a Canvas of them makes it; kept for the
    first such canvas in this process. Callers must not draw on it."""
    img = reframe(open_image(base_png, what="base image"), crop, size)
    with _frames_lock:
        _frames[_frame_key(base_png, crop, size)] = img
        while len(_frames) > _FRAMES_MAX:
            _frames.popitem(last=False)
    return img


def _take_frame(base_png: bytes, crop: Box, size: Size) -> Image.Image | None:
    with _frames_lock:
        return _frames.pop(_frame_key(base_png, crop, size), None)


def fit_frame(size: Size, within: Size) -> Rect:
    """Where a picture of `size` sits in a canvas of `within`: scaled uniformly to fit, centred."""
    scale = min(within[0] / size[0], within[1] / size[1])
    w, h = round(size[0] * scale), round(size[1] * scale)
    x, y = (within[0] - w) // 2, (within[1] - h) // 2
    return x, y, x + w, y + h


@dataclass
class Canvas:
    """`crop` of the base image (fractions of it), shown at `size` pixels (the ad format's)."""

    base_png: bytes
    crop: Box
    size: Size
    # The base image already decoded (RGB), by whoever holds it for several canvases.
    decoded: Image.Image | None = field(default=None, repr=False, compare=False)
    # Edit pictures made so far, by size: a rendition's retries send the same picture again.
    _fitted: dict[Size, tuple[bytes, Rect]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, png: bytes) -> Canvas:
        """A picture taken whole at its own size."""
        return cls(png, FULL_FRAME, validate_png(png, what="picture"))

    @classmethod
    def framed(cls, base_png: bytes, crop: Box, fmt: AdFormat, decoded: Image.Image | None = None) -> Canvas:
        return cls(base_png, crop, fmt.size, decoded)

    @cached_property
    def _base(self) -> Image.Image:
        """The base image decoded, once for both sizes a rendition asks for."""
        if self.decoded is not None:
            return self.decoded
        return open_image(self.base_png, what="base image").convert("RGB")

    def _scaled(self, size: Size) -> Image.Image:
        whole = self.crop == FULL_FRAME and self._base.size == size
        return self._base if whole else reframe(self._base, self.crop, size)

    @cached_property
    def _image(self) -> Image.Image:
        made = _take_frame(self.base_png, self.crop, self.size)
        return made if made is not None else self._scaled(self.size)

    def image(self) -> Image.Image:
        """The canvas decoded, RGB at the format's size; made once. Callers must not draw on it
        (the typesetter and the checks work on copies)."""
        return self._image

    def fitted(self, within: Size) -> tuple[bytes, Rect]:
        """The canvas as a picture of `within` (an edit size) and where it sits in it: the crop
        of the base image scaled uniformly to fit, centred, padded with its mean colour. A base
        image of exactly that size, taken whole, goes as it is (its bytes, so the request and its
        cache key are the base image's; checked from the header, nothing decoded)."""
        if within not in self._fitted:
            self._fitted[within] = self._fit(within)
        return self._fitted[within]

    def _fit(self, within: Size) -> tuple[bytes, Rect]:
        frame = fit_frame(self.size, within)
        if self.crop == FULL_FRAME and validate_png(self.base_png, what="base image") == within:
            return self.base_png, frame
        scaled = self._scaled((frame[2] - frame[0], frame[3] - frame[1]))
        # cv2 sums in double precision (exact for 8-bit pixels) without a float copy of the frame.
        mean = tuple(round(c) for c in cv2.mean(np.asarray(scaled))[:3])
        picture = Image.new("RGB", within, mean)  # type: ignore[arg-type]
        picture.paste(scaled, frame[:2])
        return to_png(picture, fast=True), frame  # sent, never stored
