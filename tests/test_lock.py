"""The lock files the README and CI install from: every dependency pinned, hashed, within its bounds.

``requirements-test.txt`` locks the project with its test extra, ``requirements.txt`` the project
alone; both are made by ``uv pip compile`` (README, "Versions"). A dependency added to
``pyproject.toml`` and not locked, a pin outside its bound or a pin without hashes fails here.
"""

from __future__ import annotations

import re
import sys
import tomllib

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from conftest import REPO

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def pins(name: str) -> dict[str, list[tuple[Version, Marker | None, int]]]:
    """Each locked package: its versions, the marker each applies under and how many hashes it has."""
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    locked: dict[str, list[tuple[Version, Marker | None, int]]] = {}
    for index, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        hashes = 0
        for following in lines[index + 1:]:
            if not following.strip().startswith("--hash=sha256:"):
                break
            hashes += 1
        marker = Marker(match[3]) if match[3] else None
        locked.setdefault(canonicalize_name(match[1]), []).append((Version(match[2]), marker, hashes))
    return locked


def declared(extra: bool) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"] + (project["optional-dependencies"]["test"] if extra else [])]


@pytest.mark.parametrize(("lock", "extra"), [("requirements.txt", False), ("requirements-test.txt", True)])
def test_every_declared_dependency_is_locked_within_its_bounds_with_hashes(lock, extra):
    locked = pins(lock)
    assert len(locked) > 40
    for name, versions in locked.items():
        assert all(hashes > 0 for _version, _marker, hashes in versions), f"{lock}: {name} has no hash"
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{lock}: {requirement} is declared in pyproject.toml but not locked"
        for version, _marker, _hashes in locked[name]:
            assert requirement.specifier.contains(version, prereleases=True), f"{lock}: {name}=={version} is outside {requirement.specifier}"


def test_the_runtime_lock_is_the_test_lock_without_the_test_tools():
    runtime, test = pins("requirements.txt"), pins("requirements-test.txt")
    for name, versions in runtime.items():
        assert [v for v, _m, _h in versions] == [v for v, _m, _h in test.get(name, [])], f"{name}: the two locks disagree"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: re.sub(r"^segno==.*?(?=^\S)", "", text, flags=re.S | re.M), r"segno>=1\.6 is declared in pyproject.toml but not locked"),
        (lambda text: text.replace("typst==0.15.", "typst==0.16."), r"typst==0.16\.\S* is outside <0\.16,>=0\.15"),
        (lambda text: re.sub(r"(^jinja2==\S+ \\\n)(?:\s+--hash=.*\n)+", r"\1", text, flags=re.M), r"jinja2 has no hash"),
    ],
)
def test_the_lock_check_finds_a_missing_pin_an_out_of_bounds_pin_and_no_hash(tmp_path, monkeypatch, change, message):
    text = (REPO / "requirements-test.txt").read_text(encoding="utf-8")
    broken = change(text)
    assert broken != text
    (tmp_path / "requirements-test.txt").write_text(broken, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    with pytest.raises(AssertionError, match=message):
        test_every_declared_dependency_is_locked_within_its_bounds_with_hashes("requirements-test.txt", True)
