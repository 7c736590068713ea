"""PNG encoding, decoding and validation: every image crossing a boundary goes through here."""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import warnings
from collections import OrderedDict

from PIL import Image, UnidentifiedImageError

MIN_SIDE = 16  # logos can be small; creatives are checked against their configured size
MAX_SIDE = 4096
MAX_BYTES = 40 * 1024 * 1024


class InvalidImageError(ValueError):
    """An image that is corrupt, truncated, not a PNG, too small or too large."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code


# The pixels of PNG bytes this process has just encoded or decoded, by the identity of the bytes
# object: a picture encoded and handed on in-process (an editor's answer, a typeset overlay, a
# base image) or decoded twice is not decoded again. Only RGB(A) images within the size caps,
# which a decode of those bytes would give back exactly (PNG is lossless). Bounded to a few
# renditions at once and to pictures of a rendition's size; the entries are copies, and so is
# what they give out, so no caller's drawing reaches another.
_RECENT_MAX = 8
_RECENT_MAX_PIXELS = 2048 * 2048  # a story rendition is 1080×1920; a contact sheet is not kept
_recent: OrderedDict[int, tuple[bytes, Image.Image]] = OrderedDict()
_recent_lock = threading.Lock()


def _remember(data: bytes, img: Image.Image) -> None:
    if img.mode not in ("RGB", "RGBA") or len(data) > MAX_BYTES:
        return
    if min(img.size) < MIN_SIDE or max(img.size) > MAX_SIDE or img.width * img.height > _RECENT_MAX_PIXELS:
        return
    with _recent_lock:
        _recent[id(data)] = (data, img.copy())  # the bytes are held, so the id is not reused
        _recent.move_to_end(id(data))
        while len(_recent) > _RECENT_MAX:
            _recent.popitem(last=False)


def _recall(data: bytes) -> Image.Image | None:
    with _recent_lock:
        entry = _recent.get(id(data))
        if entry is None or entry[0] is not data:
            return None
        _recent.move_to_end(id(data))
        return entry[1].copy()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _opened(data: bytes, what: str, *, require_png: bool, load: bool) -> Image.Image:
    """Open untrusted bytes with every check that needs no pixels (byte and side caps, format,
    minimum size), then decode them (`load`) or verify them without decoding (PNG: every
    chunk's CRC up to IEND, which a truncated or altered file fails). The pixel cap is checked
    from the header before decoding, so a decompression bomb is refused without allocating it."""
    if len(data) > MAX_BYTES:
        raise InvalidImageError("image_too_large", f"{what} is {len(data)} bytes; the limit is {MAX_BYTES}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format
            width, height = img.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise InvalidImageError(
                    "image_too_large", f"{what} is {width}×{height}; the limit is {MAX_SIDE} px a side"
                )
            if require_png and fmt != "PNG":
                raise InvalidImageError("not_png", f"{what} is {fmt or 'unknown'}, expected PNG")
            if width < MIN_SIDE or height < MIN_SIDE:
                raise InvalidImageError(
                    "image_too_small", f"{what} is {width}×{height}; at least {MIN_SIDE} px a side"
                )
            if load:
                img.load()
            else:
                img.verify()
    except InvalidImageError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InvalidImageError("decompression_bomb", f"{what} claims too many pixels: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise InvalidImageError("not_an_image", f"{what} is not a decodable image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidImageError("corrupt_image", f"{what} is corrupt or truncated: {exc}") from exc
    return img


def open_image(data: bytes, *, what: str = "image", require_png: bool = False) -> Image.Image:
    """Decode untrusted bytes into a fully loaded RGB(A) image, or raise InvalidImageError."""
    known = _recall(data)
    if known is not None:
        return known
    img = _opened(data, what, require_png=require_png, load=True)
    fmt = img.format
    img = img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB")
    if fmt == "PNG":
        _remember(data, img)
    return img


def validate_png(data: bytes, *, what: str = "image") -> tuple[int, int]:
    """Check that bytes are a whole PNG with sane dimensions, without decoding the pixels
    (what the artifact store checks before every write: decoding each PNG again cost about as
    much as encoding it); returns (width, height)."""
    return _opened(data, what, require_png=True, load=False).size


def to_png(img: Image.Image, *, fast: bool = False) -> bytes:
    """Encode deterministically: same pixels, same bytes (no timestamps, fixed settings).
    `fast` trades size for speed, for images that are handed on but never stored."""
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=False, compress_level=1 if fast else 6)
    data = buffer.getvalue()
    _remember(data, img)
    return data


def thumbnail(label: str, data: bytes, *, side: int = 160) -> str:
    """One small inline preview for Dagster metadata: a markdown image of a JPEG data URI."""
    img = open_image(data, what=label).convert("RGB")
    img.thumbnail((side, side))
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=70)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    return f"![{label}](data:image/jpeg;base64,{encoded})"


def thumbnail_markdown(pngs: dict[str, bytes], *, side: int = 160) -> str:
    """One row of thumbnails (`thumbnail` of each image)."""
    return " ".join(thumbnail(label, data, side=side) for label, data in pngs.items())
