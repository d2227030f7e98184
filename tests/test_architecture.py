"""Which app may import which: the dependency rules of docs/architecture.md, read from the source."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names; ``from . import x`` is the file's own app)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def imports_of_package(app: str, package: str) -> list[str]:
    """``file: module`` for each import of ``package`` (or a module in it) by the app's own code."""
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for module in imported_modules(path):
            if module == package or module.startswith(f"{package}."):
                found.append(f"{path.relative_to(ROOT)}: {module}")
    return found


def test_imported_modules_sees_plain_dotted_and_nested_imports(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "import portal\nfrom portal.numbers import x\ndef f():\n    from portal import mfa\nfrom . import y\n"
    )
    assert imported_modules(source) == {"portal", "portal.numbers"}


@pytest.mark.parametrize("app", ["tasks", "inputs", "adminscope", "roles"])
def test_app_does_not_import_the_project_package(app):
    """``portal`` is the project's wiring (settings, urls, users, login): the apps below it never import it.

    Migrations name the ``portal`` app as a dependency (a string), which is no import.
    """
    assert imports_of_package(app, "portal") == []


@pytest.mark.parametrize("app", ["inputs", "adminscope"])
def test_helper_app_does_not_import_tasks(app):
    """The helper apps sit below tasks (tasks' admin and forms use them): no import back."""
    assert imports_of_package(app, "tasks") == []
