"""The packages form layers: a module imports (at module level) only from its own package or lower
ones.

docs/architecture.md draws the same picture. An import inside a function, or under
``TYPE_CHECKING``, is how a lower layer names a higher one on purpose (a signal naming its index
class, as python-threatexchange does); a module-level import upwards is a cycle in the making.
"""

from __future__ import annotations

import ast
from pathlib import Path

import rempart

#: Lowest first. Packages on one line share a layer and must not import each other.
LAYERS: list[set[str]] = [
    {"errors", "settings", "i18n", "private_files", "__init__"},
    {"pages", "samples", "media"},
    {"signals"},
    {"sources"},
    {"store"},
    {"index", "evidence", "intel", "exchanges"},
    {"investigate"},
    {"api", "bot"},
    {"web"},
    {"app"},
    {"demo", "bench"},
    {"cli"},
]
ROOT = Path(rempart.__file__).parent


def _package(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _layer(package: str) -> int:
    return next(number for number, members in enumerate(LAYERS) if package in members)


def _module_level_imports(tree: ast.Module) -> list[str]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rempart."):
            found.append(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.extend(
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("rempart.")
            )
    return found


def test_every_package_has_a_layer() -> None:
    packages = {_package(path) for path in ROOT.rglob("*.py") if "migrations" not in path.parts}
    assert packages <= set().union(*LAYERS), packages - set().union(*LAYERS)


def test_module_level_imports_only_go_down() -> None:
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        package = _package(path)
        for target in _module_level_imports(ast.parse(path.read_text())):
            if target != package and _layer(target) >= _layer(package):
                upward.append(f"{path.relative_to(ROOT)} imports rempart.{target}")
    assert upward == []
