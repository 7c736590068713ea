"""OpenAI's strict structured-output rules: what the real API refuses with a 400 up front.

The rules and the wording of the messages follow the documented "supported schemas" subset
and errors the API is reported to return, e.g. "Invalid schema for response_format 'x': In
context=('properties', 'description'), 'default' is not permitted." (pydantic-ai strips the
same keywords before it sends a strict schema). Raw pydantic schemas break these rules
(fields with defaults are neither required nor default-free), which is exactly what a client
must find in tests, not in production.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 10
MAX_PROPERTIES = 5000
MAX_ENUM_VALUES = 1000
NOT_PERMITTED = (
    "default",
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
)
STRING_FORMATS = ("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid")


class _Checker:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.properties = 0
        self.enum_values = 0

    def check(self, schema: Any, context: tuple[str, ...], depth: int) -> str | None:
        if not isinstance(schema, dict):
            return f"In context={context!r}, schema must be a JSON Schema object."
        for keyword in NOT_PERMITTED:
            if keyword in schema:
                return f"In context={context!r}, '{keyword}' is not permitted."
        if "$ref" in schema and len(schema) > 1:
            extra = sorted(k for k in schema if k != "$ref")
            return f"In context={context!r}, $ref cannot have keywords {extra!r}."
        fmt = schema.get("format")
        if fmt is not None and fmt not in STRING_FORMATS:
            return f"In context={context!r}, '{fmt}' is not a valid format."
        if isinstance(schema.get("enum"), list):
            self.enum_values += len(schema["enum"])
            if self.enum_values > MAX_ENUM_VALUES:
                return f"Schema has {self.enum_values} enum values; the limit is {MAX_ENUM_VALUES}."
        kind = schema.get("type")
        is_object = (
            kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in schema
        )
        if is_object:
            if depth > MAX_DEPTH:
                return f"In context={context!r}, objects are nested more than {MAX_DEPTH} levels deep."
            if schema.get("additionalProperties") is not False:
                return (
                    f"In context={context!r}, 'additionalProperties' is required to be supplied "
                    "and to be false."
                )
            properties = schema.get("properties") or {}
            required = schema.get("required") or []
            missing = [key for key in properties if key not in required]
            if missing:
                return (
                    f"In context={context!r}, 'required' is required to be supplied and to be an array "
                    f"including every key in properties. Missing '{missing[0]}'."
                )
            self.properties += len(properties)
            if self.properties > MAX_PROPERTIES:
                return f"Schema has {self.properties} object properties; the limit is {MAX_PROPERTIES}."
            for key, sub in properties.items():
                if problem := self.check(sub, (*context, "properties", key), depth + 1):
                    return problem
        if "items" in schema and (problem := self.check(schema["items"], (*context, "items"), depth)):
            return problem
        for index, sub in enumerate(schema.get("prefixItems") or []):
            if problem := self.check(sub, (*context, "prefixItems", str(index)), depth):
                return problem
        for key in ("anyOf", "oneOf"):
            for index, sub in enumerate(schema.get(key) or []):
                if problem := self.check(sub, (*context, key, str(index)), depth):
                    return problem
        for key in ("$defs", "definitions"):
            for name, sub in (schema.get(key) or {}).items():
                if problem := self.check(sub, (*context, key, name), depth):
                    return problem
        return None


def strict_schema_error(schema: Any, name: str) -> str | None:
    """The message the API would answer with, or None when the schema is acceptable."""
    prefix = f"Invalid schema for response_format '{name}': "
    if not isinstance(schema, dict):
        return prefix + "schema must be a JSON Schema object."
    if "anyOf" in schema or schema.get("type") != "object":
        got = schema.get("type", "anyOf" if "anyOf" in schema else None)
        return prefix + f"schema must be a JSON Schema of 'type: \"object\"', got 'type: \"{got}\"'."
    problem = _Checker(schema).check(schema, (), 1)
    return prefix + problem if problem else None
