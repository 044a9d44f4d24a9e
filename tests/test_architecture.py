"""Data flows one way: these import rules keep the layers apart without anyone watching."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> prefixes it must never import
FORBIDDEN = {
    "hub.domain": (
        "hub.",
        "workers",
        "asyncpg",
        "strawberry",
        "starlette",
        "redis",
        "meilisearch_python_sdk",
        "httpx",
    ),
    "hub.store": (
        "hub.graphql",
        "hub.http",
        "hub.services",
        "hub.live",
        "hub.app",
        "strawberry",
        "starlette",
    ),
    "hub.services": ("hub.graphql", "hub.http", "hub.live", "hub.app", "strawberry", "starlette"),
    "hub.graphql": ("hub.http", "hub.app", "starlette"),
    "hub.live": ("hub.graphql", "hub.http", "hub.app", "strawberry", "starlette"),
    "workers": ("hub.graphql", "hub.http", "hub.app"),
}
# The domain may import itself.
ALLOWED = {"hub.domain": ("hub.domain",)}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_import_only_downwards(package: str) -> None:
    offences = []
    for path in _modules(package):
        for name in _imports(path):
            if name.startswith(ALLOWED.get(package, ())):
                continue
            if name.startswith(FORBIDDEN[package]) or name in FORBIDDEN[package]:
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_sql_lives_in_the_store() -> None:
    offences = []
    for package in ("hub/graphql", "hub/services", "hub/domain", "hub/http", "hub/live", "workers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _imports(path):
                if name == "asyncpg" or name.startswith("asyncpg."):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []
