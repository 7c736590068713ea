"""Which model a stored record decodes into. A closed list, so a record can never name an
arbitrary class to import."""

from __future__ import annotations

from creative_assets import models
from creative_assets.models import Model

MODELS: dict[str, type[Model]] = {
    name: obj
    for name in models.__all__
    if isinstance(obj := getattr(models, name), type) and issubclass(obj, Model) and obj is not Model
}


def model_named(name: str) -> type[Model]:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"stored record names unknown model {name!r}") from None
