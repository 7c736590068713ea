"""OpenAI POST /v1/images/edits (multipart), plus the URLs DALL·E 2 answers with.

The edit returns the first input image, re-rendered at the requested size, with the prompt's
texts drawn on it: each in the box, colour and panel its prompt names (`sim/overlay.py`), or,
for a prompt that names no boxes, every double-quoted string in one block inside the mask's
transparent area. That is what the OCR gates downstream read back. Without a `model` field the
real API falls back to dall-e-2, which wants a square RGBA PNG and answers with a URL; the
simulator does the same, so a client that forgets `model` fails here as it would for real.
"""

from __future__ import annotations

import base64
import io
import secrets
import time
from dataclasses import replace
from typing import Any

from PIL import Image

from creative_assets_tests.provider_sim import images, overlay
from creative_assets_tests.provider_sim.openai_wire import (
    WIRE,
    OpenAIError,
    estimate_tokens,
    image_tokens,
    openai_error,
)
from creative_assets_tests.provider_sim.wire import (
    BadRequestBody,
    BlobWire,
    Call,
    Part,
    Response,
    Route,
    json_response,
    parse_multipart,
    route,
)

GPT_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
DALLE_SIZES = ("256x256", "512x512", "1024x1024")
SAMPLE_SCALE = (0.92, 1.0)  # the type of one edit against the largest that fits: overlay.py
OUTPUT_TOKENS = {"low": (272, 408), "medium": (1056, 1584), "high": (4160, 6240)}  # (square, 3:2)
FIELDS = {
    "model",
    "prompt",
    "size",
    "quality",
    "n",
    "output_format",
    "output_compression",
    "background",
    "input_fidelity",
    "response_format",
    "user",
    "stream",
    "partial_images",
}
MODERATION = (
    "Your request was rejected as a result of our safety system. Your request may contain content that "
    "is not allowed by our safety system."
)
BLOB_WIRE = BlobWire()


def _bad(message: str, param: str | None, code: str | None = "invalid_value") -> OpenAIError:
    return OpenAIError(400, message, param, code)


def _choice(fields: dict[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = fields.get(name, default)
    if value not in allowed:
        listed = ", ".join(f"'{a}'" for a in allowed)
        raise _bad(f"Invalid value: '{value}'. Supported values are: {listed}.", name)
    return value


def _decode(part: Part, what: str, param: str) -> Image.Image:
    try:
        img = Image.open(io.BytesIO(part.data))
        img.load()
    except (OSError, ValueError) as exc:
        raise _bad(
            f"Invalid image file or mode for {what}, please check your image file.",
            param,
            "invalid_image_file",
        ) from exc
    return img


def images_edits(call: Call) -> Response:
    try:
        return _edit(call)
    except OpenAIError as err:
        return openai_error(err.status, err.message, err.param, err.code)


def _edit(call: Call) -> Response:
    content_type = call.req.header("content-type") or ""
    try:
        parts = parse_multipart(call.req.body, content_type)
    except BadRequestBody as exc:
        raise _bad(
            f"Invalid Content-Type header ({content_type or 'none'}), expected multipart/form-data. ({exc})",
            None,
            None,
        ) from exc
    fields: dict[str, str] = {}
    inputs: list[Part] = []
    mask_part: Part | None = None
    for part in parts:
        if part.name in ("image", "image[]"):
            inputs.append(part)
        elif part.name == "mask":
            mask_part = part
        elif part.name in FIELDS:
            fields[part.name] = part.data.decode("utf-8", "replace")
        else:
            raise _bad(f"Unknown parameter: '{part.name}'.", part.name, "unknown_parameter")
    model = fields.get("model") or "dall-e-2"  # the API's own default when `model` is left out
    prices = call.sim.config.prices.image_edit_per_image
    if model not in prices:
        raise _bad(
            f"Invalid value: '{model}'. Supported values are: " + ", ".join(f"'{m}'" for m in prices) + ".",
            "model",
        )
    dalle = model == "dall-e-2"
    prompt = fields.get("prompt")
    if not prompt:
        raise _bad("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter")
    limit = 1000 if dalle else 32000
    if len(prompt) > limit:
        raise _bad(
            f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}, but got "
            f"a string with length {len(prompt)} instead.",
            "prompt",
            "string_above_max_length",
        )
    if not inputs:
        raise _bad("Missing required parameter: 'image'.", "image", "missing_required_parameter")
    if fields.get("stream", "false").lower() == "true":
        raise _bad("stream=true is not supported by the provider simulator.", "stream", None)
    if len(inputs) > (1 if dalle else 16):
        raise _bad(f"Too many images: {model} accepts at most {1 if dalle else 16}.", "image")
    decoded = [_decode(p, f"image {i + 1}", "image") for i, p in enumerate(inputs)]
    if dalle:
        _check_dalle_input(decoded[0], inputs[0])
        if "output_format" in fields or "background" in fields or "input_fidelity" in fields:
            raise _bad(
                "output_format, background and input_fidelity are only supported for gpt-image models.",
                "output_format",
                "unsupported_parameter",
            )
    elif "response_format" in fields:
        raise _bad("Unknown parameter: 'response_format'.", "response_format", "unknown_parameter")
    area, mask = None, None
    if mask_part is not None:
        mask = _decode(mask_part, "mask", "mask")
        if mask.size != decoded[0].size or "A" not in mask.getbands():
            raise _bad(
                "Invalid mask image format - mask size does not match image size or has no alpha channel.",
                "mask",
                "invalid_mask_image_format",
            )
        area = images.mask_area(mask)
    size = _choice(fields, "size", DALLE_SIZES if dalle else GPT_SIZES, "1024x1024" if dalle else "auto")
    quality = _choice(
        fields,
        "quality",
        ("standard",) if dalle else ("low", "medium", "high", "auto"),
        "standard" if dalle else "auto",
    )
    output_format = "png" if dalle else _choice(fields, "output_format", ("png", "jpeg", "webp"), "png")
    background = (
        "opaque" if dalle else _choice(fields, "background", ("transparent", "opaque", "auto"), "auto")
    )
    if background == "transparent" and output_format == "jpeg":
        raise _bad("Transparent background requires output_format png or webp.", "background")
    _choice(fields, "input_fidelity", ("high", "low"), "low")
    try:
        n = int(fields.get("n", "1"))
    except ValueError:
        n = 0
    if not 1 <= n <= 10:
        raise _bad(f"Invalid 'n': integer must be between 1 and 10, got {fields.get('n')!r}.", "n")
    if call.fault == "moderated":
        resp = openai_error(400, MODERATION, None, "moderation_blocked")
        resp.body = resp.body.replace(b'"invalid_request_error"', b'"image_generation_user_error"')
        resp.fault = "moderated"
        return resp

    width, height = _resolve_size(size, decoded[0])
    zones = overlay.zone_texts(prompt)
    texts = [z.text for z in zones] or images.quoted_texts(prompt)
    applied = None
    if call.fault == "misspelt_overlay" and texts:
        index = call.rng.randrange(len(texts))
        texts[index] = images.misspell(texts[index], call.rng)
        zones = [z if i != index else replace(z, text=texts[i]) for i, z in enumerate(zones)]
        applied = "misspelt_overlay"
    elif call.fault == "misplaced_overlay" and texts:
        zones, applied = [], "misplaced_overlay"  # every string in one block, ignoring the boxes
    canvas = images.fit_cover(decoded[0].convert("RGBA"), width, height)
    if zones:
        fitted_mask = images.fit_cover(mask, width, height) if mask is not None else None
        # A new sample per request, as the real model's (overlay.py); not from `call.rng`, which
        # a multipart body's random boundary would make unreproducible.
        sample = call.sim.rng("openai.images_edits", "sample")
        scale, shift = sample.uniform(*SAMPLE_SCALE), (sample.random(), sample.random())
        edited = overlay.render_zones(canvas, zones, fitted_mask, scale=scale, shift=shift)
    else:
        scaled_area = None
        if area is not None:
            sx, sy = width / decoded[0].width, height / decoded[0].height
            scaled_area = (round(area[0] * sx), round(area[1] * sy), round(area[2] * sx), round(area[3] * sy))
        edited = images.render_lines(canvas, texts, scaled_area)
    if background != "transparent":
        edited = edited.convert("RGB")
    compression = int(fields.get("output_compression", "90") or 90)
    data, _ = images.encode(edited, output_format, quality=compression)
    resolved_quality = "medium" if quality == "auto" else quality
    payload = _payload(call, dalle, fields, data, n, width, height)
    if not dalle:
        image_cost = sum(image_tokens(img.width, img.height, "high") for img in decoded)
        text_cost = estimate_tokens(prompt)
        out_tokens = OUTPUT_TOKENS[resolved_quality][0 if width == height else 1] * n
        payload.update(
            background="transparent" if background == "transparent" else "opaque",
            output_format=output_format,
            quality=resolved_quality,
            size=f"{width}x{height}",
            usage={
                "input_tokens": image_cost + text_cost,
                "input_tokens_details": {"image_tokens": image_cost, "text_tokens": text_cost},
                "output_tokens": out_tokens,
                "total_tokens": image_cost + text_cost + out_tokens,
            },
        )
    resp = json_response(payload, billed_usd=prices[model] * n, units={"images": n})
    resp.fault = applied
    resp.log = {"rendered_texts": texts, "size": f"{width}x{height}"}
    return resp


def _check_dalle_input(img: Image.Image, part: Part) -> None:
    if img.format != "PNG" or len(part.data) > 4 * 1024 * 1024:
        raise _bad("Invalid input image - format must be PNG and less than 4 MB.", "image", None)
    if img.width != img.height:
        raise _bad("Invalid input image - image must be square.", "image", None)
    if img.mode not in ("RGBA", "LA", "L"):
        raise _bad(
            f"Invalid input image - format must be in ['RGBA', 'LA', 'L'], got {img.mode}.", None, None
        )


def _resolve_size(size: str, first: Image.Image) -> tuple[int, int]:
    if size == "auto":
        ratio = first.width / first.height
        size = "1536x1024" if ratio > 1.2 else "1024x1536" if ratio < 1 / 1.2 else "1024x1024"
    width, height = (int(v) for v in size.split("x"))
    return width, height


def _payload(
    call: Call, dalle: bool, fields: dict[str, str], data: bytes, n: int, w: int, h: int
) -> dict[str, Any]:
    encoded = base64.b64encode(data).decode()
    if dalle and fields.get("response_format", "url") == "url":
        entries = []
        for _ in range(n):
            token = secrets.token_urlsafe(12)
            call.sim.blobs[token] = (data, "image/png")
            entries.append({"url": f"{call.sim.base_url}/openai-files/{token}.png"})
        return {"created": int(time.time()), "data": entries}
    return {"created": int(time.time()), "data": [{"b64_json": encoded} for _ in range(n)]}


def download(call: Call) -> Response:
    blob = call.sim.blobs.get(call.match["token"])
    if blob is None:
        return BLOB_WIRE.error(404, "not_found", "The specified blob does not exist.")
    return Response(200, blob[0], blob[1])


def routes(prefix: str) -> list[Route]:
    return [
        route("POST", prefix + r"/images/edits", images_edits, WIRE, "openai.images_edits"),
        route("GET", r"/openai-files/(?P<token>[\w-]+)\.png", download, BLOB_WIRE, "openai.files"),
    ]
