"""The package's import arrows point one way: the runtime never imports the test package (where the
provider simulator lives), and the gateway never imports a provider (providers import the gateway)."""

from __future__ import annotations

import ast
from pathlib import Path

import creative_assets

PACKAGE = Path(creative_assets.__file__).resolve().parent


def imported_modules(source: str, module: str) -> set[str]:
    """Absolute names a module imports (and the names it takes from them), wherever the import
    stands (functions, `if TYPE_CHECKING:`), relative imports resolved against `module`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = module.split(".")[: -node.level] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def offenders(folder: Path, forbidden: str) -> dict[str, list[str]]:
    found = {}
    for path in sorted(folder.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        names = imported_modules(path.read_text(encoding="utf-8"), module)
        bad = sorted(n for n in names if n == forbidden or n.startswith(forbidden + "."))
        if bad:
            found[module] = bad
    return found


def test_the_walk_resolves_relative_and_guarded_imports() -> None:
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..providers import http\n"
    names = imported_modules(source, "creative_assets.gateway.resource")
    assert "creative_assets.providers.http" in names
    assert offenders(PACKAGE / "gateway", "creative_assets.models")  # the walk sees real imports


def test_no_runtime_module_imports_the_test_package() -> None:
    assert offenders(PACKAGE, "creative_assets_tests") == {}


def test_the_gateway_imports_nothing_from_the_providers() -> None:
    assert offenders(PACKAGE / "gateway", "creative_assets.providers") == {}
