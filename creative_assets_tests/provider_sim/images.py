"""Real pictures for the simulated image providers: base images, text overlays and logos.

They are deterministic in their inputs (seed, prompt, size), so caches and retries behave
as with a seeded model, and they carry real pixels: the OCR gates downstream read the text
the simulated image editor renders and find the text a faulty base image contains.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from creative_assets.imaging.fonts import font_path

FONT_PATH = font_path(bold=True)
IMAGE_TYPES = ("job_focus", "lifestyle", "artistic", "location")
TYPE_HINTS = {
    "job_focus": ("desk", "office", "workplace", "warehouse", "shelf", "nurse", "hospital", "work"),
    "lifestyle": ("lifestyle", "sunset", "relax", "friends", "people", "warm", "outdoor", "family"),
    "artistic": ("abstract", "geometric", "artistic", "shapes", "pattern", "art"),
    "location": ("city", "skyline", "landscape", "lake", "mountain", "location", "hills", "town"),
}
STRAY_TEXTS = ("SALE 50%", "OPEN", "WELCOME", "EXIT", "HOTEL", "STOP")
FORMATS = {"png": ("PNG", "image/png"), "jpeg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}
_QUOTED = re.compile(r'"([^"\n]{1,200})"|“([^”\n]{1,200})”|„([^“”\n]{1,200})[“”]')


def stable_seed(*parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def guess_image_type(prompt: str, seed: int) -> str:
    words = prompt.lower()
    for image_type in IMAGE_TYPES:
        if image_type in words or image_type.replace("_", " ") in words:
            return image_type
    scores = {t: sum(words.count(hint) for hint in hints) for t, hints in TYPE_HINTS.items()}
    best = max(scores, key=lambda t: scores[t])
    return best if scores[best] else IMAGE_TYPES[seed % len(IMAGE_TYPES)]


def base_image(prompt: str, seed: int, width: int, height: int, *, with_text: bool = False) -> Image.Image:
    """A text-free illustration (unless `with_text`, which paints sign-like words on it)."""
    key = stable_seed(prompt, seed)
    try:
        from creative_assets.imaging.procedural import draw_base_image

        img = draw_base_image(guess_image_type(prompt, seed), key % (2**31), width, height)  # type: ignore[arg-type]
    except ImportError:  # the procedural painter is optional; a gradient still decodes and varies
        img = _gradient(key, width, height)
    if with_text:
        _paint_stray_text(img, random.Random(key))
    return img.convert("RGB")


def _gradient(key: int, width: int, height: int) -> Image.Image:
    rng = random.Random(key)
    top = tuple(rng.randint(30, 220) for _ in range(3))
    bottom = tuple(rng.randint(30, 220) for _ in range(3))
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return img


def _paint_stray_text(img: Image.Image, rng: random.Random) -> None:
    """A shop sign or poster in the scene: what diffusion models like to invent."""
    width, height = img.size
    text = rng.choice(STRAY_TEXTS)
    font = font_of(max(18, height // 9))
    draw = ImageDraw.Draw(img)
    box = draw.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    x = rng.randint(0, max(0, width - w - 20))
    y = rng.randint(height // 3, max(height // 3, height - h - 20))
    draw.rectangle((x, y, x + w + 20, y + h + 20), fill=(250, 245, 230))
    draw.text((x + 10 - box[0], y + 10 - box[1]), text, font=font, fill=(20, 20, 20))


# Fitting text tries a dozen sizes per string: each size's face is loaded once, as text_fit does.
@lru_cache(maxsize=256)
def font_of(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def quoted_texts(prompt: str) -> list[str]:
    """The strings an image-edit prompt asks to render: everything in double quotes."""
    found = []
    for match in _QUOTED.finditer(prompt):
        text = next(g for g in match.groups() if g is not None).strip()
        if text:
            found.append(text)
    return found


def misspell(text: str, rng: random.Random) -> str:
    """One plausible typo in the longest word: swap, drop or double a letter."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
    if not candidates:
        return text + text[-1:] if text else "x"
    index = max(candidates, key=lambda i: (len(words[i]), -i))
    word = words[index]
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    pos = rng.choice(letters[1:-1] or letters)
    mode = rng.choice(("swap", "drop", "double"))
    if mode == "swap" and pos + 1 < len(word) and word[pos + 1] != word[pos]:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif mode == "drop":
        word = word[:pos] + word[pos + 1 :]
    else:
        word = word[:pos] + word[pos] + word[pos:]
    words[index] = word
    return " ".join(words)


def fit_cover(img: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover the target and crop the centre, as a model re-renders at the new size."""
    scale = max(width / img.width, height / img.height)
    resized = img.resize((max(width, round(img.width * scale)), max(height, round(img.height * scale))))
    left, top = (resized.width - width) // 2, (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))


def render_lines(
    img: Image.Image, lines: list[str], area: tuple[int, int, int, int] | None = None
) -> Image.Image:
    """Each string on its own line(s), large, white on a dark panel: legible to OCR and people."""
    out = img.convert("RGBA")
    if not lines:
        return out
    width, height = out.size
    left, top, right, bottom = area or (width // 12, height // 2, width - width // 12, height - height // 12)
    max_w, max_h = right - left, bottom - top
    size = max(14, min(height // 10, max_h // max(1, len(lines)) * 3 // 4))
    while True:
        font = font_of(size)
        wrapped = [row for line in lines for row in wrap(line, font, max_w - size)]
        line_h = round(size * 1.25)
        if len(wrapped) * line_h + size // 2 <= max_h or size <= 14:
            break
        size -= 2
    overlay = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    block_h = len(wrapped) * line_h
    y = top + max(0, (max_h - block_h) // 2)
    draw.rounded_rectangle(
        (left, y - size // 3, right, y + block_h + size // 3), radius=size // 3, fill=(0, 0, 0, 210)
    )
    for row in wrapped:
        box = draw.textbbox((0, 0), row, font=font)
        x = left + (max_w - (box[2] - box[0])) // 2 - box[0]
        draw.text((x, y), row, font=font, fill=(255, 255, 255, 255))
        y += line_h
    return Image.alpha_composite(out, overlay)


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    rows: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and font.getlength(trial) > max_width:
            rows.append(current)
            current = word
        else:
            current = trial
    return [*rows, current] if current else rows


def mask_area(mask: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the mask's transparent (editable) pixels."""
    if mask.mode != "RGBA":
        return None
    editable = mask.getchannel("A").point(lambda a: 255 if a < 128 else 0)
    return editable.getbbox()


def logo_png(name: str, color: str) -> bytes:
    """A transparent logo: a coloured badge with the company's initials."""
    img = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    rgb = tuple(int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    draw.ellipse((8, 8, 152, 152), fill=(*rgb, 255))
    initials = "".join(w[0] for w in re.findall(r"[A-Za-zÄÖÜäöü]+", name)[:2]).upper() or "S"
    font = font_of(64)
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text((80 - (box[0] + box[2]) // 2, 80 - (box[1] + box[3]) // 2), initials, font=font, fill="white")
    draw.rounded_rectangle((176, 56, 460, 104), radius=24, fill=(*rgb, 255))
    return encode(img, "png")[0]


def encode(img: Image.Image, output_format: str = "png", quality: int = 90) -> tuple[bytes, str]:
    pil_format, content_type = FORMATS[output_format]
    buffer = io.BytesIO()
    if pil_format == "JPEG":
        img.convert("RGB").save(buffer, format="JPEG", quality=quality)
    elif pil_format == "WEBP":
        img.save(buffer, format="WEBP", quality=quality)
    else:
        # The simulator shares the benchmark's cores with the pipeline; its PNGs need not be small.
        img.save(buffer, format="PNG", optimize=False, compress_level=1)
    return buffer.getvalue(), content_type
