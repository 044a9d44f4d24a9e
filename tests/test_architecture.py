"""Data flows one way: these import rules keep the layers apart without anyone watching."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# package -> prefixes it must never import
FORBIDDEN = {
    "hub.domain": (
        "hub",
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
    # The pages are a client of the GraphQL API: they reach data only through it.
    "hub.web": (
        "hub.store",
        "hub.services",
        "hub.graphql",
        "hub.live",
        "hub.search",
        "asyncpg",
        "strawberry",
    ),
    # A search backend serves the GraphQL layer and the indexer; it knows neither.
    "hub.search": (
        "hub.graphql",
        "hub.http",
        "hub.web",
        "hub.app",
        "hub.cli",
        "hub.live",
        "workers",
        "strawberry",
        "starlette",
    ),
    # Exports turn entries into records and bytes; reading them is the store's, serving the
    # route's (hub.http.exports).
    "hub.exports": (
        "hub.graphql",
        "hub.http",
        "hub.web",
        "hub.app",
        "hub.services",
        "hub.store",
        "hub.live",
        "hub.search",
        "asyncpg",
        "strawberry",
        "starlette",
    ),
    # Rate limits count and identify; the layers above hand them addresses and names.
    "hub.limits": (
        "hub.graphql",
        "hub.http",
        "hub.web",
        "hub.app",
        "hub.services",
        "hub.store",
        "hub.live",
        "asyncpg",
        "strawberry",
        "starlette",
    ),
    # An import is a command and a use case; the command line reaches it, never the reverse.
    "hub.imports": (
        "hub.cli",
        "hub.graphql",
        "hub.http",
        "hub.web",
        "hub.app",
        "hub.live",
        "strawberry",
        "starlette",
    ),
    # Metrics, logs and traces are told things by every layer; they know none of them (the
    # backlog's figures come as the store's dataclass).
    "hub.observability": (
        "hub.graphql",
        "hub.http",
        "hub.web",
        "hub.app",
        "hub.cli",
        "hub.services",
        "hub.live",
        "hub.search",
        "workers",
        "asyncpg",
        "strawberry",
        "starlette",
    ),
}
# The domain may import itself.
ALLOWED = {"hub.domain": ("hub.domain",)}


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether module `name` is one of `prefixes` or inside one (hub.cli, not hub.cli_support)."""
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


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
            if _within(name, ALLOWED.get(package, ())):
                continue
            if _within(name, FORBIDDEN[package]):
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_sql_lives_in_the_store() -> None:
    offences = []
    packages = (
        "hub/graphql",
        "hub/services",
        "hub/domain",
        "hub/http",
        "hub/live",
        "hub/web",
        "hub/search",
        "hub/exports",
        "hub/imports",
        "workers",
    )
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in _imports(path):
                if name == "asyncpg" or name.startswith("asyncpg."):
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


# Import cycles that are known and on their way out; each pair is (importer, imported).
KNOWN_CYCLES: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The hub modules `path` imports at run time: at module level or inside functions, but not
    under `if TYPE_CHECKING:`. `from package import module` counts as importing the module."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit_one(other)
            else:
                visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name in known and name != module}


def _import_graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for package in ("hub", "workers") for p in _modules(package)}
    known = set(paths)
    return {name: _run_time_imports(path, name, known) for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                connect(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return found


def test_no_import_cycles_between_hub_modules() -> None:
    """A cycle makes the import order matter and the layers blur. Imports inside functions count
    (they only postpone the cycle); `if TYPE_CHECKING:` imports and strawberry.lazy references
    do not (nothing runs them while modules load)."""
    graph = _import_graph()
    for importer, imported in KNOWN_CYCLES:
        graph[importer].discard(imported)
    offences = [
        " <-> ".join(f"{m} -> {sorted(graph[m] & set(cycle))}" for m in cycle)
        for cycle in _cycles(graph)
    ]
    assert offences == []


def test_the_cycle_test_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "a.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import hub.b\n"
        "def f():\n    from hub import c\n    from hub.d import thing\n",
        encoding="utf-8",
    )
    found = _run_time_imports(module, "hub.a", {"hub.a", "hub.b", "hub.c", "hub.d"})
    assert found == {"hub.c", "hub.d"}
    assert _cycles({"x": {"y"}, "y": {"x"}, "z": {"x"}}) == [["x", "y"]]
