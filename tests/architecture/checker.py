"""An AST reading of the source tree and the rules its imports must keep (docs/architecture.md).

Every ``import`` statement counts, the ones inside functions too, and so does an ``importlib.import_module`` call
with a string literal. Imports under ``if TYPE_CHECKING:`` are left out of the cycle check only: they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The packages read: the floors from the bottom up.
PACKAGES = ("calc", "docimport", "docgen", "apps", "config")

#: The apps from the bottom floor up: an app imports only apps listed before it.
APP_ORDER = (
    "core", "audit", "jobs", "staging", "accounts", "geo", "indicators", "review", "evidence", "programs", "setup",
    "reporting", "tasks", "planimport", "monitoring", "surveys", "assessment", "province", "scoring", "publication",
    "reports", "demo", "ops",
)

#: Packages that a floor may not import (beyond the apps rules below).
FORBIDDEN = {
    "calc": ("django", "apps", "docimport", "config"),
    "docimport": ("django", "apps", "config"),
    "docgen": ("django", "apps", "docimport", "config"),
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. "apps.core.nav"
    target: str  # the imported module, resolved to the deepest module of the tree when it is one
    path: str  # the importing file, relative to the root
    line: int
    type_checking: bool = False


@dataclass(frozen=True)
class Tree:
    modules: dict[str, str]  # module name -> file path relative to the root
    imports: tuple[Import, ...]
    access_defs: tuple[tuple[str, int, str], ...]  # (path, line, function name) of every def access_*


def module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_tree(root: Path, packages: Sequence[str] = PACKAGES) -> Tree:
    files = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            files[module_name(path.relative_to(root))] = path
    modules = {name: path.relative_to(root).as_posix() for name, path in files.items()}
    imports: list[Import] = []
    access_defs: list[tuple[str, int, str]] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        visitor = _Visitor(name, is_package, modules)
        visitor.visit(tree)
        relative = modules[name]
        imports += [Import(name, target, relative, line, tc) for target, line, tc in visitor.found]
        access_defs += [(relative, line, fn) for line, fn in visitor.access_defs]
    return Tree(modules, tuple(imports), tuple(access_defs))


class _Visitor(ast.NodeVisitor):
    def __init__(self, name: str, is_package: bool, modules: dict[str, str]) -> None:
        self.package = name if is_package else name.rpartition(".")[0]
        self.modules = modules
        self.found: list[tuple[str, int, bool]] = []
        self.access_defs: list[tuple[int, str]] = []
        self._type_checking = 0

    def _add(self, target: str, line: int) -> None:
        self.found.append((target, line, self._type_checking > 0))

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        self.visit(test)
        self._type_checking += guarded
        for child in node.body:
            self.visit(child)
        self._type_checking -= guarded
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            anchor = self.package.split(".") if self.package else []
            anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            candidate = f"{base}.{alias.name}" if base else alias.name
            self._add(candidate if candidate in self.modules else base, node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "import_module" and node.args and isinstance(node.args[0], ast.Constant):
            if isinstance(node.args[0].value, str):
                self._add(node.args[0].value, node.lineno)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name.startswith("access_"):
            self.access_defs.append((node.lineno, node.name))
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "apps" else None


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(tree: Tree, app_order: Sequence[str] = APP_ORDER) -> list[str]:
    """Every broken rule, one line each, naming the file and line."""
    found: list[str] = []
    rank = {app: i for i, app in enumerate(app_order)}
    for imp in tree.imports:
        where = f"{imp.path}:{imp.line}: {imp.source} imports {imp.target}"
        floor = imp.source.split(".")[0]
        for banned in FORBIDDEN.get(floor, ()):
            if _within(imp.target, banned):
                found.append(f"{where} ({floor}/ may not import {banned})")
        source_app, target_app = app_of(imp.source), app_of(imp.target)
        if target_app is None or target_app == source_app:
            continue
        if target_app == "demo":
            found.append(f"{where} (apps.demo is imported by nobody)")
        elif source_app == "core":
            found.append(f"{where} (apps.core imports no other app)")
        elif source_app is not None:
            if source_app not in rank or target_app not in rank:
                found.append(f"{where} (app missing from APP_ORDER)")
            elif rank[target_app] > rank[source_app]:
                found.append(f"{where} (apps.{source_app} is below apps.{target_app} in APP_ORDER)")
    for path, line, name in tree.access_defs:
        parts = Path(path).parts
        if not (len(parts) == 3 and parts[0] == "apps" and parts[2] == "access.py"):
            found.append(f"{path}:{line}: def {name} outside apps/*/access.py")
    found += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(tree)]
    return list(dict.fromkeys(found))  # one line per offending statement


def module_graph(tree: Tree) -> dict[str, set[str]]:
    """Module -> the modules of the tree it imports at run time (TYPE_CHECKING imports left out)."""
    graph: dict[str, set[str]] = {name: set() for name in tree.modules}
    for imp in tree.imports:
        if imp.type_checking or imp.target == imp.source:
            continue
        if imp.target in tree.modules:
            graph[imp.source].add(imp.target)
    return graph


def cycles(tree: Tree) -> list[list[str]]:
    """One cycle for each strongly connected component of more than one module, sorted."""
    graph = module_graph(tree)
    return sorted(_cycle_in(graph, component) for component in _components(graph) if len(component) > 1)


def _components(graph: dict[str, set[str]]) -> Iterable[set[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                yield component


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module, for a readable message."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return sorted(component)
