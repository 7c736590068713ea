"""JSON schemas for OpenAI's strict structured outputs, generated from our pydantic models.

Strict mode accepts a subset of JSON Schema: every object lists all its properties as required
and sets `additionalProperties: false`; `default`, `minLength`/`maxLength`, `allOf` and friends
are refused with a 400. Our models use exactly those (length limits, defaults), so the schema is
transformed, never hand-written: `$defs` are inlined, refused keywords dropped (length limits move
into the description, so the model still reads them), optional fields become required-but-
nullable. The answer is then validated with the real model, which still enforces every limit;
`drop_nulls()` first removes the nulls strict mode forced on fields that have a default.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel

REFUSED = (
    "default",
    "title",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
    "minLength",
    "maxLength",
    "patternProperties",
    "unevaluatedProperties",
    "propertyNames",
    "minProperties",
    "maxProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "uniqueItems",
    "examples",
)
STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)


class SchemaError(ValueError):
    """A model uses a construct strict mode cannot express (e.g. a free-form dict)."""


def _inline(node: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    if depth > 32:
        raise SchemaError("recursive models cannot be inlined into a strict schema")
    if isinstance(node, list):
        return [_inline(item, defs, depth) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        return _inline({**target, **siblings}, defs, depth + 1)
    if "allOf" in node and len(node["allOf"]) == 1:  # pydantic's wrapper for a $ref with siblings
        merged = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
        return _inline(merged, defs, depth + 1)
    return {k: _inline(v, defs, depth + 1) if k != "$defs" else v for k, v in node.items()}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    options = node.get("anyOf")
    if isinstance(options, list) and any(o.get("type") == "null" for o in options):
        return node
    if node.get("type") == "null":
        return node
    description = node.get("description")
    inner = {k: v for k, v in node.items() if k != "description"}
    result: dict[str, Any] = {"anyOf": [inner, {"type": "null"}]}
    return {**result, "description": description} if description else result


def _length_hint(node: dict[str, Any]) -> str | None:
    low, high = node.get("minLength"), node.get("maxLength")
    if low is not None and high is not None:
        return f"{low} to {high} characters"
    if high is not None:
        return f"at most {high} characters"
    return f"at least {low} characters" if low is not None else None


def _strict(node: Any, where: str) -> Any:
    if not isinstance(node, dict):
        return node
    hint = _length_hint(node)
    out = {k: v for k, v in node.items() if k not in REFUSED and k != "$defs"}
    if hint:
        out["description"] = f"{out['description']} ({hint})" if out.get("description") else hint.capitalize()
    if "format" in out and out["format"] not in STRING_FORMATS:
        del out["format"]  # e.g. pydantic's "uri": validated on receipt instead
    is_object = out.get("type") == "object" or "properties" in out
    if is_object:
        if isinstance(out.get("additionalProperties"), dict) or not out.get("properties"):
            raise SchemaError(
                f"{where or 'the root'} is a free-form object; strict mode needs fixed properties"
            )
        required = set(node.get("required") or [])
        properties = {}
        for key, sub in out["properties"].items():
            converted = _strict(sub, f"{where}.{key}" if where else key)
            properties[key] = converted if key in required else _nullable(converted)
        out.update(properties=properties, required=list(properties), additionalProperties=False)
    if "items" in out:
        out["items"] = _strict(out["items"], f"{where}[]")
    for key in ("anyOf", "oneOf"):
        if key in out:
            out[key] = [_strict(option, where) for option in out[key]]
    return out


def strict_schema(model: type[BaseModel], *, omit: Collection[str] = ()) -> dict[str, Any]:
    """The model's JSON schema in OpenAI's strict subset; `omit` leaves out top-level fields the
    caller fills itself (facts that must not come from a language model)."""
    raw = model.model_json_schema()
    inlined = _inline({k: v for k, v in raw.items() if k != "$defs"}, raw.get("$defs", {}))
    inlined["properties"] = {k: v for k, v in inlined["properties"].items() if k not in omit}
    inlined["required"] = [k for k in inlined.get("required", []) if k not in omit]
    return _strict(inlined, "")


def object_schema(properties: Mapping[str, dict[str, Any]], description: str | None = None) -> dict[str, Any]:
    """A strict object of the given (already strict) properties, e.g. one entry per variant."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties),
        "additionalProperties": False,
    }
    return {**schema, "description": description} if description else schema


def drop_nulls(data: Any, model: type[BaseModel]) -> Any:
    """Remove nulls the strict schema forced onto fields whose model type does not allow None,
    so pydantic applies the field's default (recursing into nested models and their lists)."""
    if not isinstance(data, dict):
        return data
    cleaned = {}
    for key, value in data.items():
        field = model.model_fields.get(key)
        if field is None:
            cleaned[key] = value  # unknown keys are left for validation to report
            continue
        if value is None and not field.is_required() and field.default is not None:
            continue
        nested = _model_of(field.annotation)
        if nested is not None and isinstance(value, dict):
            value = drop_nulls(value, nested)
        elif nested is not None and isinstance(value, list):
            value = [drop_nulls(item, nested) for item in value]
        cleaned[key] = value
    return cleaned


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None
