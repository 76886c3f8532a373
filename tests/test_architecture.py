"""The arrows of the core run one way (ARCHITECTURE.md): ``lint-imports`` (import-linter) keeps
the contracts written in pyproject.toml, and breaks on a copy of the package given an arrow
that runs back up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path, source: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(source))
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )


def _lint_broken_copy(tmp_path: Path, module: str, old: str, new: str) -> subprocess.CompletedProcess:
    """``lint-imports`` on a copy of the package whose ``module`` has ``old`` replaced by ``new``."""
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "src" / "invoicepub", tmp_path / "src" / "invoicepub", ignore=shutil.ignore_patterns("__pycache__", "locale"))
    path = tmp_path / "src" / "invoicepub" / module
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return _lint(tmp_path, tmp_path / "src")


def test_the_contracts_are_kept():
    result = _lint(REPO, REPO / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_an_arrow_back_up_breaks_them(tmp_path):
    # The figures importing a command that writes invoice files, as they once did through estimates.
    result = _lint_broken_copy(tmp_path, "figures.py", "from .model import", "from . import new_invoice  # noqa\nfrom .model import")
    assert result.returncode == 1
    assert "nothing that writes files BROKEN" in " ".join(result.stdout.split())
    assert "invoicepub.figures -> invoicepub.new_invoice" in result.stdout


def test_a_layer_reaching_up_breaks_the_layers(tmp_path):
    # The site (the published site as data) naming a view's function: a layer reaching up.
    result = _lint_broken_copy(tmp_path, "site.py", "from . import links, seal", "from . import links, seal, views  # noqa")
    assert result.returncode == 1
    assert "The layers run one way" in result.stdout and "3 kept, 1 broken" in result.stdout
    assert "invoicepub.site is not allowed to import invoicepub.views" in result.stdout


MAX_LINES = 50


def _function_lengths() -> dict[str, int]:
    import ast

    found = {}
    for path in sorted([*(REPO / "src").rglob("*.py"), *(REPO / "hooks").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[f"{path.relative_to(REPO).as_posix()}:{node.name}"] = node.end_lineno - node.lineno + 1
    return found


def test_no_function_grows_past_fifty_lines():
    lengths = _function_lengths()
    assert len(lengths) > 300  # the walk found the code
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert too_long == {}, "split these into named steps"
