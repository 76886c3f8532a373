"""Installs anywhere: every import is a declared dependency, and every declared dependency is used.

``deptry`` reads ``pyproject.toml`` (``[tool.deptry]``) and the imports of the code. Two checks:

* the installed code (``src/``, ``hooks/``) against the runtime dependencies, with the ``test``
  extra as development dependencies: nothing undeclared (DEP001), nothing declared and unused
  (DEP002), nothing imported that only arrives with another package (DEP003), no test tool
  imported by the code a user installs (DEP004);
* everything, tests and benchmarks included, with the ``test`` extra counted as regular
  dependencies: the tests import nothing undeclared, and every test tool is used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

INSTALLED_CODE = ("src", "hooks")
EVERYTHING = ("src", "hooks", "tests", "benchmarks")
# Test tools no Python file imports by name: the browser tests load Playwright and zxing-cpp with
# pytest.importorskip; deptry (here) and lint-imports (test_architecture.py) run as commands.
NOT_IMPORTED = ("mkdocs-material", "playwright", "zxing-cpp", "deptry", "properdocs", "import-linter", "verifactu-sdk")  # verifactu-sdk: its XSDs are read as package data


def deptry(root: Path, *args: str, report: Path) -> tuple[subprocess.CompletedProcess, list[dict]]:
    result = subprocess.run(
        [sys.executable, "-m", "deptry", *args, "--no-ansi", "--json-output", str(report)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    issues = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else []
    return result, issues


def check_installed_code(root: Path, report: Path):
    return deptry(root, *INSTALLED_CODE, report=report)


def check_everything(root: Path, report: Path):
    return deptry(
        root,
        *EVERYTHING,
        "--exclude", r"\.venv|venv|\.git|.*/__pycache__",
        "--optional-dependencies-dev-groups", "",  # the test extra counts as regular dependencies here
        "--per-rule-ignores", "DEP002=" + "|".join(NOT_IMPORTED),
        report=report,
    )  # fmt: skip


def codes(issues: list[dict]) -> set[tuple[str, str]]:
    return {(issue["error"]["code"], issue["module"]) for issue in issues}


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's code and pyproject.toml, to break."""
    root = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in EVERYTHING:
        shutil.copytree(REPO / part, root / part, ignore=ignore)
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def edit_pyproject(root: Path, old: str, new: str) -> None:
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in pyproject.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_installed_code_declares_exactly_what_it_imports(tmp_path):
    result, issues = check_installed_code(REPO, tmp_path / "report.json")
    assert result.returncode == 0 and issues == [], result.stdout + result.stderr


def test_the_tests_import_only_declared_packages_and_use_every_test_tool(tmp_path):
    result, issues = check_everything(REPO, tmp_path / "report.json")
    assert result.returncode == 0 and issues == [], result.stdout + result.stderr


# An import not declared is DEP001 where the package is not installed, DEP003 where something
# else happened to install it: either way the check fails and names the package.
UNDECLARED = ("DEP001", "DEP003")


@pytest.mark.parametrize(
    ("old", "new", "check", "found"),
    [
        ('    "qrbill>=1.1"', '    # "qrbill>=1.1"', check_installed_code, (UNDECLARED, "qrbill")),
        ('    "segno>=1.6",', '    "segno>=1.6",\n    "requests>=2.31",', check_installed_code, (("DEP002",), "requests")),
        # Jinja2 comes with MkDocs, but the code imports it itself: it must say so.
        ('    "jinja2>=3.1",', "", check_installed_code, (("DEP003",), "jinja2")),
        ('    "aiosmtpd>=1.4",', "", check_everything, (UNDECLARED, "aiosmtpd")),
    ],
    ids=["undeclared-import", "unused-dependency", "transitive-only-import", "undeclared-test-import"],
)
def test_a_wrong_declaration_fails_naming_the_package(project, tmp_path, old, new, check, found):
    edit_pyproject(project, old, new)
    result, issues = check(project, tmp_path / "report.json")
    allowed, package = found
    assert result.returncode == 1
    [(code, module)] = sorted(codes(issues))
    assert code in allowed and module == package
    assert f"'{package}'" in result.stdout + result.stderr


def test_a_test_tool_imported_by_the_installed_code_fails(project, tmp_path):
    module = project / "src" / "invoicepub" / "links.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nimport pytest  # noqa\n", encoding="utf-8")
    result, issues = check_installed_code(project, tmp_path / "report.json")
    assert result.returncode == 1
    assert codes(issues) == {("DEP004", "pytest")}
