"""The shape of the codebase that a newcomer relies on: the seams between the apps (import-linter's contracts
in pyproject.toml), imports at the top of modules where a reader looks for them, and modules small enough
to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "analysis", "config", "core", "dashboards", "devtools", "forum", "notifications")
MAX_LINES = 600


def _source_files(*, with_tests: bool):
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or (not with_tests and "tests" in parts):
                continue
            yield path


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(  # noqa: S603 - our own virtualenv's tool, no shell
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " broken" in result.stdout and "0 broken" in result.stdout


def _late_cross_app_imports(path: Path) -> list[str]:
    app = path.relative_to(ROOT).parts[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                names = [inner.module]
            elif isinstance(inner, ast.Import):
                names = [alias.name for alias in inner.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.append(f"{path.relative_to(ROOT)}:{inner.lineno} imports {name} in {node.name}()")
    return found


def test_apps_import_each_other_at_the_top_of_a_module_not_inside_functions():
    late = [line for path in _source_files(with_tests=False) for line in _late_cross_app_imports(path)]
    assert late == []


def test_no_source_module_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _source_files(with_tests=True)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_source_points_outside_the_repository():
    # A user's clone has nothing beside it: what the code needs from outside comes from a setting, and a
    # comment or docstring that sends the reader there sends them nowhere.
    outside = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _source_files(with_tests=True)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "../shared" in line
    ]
    assert outside == []
