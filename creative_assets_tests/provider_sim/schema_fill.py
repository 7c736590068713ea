"""Make a JSON instance that validates against a JSON schema, as structured outputs do.

Covers the subset that pydantic and the OpenAI/Perplexity structured-output formats produce:
object/properties/required/additionalProperties/propertyNames, array (items, prefixItems,
minItems, maxItems, uniqueItems), string (enum, const, format, pattern, minLength,
maxLength), integer/number (minimum, maximum, exclusive bounds, multipleOf), boolean, null,
type lists, anyOf/oneOf/allOf and $ref (with $defs/definitions or any JSON pointer).

Strings are made meaningful from the property name (a `*_color` gets a hex colour, a
`headline` a short phrase built from the request's own words), because downstream code and
the pydantic models behind the schemas check more than the schema can say.
"""

from __future__ import annotations

import math
import random
import re
import uuid
from typing import Any

from creative_assets_tests.provider_sim import regex_sample

MAX_DEPTH = 8  # beyond this, optional parts are left out so recursive schemas terminate
DEFAULT_WORDS = ("team", "growth", "career", "future", "benefits", "flexibility", "purpose", "community")
COLOR_HINTS = ("color", "colour", "scrim", "background", "hex")
URL_HINTS = ("url", "website", "link", "href", "logo", "favicon", "image")
SHORT_HINTS = ("headline", "title", "name", "cta", "label", "subline", "tagline", "mood", "tone", "angle")
LONG_HINTS = ("description", "prompt", "concept", "summary", "analysis", "text", "reason", "rationale")
LONG_HINTS += ("brief", "body", "notes", "content", "explanation", "story", "space", "audience")


class SchemaFiller:
    def __init__(self, root: dict[str, Any], rng: random.Random, words: list[str] | None = None) -> None:
        self.root = root
        self.rng = rng
        self.words = [w for w in (words or []) if w] or list(DEFAULT_WORDS)

    def fill(self, schema: Any, name: str = "value", depth: int = 0) -> Any:
        if schema is True or schema is None or schema == {}:
            return self._string({}, name)
        if schema is False:
            raise ValueError(f"schema for {name!r} admits no value")
        schema = self._resolve(schema)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.fill(self._pick_option(schema[key], depth), name, depth + 1)
        kind = self._type_of(schema, depth)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "integer":
            return self._integer(schema, name)
        if kind == "number":
            return self._number(schema, name)
        if kind == "boolean":
            return self.rng.random() < 0.7
        if kind == "null":
            return None
        return self._string(schema, name)

    # ----------------------------------------------------------------- structure
    def _resolve(self, schema: dict[str, Any], seen: int = 0) -> dict[str, Any]:
        if "$ref" in schema:
            if seen > 50:
                raise ValueError("$ref cycle without any concrete schema")
            target = self._pointer(schema["$ref"])
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            return self._resolve({**target, **siblings}, seen + 1)
        if "allOf" in schema:
            merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                part = self._resolve(part, seen + 1)
                for key, value in part.items():
                    if key == "properties":
                        merged["properties"] = {**merged.get("properties", {}), **value}
                    elif key == "required":
                        merged["required"] = sorted({*merged.get("required", []), *value})
                    else:
                        merged.setdefault(key, value)
            return merged
        return schema

    def _pointer(self, ref: str) -> dict[str, Any]:
        if not ref.startswith("#"):
            raise ValueError(f"only local $refs are supported, got {ref!r}")
        node: Any = self.root
        for token in [t for t in ref[1:].split("/") if t]:
            node = node[token.replace("~1", "/").replace("~0", "~")]
        if not isinstance(node, dict):
            raise ValueError(f"$ref {ref!r} does not point at a schema")
        return node

    def _pick_option(self, options: list[Any], depth: int) -> Any:
        resolved = [self._resolve(o) if isinstance(o, dict) else o for o in options]
        non_null = [o for o in resolved if not (isinstance(o, dict) and o.get("type") == "null")]
        if not non_null:
            return resolved[0]
        if len(non_null) < len(resolved) and (depth >= MAX_DEPTH or self.rng.random() < 0.15):
            return {"type": "null"}
        return self.rng.choice(non_null)

    def _type_of(self, schema: dict[str, Any], depth: int) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            concrete = [k for k in kind if k != "null"]
            if not concrete or (len(concrete) < len(kind) and depth >= MAX_DEPTH):
                return "null"
            return concrete[0]
        if isinstance(kind, str):
            return kind
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
            return "number"
        return "string"

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        result = {
            key: self.fill(sub, key, depth + 1)
            for key, sub in properties.items()
            if key in required or depth < MAX_DEPTH
        }
        extra = schema.get("additionalProperties")
        if not properties and isinstance(extra, dict):
            names = self._resolve(schema.get("propertyNames") or {}).get("enum")
            count = max(int(schema.get("minProperties", 0)), 1)
            keys = (
                list(names)[: max(count, min(len(names), 2))]
                if names
                else [f"key_{i + 1}" for i in range(count)]
            )
            result.update({key: self.fill(extra, key, depth + 1) for key in keys})
        return result

    def _array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        prefix = schema.get("prefixItems") or []
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", max(low, len(prefix), 3)))
        wanted = (
            low if depth >= MAX_DEPTH else max(low, min(high, max(len(prefix), 2 + self.rng.randint(0, 1))))
        )
        items: list[Any] = [self.fill(sub, name, depth + 1) for sub in prefix[:wanted]]
        item_schema = schema.get("items", {})
        singular = name[:-1] if name.endswith("s") and len(name) > 3 else name
        for index in range(len(items), wanted):
            value = self.fill(item_schema, f"{singular}_{index + 1}", depth + 1)
            for _ in range(10):  # uniqueItems: redraw on a clash
                if not schema.get("uniqueItems") or value not in items:
                    break
                value = self.fill(item_schema, f"{singular}_{index + 1}", depth + 1)
            items.append(value)
        return items

    # ----------------------------------------------------------------- scalars
    def _bounds(self, schema: dict[str, Any], step: float) -> tuple[float | None, float | None]:
        low, high = schema.get("minimum"), schema.get("maximum")
        if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
            low = schema["exclusiveMinimum"] + step
        if "exclusiveMaximum" in schema and not isinstance(schema["exclusiveMaximum"], bool):
            high = schema["exclusiveMaximum"] - step
        return low, high

    def _integer(self, schema: dict[str, Any], name: str) -> int:
        low, high = self._bounds(schema, 1)
        lo = math.ceil(low) if low is not None else None
        hi = math.floor(high) if high is not None else None
        hint = {"seed": 1 + self.rng.randrange(2**31 - 2), "width": 1024, "height": 1024, "year": 2026}
        preferred = next((v for k, v in hint.items() if k in name.lower()), None)
        if preferred is not None and (lo is None or preferred >= lo) and (hi is None or preferred <= hi):
            value = preferred
        elif lo is not None and hi is not None:
            value = self.rng.randint(lo, hi)
        elif lo is not None:
            value = lo + self.rng.randint(0, 10)
        elif hi is not None:
            value = hi - self.rng.randint(0, 10)
        else:
            value = self.rng.randint(1, 10)
        multiple = schema.get("multipleOf")
        if multiple:
            value = int(multiple * math.ceil(value / multiple))
            if hi is not None and value > hi:
                value -= int(multiple)
        return value

    def _number(self, schema: dict[str, Any], name: str) -> float:
        low, high = self._bounds(schema, 1e-6)
        lo = low if low is not None else (high - 10 if high is not None else 0.0)
        hi = high if high is not None else lo + (1.0 if low is None else 10.0)
        value = round(self.rng.uniform(lo, hi), 3)
        value = min(max(value, lo), hi)
        multiple = schema.get("multipleOf")
        if multiple:
            value = multiple * math.floor(value / multiple)
            value = value if value >= lo else value + multiple
        return value

    def _string(self, schema: dict[str, Any], name: str) -> str:
        low = int(schema.get("minLength", 0))
        high = schema.get("maxLength")
        if "format" in schema and (value := self._formatted(schema["format"])) is not None:
            return value
        if pattern := schema.get("pattern"):
            return self._patterned(pattern, low, high)
        key = name.lower()
        value = self._by_name(key)
        if len(value) < low:
            filler = self._words(max(3, (low - len(value)) // 5 + 2))
            value = f"{value} {filler}"
            while len(value) < low:
                value += " " + self.rng.choice(self.words)
        if high is not None and len(value) > high:
            cut = value[:high]
            trimmed = cut.rsplit(" ", 1)[0] if " " in cut else cut
            value = trimmed if len(trimmed) >= low else cut
        return value

    def _patterned(self, pattern: str, low: int, high: int | None) -> str:
        try:
            for _ in range(25):
                value = regex_sample.sample(pattern, self.rng)
                if re.search(pattern, value) and low <= len(value) <= (high if high is not None else 10**9):
                    return value
        except regex_sample.Unsupported:
            pass
        return "x" * max(low, 1)  # best effort; a real model would fail here too

    def _formatted(self, fmt: str) -> str | None:
        rng = self.rng
        day, hour, minute = rng.randint(1, 28), rng.randint(7, 18), rng.choice((0, 15, 30, 45))
        return {
            "date-time": f"2026-11-{day:02d}T{hour:02d}:{minute:02d}:00Z",
            "date": f"2026-11-{day:02d}",
            "time": f"{hour:02d}:{minute:02d}:00",
            "duration": f"P{rng.randint(1, 30)}D",
            "email": f"jobs{rng.randint(1, 99)}@example.com",
            "hostname": "www.example.com",
            "ipv4": f"192.0.2.{rng.randint(1, 254)}",
            "ipv6": "2001:db8::1",
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "uri": f"https://www.example.com/{rng.choice(self.words).lower()}",
            "iri": "https://www.example.com/",
            "uri-reference": "/jobs",
        }.get(fmt)

    def _by_name(self, key: str) -> str:
        rng = self.rng
        if any(h in key for h in COLOR_HINTS):
            return f"#{rng.randrange(0x1000000):06x}"
        if any(h in key for h in URL_HINTS):
            return f"https://www.example.com/{key.replace('_', '-')}"
        if "email" in key:
            return "jobs@example.com"
        if key.endswith("_at") or "date" in key or "timestamp" in key:
            return self._formatted("date-time") or ""
        if key in ("language", "lang", "locale"):
            return "de"
        if "country" in key:
            return "DE"
        if key == "id" or key.endswith("_id") or "sha" in key or "hash" in key:
            return ("sim-" if "sha" not in key and "hash" not in key else "") + f"{rng.getrandbits(64):016x}"
        if "font" in key:
            return "DejaVu Sans"
        human = re.sub(r"_\d+$", "", key).replace("_", " ").strip().capitalize() or "Value"
        if any(h in key for h in SHORT_HINTS):
            return f"{self._words(2).capitalize()} {rng.choice(self.words)}".strip()
        if any(h in key for h in LONG_HINTS):
            return f"{human}: {self._words(8)}. {self._words(6).capitalize()}."
        return f"{human} {self._words(3)}"

    def _words(self, count: int) -> str:
        return " ".join(self.rng.choice(self.words) for _ in range(count))


def fill_schema(schema: dict[str, Any], rng: random.Random, words: list[str] | None = None) -> Any:
    """An instance of `schema`; `words` (from the request) make the strings sound on-topic."""
    return SchemaFiller(schema, rng, words).fill(schema, "value")


def salient_words(text: str, limit: int = 40) -> list[str]:
    """Distinct, longer words of a text: the vocabulary simulated answers are built from."""
    seen: dict[str, None] = {}
    for word in re.findall(r"(?<![\w-])[^\W\d_]{5,}(?:-[^\W\d_]+)*(?![\w-])", text):
        seen.setdefault(word, None)
        if len(seen) >= limit:
            break
    return list(seen)
