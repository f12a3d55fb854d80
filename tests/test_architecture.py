"""Rules of the code base that import-linter does not cover: file size, and core's imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "core", "handlers", "storage", "scheduler", "locales")
MAX_LINES = 400


def source_files(*packages: str) -> list[Path]:
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py"))


def top_level_imports(source: str) -> set[str]:
    """The top-level names of every absolute import in the source, wherever it stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_source_file_is_over_400_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in source_files(*PACKAGES)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}, f"files over {MAX_LINES} lines: {too_long}"


def test_core_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | {"core"}
    foreign = {
        str(path.relative_to(ROOT)): sorted(outside)
        for path in source_files("core")
        if (outside := top_level_imports(path.read_text(encoding="utf-8")) - allowed)
    }
    assert foreign == {}, f"core must import only the standard library: {foreign}"


def test_the_import_scan_sees_every_form_of_import() -> None:
    source = (
        "import telegram.ext\n"
        "from pydantic import BaseModel\n"
        "from . import models\n"
        "def f():\n"
        "    import aiosqlite\n"
        "if TYPE_CHECKING:\n"
        "    from babel.dates import format_date\n"
    )
    assert top_level_imports(source) == {"telegram", "pydantic", "aiosqlite", "babel"}
