"""The report parser's modules import in one direction: tokenizer, look-ups, reader.

Read from the source with ast, so an import added anywhere in a module (inside a function
or under TYPE_CHECKING too) counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "core"

# Each module may import parser modules of a lower rank only; the look-ups share a rank,
# so none of them may import another.
RANK = {
    "core.wording": 0,
    "core.report_dates": 1,
    "core.report_phrases": 1,
    "core.village_names": 1,
    "core.report_items": 2,
    "core.parser": 3,
}


def imports_of(source: str, package: str = "core") -> set[str]:
    """The modules of ``package`` a module's source imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            # "from core import wording" names a module; "from core.x import y" does not.
            if node.module == package:
                names = [f"{package}.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        else:
            continue
        found.update(n for n in names if n.startswith(package + "."))
    return found


def core_graph() -> dict[str, set[str]]:
    return {
        f"core.{path.stem}": imports_of(path.read_text(encoding="utf-8"))
        for path in sorted(CORE.glob("*.py"))
        if path.stem != "__init__"
    }


def back_edges(graph: dict[str, set[str]]) -> list[str]:
    """Imports between parser modules that do not point to a lower rank."""
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module in RANK
        for target in targets
        if target in RANK and RANK[target] >= RANK[module]
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles, each as the path that closes it."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            found.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return found


def test_the_parser_modules_import_downwards_only() -> None:
    graph = core_graph()
    assert set(RANK) <= set(graph), "a parser module was renamed: update RANK"
    # The reader uses every layer below it: the graph is read, not empty.
    assert {"core.wording", "core.village_names", "core.report_items"} <= graph["core.parser"]
    assert back_edges(graph) == []


def test_core_has_no_import_cycle() -> None:
    assert cycles(core_graph()) == []


@pytest.mark.parametrize(
    "source",
    [
        "from core.parser import ReportParser",
        "from core import report_phrases",
        "def late():\n    import core.report_items",
    ],
)
def test_a_back_edge_is_caught(source: str) -> None:
    graph = core_graph()
    graph["core.village_names"] = graph["core.village_names"] | imports_of(source)
    assert back_edges(graph)


def test_a_cycle_is_caught() -> None:
    graph = core_graph()
    graph["core.text"] = graph["core.text"] | {"core.units"}
    assert cycles(graph) == [["core.text", "core.units", "core.text"]]
